"""The batch run loop: stream documents from every input, analyse them in chunks with each model, commit.

One chunk is a few hundred to a few thousand documents (sized to take about half a second, so a cancel is seen
quickly); within a chunk the engine sorts texts by length and packs each batch, so padding costs nothing.
A text longer than a model's window (``ModelSpec.max_length`` tokens) is cut into consecutive windows that are
analysed like separate texts; the document's probabilities are the token-weighted mean of its windows'
(a 40-token tail counts 40/512 as much as a full window), and its label and score follow from that mean.
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from sentido.engine.batch.readers import (
    STDIN, Document, RowProblem, SkipFile, format_of, list_inputs, open_source, peek_columns, read_documents,
)
from sentido.engine.batch.writers import Journal, errors_path
from sentido.engine.errors import InputError
from sentido.engine.inference import LoadedModel

NO_WORDS = "(no words)"  # the label_counts key for texts without a single token
RESULT_COLUMNS = ["source", "row", "model", "label", "score"]
CHUNK_SECONDS = 0.5
MAX_CHUNK_CHARS = 16 << 20


@dataclass
class BatchOptions:
    text_column: str | None = None  # CSV/TSV column or JSONL field; None: "text" if present, else the first text column
    per_line: bool = False  # .txt/.md: one document per non-blank line instead of one per file
    recursive: bool = True  # look inside sub-folders
    batch_size: int = 64  # texts per forward pass
    quantize: bool = False  # int8 dynamic quantization of LSTM/GRU/Linear layers (CPU)
    half: bool = False  # float16 weights (GPU)
    resume: bool = False  # continue an interrupted or cancelled run into the same output


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


# -- models -------------------------------------------------------------------------------------------------------
def prepare_model(loaded: LoadedModel, options: BatchOptions) -> LoadedModel:
    """The model as the run uses it: int8-quantized or half-precision copies leave the engine's cached one as is."""
    loaded._require("classification")
    if options.quantize and options.half:
        raise InputError("choose quantize (CPU) or half precision (GPU), not both")
    if options.quantize:
        if loaded.device.type != "cpu":
            raise InputError(f"int8 quantization runs on the CPU; the engine uses {loaded.device} (use half precision there)")
        # nn.RNN has no dynamic int8 kernel; its Linear layers are still quantized.
        with warnings.catch_warnings():  # torch flags its int8 tensor API as deprecated; the kernels still run
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            module = torch.ao.quantization.quantize_dynamic(loaded.module, {nn.LSTM, nn.GRU, nn.Linear}, dtype=torch.qint8)
    elif options.half:
        if loaded.device.type == "cpu":
            raise InputError("half precision needs a GPU; on the CPU use quantize instead")
        module = copy.deepcopy(loaded.module).half()
    else:
        return loaded
    return LoadedModel(loaded.name, loaded.spec, module.eval(), loaded.tokenizer, loaded.device)


def token_ids(model: LoadedModel, texts: Sequence[str]) -> list[list[int]]:
    """Token ids of many texts, tokenised in parallel in Rust; ``encode_batch_fast`` skips the character
    offsets that batch output never shows (about 15% faster on IMDB reviews)."""
    backend = model.tokenizer.backend
    if hasattr(backend, "encode_batch_fast"):
        return [enc.ids for enc in backend.encode_batch_fast(list(texts), add_special_tokens=False)]
    return model.tokenizer.ids_batch(list(texts))


def classify(model: LoadedModel, texts: Sequence[str], batch_size: int) -> tuple[list[torch.Tensor | None], list[int]]:
    """Per text: combined label probabilities (None without tokens) and token count. See the module docstring."""
    ids = token_ids(model, texts)
    window = model.spec.max_length
    pieces, owners, weights = [], [], []
    for owner, seq in enumerate(ids):
        for start in range(0, len(seq), window):
            pieces.append(seq[start : start + window])
            owners.append(owner)
            weights.append(len(pieces[-1]))
    lengths = [len(seq) for seq in ids]
    if not pieces:
        return [None] * len(texts), lengths
    probs = model.probabilities(pieces, batch_size)
    owner_index = torch.tensor(owners)
    weight = torch.tensor(weights, dtype=probs.dtype)
    combined = torch.zeros(len(texts), probs.size(1)).index_add_(0, owner_index, probs * weight[:, None])
    totals = torch.zeros(len(texts)).index_add_(0, owner_index, weight)
    return [combined[i] / totals[i] if lengths[i] else None for i in range(len(texts))], lengths


# -- the run ------------------------------------------------------------------------------------------------------
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
            names = peek_columns(path) if fmt in ("csv", "tsv", "jsonl") else ["text"]
        except InputError:
            names = []  # unreadable: the run reports it when it gets there
        inputs.update(dict.fromkeys(names))
    return ours + [f"input_{c}" if c in ours else c for c in inputs], labels, list(inputs)


class _Run:
    def __init__(self, files: list[Path], models: list[LoadedModel], journal: Journal, options: BatchOptions,
                 state: ProgressState, labels: list[str], input_columns: list[str], explicit: set[Path]):
        self.explicit = explicit
        self.files, self.models, self.journal, self.options, self.state = files, models, journal, options, state
        self.labels, self.input_columns = labels, input_columns
        saved = journal.resumed or {}
        self.position: list[int] = saved.get("position", [0, 0])
        self.counts: dict[str, dict[str, int]] = saved.get("label_counts", {m.name: {} for m in models})
        self.file_status: dict[str, str] = saved.get("file_status", {})
        self.skipped: list[list[str]] = saved.get("skipped", [])
        self.warnings: list[str] = saved.get("warnings", []) + journal.notes
        self.rows_written: int = saved.get("rows_written", 0)
        self.documents: int = saved.get("documents", 0)
        self.bad_rows: int = saved.get("bad_rows", 0)
        self.problems: list[list[Any]] = []
        self.sizes = [None if p == STDIN else p.stat().st_size for p in files]
        self.source = None
        self.tokens = 0
        state.files_done = sum(1 for s in self.file_status.values() if s == "done")

    def saved_state(self) -> dict[str, Any]:
        return {"position": self.position, "label_counts": self.counts, "file_status": self.file_status,
                "skipped": self.skipped, "warnings": self.warnings, "rows_written": self.rows_written,
                "documents": self.documents, "bad_rows": self.bad_rows}

    # -- reading --------------------------------------------------------------------------------------------
    def documents_stream(self) -> Iterator[tuple[str, Document]]:
        """Documents from the committed position on; ``self.position`` always names the last one handed out."""
        first, skip = self.position
        for index in range(first, len(self.files)):
            path, key = self.files[index], str(self.files[index])
            fmt = format_of(path) or ("text" if path in self.explicit else "")
            self.state.current_file = key
            self.file_status[key] = "running"
            done = 0
            try:
                if not fmt:
                    raise SkipFile(f"not a supported file type ({path.suffix or 'no suffix'}); Sentido reads "
                                   ".txt .md .csv .tsv .jsonl, optionally gzipped")
                self.source = open_source(path, fmt)
                items = read_documents(self.source, fmt, self.options.text_column, self.options.per_line)
                for number, item in enumerate(items, 1):
                    if index == first and number <= skip:
                        continue
                    self.position = [index, number]
                    if isinstance(item, RowProblem):
                        self.bad_rows += 1
                        self.problems.append([key, item.line, "bad row", item.reason])
                    else:
                        done += 1
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
                        text = f"{key}: {warning}"
                        if text not in self.warnings:
                            self.warnings.append(text)
                            self.problems.append([key, "", "warning", warning])
                    self.source = None
            self.position = [index + 1, 0]
            self.state.files_done = sum(1 for s in self.file_status.values() if s == "done")
            self.state.notify()

    # -- analysing ------------------------------------------------------------------------------------------
    def analyse(self, chunk: list[tuple[str, Document]]) -> list[list[Any]]:
        texts = [doc.text for _, doc in chunk]
        results = [classify(model, texts, self.options.batch_size) for model in self.models]
        self.tokens += sum(results[0][1])
        rows = []
        for i, (source, doc) in enumerate(chunk):
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

    def commit(self, rows: list[list[Any]], documents: int) -> None:
        self.rows_written += len(rows)
        self.documents += documents
        self.journal.commit(rows, self.problems, self.saved_state())
        self.problems = []

    def progress(self, started: float, done_before: int, bytes_before: int) -> None:
        state, elapsed = self.state, max(time.perf_counter() - started, 1e-9)
        state.rows_done, state.rows_written = self.documents, self.rows_written
        state.docs_per_s = (self.documents - done_before) / elapsed
        state.tokens_per_s = self.tokens / elapsed
        state.file_status = dict(self.file_status)
        if any(size is None for size in self.sizes):
            state.fraction = state.eta_s = None
        else:
            total = sum(self.sizes) or 1
            done = self.bytes_done()
            state.fraction = min(1.0, done / total)
            rate = (done - bytes_before) / elapsed
            state.eta_s = (total - done) / rate if rate > 0 else None
        state.notify()

    def bytes_done(self) -> int:
        finished = sum(s or 0 for s in self.sizes[: self.position[0]])
        return finished + (self.source.bytes_read if self.source is not None else 0)

    def run(self) -> bool:
        """Analyse everything from the committed position; True when cancelled."""
        started, done_before, bytes_before = time.perf_counter(), self.documents, self.bytes_done()
        if self.state.cancelled:
            return True
        target = max(self.options.batch_size * 4, 256)
        stream = self.documents_stream()
        chunk: list[tuple[str, Document]] = []
        chars = 0
        for item in stream:
            chunk.append(item)
            chars += len(item[1].text)
            if len(chunk) < target and chars < MAX_CHUNK_CHARS:
                continue
            tick = time.perf_counter()
            self.commit(self.analyse(chunk), len(chunk))
            rate = len(chunk) / max(time.perf_counter() - tick, 1e-6)
            target = int(min(max(rate * CHUNK_SECONDS, self.options.batch_size), 8192))
            chunk, chars = [], 0
            self.progress(started, done_before, bytes_before)
            if self.state.cancelled:
                stream.close()  # runs the stream's cleanup: the open file is closed, the position kept
                for key, status in self.file_status.items():
                    if status == "running":
                        self.file_status[key] = "cancelled"
                self.commit([], 0)
                self.progress(started, done_before, bytes_before)
                return True
        self.commit(self.analyse(chunk) if chunk else [], len(chunk))
        self.progress(started, done_before, bytes_before)
        return False


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
    """Files this run writes (or an earlier run into the same output wrote) are never read as inputs."""
    if path == STDIN or path.resolve().parent != output.parent:
        return False
    return path.name.startswith(output.name) or path.name.startswith(errors_path(output).name)


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
    output = Path(output).absolute()
    files = [p for p in list_inputs(inputs, options.recursive) if not _is_own_output(p, output)]
    if not files:
        raise InputError(f"no input files found in {', '.join(map(str, inputs)) or '(nothing given)'}")
    loaded = [prepare_model(engine.load(name, "classification"), options) for name in models]
    columns, labels, input_columns = output_columns(loaded, files)
    journal = Journal(output, columns, _fingerprint(files, models, options), options.resume)
    state.files_total = len(files)
    explicit = {Path(p) for p in inputs if str(p) != "-" and Path(p).is_file()}
    run = _Run(files, loaded, journal, options, state, labels, input_columns, explicit)
    try:
        with torch.inference_mode():
            cancelled = run.run()
    except BaseException:
        journal.close()  # what was committed stays; resume continues from it
        raise
    report = journal.finalise(resumable=cancelled)
    state.cancelled = cancelled
    return BatchSummary(
        output=output, errors_report=report, rows_written=run.rows_written, files_done=state.files_done,
        skipped=[(p, r) for p, r in run.skipped], warnings=list(run.warnings), cancelled=cancelled,
        seconds=time.perf_counter() - started, label_counts=run.counts, documents=run.documents, bad_rows=run.bad_rows,
    )
