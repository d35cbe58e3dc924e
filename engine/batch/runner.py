"""The batch run loop: stream documents from every input, analyse them in chunks with each model, commit.

Threads: a reader thread opens the files, decodes them, parses records and tokenises each chunk (in Rust, without
the GIL), while the calling thread runs the models and writes. On the CPU the models' batches run side by side on
``BatchOptions.threads`` threads (default: one per core), each with a single torch thread. Letting torch split
each operation over the cores instead is the usual default and the wrong one here: a recurrent layer is hundreds
of small matrix products in a row, and at every one each thread waits at a barrier for the others, which costs
little on an idle machine and makes the run 20x slower as soon as anything else runs on it (measured on this
project's loaded 2-core machine). Batches side by side never wait for each other.

One chunk is a few dozen to a few thousand documents, sized to take about half a second to analyse, so that a
cancel is seen quickly; each chunk is committed to the output with where the reading stopped (see ``writers``).
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from sentido.engine.batch.analysis import classify, prepare_model, token_ids
from sentido.engine.batch.columns import auto_text_column
from sentido.engine.batch.readers import (
    STDIN, Document, RowProblem, SkipFile, format_of, list_inputs, open_source, peek_columns, read_documents,
)
from sentido.engine.batch.writers import Journal, errors_path
from sentido.engine.errors import InputError
from sentido.engine.inference import LoadedModel

NO_WORDS = "(no words)"  # the label_counts key for texts without a single token
RESULT_COLUMNS = ["source", "row", "model", "label", "score"]
CHUNK_SECONDS = 0.5
MAX_CHUNK_CHARS = 8 << 20  # of all the input's columns: a chunk is in memory a few times over (rows, encoded output)


@dataclass
class BatchOptions:
    text_column: str | None = None  # CSV/TSV column or JSONL field; None: the column holding prose (columns.py)
    per_line: bool = False  # .txt/.md: one document per non-blank line instead of one per file
    recursive: bool = True  # look inside sub-folders
    batch_size: int = 64  # texts per forward pass
    quantize: bool = False  # int8 dynamic quantization of LSTM/GRU/Linear layers (CPU)
    half: bool = False  # float16 on a GPU, bfloat16 on a CPU that has bfloat16 instructions
    resume: bool = False  # continue an interrupted or cancelled run into the same output
    threads: int | None = None  # model batches run side by side, one torch thread each; None: one per CPU core


@dataclass(eq=False)
class ProgressState:
    """Progress and cancel, shared with whoever drives the run (the CLI's bar, the GUI's worker). No Qt here.

    ``rows_done`` counts input documents analysed (each gives one output row per model); ``on_update`` is called
    from the thread running the batch after each chunk and when a file finishes.
    """

    cancelled: bool = False
    rows_done: int = 0
    rows_written: int = 0
    files_done: int = 0
    files_total: int = 0
    docs_per_s: float = 0.0
    tokens_per_s: float = 0.0
    eta_s: float | None = None
    fraction: float | None = None  # of the input bytes read; None for standard input
    current_file: str = ""
    file_status: dict[str, str] = field(default_factory=dict)
    on_update: Callable[["ProgressState"], None] | None = None

    def cancel(self) -> None:
        self.cancelled = True

    def notify(self) -> None:
        if self.on_update is not None:
            self.on_update(self)


@dataclass
class BatchSummary:
    output: Path
    errors_report: Path | None
    rows_written: int
    files_done: int
    skipped: list[tuple[str, str]]
    warnings: list[str]
    cancelled: bool
    seconds: float
    label_counts: dict[str, dict[str, int]]
    documents: int = 0
    bad_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "errors_report": str(self.errors_report) if self.errors_report else None,
            "rows_written": self.rows_written,
            "documents": self.documents,
            "files_done": self.files_done,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "bad_rows": self.bad_rows,
            "warnings": self.warnings,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            "label_counts": self.label_counts,
        }


# -- the run ------------------------------------------------------------------------------------------------------
COLUMN_PEEK = 100  # JSONL records per file whose fields become output columns


def output_columns(models: Sequence[LoadedModel], files: Sequence[Path]) -> tuple[list[str], list[str], list[str]]:
    """(all columns, probability labels, input columns) of a run's output."""
    labels: list[str] = []
    for model in models:
        labels += [label for label in model.labels if label not in labels]
    ours = RESULT_COLUMNS + [f"p_{label}" for label in labels] + ["tokens"]
    inputs: dict[str, None] = {}
    for path in files:
        fmt = format_of(path)
        try:
            names = peek_columns(path, COLUMN_PEEK) if fmt in ("csv", "tsv", "jsonl") else ["text"]
        except InputError:
            names = []  # unreadable: the run reports it when it gets there
        inputs.update(dict.fromkeys(names))
    return ours + [f"input_{c}" if c in ours else c for c in inputs], labels, list(inputs)


@dataclass
class _Chunk:
    """Documents read and tokenised by the reader thread, with the reader's state right after the last of them."""

    items: list[tuple[str, Document]]
    ids: list[list[list[int]]]  # per model
    saved: dict[str, Any]  # position, file statuses, skips, warnings, bad rows: what a commit records
    problems: list[list[Any]]  # errors-report lines met since the previous chunk
    current_file: str
    bytes_done: int
    final: bool = False


class _Reader:
    """Runs in its own thread: files -> documents -> tokenised chunks, into a short queue (memory stays flat)."""

    def __init__(self, files: list[Path], explicit: set[Path], models: list[LoadedModel], options: BatchOptions,
                 saved: dict[str, Any], columns: set[str] | None = None):
        self.files, self.explicit, self.models, self.options = files, explicit, models, options
        # The input columns the output has (JSONL fields seen in each file's first records), and fields already
        # warned about, which a resumed run must not warn about again.
        self.columns = columns if columns is None else columns | set(saved.get("late_fields", []))
        self.late_fields: list[str] = list(saved.get("late_fields", []))
        self.position: list[int] = saved.get("position", [0, 0])
        # Saved without the (many) "done" entries: every file before the position that was not skipped is done.
        self.file_status: dict[str, str] = {str(p): "done" for p in files[: self.position[0]]}
        self.file_status.update(saved.get("file_status", {}))
        self.skipped: list[list[str]] = saved.get("skipped", [])
        self.warnings: list[str] = saved.get("warnings", [])
        self.bad_rows: int = saved.get("bad_rows", 0)
        self.problems: list[list[Any]] = []
        self.sizes = [None if p == STDIN else p.stat().st_size for p in files]
        self.source = None
        self.current = ""
        self.target = options.batch_size  # documents per chunk; the model side adjusts it to its speed
        self.stop = threading.Event()
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._work, name="sentido-batch-reader", daemon=True)

    # -- documents ------------------------------------------------------------------------------------------
    def documents(self) -> Iterator[tuple[str, Document]]:
        """Documents from the committed position on; ``self.position`` always names the last one handed out."""
        first, skip = self.position
        for index in range(first, len(self.files)):
            path, key = self.files[index], str(self.files[index])
            fmt = format_of(path) or ("text" if path in self.explicit else "")
            self.current = key
            self.file_status[key] = "running"
            done = 0
            try:
                if not fmt:
                    raise SkipFile(f"not a supported file type ({path.suffix or 'no suffix'}); Sentido reads "
                                   ".txt .md .csv .tsv .jsonl, optionally gzipped")
                column = self.options.text_column
                if column is None and fmt in ("csv", "tsv", "jsonl"):
                    column = auto_text_column(path)  # the same rule as the CLI's and the Batch view's report
                self.source = open_source(path, fmt)
                items = read_documents(self.source, fmt, column, self.options.per_line)
                for number, item in enumerate(items, 1):
                    if index == first and number <= skip:
                        continue  # done before the interruption
                    self.position = [index, number]
                    if isinstance(item, RowProblem):
                        self.bad_rows += 1
                        self.problems.append([key, item.line, "bad row", item.reason])
                    else:
                        done += 1
                        if fmt == "jsonl" and self.columns is not None and not item.columns.keys() <= self.columns:
                            self._unlisted_fields(key, item)
                        yield key, item
                self.file_status[key] = "done"
            except SkipFile as exc:
                reason = str(exc) if not done else f"{exc} (after {done} documents, which are kept)"
                self.file_status[key] = f"skipped: {reason}"
                self.skipped.append([key, reason])
                self.problems.append([key, "", "skipped file", reason])
            finally:
                if self.source is not None:
                    self.source.finish()
                    for warning in self.source.warnings:
                        if f"{key}: {warning}" not in self.warnings:
                            self.warnings.append(f"{key}: {warning}")
                            self.problems.append([key, "", "warning", warning])
                    self.source = None
            self.position = [index + 1, 0]

    def _unlisted_fields(self, key: str, item: Document) -> None:
        """Warn (once per file and field) that a JSONL field missing from every file's first records is not output."""
        new = sorted(set(item.columns) - self.columns)
        warning = (f"field(s) {', '.join(map(repr, new))} first appear at line {item.row}, after the first "
                   f"{COLUMN_PEEK} records that set the output's columns; their values are not in the output")
        self.columns = self.columns | set(new)  # one warning per field
        self.late_fields += new
        self.warnings.append(f"{key}: {warning}")
        self.problems.append([key, item.row, "warning", warning])

    def chunks(self) -> Iterator[_Chunk]:
        items: list[tuple[str, Document]] = []
        chars = 0
        stream = self.documents()
        try:
            for item in stream:
                items.append(item)
                chars += sum(len(v) for v in item[1].columns.values() if isinstance(v, str)) or len(item[1].text)
                if len(items) >= self.target or chars >= MAX_CHUNK_CHARS:
                    yield self._chunk(items)
                    items, chars = [], 0
                if self.stop.is_set():
                    return
        finally:
            stream.close()  # closes the file being read
        yield self._chunk(items, final=True)

    def _chunk(self, items: list[tuple[str, Document]], final: bool = False) -> _Chunk:
        texts = [doc.text for _, doc in items]
        ids = [token_ids(model, texts) if texts else [] for model in self.models]
        unfinished = {key: status for key, status in self.file_status.items() if status != "done"}
        saved = {"position": list(self.position), "file_status": unfinished, "skipped": [list(s) for s in self.skipped],
                 "warnings": list(self.warnings), "bad_rows": self.bad_rows, "late_fields": list(self.late_fields)}
        finished = sum(s or 0 for s in self.sizes[: self.position[0]])
        bytes_done = finished + (self.source.bytes_read if self.source is not None else 0)
        problems, self.problems = self.problems, []
        return _Chunk(items, ids, saved, problems, self.current, bytes_done, final)

    # -- the thread -----------------------------------------------------------------------------------------
    def _work(self) -> None:
        try:
            for chunk in self.chunks():
                while not self._offer(chunk):
                    if self.stop.is_set():
                        return
        except BaseException as exc:  # handed to the model side, which raises it
            self._offer(exc, wait=True)

    def _offer(self, item, wait: bool = False) -> bool:
        try:
            self.queue.put(item, timeout=None if wait else 0.1)
            return True
        except queue.Full:
            return False

    def next(self) -> _Chunk:
        item = self.queue.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self, patience: float = 10.0) -> None:
        """Stop the thread, emptying the queue so that it is never stuck on a full one. A thread blocked reading
        standard input is left behind after ``patience`` seconds (it is a daemon; nothing it holds is needed)."""
        self.stop.set()
        deadline = time.monotonic() + patience
        while self.thread.is_alive() and time.monotonic() < deadline:
            try:
                self.queue.get(timeout=0.1)
            except queue.Empty:
                pass


class _Run:
    """The model side: analyse each chunk the reader hands over, commit it, report progress."""

    def __init__(self, files: list[Path], models: list[LoadedModel], journal: Journal, options: BatchOptions,
                 state: ProgressState, labels: list[str], input_columns: list[str], explicit: set[Path]):
        self.models, self.journal, self.options, self.state = models, journal, options, state
        self.labels, self.input_columns = labels, input_columns
        saved = dict(journal.resumed or {})
        saved["warnings"] = saved.get("warnings", []) + journal.notes
        self.reader = _Reader(files, explicit, models, options, saved, set(input_columns))
        self.saved = {key: saved[key] for key in ("position", "file_status", "skipped", "warnings", "bad_rows", "late_fields")
                      if key in saved}
        self.counts: dict[str, dict[str, int]] = saved.get("label_counts", {m.name: {} for m in models})
        self.rows_written: int = saved.get("rows_written", 0)
        self.documents: int = saved.get("documents", 0)
        self.tokens = 0
        self.pool: ThreadPoolExecutor | None = None
        self.total_bytes = None if any(s is None for s in self.reader.sizes) else sum(self.reader.sizes)
        self._update_files(self.reader.file_status)

    @property
    def skipped(self) -> list[list[str]]:
        return self.saved.get("skipped", [])

    @property
    def warnings(self) -> list[str]:
        return self.saved.get("warnings", [])

    @property
    def bad_rows(self) -> int:
        return self.saved.get("bad_rows", 0)

    def analyse(self, chunk: _Chunk) -> list[list[Any]]:
        results = [classify(model, ids, self.options.batch_size, self.pool) for model, ids in zip(self.models, chunk.ids)]
        if results:
            self.tokens += sum(results[0][1])
        rows = []
        for i, (source, doc) in enumerate(chunk.items):
            own = [doc.columns.get(c) for c in self.input_columns]
            for model, (probs, lengths) in zip(self.models, results):
                analysis = model.make_analysis(doc.text, [], probs[i])
                counts = self.counts.setdefault(model.name, {})
                key = analysis.label or NO_WORDS
                counts[key] = counts.get(key, 0) + 1
                p = [analysis.probabilities.get(label) for label in self.labels]
                score = analysis.score if analysis.label is not None else None
                rows.append([source, doc.row, model.name, analysis.label, score, *p, lengths[i], *own])
        return rows

    def commit(self, rows: list[list[Any]], chunk: _Chunk) -> None:
        self.rows_written += len(rows)
        self.documents += len(chunk.items)
        self.saved = chunk.saved
        state = {**chunk.saved, "label_counts": self.counts, "rows_written": self.rows_written, "documents": self.documents}
        self.journal.commit(rows, chunk.problems, state)

    def _update_files(self, unfinished: dict[str, str]) -> None:
        position = self.saved.get("position", [0, 0])[0]
        status = {str(p): "done" for p in self.reader.files[:position]}
        status.update(unfinished)
        self.state.file_status = status
        self.state.files_done = sum(1 for s in status.values() if s == "done")

    def progress(self, chunk: _Chunk, started: float, done_before: int, bytes_before: int) -> None:
        state, elapsed = self.state, max(time.perf_counter() - started, 1e-9)
        state.rows_done, state.rows_written = self.documents, self.rows_written
        state.docs_per_s = (self.documents - done_before) / elapsed
        state.tokens_per_s = self.tokens / elapsed
        state.current_file = chunk.current_file
        self._update_files(chunk.saved["file_status"])
        if self.total_bytes is None:
            state.fraction = state.eta_s = None
        else:
            state.fraction = min(1.0, chunk.bytes_done / (self.total_bytes or 1))
            rate = (chunk.bytes_done - bytes_before) / elapsed
            state.eta_s = (self.total_bytes - chunk.bytes_done) / rate if rate > 0 else None
        state.notify()

    def run(self) -> bool:
        """Analyse everything from the committed position; True when cancelled."""
        if self.state.cancelled:
            return True
        started, done_before = time.perf_counter(), self.documents
        bytes_before = sum(s or 0 for s in self.reader.sizes[: self.reader.position[0]])
        self.reader.thread.start()
        try:
            while True:
                chunk = self.reader.next()
                tick = time.perf_counter()
                self.commit(self.analyse(chunk), chunk)
                rate = len(chunk.items) / max(time.perf_counter() - tick, 1e-6)
                self.reader.target = int(min(max(rate * CHUNK_SECONDS, self.options.batch_size), 8192))
                self.progress(chunk, started, done_before, bytes_before)
                if chunk.final:
                    return False
                if self.state.cancelled:
                    break
        finally:
            self.reader.close()
        # Cancelled: the last commit is where a resume starts; record that the file in progress was cancelled.
        cancelled = {k: ("cancelled" if v == "running" else v) for k, v in chunk.saved["file_status"].items()}
        chunk = _Chunk([], [], {**chunk.saved, "file_status": cancelled}, [], chunk.current_file, chunk.bytes_done)
        self.commit([], chunk)
        self.progress(chunk, started, done_before, bytes_before)
        return True


def _fingerprint(files: list[Path], models: Sequence[str], options: BatchOptions) -> dict[str, Any]:
    return {
        "inputs": [str(p) if p == STDIN else str(p.resolve()) for p in files],
        "models": list(models),
        "text_column": options.text_column,
        "per_line": options.per_line,
        "quantize": options.quantize,
        "half": options.half,
    }


def _is_own_output(path: Path, output: Path) -> bool:
    """Files this run writes (or an earlier run into the same output wrote) are never read as inputs: exactly
    those names, so an input that merely starts like the output (reviews.csv.gz beside reviews.csv) is still read."""
    if path == STDIN or path.resolve().parent != output.resolve().parent:
        return False
    errors = errors_path(output).name
    own = {output.name + suffix for suffix in ("", ".tmp", ".partial", ".partial.jsonl", ".progress.json",
                                               ".progress.json.tmp")}
    return path.name in own | {errors, errors + ".partial"}


def _check_output(inputs: Sequence[str | Path], output: Path) -> None:
    """Refuse, before anything is read or written, an output that would destroy an input or cannot be written."""
    if output.is_dir():
        raise InputError(f"the output {output} is a folder; name a file such as {output / 'results.csv'}")
    if not output.parent.is_dir():
        raise InputError(f"the output's folder {output.parent} does not exist")
    for given in inputs:
        if str(given) == "-":
            continue
        path = Path(given)
        try:
            same = path.exists() and output.exists() and path.samefile(output)
        except OSError:
            same = False
        if same or path.absolute() == output:
            raise InputError(f"the output {output} is also an input; the results would replace it. "
                             "Name another output file")


def run_batch(
    inputs: Sequence[str | Path],
    models: Sequence[str],
    output: str | Path,
    *,
    engine,
    options: BatchOptions | None = None,
    state: ProgressState | None = None,
) -> BatchSummary:
    """Analyse every document of ``inputs`` with each of ``models`` into ``output`` (.csv, .jsonl or .parquet).

    Returns when done or, after ``state.cancel()``, at the end of the current chunk with what was written so far
    finalised (``cancelled=True``); ``options.resume`` continues such a run, or one that was killed.
    """
    options = options or BatchOptions()
    state = state if state is not None else ProgressState()
    started = time.perf_counter()
    if not models:
        raise InputError("name at least one model")
    if options.batch_size < 1:
        raise InputError("batch size must be at least 1")
    if options.threads is not None and options.threads < 1:
        raise InputError("threads must be at least 1")
    output = Path(output).absolute()
    _check_output(inputs, output)
    files = [p for p in list_inputs(inputs, options.recursive) if not _is_own_output(p, output)]
    if not files:
        raise InputError(f"no input files found in {', '.join(map(str, inputs)) or '(nothing given)'}")
    loaded = [prepare_model(engine.load(name, "classification"), options) for name in models]
    columns, labels, input_columns = output_columns(loaded, files)
    numeric = ["row", "score", "tokens"] + [f"p_{label}" for label in labels]
    journal = Journal(output, columns, _fingerprint(files, models, options), options.resume, numeric)
    state.files_total = len(files)
    explicit = {Path(p) for p in inputs if str(p) != "-" and Path(p).is_file()}
    run = _Run(files, loaded, journal, options, state, labels, input_columns, explicit)
    threads = torch.get_num_threads()
    workers = options.threads or os.cpu_count() or 1
    if engine.device.type == "cpu":
        torch.set_num_threads(1)  # process-wide while the run lasts; see the module docstring
        if workers > 1:
            run.pool = ThreadPoolExecutor(workers, thread_name_prefix="sentido-batch-model")
    try:
        with torch.inference_mode():
            cancelled = run.run()
    except BaseException:
        journal.close()  # what was committed stays; resume continues from it
        raise
    finally:
        torch.set_num_threads(threads)
        if run.pool is not None:
            run.pool.shutdown()
    report = journal.finalise(resumable=cancelled)
    state.cancelled = cancelled
    return BatchSummary(
        output=output, errors_report=report, rows_written=run.rows_written, files_done=state.files_done,
        skipped=[(p, r) for p, r in run.skipped], warnings=list(run.warnings), cancelled=cancelled,
        seconds=time.perf_counter() - started, label_counts=run.counts, documents=run.documents, bad_rows=run.bad_rows,
    )
