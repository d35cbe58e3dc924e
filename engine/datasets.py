"""Reading training corpora: labelled CSV/TSV (optionally gzipped) and plain text, one document per line.

Everything here reads lazily or into plain lists of strings; a malformed file is an ``InputError`` that names the
file, the line and what was expected, so a training run never starts on data it would choke on an hour later.
"""

from __future__ import annotations

import csv
import logging
import random
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sentido.engine.batch.readers import MAX_DOCUMENT_BYTES, SkipFile, TextSource
from sentido.engine.errors import InputError

log = logging.getLogger(__name__)

# One process-wide CSV field limit, the batch reader's (long reviews exceed the 128 KiB default).
csv.field_size_limit(MAX_DOCUMENT_BYTES)


@dataclass
class LabelledTexts:
    """Texts with one label each, in file order."""

    texts: list[str]
    labels: list[str]
    source: str = ""

    def __len__(self) -> int:
        return len(self.texts)

    def label_set(self) -> list[str]:
        return sorted(set(self.labels), key=_label_key)

    def subset(self, indices: Sequence[int]) -> "LabelledTexts":
        return LabelledTexts([self.texts[i] for i in indices], [self.labels[i] for i in indices], self.source)

    def __add__(self, other: "LabelledTexts") -> "LabelledTexts":
        return LabelledTexts(self.texts + other.texts, self.labels + other.labels, f"{self.source} + {other.source}")


def _label_key(label: str) -> tuple:
    """Numeric labels (star ratings) sort as numbers, the rest alphabetically."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


@contextmanager
def open_text(path: Path | str) -> Iterator[TextIO]:
    """Open a training or evaluation file as batch analysis opens its inputs (``batch.readers.TextSource``):
    gzip recognised by content, the encoding by its BOM, UTF-16 or UTF-8, else Windows-1252/Latin-1 with a
    warning (printed); binary files and missing files are an ``InputError``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        source = TextSource(path, newline="")
    except SkipFile as exc:
        raise InputError(f"{path}: {exc}") from None
    try:
        yield source.text
    finally:
        source.finish()
        for warning in source.warnings:
            log.warning("%s: %s", path, warning)


def _base_name(path: Path) -> str:
    """The file name without a .gz suffix, lower-cased (for telling CSV from TSV from text)."""
    name = path.name.lower()
    return name[:-3] if name.endswith(".gz") else name


def _delimiter(path: Path) -> str:
    return "\t" if _base_name(path).endswith(".tsv") else ","


def read_labelled(path: Path | str, text_column: str = "text", label_column: str = "label") -> LabelledTexts:
    """Read a labelled CSV/TSV (``.gz`` allowed) with a header row naming ``text_column`` and ``label_column``."""
    path = Path(path)
    texts: list[str] = []
    labels: list[str] = []
    try:
        with open_text(path) as handle:
            reader = csv.DictReader(handle, delimiter=_delimiter(path))
            header = reader.fieldnames or []
            for column in (text_column, label_column):
                if column not in header:
                    raise InputError(f"{path}: no column {column!r}; the header has: {', '.join(header) or '(nothing)'}")
            for row in reader:
                text, label = row.get(text_column), row.get(label_column)
                if text is None or label is None:
                    raise InputError(f"{path}, line {reader.line_num}: the row has too few fields")
                label = label.strip()
                if not label:
                    raise InputError(f"{path}, line {reader.line_num}: empty label")
                texts.append(text)
                labels.append(label)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (OSError, EOFError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    if not texts:
        raise InputError(f"{path}: no rows")
    return LabelledTexts(texts, labels, str(path))


def iter_lines(path: Path | str) -> Iterator[str]:
    """Non-empty lines of a text file (``.gz`` allowed), without their line break."""
    path = Path(path)
    try:
        with open_text(path) as handle:
            for line in handle:
                line = line.strip()
                if line:
                    yield line
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None


def iter_documents(path: Path | str, text_column: str = "text") -> Iterator[str]:
    """Documents of a corpus: the ``text_column`` of a CSV/TSV, else one per line of a text file."""
    path = Path(path)
    if _base_name(path).endswith((".csv", ".tsv")):
        yield from read_labelled_column(path, text_column)
    else:
        yield from iter_lines(path)


def read_labelled_column(path: Path, column: str) -> Iterator[str]:
    try:
        with open_text(path) as handle:
            reader = csv.DictReader(handle, delimiter=_delimiter(path))
            if column not in (reader.fieldnames or []):
                raise InputError(f"{path}: no column {column!r}; the header has: {', '.join(reader.fieldnames or [])}")
            for row in reader:
                if row.get(column):
                    yield row[column]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc})") from None
    except (OSError, EOFError) as exc:  # a truncated .gz
        raise InputError(f"{path}: cannot read ({exc})") from None


def split_indices(n: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """A seeded split of ``range(n)`` into (train, held-out); the same ``n``, fraction and seed give the same split."""
    if not 0.0 < fraction < 1.0:
        raise InputError(f"the validation fraction must be between 0 and 1, got {fraction}")
    order = list(range(n))
    random.Random(seed).shuffle(order)
    cut = max(1, round(n * fraction))
    return sorted(order[cut:]), sorted(order[:cut])


def map_labels(data: LabelledTexts, mapping: dict[str, str | None]) -> LabelledTexts:
    """Rename labels by ``mapping``; a label mapped to ``None`` drops its rows (e.g. 3 stars = neutral)."""
    texts, labels = [], []
    for text, label in zip(data.texts, data.labels):
        if label not in mapping:
            raise InputError(f"{data.source}: label {label!r} has no mapping; mapped: {', '.join(mapping)}")
        new = mapping[label]
        if new is not None:
            texts.append(text)
            labels.append(new)
    return LabelledTexts(texts, labels, data.source)


def read_lm_text(path: Path | str) -> list[str]:
    """Lines of a language-model corpus (WikiText style), blank lines dropped."""
    return list(iter_lines(path))
