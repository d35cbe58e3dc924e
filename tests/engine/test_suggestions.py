"""The suggestion filter, the uncertainty band and language detection: small engine rules the window and CLI share."""

from __future__ import annotations

import pytest

from sentido.engine.errors import InputError
from sentido.engine.language import detect_language
from sentido.engine.suggestions import detokenize, is_markup, markup_ids, punctuation_ids, word_expected
from sentido.engine.uncertainty import check_band, is_uncertain, shown_label


def test_detokenize_writes_tokens_as_a_person_types():
    assert detokenize("He moved to the united", "states . it was") == " states. It was"
    assert detokenize("", "the film") == "The film"
    assert detokenize("I do", "n't know , i think") == "n't know, I think"
    assert detokenize("He said", '" hello " .') == ' "hello".'
    assert detokenize("a well", "@-@ known ( old ) film") == "-known (old) film"
    assert detokenize("going ", "home") == "home"
    assert detokenize("play", ["##ing", "now"]) == "ing now"


def test_markup_and_punctuation_are_recognised():
    vocab = {"<pad>": 0, "=": 1, "@": 2, ".": 3, '"': 4, "the": 5, "==": 6, "it's": 7}
    assert markup_ids(vocab) == [0, 1, 2, 6]
    assert punctuation_ids(vocab) == [3, 4]
    assert is_markup("@-@") and not is_markup("the")
    assert word_expected("") and word_expected("It was good. ") and word_expected("well,")
    assert not word_expected("the film was great")


def test_language_model_never_offers_markup_nor_lone_punctuation_where_a_word_is_expected():
    from sentido.engine import Engine

    engine = Engine("cpu", threads=1)
    name = "nextword-en-gru"
    tokenizer = engine.load(name, "language-model").tokenizer
    assert tokenizer.token_to_id("=") is not None  # the vocabulary has the markup; the filter must hold it back
    for prefix in ("", "It was good.", "Well,"):
        words = [c.word for c in engine.next_words(prefix, k=10, model=name)]
        assert not any(is_markup(w) or not any(ch.isalnum() for ch in w) for w in words), (prefix, words)
    after_word = [c.word for c in engine.next_words("the film was great", k=10, model=name)]
    assert "." in after_word  # after a word, punctuation is still on offer
    for continuation in engine.continue_text("", beam_width=3, max_words=6, model=name):
        assert not any(is_markup(t) for t in continuation.text.split())


def test_uncertainty_band_marks_near_even_results():
    assert is_uncertain({"negative": 0.45, "positive": 0.55}, 0.10)
    assert not is_uncertain({"negative": 0.35, "positive": 0.65}, 0.10)
    assert not is_uncertain({"negative": 0.49, "positive": 0.51}, 0.0)  # band 0 turns it off
    assert is_uncertain({"joy": 0.40, "anger": 0.35, "fear": 0.25}, 0.10)  # many labels: lead over runner-up
    assert shown_label("positive", {"negative": 0.45, "positive": 0.55}) == "mixed (positive)"
    assert shown_label("joy", {"joy": 0.4, "anger": 0.35}, signed=False) == "uncertain (joy)"
    assert shown_label(None, {}) == "(no words)"
    with pytest.raises(InputError, match="between 0 and"):
        check_band(0.6)


def test_cli_prints_the_same_band(capsys):
    from sentido.engine.cli import main

    assert main(["analyze", "--uncertain-band", "0.45", "--model", "sentiment-en-rnn", "a film"]) == 0
    line = capsys.readouterr().out
    import json

    assert main(["analyze", "--json", "--uncertain-band", "0.45", "--model", "sentiment-en-rnn", "a film"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["uncertain"] == is_uncertain(row["probabilities"], 0.45)
    assert line.startswith("mixed (") == row["uncertain"]


@pytest.mark.parametrize("use_package", [True, False])
def test_language_detection_tells_spanish_from_english(use_package):
    spanish = detect_language("La película fue aburrida y demasiado larga.", use_package=use_package)
    english = detect_language("The film was boring and far too long.", use_package=use_package)
    assert spanish is not None and spanish.code == "es" and spanish.name == "Spanish"
    assert english is not None and english.code == "en"
    assert detect_language("ok", use_package=use_package) is None  # too short to tell
