"""Batch analysis at scale: folders of files and very large CSV/JSONL files, streamed, resumable, never lossy.

>>> from sentido.engine import Engine
>>> from sentido.engine.batch import BatchOptions, ProgressState, run_batch
>>> state = ProgressState(on_update=lambda s: print(s.rows_done, s.eta_s))          # doctest: +SKIP
>>> summary = run_batch(["reviews/"], ["lstm-sentiment"], "out.csv", engine=Engine(), state=state)  # doctest: +SKIP

``run_batch`` is a plain function: the CLI drives it with a terminal progress bar, the GUI from a worker thread
through ``ProgressState`` (poll it or pass ``on_update``; ``cancel()`` stops it at the end of the current chunk).
See ``docs/batch.md``.
"""

from sentido.engine.batch.readers import list_inputs, peek_columns
from sentido.engine.batch.runner import BatchOptions, BatchSummary, ProgressState, run_batch
from sentido.engine.batch.writers import errors_path, output_format

__all__ = [
    "BatchOptions",
    "BatchSummary",
    "ProgressState",
    "errors_path",
    "list_inputs",
    "output_format",
    "peek_columns",
    "run_batch",
]
