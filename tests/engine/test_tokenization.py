"""Tokenization: normalisation, HTML breaks, offsets into the original text, BPE, save/load."""

from __future__ import annotations

import pytest

from sentido.engine.errors import BundleError
from sentido.engine.tokenization import TextTokenizer, train_tokenizer, word_pieces
from tests.helpers import CORPUS


def test_offsets_point_into_the_original_text():
    tok = train_tokenizer(CORPUS, min_frequency=1)
    text = "Terrible FILM.<br /><br />I didn't ＬＯＶＥ it"
    enc = tok.encode(text)
    assert [t.text for t in enc.tokens] == ["Terrible", "FILM", ".", "I", "didn't", "ＬＯＶＥ", "it"]
    for t in enc.tokens:
        assert text[t.start:t.end] == t.text
    # Lower-casing and NFKC: the full-width word maps to the same id as "love" would.
    assert enc.ids[5] == tok.encode("love").ids[0]
    assert tok.id_to_token(enc.ids[0]) == "terrible"


def test_html_breaks_are_spaces_and_apostrophes_stay_in_words():
    assert word_pieces("Great<br />fun, don't miss it!") == ["great", "fun", ",", "don't", "miss", "it", "!"]
    assert word_pieces("it 's n't") == ["it", "'", "s", "n't"]


def test_unknown_words_and_special_ids():
    tok = train_tokenizer(CORPUS, min_frequency=1)
    assert (tok.pad_id, tok.unk_id, tok.eos_id) == (0, 1, 2)
    assert tok.encode("zxqv").ids == [tok.unk_id]
    assert tok.encode("").ids == [] and tok.encode("   \n").ids == []


def test_bpe_splits_unknown_words_and_round_trips(tmp_path):
    tok = train_tokenizer(CORPUS * 5, kind="bpe", vocab_size=200, min_frequency=1)
    enc = tok.encode("wonderfully moving")
    assert tok.unk_id not in enc.ids and len(enc.ids) > 2
    assert not tok.is_word_start(next(i for i in enc.ids[1:] if tok.id_to_token(i).startswith("##")))
    assert tok.decode(enc.ids) == "wonderfully moving"
    tok.save(tmp_path / "tokenizer.json")
    assert TextTokenizer.from_file(tmp_path / "tokenizer.json").encode("wonderfully moving").ids == enc.ids


def test_batch_encoding_matches_single():
    tok = train_tokenizer(CORPUS, min_frequency=1)
    assert [e.ids for e in tok.encode_batch(CORPUS)] == [tok.encode(t).ids for t in CORPUS]
    assert tok.ids_batch(CORPUS) == [tok.encode(t).ids for t in CORPUS]


def test_broken_tokenizer_file(tmp_path):
    (tmp_path / "tokenizer.json").write_text("{not json")
    with pytest.raises(BundleError, match="not a valid tokenizer.json"):
        TextTokenizer.from_file(tmp_path / "tokenizer.json")


def test_unknown_kind():
    with pytest.raises(ValueError, match="valid: word, bpe"):
        train_tokenizer(CORPUS, kind="chars")


EDGE_CASES = [
    "", " ", "plain words only", "Don't stop; it's GREAT!!!", "a<br /><br />b<br/>c<br>d<BR>e", "x <br / > y",
    "snake_case and 42 and 3.14, ok?", "tabs\tand\nnewlines\r\nhere", "<unk> <pad> <eos> as text", "<unknown>",
    "vertical\x0btab and form\x0cfeed", "control\x1fchar", "del\x7fete", "café naïve", "curly’quote don’t",
    "ﬁne ligature", "İstanbul", "emoji 😀 here", "ＦＵＬＬ width", "a\u00a0b", "...!!!???", "'quoted' words'",
    "o'clock o''clock 'tis", "UPPER lower MiXeD", "x" * 3000, "word " * 500,
]


@pytest.mark.parametrize("lowercase", [True, False])
def test_fast_ids_equal_the_rust_pipeline(lowercase):
    """ids_batch's Python path for plain-ASCII texts gives exactly the ids tokenizers' Rust pipeline gives."""
    texts = CORPUS + EDGE_CASES
    tok = train_tokenizer(texts + ["<br>", "don't", "it's"], vocab_size=500, min_frequency=1, lowercase=lowercase)
    assert tok._plain_lowercase is lowercase  # the fast path is on for Sentido's word pipeline
    assert tok.ids_batch(texts) == tok._rust_ids(texts)
    assert tok.ids_batch(texts) == [tok.encode(t).ids for t in texts]


def test_fast_ids_equal_on_real_reviews():
    """The same on real corpora (the shipped tokenizer on IMDB and SST-2 texts), when the data is here."""
    import os
    from pathlib import Path

    from sentido.engine.datasets import read_labelled

    root = Path(os.environ.get("SENTIDO_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
    shipped = Path(__file__).resolve().parents[2] / "resources" / "models" / "sentiment-en-lstm-large" / "tokenizer.json"
    if not (root / "imdb" / "train.csv.gz").is_file():
        pytest.skip("the shared corpora are not on this machine")
    tok = TextTokenizer.from_file(shipped)
    assert tok._plain_lowercase is True
    texts = read_labelled(root / "imdb" / "train.csv.gz").texts[::25] + read_labelled(root / "sst2" / "dev.csv.gz").texts
    assert tok.ids_batch(texts) == tok._rust_ids(texts)


def test_other_pipelines_keep_the_rust_path():
    tok = train_tokenizer(CORPUS, kind="bpe", vocab_size=200, min_frequency=1)
    assert tok._plain_lowercase is None
    assert tok.ids_batch(CORPUS) == [tok.encode(t).ids for t in CORPUS]


def test_tokenizers_with_other_added_tokens_keep_the_rust_path():
    from tokenizers import AddedToken

    for token in (AddedToken("[SEP]", special=True), AddedToken("<URL>", normalized=True)):
        tok = train_tokenizer(CORPUS, vocab_size=300, min_frequency=1)
        tok.backend.add_tokens([token])
        tok = TextTokenizer(tok.backend)
        assert tok._plain_lowercase is None
        texts = ["a [SEP] b", "see <url> now", "see <URL> now"]
        assert tok.ids_batch(texts) == [tok.encode(t).ids for t in texts]
