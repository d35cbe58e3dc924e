"""Which column of a table holds the text: one rule for ``sentido batch``, the Batch view and the run itself.

A table (CSV, TSV, JSONL; Parquet for previews) is judged on its first ``SAMPLE_ROWS`` records. Each column gets a
prose score from its filled values: mean words and mean characters per value, weighted by the share of values that
contain a space. Numeric columns score zero; ID-like columns (one short code per value with a digit: ``c12``,
``A-0031``, a UUID) score a tenth. The highest score wins; a column named ``text`` wins a tie.

The rule exists because the first string column of a customer-feedback export is usually an identifier
(``customer``: "c12"), and analysing it gives one meaningless label for every row. The choice carries a warning
when the chosen column looks ID-like or very short (fewer than ``SHORT_WORDS`` words per value on average).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentido.engine.batch.readers import (
    RowProblem, SkipFile, _csv_reader, _records, format_of, jsonl_head, open_source,
)

SAMPLE_ROWS = 200  # records per table that decide its text column
SHORT_WORDS = 3.0  # fewer words per value than this on average: "very short"
ID_SHARE = 0.8  # this share of ID-like values makes the column ID-like
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


@dataclass
class ColumnStats:
    """What one column's first values look like, and its prose score (0: cannot be the text)."""

    name: str
    filled: int = 0  # values that are not empty
    mean_chars: float = 0.0
    mean_words: float = 0.0
    spaced: float = 0.0  # share of values holding a space
    numeric: float = 0.0  # share of values that are numbers (or not strings at all)
    id_like: bool = False
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ColumnChoice:
    """The text column of one table, every column's stats, and a warning about the choice (or ``None``)."""

    column: str
    stats: list[ColumnStats] = field(default_factory=list)
    warning: str | None = None
    automatic: bool = True  # False: the column was named by the user

    def stats_of(self, name: str) -> ColumnStats | None:
        return next((s for s in self.stats if s.name == name), None)


def _is_number(value: Any) -> bool:
    if isinstance(value, (bool, int, float)):
        return True
    if not isinstance(value, str):
        return False
    try:
        float(value.replace(",", ""))
        return True
    except ValueError:
        return False


def _looks_like_id(value: str) -> bool:
    value = value.strip()
    if _UUID.match(value):
        return True
    return len(value) <= 40 and not any(c.isspace() for c in value) and any(c.isdigit() for c in value)


def column_stats(name: str, values: Sequence[Any]) -> ColumnStats:
    """The stats and prose score of a column whose first values are ``values`` (``None``/empty are skipped)."""
    filled = [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]
    stats = ColumnStats(name, filled=len(filled))
    if not filled:
        return stats
    texts = [v for v in filled if isinstance(v, str) and not _is_number(v)]
    stats.numeric = 1 - len(texts) / len(filled)
    if not texts:
        return stats
    stats.mean_chars = sum(len(t) for t in texts) / len(texts)
    stats.mean_words = sum(len(t.split()) for t in texts) / len(texts)
    stats.spaced = sum(1 for t in texts if " " in t.strip()) / len(texts)
    stats.id_like = sum(1 for t in texts if _looks_like_id(t)) / len(texts) >= ID_SHARE
    if stats.numeric >= 0.5:  # mostly numbers: a rating, a price, a count
        return stats
    prose = (stats.mean_words + stats.mean_chars / 10) * (0.25 + 0.75 * stats.spaced) * (1 - stats.numeric)
    stats.score = prose * (0.1 if stats.id_like else 1.0)
    return stats


def score_columns(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[ColumnStats]:
    """One ``ColumnStats`` per header name, from ``rows`` (lists aligned with the header; short rows padded)."""
    return [column_stats(name, [r[i] if i < len(r) else None for r in rows]) for i, name in enumerate(header)]


def column_warning(stats: ColumnStats | None) -> str | None:
    """Why ``stats``' column may not be the text (ID-like, very short), or ``None``."""
    if stats is None or not stats.filled:
        return None
    if stats.id_like:
        return f"column {stats.name!r} looks like an ID (one short code per row), not text"
    if stats.mean_words < SHORT_WORDS:
        return f"column {stats.name!r} is very short ({stats.mean_words:.1f} words per value on average)"
    return None


def choose_text_column(header: Sequence[str], rows: Sequence[Sequence[Any]], wanted: str | None = None) -> ColumnChoice:
    """The text column of a table whose first records are ``rows``: ``wanted`` if given (it must exist), else the
    column with the best prose score. A header with no rows yet gets ``text`` if present, else its first column.
    Raises ``SkipFile`` when the named column is missing or no column can hold text."""
    header = list(header)
    stats = score_columns(header, rows)
    if wanted is not None:
        if wanted not in header:
            raise SkipFile(f"no column {wanted!r} (columns: {', '.join(header) or 'none'})")
        return ColumnChoice(wanted, stats, column_warning(stats[header.index(wanted)]), automatic=False)
    if header and not rows:
        return ColumnChoice(next((h for h in header if h.lower() == "text"), header[0]), stats)
    best = max(stats, key=lambda s: (s.score, s.name.lower() == "text"), default=None)
    if best is None or best.score <= 0:
        raise SkipFile(f"no text column found (columns: {', '.join(header) or 'none'}); "
                       "name one with the text column option")
    return ColumnChoice(best.name, stats, column_warning(best))


def is_table(path: Path | str) -> bool:
    path = Path(path)
    return format_of(path) in ("csv", "tsv", "jsonl") or path.name.lower().endswith(".parquet")


def table_head(path: Path | str, limit: int = SAMPLE_ROWS) -> tuple[list[str], list[list[Any]]]:
    """(header, first ``limit`` records) of a CSV/TSV/JSONL (``.gz`` too) or Parquet file, read with the batch
    readers (same encoding and dialect rules as a run). Bad records are left out. Raises ``SkipFile``."""
    path = Path(path)
    if path.name.lower().endswith(".parquet"):
        return _parquet_head(path, limit)
    fmt = format_of(path)
    if fmt not in ("csv", "tsv", "jsonl"):
        raise SkipFile("not a table (CSV, TSV, JSONL or Parquet)")
    source = open_source(path, fmt)
    try:
        if fmt == "jsonl":
            header, records = jsonl_head(source, limit)
            return header, [[r.get(k) for k in header] for r in records]
        reader = _csv_reader(source, fmt)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return [], []
        except csv.Error as exc:
            raise SkipFile(f"line 1: malformed header ({exc})") from None
        rows = []
        for item in _records(reader):
            if len(rows) >= limit:
                break
            if not isinstance(item, RowProblem):
                rows.append(item[2])
        return header, rows
    finally:
        source.finish()


def _parquet_head(path: Path, limit: int) -> tuple[list[str], list[list[Any]]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise SkipFile("reading Parquet needs pyarrow (pip install pyarrow)") from None
    try:
        table = pq.ParquetFile(path)
        header = list(table.schema_arrow.names)
        batch = next(table.iter_batches(batch_size=limit), None)
    except Exception as exc:  # pyarrow raises its own ArrowInvalid/OSError family for a broken file
        raise SkipFile(f"cannot read Parquet: {exc}") from None
    if batch is None:
        return header, []
    columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
    return header, [list(row) for row in zip(*columns)]


def text_column_of(path: Path | str, wanted: str | None = None, limit: int = SAMPLE_ROWS) -> ColumnChoice:
    """The column a batch run uses for the table at ``path`` (its first ``limit`` records decide). Raises
    ``SkipFile`` when it cannot be read or has no text column."""
    header, rows = table_head(path, limit)
    if not header:
        raise SkipFile("empty table (no header)")
    return choose_text_column(header, rows, wanted)


def auto_text_column(path: Path | str) -> str | None:
    """The automatic text column a run uses for ``path``; ``None`` for a table with no header yet (the reader
    then decides on its own). Raises ``SkipFile`` when the table has no text column."""
    header, rows = table_head(path)
    return choose_text_column(header, rows).column if header else None
