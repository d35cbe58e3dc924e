"""Batch inputs: which files a run reads, how their bytes become text, and how text becomes documents.

Formats are chosen by suffix (after an optional ``.gz``, which is also recognised by its magic bytes):
``.txt``/``.md``/``.text``/``.markdown`` (the file is one document, or one per line with ``per_line``),
``.csv``/``.tsv`` (a column by name, the dialect sniffed), ``.jsonl``/``.ndjson`` (a field by name), and ``-``
for standard input (one document per line). Everything streams: a file is never held in memory whole, except a
text file read as a single document (capped at ``MAX_DOCUMENT_BYTES``).

Encodings: a BOM decides (UTF-8, UTF-16, UTF-32); UTF-16 without a BOM is recognised by its zero bytes; otherwise
UTF-8, and a file whose head is not UTF-8 is read as Windows-1252 with a warning. Undecodable bytes later in a
UTF-8 file become U+FFFD and are counted in a warning. A file with NUL bytes or many control characters is binary
and skipped, as is one that cannot be opened; ``SkipFile`` carries the reason.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import json
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from sentido.engine.errors import InputError

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
CSV_SUFFIXES = (".csv", ".tsv")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUPPORTED = TEXT_SUFFIXES + CSV_SUFFIXES + JSONL_SUFFIXES
STDIN = Path("-")
MAX_DOCUMENT_BYTES = 32 << 20  # a whole-file document larger than this is skipped: use per_line
SNIFF_BYTES = 1 << 16
CONTROL_OK = set(b"\t\n\r\f\b\x1b")
csv.field_size_limit(MAX_DOCUMENT_BYTES)  # long reviews in one cell are normal; the default 128 KB is not enough


class SkipFile(Exception):
    """This file cannot be read; ``str(exc)`` is the reason shown to the user."""


@dataclass
class Document:
    """One text to analyse: its 1-based row (CSV record, JSONL/text line; 1 for a whole file) and own columns."""

    row: int
    text: str
    columns: dict[str, Any] = field(default_factory=dict)


@dataclass
class RowProblem:
    """A record that could not be used (malformed CSV row, bad JSON line); the run goes on."""

    line: int
    reason: str


# -- listing ----------------------------------------------------------------------------------------------------
def format_of(path: Path) -> str:
    """``"text"``, ``"csv"``, ``"tsv"``, ``"jsonl"``, ``"stdin"`` or ``""`` (unknown) from the name."""
    if path == STDIN:
        return "stdin"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in CSV_SUFFIXES:
        return suffix[1:]
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return ""


def list_inputs(inputs: Iterable[str | Path], recursive: bool = True) -> list[Path]:
    """The files a run would read, in order: files as given, folders expanded (sorted; hidden entries ignored).

    Every file is listed, so that a run can say why it skipped one: inside folders, a file of an unsupported
    type is skipped by the run; a file named explicitly is read whatever its suffix (as plain text, if it is
    text). ``-`` stands for standard input. A path that does not exist is an error.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if str(item) == "-":
            found = [STDIN]
        elif path.is_dir():
            pattern = path.rglob("*") if recursive else path.glob("*")
            found = sorted(
                p for p in pattern
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            found = [path]
        else:
            raise InputError(f"{path}: no such file or folder")
        for p in found:
            key = p if p == STDIN else p.resolve()
            if key not in seen:
                seen.add(key)
                files.append(p)
    return files


# -- bytes to text ----------------------------------------------------------------------------------------------
class _Counting(io.RawIOBase):
    """Counts the bytes read from the file itself (compressed ones for .gz), for progress and ETA."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.count = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        # read1: whatever is available (a pipe need not fill the buffer before the first documents are read)
        data = self.raw.read1(len(buffer)) if hasattr(self.raw, "read1") else self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


_replaced = threading.local()


def _count_and_replace(exc: UnicodeDecodeError) -> tuple[str, int]:
    _replaced.count = getattr(_replaced, "count", 0) + (exc.end - exc.start)
    return "\ufffd", exc.end


codecs.register_error("sentido-replace", _count_and_replace)


def detect_encoding(head: bytes) -> tuple[str, str | None]:
    """(codec, warning or None) for a file starting with ``head``; raises ``SkipFile`` for binary data."""
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return name, None
    if len(head) >= 4:
        even, odd = head[0::2], head[1::2]
        # ASCII-range text in UTF-16 without a BOM: one byte of each pair is zero.
        if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
            return "utf-16-le", None
        if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
            return "utf-16-be", None
    if b"\x00" in head:
        raise SkipFile("binary file (contains NUL bytes), not text")
    controls = sum(1 for b in head if b < 32 and b not in CONTROL_OK)
    if head and controls > 0.05 * len(head):
        raise SkipFile("binary file (control characters), not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252", "not UTF-8; read as Windows-1252 (check accented characters)"
    except UnicodeDecodeError:
        return "latin-1", "not UTF-8; read as Latin-1 (check accented characters)"


class TextSource:
    """An open input: decoded text stream, the codec used, a warning about it, and bytes read so far."""

    def __init__(self, path: Path, newline: str | None):
        self.path = path
        self.warnings: list[str] = []
        if path == STDIN:
            raw: BinaryIO = sys.stdin.buffer
            self.size = None
        else:
            try:
                raw = open(path, "rb")
                self.size = path.stat().st_size
            except OSError as exc:
                raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
        self._counter = _Counting(raw)
        stream: Any = io.BufferedReader(self._counter, buffer_size=SNIFF_BYTES)
        try:
            if stream.peek(2)[:2] == b"\x1f\x8b":
                stream = io.BufferedReader(gzip.GzipFile(fileobj=stream, mode="rb"), buffer_size=SNIFF_BYTES)
            head = self._head(stream)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            self._counter.close()
            raise SkipFile(f"cannot read: {exc}") from None
        try:
            self.encoding, warning = detect_encoding(head)
        except SkipFile:
            self._counter.close()
            raise
        if warning:
            self.warnings.append(warning)
        self.binary = stream
        self.text: TextIO = io.TextIOWrapper(stream, encoding=self.encoding, errors="sentido-replace", newline=newline)
        _replaced.count = 0

    @staticmethod
    def _head(stream: io.BufferedReader) -> bytes:
        head = stream.peek(SNIFF_BYTES)
        return head[:SNIFF_BYTES]

    @property
    def bytes_read(self) -> int:
        return self._counter.count

    def finish(self) -> None:
        """Close, and turn replaced undecodable bytes into a warning."""
        count = getattr(_replaced, "count", 0)
        if count:
            self.warnings.append(f"{count} undecodable byte(s) replaced by \ufffd")
        _replaced.count = 0
        if self.path != STDIN:
            self._counter.close()


def _lines(source: TextSource) -> Iterator[str]:
    try:
        yield from source.text
    except (OSError, EOFError) as exc:  # a truncated .gz shows up here, after its readable part
        raise SkipFile(f"read error: {exc}") from None


# -- text to documents ------------------------------------------------------------------------------------------
def read_text(source: TextSource, per_line: bool) -> Iterator[Document | RowProblem]:
    if per_line or source.path == STDIN:
        for number, line in enumerate(_lines(source), 1):
            line = line.rstrip("\r\n")
            if line.strip():  # blank lines separate documents; they are not documents themselves
                yield Document(number, line, {"text": line})
        return
    try:
        text = source.text.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise SkipFile(f"read error: {exc}") from None
    if len(text) > MAX_DOCUMENT_BYTES:
        raise SkipFile(f"larger than {MAX_DOCUMENT_BYTES >> 20} MB as one document; use per-line mode")
    yield Document(1, text, {"text": text})


def _dialect(sample: str, fmt: str) -> type[csv.Dialect]:
    """The delimiter is the one of ``, ; TAB |`` that the header line uses most (a header rarely quotes), which is
    steadier than ``csv.Sniffer`` on review text full of commas and semicolons; quoting is RFC 4180's."""
    if fmt == "tsv":
        return csv.excel_tab
    header = sample.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: header.count(d) for d in ",;\t|"}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0 or delimiter == ",":
        return csv.excel  # one column, or commas
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


def _csv_reader(source: TextSource, fmt: str):
    sample = source.binary.peek(SNIFF_BYTES)[:SNIFF_BYTES].decode(source.encoding.replace("-sig", ""), "replace")
    if source.encoding == "utf-8-sig":
        sample = sample.lstrip("\ufeff")
    # strict: an unterminated quote is reported as a bad row instead of silently swallowing the rest of the file
    return csv.reader(_lines(source), _dialect(sample, fmt), strict=True)


def choose_column(header: Sequence[str], wanted: str | None, rows: Sequence[Sequence[Any]] = ()) -> str:
    """The text column: ``wanted``; else the column that holds prose (``columns.choose_text_column``)."""
    from sentido.engine.batch.columns import choose_text_column

    return choose_text_column(header, rows, wanted).column


def _is_number(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def _records(reader) -> Iterator[tuple[int, int, list[str]] | RowProblem]:
    """(row, line, fields) per data record of a csv reader (blank lines skipped), or a problem for a broken one."""
    row = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row += 1
            yield RowProblem(reader.line_num, f"malformed CSV row ({exc})")
            continue
        if record:
            row += 1
            yield row, reader.line_num, record


def read_csv(source: TextSource, fmt: str, text_column: str | None) -> Iterator[Document | RowProblem]:
    reader = _csv_reader(source, fmt)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return  # an empty file has no documents
    except csv.Error as exc:
        raise SkipFile(f"line 1: malformed header ({exc})") from None
    records = _records(reader)
    head: list = []  # the first records decide the text column when none is named; then the rest streams
    for item in records:
        head.append(item)
        if len(head) >= 200:  # columns.SAMPLE_ROWS
            break
    column = choose_column(header, text_column, [r[2] for r in head if not isinstance(r, RowProblem)])
    index = header.index(column)
    for item in itertools.chain(head, records):
        if isinstance(item, RowProblem):
            yield item
            continue
        row, line, record = item
        if len(record) != len(header):
            yield RowProblem(line, f"expected {len(header)} fields, found {len(record)}")
        else:
            yield Document(row, record[index], dict(zip(header, record)))


def read_jsonl(source: TextSource, text_field: str | None) -> Iterator[Document | RowProblem]:
    field_name = text_field
    for number, line in enumerate(_lines(source), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield RowProblem(number, f"invalid JSON ({exc.args[0] if exc.args else exc})")
            continue
        if not isinstance(record, dict):
            yield RowProblem(number, f"expected a JSON object, found {type(record).__name__}")
            continue
        if field_name is None:
            field_name = choose_column(list(record), None, [list(record.values())])
        if field_name not in record:
            yield RowProblem(number, f"no field {field_name!r}")
            continue
        text = record[field_name]
        if text is None:
            text = ""
        if not isinstance(text, str):
            yield RowProblem(number, f"field {field_name!r} is a {type(text).__name__}, not a string")
            continue
        yield Document(number, text, record)


def read_documents(source: TextSource, fmt: str, text_column: str | None, per_line: bool) -> Iterator[Document | RowProblem]:
    if fmt in ("csv", "tsv"):
        return read_csv(source, fmt, text_column)
    if fmt == "jsonl":
        return read_jsonl(source, text_column)
    return read_text(source, per_line)


def open_source(path: Path, fmt: str) -> TextSource:
    # csv needs newline="" so quoted fields keep their line breaks; text keeps universal newlines.
    return TextSource(path, newline="" if fmt in ("csv", "tsv") else None)


def jsonl_head(source, limit: int) -> tuple[list[str], list[dict]]:
    """(field names in first-seen order, records) of the first ``limit`` JSON objects of a JSONL source; lines
    that are not JSON objects are passed over (the run reports them)."""
    names: dict[str, None] = {}
    records = []
    for line in _lines(source):
        if len(records) >= limit:
            break
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            names.update(dict.fromkeys(record))
            records.append(record)
    return list(names), records


def peek_columns(path: Path | str, limit: int = 100) -> list[str]:
    """Column names of a CSV/TSV (its header) or field names of a JSONL (from its first ``limit`` objects).

    Plain-text inputs have no columns (``[]``). Raises ``InputError`` when the file cannot be read.
    """
    path = Path(path)
    fmt = format_of(path)
    if fmt not in ("csv", "tsv", "jsonl"):
        return []
    try:
        source = open_source(path, fmt)
    except SkipFile as exc:
        raise InputError(f"{path}: {exc}") from None
    try:
        if fmt == "jsonl":
            return jsonl_head(source, limit)[0]
        try:
            return [h.strip() for h in next(_csv_reader(source, fmt))]
        except (StopIteration, csv.Error):
            return []
    except SkipFile as exc:
        raise InputError(f"{path}: {exc}") from None
    finally:
        source.finish()
