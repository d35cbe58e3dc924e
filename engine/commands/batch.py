"""``sentido batch``: analyse folders and large files into CSV, JSONL or Parquet, resumably."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from pathlib import Path

from sentido.engine.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="analyse files, folders or standard input into a results file",
        description="Analyse every document of PATH... with each model; one output row per document per model. "
        "Reads .txt/.md (a file is a document, or one per line with --per-line), .csv/.tsv, .jsonl, each "
        "optionally gzipped, folders, and - (standard input, one document per line).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for standard input")
    p.add_argument("--model", default=None, help="model name, or several separated by commas (default: the best sentiment model)")
    p.add_argument("--output", "-o", required=True, metavar="FILE", help="results file: .csv, .jsonl or .parquet")
    p.add_argument("--text-column", default=None, metavar="COL", help="CSV/TSV column or JSONL field with the text (default: the column holding the longest prose, printed per file)")
    p.add_argument("--per-line", action="store_true", help=".txt/.md files: one document per line")
    p.add_argument("--recursive", action=argparse.BooleanOptionalAction, default=True, help="look inside sub-folders (default: yes)")
    p.add_argument("--batch-size", type=int, default=64, help="texts per forward pass (default 64)")
    p.add_argument("--threads", type=int, default=None, help="model batches run side by side (CPU; default: one per core)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted or cancelled run into the same --output")
    p.add_argument("--quantize", action="store_true", help="int8 dynamic quantization (CPU): faster, slightly different")
    p.add_argument("--half", action="store_true",
                   help="half precision: float16 on a GPU, bfloat16 on a CPU with bfloat16 instructions (AVX512-BF16, AMX)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary on standard error")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on standard output")
    p.set_defaults(func=cmd_batch)


class ProgressBar:
    """One redrawn line on standard error: done fraction, documents, throughput, time left, current file."""

    def __init__(self, stream=sys.stderr, interval: float = 0.1):
        self.stream, self.interval, self.last = stream, interval, 0.0

    def __call__(self, state) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        width = shutil.get_terminal_size((80, 20)).columns
        if state.fraction is not None:
            filled = int(20 * state.fraction)
            bar = f"[{'#' * filled}{'.' * (20 - filled)}] {state.fraction:4.0%} "
        else:
            bar = ""
        eta = f" ETA {_clock(state.eta_s)}" if state.eta_s is not None else ""
        line = (f"{bar}{state.rows_done:,} docs  {state.docs_per_s:,.0f} docs/s{eta}  "
                f"file {state.files_done}/{state.files_total} {Path(state.current_file).name}")
        self.stream.write("\r" + line[: width - 1].ljust(width - 1))
        self.stream.flush()

    def close(self) -> None:
        if self.last:
            self.stream.write("\r" + " " * (shutil.get_terminal_size((80, 20)).columns - 1) + "\r")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def cmd_batch(args) -> int:
    from sentido.engine.batch import BatchOptions, ProgressState, run_batch
    from sentido.engine.cli import print_json
    from sentido.engine.commands.common import make_engine

    models = [m.strip() for m in args.model.split(",") if m.strip()] if args.model else []
    if args.model is not None and not models:
        raise InputError("--model names no model")
    if args.threads is not None and args.threads < 1:
        raise InputError("--threads must be at least 1")
    engine = make_engine(args)
    models = models or [engine.default_model("classification")]
    options = BatchOptions(text_column=args.text_column, per_line=args.per_line, recursive=args.recursive,
                           batch_size=args.batch_size, quantize=args.quantize, half=args.half, resume=args.resume,
                           threads=args.threads)
    if not args.quiet:
        report_text_columns(args.paths, args.text_column, args.recursive)
    bar = ProgressBar() if sys.stderr.isatty() and not args.quiet else None
    state = ProgressState(on_update=bar)

    def interrupt(signum, frame):  # first Ctrl-C: finish the chunk and keep everything; second: stop now
        if state.cancelled:
            raise KeyboardInterrupt
        state.cancel()

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        summary = run_batch(args.paths, models, args.output, engine=engine, options=options, state=state)
    finally:
        signal.signal(signal.SIGINT, previous)
        if bar:
            bar.close()
    if args.json:
        print_json(summary.to_dict())
    if not args.quiet:
        _report(summary)
    if summary.cancelled:
        print(f"sentido: cancelled; {summary.rows_written:,} rows kept in {summary.output}; "
              "continue with the same command and --resume", file=sys.stderr)
        return 130
    if summary.documents == 0:
        if summary.skipped or summary.bad_rows:
            print("sentido: error: nothing was analysed; every input was skipped or malformed (see the errors report)",
                  file=sys.stderr)
            return 1
        print("sentido: warning: the input holds no documents (an empty file, or a header with no rows)", file=sys.stderr)
    return 0


def report_text_columns(paths, wanted: str | None, recursive: bool, limit: int = 20, out=None) -> None:
    """Print, before the run, the text column each table (the first ``limit``) will be read from, by the rule
    the run itself uses (``engine.batch.columns``), with its warning. Unreadable tables are left to the run."""
    from sentido.engine.batch import list_inputs
    from sentido.engine.batch.columns import text_column_of
    from sentido.engine.batch.readers import SkipFile, format_of

    out = out or sys.stderr
    try:
        tables = [p for p in list_inputs(paths, recursive) if format_of(p) in ("csv", "tsv", "jsonl")]
    except InputError:
        return  # the run reports a missing path
    for path in tables[:limit]:
        try:
            choice = text_column_of(path, wanted)
        except SkipFile:
            continue  # the run skips it and says why
        how = ("chosen: longest prose; use --text-column to change" if choice.automatic
               else "named with --text-column")
        print(f"{path}: text column {choice.column!r} ({how})", file=out)
        if choice.warning:
            print(f"{path}: warning: {choice.warning}", file=out)
    if len(tables) > limit:
        print(f"... and {len(tables) - limit} more table(s), each read by the same rule", file=out)


def _report(summary) -> None:
    out = sys.stderr
    print(f"{summary.rows_written:,} rows ({summary.documents:,} documents) -> {summary.output}  "
          f"in {summary.seconds:.1f} s", file=out)
    for model, counts in summary.label_counts.items():
        if not counts:
            continue
        shown = ", ".join(f"{label} {count:,}" for label, count in sorted(counts.items(), key=lambda kv: -kv[1]))
        print(f"  {model}: {shown}", file=out)
    if summary.skipped:
        print(f"{len(summary.skipped)} file(s) skipped:", file=out)
        for path, reason in summary.skipped[:10]:
            print(f"  {path}: {reason}", file=out)
        if len(summary.skipped) > 10:
            print(f"  ... and {len(summary.skipped) - 10} more", file=out)
    if summary.bad_rows:
        print(f"{summary.bad_rows:,} bad row(s) not analysed", file=out)
    for warning in summary.warnings[:10]:
        print(f"warning: {warning}", file=out)
    if summary.errors_report:
        print(f"details: {summary.errors_report}", file=out)
