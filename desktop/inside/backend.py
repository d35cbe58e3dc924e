"""Where the inside views send model work: the main window's ``EngineFacade`` or a plain ``Engine``.

With the facade, work shares the interactive lane with the Analyze view, so one model is never run by two
threads at once. With a bare engine (tests, scripts) the views get a lane of their own. Either way ``run``
calls ``fn(engine, *args)`` on a worker thread and delivers the result on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from sentido.desktop.workers import WorkLane


class Backend(QObject):
    backend_did_start = Signal()  # the engine exists: model lists can be read
    models_did_change = Signal()
    analyze_text_did_change = Signal(str)

    def __init__(self, engine_or_facade: Any, parent: QObject | None = None, *, synchronous: bool = False):
        super().__init__(parent)
        self.facade = engine_or_facade if hasattr(engine_or_facade, "interactive_lane") else None
        self._engine = None if self.facade is not None else engine_or_facade
        self._lane = None
        if self.facade is not None:
            self.facade.engine_did_start.connect(self.backend_did_start.emit)
            self.facade.registry_did_change.connect(self.models_did_change.emit)
            self.facade.current_text_did_change.connect(self.analyze_text_did_change.emit)
        else:
            self._lane = WorkLane("inside", self, synchronous=synchronous)

    @property
    def engine(self) -> Any:
        return self.facade.engine if self.facade is not None else self._engine

    @property
    def ready(self) -> bool:
        return self.engine is not None

    @property
    def analyze_text(self) -> str:
        return getattr(self.facade, "current_text", "") if self.facade is not None else ""

    def models(self, task: str | None = None) -> list:
        return self.engine.models(task) if self.engine is not None else []

    def run(self, fn: Callable[..., Any], *args, on_done: Callable, on_error: Callable) -> None:
        if self.facade is not None:
            self.facade.run(fn, *args, on_done=on_done, on_error=on_error)
        else:
            self._lane.submit(fn, self._engine, *args, on_done=on_done, on_error=on_error)

    @property
    def busy(self) -> bool:
        if self.facade is not None:
            return self.facade.interactive_lane.busy
        return self._lane.busy

    def wait_until_idle(self, timeout_s: float = 30.0) -> bool:
        lane = self.facade.interactive_lane if self.facade is not None else self._lane
        return lane.wait_until_idle(timeout_s)

    def close(self) -> None:
        if self._lane is not None:
            self._lane.close()
