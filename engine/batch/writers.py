"""Batch outputs that lose nothing: rows are appended as they are produced, committed with a progress record, and
the finished file appears atomically.

While a run goes, beside ``OUTPUT`` there are:

* ``OUTPUT.partial``: the rows so far, in the output's own format (CSV or JSONL), readable at any time. Parquet
  cannot be appended after a crash, so a Parquet run stages its rows as JSON lines in ``OUTPUT.partial.jsonl``
  and converts them when it finishes;
* ``STEM.errors.csv.partial``: skipped files, bad rows and warnings (``path,line,kind,reason``);
* ``OUTPUT.progress.json``: the committed byte length of both files and where the reading stopped.

A commit appends, flushes and fsyncs the rows, then replaces the progress record atomically. After a crash
(``kill -9`` included) whatever lies past the committed length is an incomplete chunk: ``resume`` cuts it off and
the run re-reads from the committed position, so no row is written twice and none is missed. At the end the
partial files are renamed onto their final names (``os.replace``: atomic on one file system).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sentido.engine.errors import InputError

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
ERROR_COLUMNS = ["path", "line", "kind", "reason"]
PROGRESS_VERSION = 1


def output_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown output format {path.suffix or '(no suffix)'!r}; use .csv, .jsonl or .parquet")
    if fmt == "parquet":
        require_pyarrow()
    return fmt


def require_pyarrow():
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise InputError(
            "Parquet output needs pyarrow, which is not installed: pip install 'sentido[parquet]' "
            "(or write .csv / .jsonl)"
        ) from None
    return pyarrow


def errors_path(output: Path) -> Path:
    """The errors report beside the output: ``results.csv`` -> ``results.errors.csv``."""
    return output.with_name(output.stem + ".errors.csv")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (dict, list, bool)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_value(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def encode_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


class _AppendFile:
    """A file that is only appended to, with the length of its last commit."""

    def __init__(self, path: Path, header: bytes, committed: int | None):
        self.path = path
        if committed is None:
            self.handle = open(path, "wb")
            self.handle.write(header)
        else:
            self.handle = open(path, "r+b")
            self.handle.truncate(committed)  # an interrupted chunk past the last commit is dropped
            self.handle.seek(committed)

    def append(self, data: bytes) -> None:
        self.handle.write(data)

    def commit(self) -> int:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        return self.handle.tell()

    def close(self) -> None:
        self.handle.close()


class Journal:
    """The output files of one run, opened fresh or resumed; ``commit`` makes a chunk permanent."""

    def __init__(self, output: Path, columns: list[str], fingerprint: dict[str, Any], resume: bool,
                 numeric_columns: Sequence[str] = ()):
        self.output = output
        self.format = output_format(output)
        self.columns = columns
        self.numeric_columns = set(numeric_columns)  # typed in Parquet; every other column (the input's) is text
        self.fingerprint = fingerprint
        self.progress_path = output.with_name(output.name + ".progress.json")
        staged = ".partial.jsonl" if self.format == "parquet" else ".partial"
        self.data_path = output.with_name(output.name + staged)
        self.errors_final = errors_path(output)
        self.errors_path = self.errors_final.with_name(self.errors_final.name + ".partial")
        self.resumed: dict[str, Any] | None = None
        self.notes: list[str] = []
        output.parent.mkdir(parents=True, exist_ok=True)
        previous = self._read_progress()
        if previous is not None and not resume:
            raise InputError(
                f"{output}: an earlier run into this file was interrupted or cancelled; continue it with resume "
                f"(--resume), or delete {self.progress_path.name} to start over"
            )
        if previous is not None:
            self._reopen(previous)
        else:
            if resume:
                self.notes.append("nothing to resume: starting from the beginning")
            self.data = _AppendFile(self.data_path, self._header(), None)
            self.errors = _AppendFile(self.errors_path, encode_csv([ERROR_COLUMNS]), None)
            self._errors_header = self.errors.commit()
            self.commit([], [], {"position": [0, 0]})

    # -- opening ----------------------------------------------------------------------------------------------
    def _header(self) -> bytes:
        return encode_csv([self.columns]) if self.format == "csv" else b""

    def _read_progress(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.progress_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise InputError(f"{self.progress_path}: unreadable progress record ({exc}); delete it to start over") from None
        if not isinstance(data, dict) or data.get("version") != PROGRESS_VERSION:
            raise InputError(f"{self.progress_path}: not a progress record of this Sentido version; delete it to start over")
        return data

    def _reopen(self, previous: dict[str, Any]) -> None:
        changed = [key for key in self.fingerprint if previous["fingerprint"].get(key) != self.fingerprint[key]]
        if previous.get("columns") != self.columns and "columns" not in changed:
            changed.append("output columns")
        if changed:
            raise InputError(
                f"{self.output}: cannot resume, the run differs from the interrupted one in: {', '.join(changed)}; "
                f"use the same inputs and options, or delete {self.progress_path.name} to start over"
            )
        # A cancelled run (or one killed while finishing) already moved its files onto their final names.
        if not self.data_path.exists() and self.format != "parquet" and self.output.exists():
            os.replace(self.output, self.data_path)
        if not self.errors_path.exists() and self.errors_final.exists():
            os.replace(self.errors_final, self.errors_path)
        if not self.data_path.exists():
            raise InputError(f"{self.output}: cannot resume, {self.data_path.name} is missing; delete {self.progress_path.name} to start over")
        self.data = _AppendFile(self.data_path, b"", previous["data_bytes"])
        if self.errors_path.exists():
            self.errors = _AppendFile(self.errors_path, b"", previous["errors_bytes"])
        else:
            self.errors = _AppendFile(self.errors_path, encode_csv([ERROR_COLUMNS]), None)
        self._errors_header = previous.get("errors_header", len(encode_csv([ERROR_COLUMNS])))
        self.resumed = previous["state"]

    # -- writing ----------------------------------------------------------------------------------------------
    def encode(self, rows: Sequence[Sequence[Any]]) -> bytes:
        if self.format == "csv":
            return encode_csv(rows)
        if self.format == "jsonl":
            lines = [json.dumps(dict(zip(self.columns, map(_json_value, row))), ensure_ascii=False) for row in rows]
        else:  # parquet staging: compact lists in column order
            lines = [json.dumps([_json_value(v) for v in row], ensure_ascii=False) for row in rows]
        return "".join(line + "\n" for line in lines).encode("utf-8")

    def commit(self, rows: Sequence[Sequence[Any]], problems: Sequence[Sequence[Any]], state: dict[str, Any]) -> None:
        """Append ``rows`` and ``problems``, then record ``state`` (where the reading stopped) with their lengths."""
        if rows:
            self.data.append(self.encode(rows))
        if problems:
            self.errors.append(encode_csv(problems))
        record = {
            "version": PROGRESS_VERSION,
            "fingerprint": self.fingerprint,
            "columns": self.columns,
            "data_bytes": self.data.commit(),
            "errors_bytes": self.errors.commit(),
            "errors_header": self._errors_header,
            "state": state,
        }
        temporary = self.progress_path.with_name(self.progress_path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.progress_path)

    # -- finishing --------------------------------------------------------------------------------------------
    def finalise(self, resumable: bool) -> Path | None:
        """Move the results onto ``output`` (atomically); return the errors report, or None when there was none.

        ``resumable`` (a cancelled run) keeps the progress record so that a resume continues where this stopped.
        """
        self.data.close()
        errors_size = self.errors.commit()
        self.errors.close()
        if self.format == "parquet":
            self._write_parquet()
        else:
            os.replace(self.data_path, self.output)
        report: Path | None = None
        if errors_size > self._errors_header:
            os.replace(self.errors_path, self.errors_final)
            report = self.errors_final
        else:
            self.errors_path.unlink(missing_ok=True)
            self.errors_final.unlink(missing_ok=True)  # an old report would describe another run
        if not resumable:
            self.progress_path.unlink(missing_ok=True)
            if self.format == "parquet":
                self.data_path.unlink(missing_ok=True)
        return report

    def close(self) -> None:
        """Close without finishing (after an unexpected error): everything committed stays resumable."""
        self.data.close()
        self.errors.close()

    def _write_parquet(self, batch_rows: int = 50_000) -> None:
        pa = require_pyarrow()
        import pyarrow.parquet as pq

        integers = {"row", "tokens"}
        schema = pa.schema([
            (name, (pa.int64() if name in integers else pa.float64()) if name in self.numeric_columns else pa.string())
            for name in self.columns
        ])
        temporary = self.output.with_name(self.output.name + ".tmp")
        with pq.ParquetWriter(temporary, schema) as writer, open(self.data_path, encoding="utf-8") as staged:
            batch: list[list[Any]] = []
            for line in staged:
                batch.append(json.loads(line))
                if len(batch) >= batch_rows:
                    writer.write_table(self._table(pa, schema, batch))
                    batch = []
            if batch:
                writer.write_table(self._table(pa, schema, batch))
        os.replace(temporary, self.output)

    @staticmethod
    def _table(pa, schema, rows: list[list[Any]]):
        columns = list(zip(*rows)) if rows else [[] for _ in schema.names]
        arrays = []
        for field, values in zip(schema, columns):
            if pa.types.is_string(field.type):
                values = [v if v is None or isinstance(v, str) else _cell(v) for v in values]
            arrays.append(pa.array(values, type=field.type))
        return pa.Table.from_arrays(arrays, schema=schema)
