"""``InsideView``: the "Inside the model" tab, one sub-tab per question a student asks of a recurrent network."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from sentido.desktop.inside.backend import Backend

# Imported here (not when the view is built) so that importing this module on an idle worker, as the main window
# does, also pays matplotlib's import time before the first visit. Without matplotlib (the `gui` extra) the tab
# explains what to install instead of failing.
try:
    from sentido.desktop.inside.beam_page import BeamPage
    from sentido.desktop.inside.explain_page import ExplainPage
    from sentido.desktop.inside.memory_page import GatesPage, MemoryPage
    from sentido.desktop.inside.neighbours_page import NeighboursPage
except ImportError as exc:  # pragma: no cover - the test environment has matplotlib
    PAGES_UNAVAILABLE: ImportError | None = exc
else:
    PAGES_UNAVAILABLE = None


class InsideView(QWidget):
    """Built over the main window's ``EngineFacade`` (work shares its interactive lane) or a plain ``Engine``.

    All model work runs on worker threads through the backend; results arrive as signals on the GUI thread.
    Tests call :meth:`wait_until_idle`.
    """

    def __init__(self, engine: Any, parent: QWidget | None = None, *, synchronous: bool = False):
        super().__init__(parent)
        self.setObjectName("inside-view")
        self.backend = Backend(engine, self, synchronous=synchronous)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("inside-tabs")
        layout.addWidget(self.tabs)
        self.pages: dict[str, QWidget] = {}
        if PAGES_UNAVAILABLE is not None:
            message = QLabel(self.tr("The plots need matplotlib: pip install 'sentido[gui]' ({0})").format(PAGES_UNAVAILABLE))
            message.setWordWrap(True)
            self.tabs.addTab(message, self.tr("Unavailable"))
            return
        for key, page, title, tip in (
            ("explain", ExplainPage, self.tr("&Why this label"), self.tr("Which words pushed toward which label")),
            ("memory", MemoryPage, self.tr("&Memory"), self.tr("How far back gradients reach: RNN vs LSTM vs GRU")),
            ("gates", GatesPage, self.tr("&Gates"), self.tr("LSTM and GRU gate activations over the text")),
            ("beam", BeamPage, self.tr("&Beam search"), self.tr("The hypotheses beam search kept and pruned")),
            ("neighbours", NeighboursPage, self.tr("Word &neighbours"), self.tr("Nearest words in an embedding space")),
        ):
            self.pages[key] = page(self.backend, self)
            # Each page scrolls rather than setting the window's minimum size: at 200% on a 1080p screen the
            # tallest page (the beam tree) would not fit otherwise.
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(self.pages[key])
            index = self.tabs.addTab(scroll, title)
            self.tabs.setTabToolTip(index, tip)

    def page(self, key: str) -> QWidget:
        return self.pages[key]

    def show_page(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.pages[key].parentWidget().parentWidget())  # page -> viewport -> scroll area

    def current_page(self) -> QWidget | None:
        scroll = self.tabs.currentWidget()
        return scroll.widget() if isinstance(scroll, QScrollArea) else None

    def explain_text(self, text: str, model: str | None = None) -> None:
        """Show "Why this label" for ``text`` (and ``model``, when given): the hook for an "Explain" action in
        another view, which then only has to switch to this tab."""
        page = self.pages.get("explain")
        if page is None:
            return
        self.show_page("explain")
        page.text_box.setPlainText(text)
        if model is not None and page.model_combo.findData(model) >= 0:
            page.model_combo.setCurrentIndex(page.model_combo.findData(model))
        page.run()

    def wait_until_idle(self, timeout_s: float = 60.0) -> bool:
        return self.backend.wait_until_idle(timeout_s)

    def closeEvent(self, event) -> None:
        self.backend.close()
        super().closeEvent(event)
