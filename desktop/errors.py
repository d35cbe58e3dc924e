"""The GUI's one error funnel: ``show_exception(parent, exc)``.

* a cancel (``CancelledError``) is silent: the user asked for it;
* a ``SentidoError`` is expected (bad file, broken plugin, missing device): a clear message, no traceback;
* a GPU out-of-memory error offers to switch to the CPU and says why;
* anything else is a bug: a dialog with the traceback the user can copy into a report.

Widgets call ``show_exception`` from the GUI thread only (worker failures arrive there through the work lanes).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from sentido.engine.errors import CancelledError, SentidoError

log = logging.getLogger("sentido.desktop")

# Tests replace this to record what would have been shown instead of opening a modal box.
_presenter: Callable[[QWidget | None, str, str, str], None] | None = None
# Called with no arguments when the user accepts moving to the CPU after a GPU out-of-memory error.
_switch_to_cpu: Callable[[], None] | None = None


def set_presenter(presenter: Callable[[QWidget | None, str, str, str], None] | None) -> None:
    """Route messages to ``presenter(parent, kind, title, text)`` instead of dialogs (tests, headless runs)."""
    global _presenter
    _presenter = presenter


def set_cpu_fallback(callback: Callable[[], None] | None) -> None:
    global _switch_to_cpu
    _switch_to_cpu = callback


def is_out_of_memory(exc: BaseException) -> bool:
    """A CUDA/MPS out-of-memory error, recognised without importing torch (the desktop never does)."""
    name = type(exc).__name__
    text = str(exc).lower()
    return name == "OutOfMemoryError" or "out of memory" in text and ("cuda" in text or "mps" in text)


def describe(exc: BaseException) -> tuple[str, str, str]:
    """(kind, title, text) for an exception: kind is 'silent', 'error', 'oom' or 'bug'."""
    if isinstance(exc, CancelledError):
        return "silent", "", ""
    if is_out_of_memory(exc):
        return (
            "oom",
            QCoreApplication.translate("errors", "Out of GPU memory"),
            QCoreApplication.translate(
                "errors",
                "The graphics card ran out of memory while running the model.\n\n"
                "Switch to the CPU? It is slower but has far more memory. You can change this later in Settings."),
        )
    if isinstance(exc, SentidoError):
        return "error", QCoreApplication.translate("errors", "Sentido"), str(exc)
    details = getattr(exc, "__sentido_traceback__", None) or "".join(traceback.format_exception(exc))
    summary = QCoreApplication.translate(
        "errors", "Something went wrong inside Sentido. This is a bug; please report it with the details below.")
    return "bug", QCoreApplication.translate("errors", "Unexpected error"), summary + "\n\n" + details


def show_exception(parent: QWidget | None, exc: BaseException) -> str:
    """Show ``exc`` the way its kind deserves; returns the kind ('silent', 'error', 'oom' or 'bug')."""
    kind, title, text = describe(exc)
    if kind == "silent":
        return kind
    if kind == "bug":
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    if _presenter is not None:
        _presenter(parent, kind, title, text)
        if kind == "oom" and _switch_to_cpu is not None:
            _switch_to_cpu()
        return kind
    if kind == "oom":
        answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes and _switch_to_cpu is not None:
            _switch_to_cpu()
        return kind
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    if kind == "bug":
        box.setIcon(QMessageBox.Icon.Critical)
        summary, _, details = text.partition("\n\n")
        box.setText(summary)
        box.setDetailedText(details)
    else:
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(text)
    box.exec()
    return kind


def report_unhandled(exc: BaseException) -> None:
    """Failures of work nobody attached an error callback to still reach the funnel."""
    from PySide6.QtWidgets import QApplication

    show_exception(QApplication.activeWindow(), exc)
