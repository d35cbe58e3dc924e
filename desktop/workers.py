"""Model work off the GUI thread: serial work lanes whose results come back as signals on the GUI thread.

A :class:`WorkLane` runs one task at a time on its own thread pool, in submission order. Tasks submitted with a
``key`` replace a not-yet-started task of the same key, so typing fast never builds a queue of stale analyses
(only the newest text is analysed). Callbacks run on the thread that owns the lane (the GUI thread); the worker
never touches a widget.

Tests pass ``synchronous=True`` to run each task at once on the calling thread, or call
:meth:`WorkLane.wait_until_idle` to let the worker finish and its callbacks arrive.
"""

from __future__ import annotations

import itertools
import time
import traceback
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, QThreadPool, Signal, Slot

Callback = Callable[[Any], None] | None

# Every lane ever made, so the tests' dangling-thread guard can check that all of them went idle.
LIVE_LANES: "weakref.WeakSet[WorkLane]" = weakref.WeakSet()


@dataclass
class _Task:
    ident: int
    fn: Callable[..., Any]
    args: tuple
    on_done: Callback
    on_error: Callback
    key: Any = None


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it, so delivery is a queued call on the GUI thread."""

    task_did_end = Signal(int, bool, object)


class _Runnable(QRunnable):
    def __init__(self, task: _Task, relay: _Relay):
        super().__init__()
        self.task, self.relay = task, relay
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread: compute, then hand the result over; never touch widgets here
        try:
            result, ok = self.task.fn(*self.task.args), True
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the GUI's one error funnel
            exc.__sentido_traceback__ = traceback.format_exc()
            result, ok = exc, False
        self.relay.task_did_end.emit(self.task.ident, ok, result)


class WorkLane(QObject):
    """A serial queue of tasks run on a private one-thread pool.

    Signals: ``lane_did_become_busy`` / ``lane_did_become_idle`` (for the status bar's activity indicator).
    """

    lane_did_become_busy = Signal()
    lane_did_become_idle = Signal()

    def __init__(self, name: str, parent: QObject | None = None, *, synchronous: bool = False):
        super().__init__(parent)
        self.name = name
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.task_did_end.connect(self._on_task_did_end)
        self._pending: OrderedDict[int, _Task] = OrderedDict()
        self._running: _Task | None = None
        self._ids = itertools.count(1)
        self._closed = False
        LIVE_LANES.add(self)

    # -- submitting -----------------------------------------------------------------------------------------
    def submit(self, fn: Callable[..., Any], *args, on_done: Callback = None, on_error: Callback = None, key: Any = None) -> int:
        """Run ``fn(*args)`` off the GUI thread; ``on_done(result)`` or ``on_error(exc)`` run on the GUI thread."""
        task = _Task(next(self._ids), fn, args, on_done, on_error, key)
        if self._closed:
            return task.ident
        if self.synchronous:
            self._run_now(task)
            return task.ident
        if key is not None:
            for ident, queued in list(self._pending.items()):
                if queued.key == key:
                    del self._pending[ident]  # superseded by newer input
        self._pending[task.ident] = task
        self._start_next()
        return task.ident

    def _run_now(self, task: _Task) -> None:
        try:
            result = task.fn(*task.args)
        except BaseException as exc:  # noqa: BLE001
            exc.__sentido_traceback__ = traceback.format_exc()
            self._deliver(task, False, exc)
        else:
            self._deliver(task, True, result)

    def _start_next(self) -> None:
        if self._running is not None or not self._pending:
            return
        _, task = self._pending.popitem(last=False)
        was_idle = self._running is None
        self._running = task
        if was_idle:
            self.lane_did_become_busy.emit()
        self._pool.start(_Runnable(task, self._relay))

    @Slot(int, bool, object)
    def _on_task_did_end(self, ident: int, ok: bool, result: object) -> None:
        task, self._running = self._running, None
        if task is not None and task.ident == ident and not self._closed:
            self._deliver(task, ok, result)
        if self._pending and not self._closed:
            self._start_next()
        else:
            self.lane_did_become_idle.emit()

    def _deliver(self, task: _Task, ok: bool, result: object) -> None:
        callback = task.on_done if ok else task.on_error
        if callback is not None:
            callback(result)
        elif not ok:
            from sentido.desktop.errors import report_unhandled

            report_unhandled(result)

    # -- state ----------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._running is not None or bool(self._pending)

    def cancel_pending(self, key: Any = None) -> None:
        """Drop tasks not yet started (all of them, or those with ``key``); a running task finishes."""
        for ident, task in list(self._pending.items()):
            if key is None or task.key == key:
                del self._pending[ident]

    def wait_until_idle(self, timeout_s: float = 30.0) -> bool:
        """Process events until every task has run and its callback was delivered; False on timeout."""
        deadline = time.monotonic() + timeout_s
        app = QCoreApplication.instance()
        while self.busy:
            if time.monotonic() > deadline:
                return False
            if app is not None:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            self._pool.waitForDone(5)
        if app is not None:
            app.processEvents()
        return True

    def active_threads(self) -> int:
        # A deleted lane's pool waited for its threads in its destructor (QThreadPool does), so it runs none.
        return self._pool.activeThreadCount() if shiboken6.isValid(self._pool) else 0

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop taking work, drop what has not started and wait for the running task (used on quit)."""
        self._closed = True
        self._pending.clear()
        if shiboken6.isValid(self._pool):
            self._pool.waitForDone(int(timeout_s * 1000))
        self._running = None
