"""The one object through which every view reaches the engine.

``EngineFacade`` creates the :class:`sentido.engine.Engine` on a worker (importing torch and discovering plugins
takes a second or two; the window is already up), and runs all model work on worker lanes:

* ``facade.run(fn, *args, on_done=..., on_error=..., key=...)`` calls ``fn(engine, *args)`` on the *interactive*
  lane (one thread, in order; a newer task with the same ``key`` replaces a queued one) and delivers the result
  to ``on_done`` on the GUI thread. Errors without ``on_error`` go to the error funnel.
* ``facade.batch_lane`` is a second lane for long batch jobs, so typing stays live while a batch runs.

Signals (all emitted on the GUI thread): ``engine_did_start()``, ``engine_did_fail(exc)``, ``model_did_load(name)``,
``device_did_change(description)``, ``registry_did_change()``, ``current_text_did_change(text)`` (the Analyze
view's text, for views that explain what the model does with it), ``current_models_did_change()``.

Views that only read (model lists, the device) use ``facade.engine`` directly on the GUI thread: those calls
touch no tensors. Anything that runs a model goes through ``run``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from sentido.desktop.workers import Callback, WorkLane
from sentido.engine.errors import InputError, SentidoError


# Intra-op threads for model work started from the window. One thread per keystroke task is what keeps typing
# latency flat: on a busy 2-core machine two OpenMP threads per tiny step made the p95 ten times worse (75 ms vs
# 6.5 ms per update, measured with benchmarks/typing_latency.py's engine path), and it leaves a core for the GUI thread.
INTERACTIVE_THREADS = 1


def _default_factory(device: str | None, plugin_paths: list[Path]):
    def make():
        from sentido.engine import Engine  # imports torch: only ever on a worker thread

        try:
            return Engine(device, plugin_paths=plugin_paths, threads=INTERACTIVE_THREADS), None
        except InputError as exc:  # a saved device that is gone (GPU removed): fall back, and say so
            return Engine(None, plugin_paths=plugin_paths, threads=INTERACTIVE_THREADS), exc

    return make


def freeze_startup_objects() -> None:
    """Move everything alive after start-up (torch, Qt, plugins: ~200,000 objects) out of the garbage collector's
    reach. A full collection otherwise walks them all while holding the GIL, freezing the window for 100-600 ms
    (measured on a busy 2-core machine) whenever a batch or a long text has allocated enough to trigger one.
    The young generations are collected first (cheap), so recent garbage is not frozen with the rest."""
    gc.collect(1)
    gc.freeze()


class EngineFacade(QObject):
    engine_did_start = Signal()
    engine_did_fail = Signal(object)
    model_did_load = Signal(str)
    device_did_change = Signal(str)
    registry_did_change = Signal()
    current_text_did_change = Signal(str)
    current_models_did_change = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        device: str | None = None,
        plugin_paths: Iterable[Path | str] = (),
        engine: Any = None,
        synchronous: bool = False,
    ):
        super().__init__(parent)
        self.plugin_paths = [Path(p) for p in plugin_paths]
        self.requested_device = device
        self.engine = engine
        self.startup_warning: SentidoError | None = None
        self.interactive_lane = WorkLane("interactive", self, synchronous=synchronous)
        self.batch_lane = WorkLane("batch", self, synchronous=synchronous)
        # Slower extras of the Analyze view (the sentence table): on their own lane, so a keystroke's result
        # never waits behind them.
        self.background_lane = WorkLane("background", self, synchronous=synchronous)
        self._known_loaded: set[str] = set()
        self.current_text = ""
        self.classification_models: list[str] = []  # chosen in the Analyze view
        self.language_model: str | None = None

    # -- start-up -------------------------------------------------------------------------------------------
    @property
    def is_ready(self) -> bool:
        return self.engine is not None

    def start(self, factory: Callable[[], Any] | None = None) -> None:
        """Create the engine on a worker; ``engine_did_start`` (or ``engine_did_fail``) follows."""
        if self.engine is not None:
            self.engine_did_start.emit()
            return
        make = factory or _default_factory(self.requested_device, self.plugin_paths)

        def done(result):
            engine, warning = result if isinstance(result, tuple) else (result, None)
            self.engine, self.startup_warning = engine, warning
            freeze_startup_objects()
            self.engine_did_start.emit()
            self.device_did_change.emit(self.device_text())

        self.interactive_lane.submit(make, on_done=done, on_error=self.engine_did_fail.emit)

    # -- work -----------------------------------------------------------------------------------------------
    def run(self, fn: Callable[..., Any], *args, on_done: Callback = None, on_error: Callback = None, key: Any = None,
            lane: WorkLane | None = None) -> int:
        """Run ``fn(engine, *args)`` on the interactive lane (or ``lane``); results arrive on the GUI thread."""
        if self.engine is None:
            raise SentidoError("the engine is still starting; try again in a moment")
        engine = self.engine

        def done(result):
            self._notice_loads()
            if on_done is not None:
                on_done(result)

        def failed(exc):
            self._notice_loads()
            if on_error is not None:
                on_error(exc)
            else:
                from sentido.desktop.errors import report_unhandled

                report_unhandled(exc)

        return (lane or self.interactive_lane).submit(fn, engine, *args, on_done=done, on_error=failed, key=key)

    def _notice_loads(self) -> None:
        if self.engine is None:
            return
        loaded = set(self.engine.loaded())
        for name in sorted(loaded - self._known_loaded):
            self.model_did_load.emit(name)
        self._known_loaded = loaded

    def lanes(self) -> list[WorkLane]:
        return [self.interactive_lane, self.background_lane, self.batch_lane]

    def busy(self) -> bool:
        return any(lane.busy for lane in self.lanes())

    def wait_until_idle(self, timeout_s: float = 30.0) -> bool:
        """For tests and scripts: let queued work finish and its callbacks run (results may queue more work)."""
        ok = True
        for _ in range(3):
            for lane in self.lanes():
                ok = lane.wait_until_idle(timeout_s) and ok
            if not self.busy():
                break
        return ok

    def shutdown(self) -> None:
        for lane in self.lanes():
            lane.close()

    # -- reading (GUI thread; no tensors) -------------------------------------------------------------------
    def models(self, task: str | None = None) -> list:
        return self.engine.models(task) if self.engine is not None else []

    def loaded_models(self) -> list[str]:
        return self.engine.loaded() if self.engine is not None else []

    def device_text(self) -> str:
        if self.engine is None:
            return ""
        choice = self.engine.device_choice
        if choice.is_gpu:
            return f"{choice.device} — {choice.reason}"
        # The engine's reason lists every missing accelerator; the first clause is the one that matters most.
        reason = choice.reason.split(";")[0].removeprefix("CPU: ").removeprefix("CPU ")
        return f"CPU — {reason}"

    def set_current_text(self, text: str) -> None:
        self.current_text = text
        self.current_text_did_change.emit(text)

    def set_current_models(self, classification: list[str], language_model: str | None) -> None:
        self.classification_models, self.language_model = list(classification), language_model
        self.current_models_did_change.emit()

    # -- changing things ------------------------------------------------------------------------------------
    def set_device(self, device: str, on_done: Callback = None, on_error: Callback = None) -> None:
        """Move the engine to ``device`` (models reload there on next use)."""
        self.requested_device = device

        def done(choice):
            self._known_loaded = set()
            self.device_did_change.emit(self.device_text())
            if on_done is not None:
                on_done(choice)

        self.run(lambda engine: engine.set_device(device), on_done=done, on_error=on_error)

    def reload_plugins(self, on_done: Callback = None) -> None:
        """Rediscover plugins (after install, remove, enable or disable) and swap the engine's registry."""

        def rediscover(engine):
            from sentido.engine.registry import Registry

            registry = Registry.discover(self.plugin_paths)
            for name in list(engine.loaded()):
                try:
                    registry.model(name)
                except SentidoError:
                    engine.unload(name)  # its plugin was removed or disabled
            engine.registry = registry
            return registry

        def done(registry):
            self._known_loaded = set(self.engine.loaded())
            self.registry_did_change.emit()
            if on_done is not None:
                on_done(registry)

        self.run(rediscover, on_done=done)
