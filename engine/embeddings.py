"""Word vectors: train word2vec/fastText with gensim, and read word-vector files into an embedding matrix.

Formats read (never by unpickling): word2vec binary (``.bin``) and text (``.txt``/``.vec``, with the
``count dim`` header), GloVe text (no header), fastText ``.vec`` (text) and ``.bin`` (Facebook's binary, whose
sub-word n-grams also give vectors for words it never saw). ``.gz`` is accepted for the text formats. A folder
written by ``sentido embeddings train`` holds ``vectors.bin`` (word2vec binary) and ``vectors.json``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sentido.engine.errors import InputError
from sentido.engine.tokenization import TextTokenizer, _normalizer, _pre_tokenizer

METHODS = ("word2vec", "fasttext")
VECTORS_FILE = "vectors.bin"
INFO_FILE = "vectors.json"


def require_gensim() -> Any:
    """gensim, or an error that says how to get it: word vectors are an optional feature (``sentido[embeddings]``),
    so a plain install does not pull gensim and scipy (about 170 MB) for people who never train vectors."""
    try:
        import gensim
    except ImportError:
        raise InputError(
            "word vectors need gensim, which is not installed: pip install 'sentido[embeddings]' "
            "(used by `sentido embeddings train`, `sentido train --embeddings` and word-vector files)"
        ) from None
    return gensim


class WordSplitter:
    """Sentido's word rules (the tokenizers' normaliser and pre-tokeniser) compiled once, for large corpora."""

    def __init__(self, lowercase: bool = True):
        self._normalizer = _normalizer(lowercase)
        self._pre = _pre_tokenizer()

    def __call__(self, text: str) -> list[str]:
        return [piece for piece, _ in self._pre.pre_tokenize_str(self._normalizer.normalize_str(text))]


def write_corpus(documents: Iterable[str], path: Path, lowercase: bool = True) -> tuple[int, int]:
    """Tokenise ``documents`` into ``path``, one space-separated document per line (gensim's corpus_file format).

    Returns (documents, words). Reading it back is fast and lets gensim train without the GIL.
    """
    split = WordSplitter(lowercase)
    docs = words = 0
    with path.open("w", encoding="utf-8") as out:
        for text in documents:
            pieces = split(text)
            if pieces:
                out.write(" ".join(pieces))
                out.write("\n")
                docs += 1
                words += len(pieces)
    return docs, words


def train_vectors(
    documents: Iterable[str],
    out_dir: Path | str,
    *,
    method: str = "word2vec",
    dim: int = 100,
    window: int = 5,
    min_count: int = 3,
    epochs: int = 5,
    workers: int = 1,
    seed: int = 13,
    lowercase: bool = True,
    log: Callable[[str], None] = print,
) -> Path:
    """Train word vectors on ``documents`` and write ``out_dir/vectors.bin`` (+ ``vectors.json``).

    fastText additionally writes ``out_dir/fasttext.bin`` (Facebook format, keeps the sub-word n-grams).
    """
    require_gensim()
    from gensim.models import FastText, Word2Vec
    from gensim.models.fasttext import save_facebook_model

    if method not in METHODS:
        raise InputError(f"unknown embeddings method {method!r}; valid: {', '.join(METHODS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = out_dir / "corpus.tok.txt"
    started = time.monotonic()
    docs, words = write_corpus(documents, corpus, lowercase)
    if not words:
        raise InputError("the corpus has no words")
    log(f"corpus: {docs:,} documents, {words:,} words (tokenised in {time.monotonic() - started:.0f}s)")
    cls = Word2Vec if method == "word2vec" else FastText
    model = cls(
        corpus_file=str(corpus), vector_size=dim, window=window, min_count=min_count, sg=0,
        epochs=epochs, workers=workers, seed=seed,
    )
    model.wv.save_word2vec_format(str(out_dir / VECTORS_FILE), binary=True)
    if method == "fasttext":
        save_facebook_model(model, str(out_dir / "fasttext.bin"))
    info = {
        "method": method, "dim": dim, "window": window, "min_count": min_count, "epochs": epochs,
        "documents": docs, "words": words, "vocabulary": len(model.wv), "lowercase": lowercase, "seed": seed,
        "seconds": round(time.monotonic() - started, 1),
    }
    (out_dir / INFO_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
    corpus.unlink()
    log(f"{method}: {len(model.wv):,} words x {dim} in {info['seconds']:.0f}s -> {out_dir / VECTORS_FILE}")
    return out_dir / VECTORS_FILE


def _looks_binary(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    if path.suffix == ".gz":
        return False
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def _has_header(path: Path) -> bool:
    require_gensim()
    from gensim import utils

    with utils.open(str(path), "rb") as handle:
        first = handle.readline().decode("utf-8", errors="replace").split()
    return len(first) == 2 and all(part.isdigit() for part in first)


def load_vectors(path: Path | str) -> Any:
    """Read word vectors (gensim ``KeyedVectors``) from any supported file or a ``sentido embeddings`` folder."""
    require_gensim()
    from gensim.models import KeyedVectors
    from gensim.models.fasttext import load_facebook_vectors

    path = Path(path)
    if path.is_dir():
        for name in ("fasttext.bin", VECTORS_FILE):
            if (path / name).is_file():
                return load_vectors(path / name)
        raise InputError(f"{path}: no {VECTORS_FILE} in this folder")
    if not path.is_file():
        raise InputError(f"{path}: no such embeddings file")
    try:
        if path.suffix == ".bin" and _looks_binary(path):
            try:
                return KeyedVectors.load_word2vec_format(str(path), binary=True)
            except (ValueError, UnicodeDecodeError, EOFError):
                return load_facebook_vectors(str(path))  # fastText's own binary format
        return KeyedVectors.load_word2vec_format(str(path), binary=False, no_header=not _has_header(path))
    except InputError:
        raise
    except Exception as exc:  # gensim raises ValueError/EOFError/NotImplementedError on malformed files
        raise InputError(f"{path}: not a word2vec, GloVe or fastText vectors file ({type(exc).__name__}: {exc})") from None


def embedding_matrix(
    vectors: Any, tokenizer: TextTokenizer, dim: int | None = None, seed: int = 13
) -> tuple[torch.Tensor, float]:
    """An embedding matrix ``[vocab_size, dim]`` for ``tokenizer``'s vocabulary, and the fraction covered.

    Words without a vector start random with the vectors' own scale; ``<pad>`` is zero. fastText vectors
    (``FastTextKeyedVectors``) give every word a vector from its n-grams.
    """
    size = vectors.vector_size
    if dim is not None and dim != size:
        raise InputError(f"the embeddings have {size} dimensions but the model asks for embedding_dim={dim}")
    rng = np.random.default_rng(seed)
    scale = float(np.std(vectors.vectors)) if len(vectors.vectors) else 0.1
    matrix = rng.normal(0.0, scale, (tokenizer.vocab_size, size)).astype(np.float32)
    subword = hasattr(vectors, "buckets_word") or type(vectors).__name__ == "FastTextKeyedVectors"
    found = 0
    for word, index in tokenizer.vocab().items():
        if word in vectors.key_to_index or subword:
            try:
                matrix[index] = vectors[word]
                found += 1
            except KeyError:
                pass
    matrix[tokenizer.pad_id] = 0.0
    return torch.from_numpy(matrix), found / max(1, tokenizer.vocab_size)


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))
