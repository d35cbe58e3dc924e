"""Tokenizers for Sentido's models, built on Hugging Face ``tokenizers`` (fast, in Rust) and saved as
``tokenizer.json`` in every model bundle.

Normalisation: HTML line breaks (``<br />``, common in scraped reviews) become spaces, Unicode NFKC, and
lower-casing when configured. Pre-tokenisation keeps words with inner apostrophes together ("don't", "n't") and
splits every other punctuation mark off. Offsets always point into the original, un-normalised text.

``TextTokenizer.ids_batch`` (the batch and training path, which needs ids but no offsets) reads plain-ASCII texts
with Python's regex engine when the tokenizer is exactly Sentido's word-level pipeline: for such texts that gives
the same ids as the Rust pipeline (NFKC and lower-casing are identities or ASCII mappings there; tested on the
IMDB and SST-2 corpora and edge cases) about 3.5 times faster, because it builds no per-token offset, mask and
word records. Every other text, and every other tokenizer, goes through ``tokenizers`` in Rust.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

from sentido.engine.errors import BundleError

PAD, UNK, EOS = "<pad>", "<unk>", "<eos>"
SPECIAL_TOKENS = [PAD, UNK, EOS]
WORD_PATTERN = r"\w+(?:['’]\w+)*|[^\w\s]"
BREAK_PATTERN = r"<br\s*/?>"
_NOT_PLAIN = re.compile(r"[^\t\n\r\x20-\x7e]")  # beyond printable ASCII, tab, newline and carriage return
_BREAK = re.compile(BREAK_PATTERN)
_WORD = re.compile(WORD_PATTERN)
KINDS = ("word", "bpe")


class Token(NamedTuple):
    """A token as it appears in the original text: ``text == original[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Encoded:
    ids: list[int]
    tokens: list[Token]


def _normalizer(lowercase: bool) -> normalizers.Normalizer:
    steps = [normalizers.Replace(Regex(BREAK_PATTERN), " "), normalizers.NFKC()]
    if lowercase:
        steps.append(normalizers.Lowercase())
    return normalizers.Sequence(steps)


def _pre_tokenizer() -> pre_tokenizers.PreTokenizer:
    return pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex(WORD_PATTERN), behavior="isolated")]
    )


def train_tokenizer(
    texts: Iterable[str],
    *,
    kind: str = "word",
    vocab_size: int = 30000,
    min_frequency: int = 2,
    lowercase: bool = True,
) -> "TextTokenizer":
    """Learn a word-level or BPE vocabulary from ``texts``. ``<pad>`` is id 0, ``<unk>`` 1, ``<eos>`` 2."""
    if kind == "word":
        tokenizer = Tokenizer(models.WordLevel(unk_token=UNK))
        trainer = trainers.WordLevelTrainer(
            vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIAL_TOKENS
        )
    elif kind == "bpe":
        tokenizer = Tokenizer(models.BPE(unk_token=UNK, continuing_subword_prefix="##"))
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            min_frequency=min_frequency,
            special_tokens=SPECIAL_TOKENS,
            continuing_subword_prefix="##",
        )
        tokenizer.decoder = decoders.WordPiece(prefix="##")
    else:
        raise ValueError(f"unknown tokenizer kind {kind!r}; valid: {', '.join(KINDS)}")
    tokenizer.normalizer = _normalizer(lowercase)
    tokenizer.pre_tokenizer = _pre_tokenizer()
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return TextTokenizer(tokenizer)


class TextTokenizer:
    """A thin, typed face over ``tokenizers.Tokenizer`` with the ids Sentido's models rely on."""

    def __init__(self, tokenizer: Tokenizer):
        self._tok = tokenizer
        self._tok.no_padding()
        self._tok.no_truncation()
        vocab = tokenizer.get_vocab()
        missing = [t for t in (PAD, UNK) if t not in vocab]
        if missing:
            raise BundleError(f"tokenizer has no {', '.join(missing)} token; Sentido needs {PAD} and {UNK}")
        self.pad_id = vocab[PAD]
        self.unk_id = vocab[UNK]
        self.eos_id = vocab.get(EOS)
        self._is_bpe = isinstance(tokenizer.model, models.BPE)
        self._plain_lowercase = _word_pipeline(tokenizer)
        self._vocab = vocab if self._plain_lowercase is not None else {}
        self._added = [t.content for t in tokenizer.get_added_tokens_decoder().values()]

    @classmethod
    def from_file(cls, path: Path | str) -> "TextTokenizer":
        try:
            return cls(Tokenizer.from_file(str(path)))
        except BundleError:
            raise
        except Exception as exc:  # tokenizers raises a bare Exception on malformed JSON
            raise BundleError(f"{path}: not a valid tokenizer.json ({exc})", path=path) from exc
        except BaseException as exc:  # a Rust panic on garbage data is pyo3's PanicException, a BaseException
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise BundleError(f"{path}: not a valid tokenizer.json (the tokenizer library failed: {reason})",
                              path=path) from None

    def save(self, path: Path | str) -> None:
        self._tok.save(str(path))

    @property
    def vocab_size(self) -> int:
        return self._tok.get_vocab_size()

    @property
    def backend(self) -> Tokenizer:
        return self._tok

    def vocab(self) -> dict[str, int]:
        return self._tok.get_vocab()

    def id_to_token(self, index: int) -> str:
        return self._tok.id_to_token(index) or UNK

    def token_to_id(self, token: str) -> int | None:
        return self._tok.token_to_id(token)

    def is_word_start(self, index: int) -> bool:
        """Whether the token begins a new word (always for word-level; BPE continuations start with ##)."""
        return not (self._is_bpe and self.id_to_token(index).startswith("##"))

    def encode(self, text: str) -> Encoded:
        return self._wrap(text, self._tok.encode(text, add_special_tokens=False))

    def encode_batch(self, texts: Sequence[str]) -> list[Encoded]:
        """Tokenise many texts at once (parallel in Rust)."""
        encodings = self._tok.encode_batch(list(texts), add_special_tokens=False)
        return [self._wrap(text, enc) for text, enc in zip(texts, encodings)]

    def ids_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of many texts: plain-ASCII ones through the exact Python path (module docstring), the rest
        in Rust, in parallel, without offsets."""
        texts = list(texts)
        if self._plain_lowercase is None:
            return self._rust_ids(texts)
        out: list[list[int] | None] = [None] * len(texts)
        rest: list[int] = []
        get, unk, lower, added = self._vocab.get, self.unk_id, self._plain_lowercase, self._added
        for i, text in enumerate(texts):
            if _NOT_PLAIN.search(text) or ("<" in text and any(a in text for a in added)):
                rest.append(i)  # added tokens are matched in the raw text by tokenizers; leave those to it
                continue
            text = _BREAK.sub(" ", text) if "<" in text else text
            out[i] = [get(w, unk) for w in _WORD.findall(text.lower() if lower else text)]
        if rest:
            for i, ids in zip(rest, self._rust_ids([texts[i] for i in rest])):
                out[i] = ids
        return out  # type: ignore[return-value]

    def _rust_ids(self, texts: list[str]) -> list[list[int]]:
        encode = getattr(self._tok, "encode_batch_fast", self._tok.encode_batch)  # _fast: no offsets
        return [enc.ids for enc in encode(texts, add_special_tokens=False)]

    def words(self, text: str) -> Iterator[str]:
        """Normalised word strings, exactly as the model sees them (for word2vec training)."""
        normalized = self._tok.normalizer.normalize_str(text) if self._tok.normalizer else text
        for piece, _ in self._tok.pre_tokenizer.pre_tokenize_str(normalized):
            yield piece

    def decode(self, ids: Sequence[int]) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=True)

    @staticmethod
    def _wrap(text: str, enc) -> Encoded:
        tokens = [Token(text[s:e], s, e) for s, e in enc.offsets]
        return Encoded(ids=list(enc.ids), tokens=tokens)


def word_pieces(text: str, lowercase: bool = True) -> list[str]:
    """The normalised words of ``text`` with Sentido's default rules, without a vocabulary."""
    normalized = _normalizer(lowercase).normalize_str(text)
    return [piece for piece, _ in _pre_tokenizer().pre_tokenize_str(normalized)]


def _pipeline_json(tokenizer: Tokenizer) -> tuple[str, str, str]:
    """(normalizer, pre-tokenizer, model type) as canonical JSON and name, without serialising the vocabulary
    (``to_str`` would: 12 ms per model load for a 30,000-word one)."""
    def canonical(part) -> str:
        return json.dumps(json.loads(part.__getstate__()), sort_keys=True) if part is not None else "null"

    return canonical(tokenizer.normalizer), canonical(tokenizer.pre_tokenizer), type(tokenizer.model).__name__


_REFERENCE: dict[bool, tuple[str, str]] = {}


def _word_pipeline(tokenizer: Tokenizer) -> bool | None:
    """Whether the tokenizer is exactly Sentido's word-level pipeline: lower-casing (True/False), else None.

    Its added tokens must be Sentido's own specials, matched in the raw text only (``ids_batch`` leaves any text
    holding one to the Rust pipeline); a tokenizer with other added tokens ("[SEP]", a normalised "<url>") splits
    differently and always goes through Rust."""
    normalizer, pre_tokenizer, model = _pipeline_json(tokenizer)
    if model != "WordLevel":
        return None
    if any(t.content not in SPECIAL_TOKENS or t.normalized for t in tokenizer.get_added_tokens_decoder().values()):
        return None
    for lowercase in (True, False):
        if lowercase not in _REFERENCE:
            reference = Tokenizer(models.WordLevel({UNK: 0}, unk_token=UNK))
            reference.normalizer = _normalizer(lowercase)
            reference.pre_tokenizer = _pre_tokenizer()
            _REFERENCE[lowercase] = _pipeline_json(reference)[:2]
        if (normalizer, pre_tokenizer) == _REFERENCE[lowercase]:
            return lowercase
    return None
