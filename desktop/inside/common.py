"""What every inside page shares: a model picker, a text box, a Run button, an in-place message line, and
work sent to the backend with stale results dropped."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QPushButton, QWidget

from sentido.desktop.inside.backend import Backend
from sentido.desktop.inside.plots import label_colors
from sentido.engine.errors import SentidoError

EXAMPLE = "The first half is slow and the acting is wooden, but the ending is wonderful and I loved it."


class Page(QWidget):
    """Base of the inside pages. Subclasses call ``submit`` and implement ``refresh_models``."""

    page_did_finish = Signal()  # a result (or an error message) is on screen
    page_did_fail = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None):
        super().__init__(parent)
        self.backend = backend
        self._generation = 0
        self.message = QLabel()
        self.message.setObjectName("inside-message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        backend.backend_did_start.connect(self.refresh_models)
        backend.models_did_change.connect(self.refresh_models)

    # -- building blocks ------------------------------------------------------------------------------------
    def make_text_box(self, placeholder: str, text: str = EXAMPLE) -> QPlainTextEdit:
        box = QPlainTextEdit(text)
        box.setPlaceholderText(placeholder)
        box.setMaximumHeight(90)
        box.setTabChangesFocus(True)
        return box

    def make_run_button(self, label: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(label)
        button.setDefault(True)
        button.setToolTip(self.tr("{0} (Ctrl+Return)").format(label.replace("&", "")))
        button.clicked.connect(slot)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return button

    def fill_models(self, combo: QComboBox, task: str | None, prefer: Sequence[str] = ()) -> None:
        """Refill ``combo`` with the models of ``task``, keeping the current choice when it still exists."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for entry in self.backend.models(task):
            combo.addItem(f"{entry.name}  ({entry.spec.architecture}, {entry.spec.language})", entry.name)
        names = [combo.itemData(i) for i in range(combo.count())]
        choice = current if current in names else next((p for p in prefer if p in names), None)
        if choice is not None:
            combo.setCurrentIndex(names.index(choice))
        combo.blockSignals(False)

    def refresh_models(self) -> None:  # pragma: no cover - every page overrides it
        pass

    # -- work -----------------------------------------------------------------------------------------------
    def submit(self, fn: Callable, *args, on_done: Callable) -> None:
        """Run ``fn(engine, *args)`` off the GUI thread; only the newest request's result is shown."""
        self._generation += 1
        generation = self._generation
        if not self.backend.ready:
            self.show_message(self.tr("The engine is still starting; try again in a moment."))
            return
        self.show_message(self.tr("Working…"), error=False)

        def done(result):
            if generation != self._generation:
                return
            self.message.hide()
            try:
                on_done(result)
            except Exception as exc:  # noqa: BLE001 - a drawing bug must not take the app down
                self.failed(exc)
                return
            self.page_did_finish.emit()

        def failed(exc):
            if generation == self._generation:
                self.failed(exc)

        try:
            self.backend.run(fn, *args, on_done=done, on_error=failed)
        except SentidoError as exc:
            self.failed(exc)

    def failed(self, exc: BaseException) -> None:
        """Expected problems appear in the page; bugs also go through the app's error funnel."""
        from sentido.desktop import errors

        kind, _, text = errors.describe(exc)
        if kind == "silent":
            self.message.hide()
            return
        if kind == "error":
            self.show_message(text)
        else:
            self.show_message(self.tr("Something went wrong: {0}").format(exc))
            errors.show_exception(self, exc)
        self.page_did_fail.emit(str(exc))
        self.page_did_finish.emit()

    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c0392b;" if error else "")
        self.message.show()


def _blend(color: str, base: QColor, strength: float) -> str:
    c = QColor(color)
    t = max(0.0, min(1.0, strength))
    mixed = QColor(round(base.red() + (c.red() - base.red()) * t), round(base.green() + (c.green() - base.green()) * t),
                   round(base.blue() + (c.blue() - base.blue()) * t))
    return mixed.name()


def highlight_html(explanation, palette: QPalette, *, show: str = "attributions") -> str:
    """The text with each token's background coloured by the label it pushes toward most (or, with
    ``show="attention"``, by its attention weight); stronger colour, stronger push."""
    base = palette.color(QPalette.ColorRole.Base)
    text = explanation.text
    colors = label_colors(explanation.labels)
    values = explanation.attributions
    out, cursor = [], 0
    if show == "attention" and explanation.attention is not None:
        weights = explanation.attention
        scale = float(weights.max()) or 1.0
        shades = [("#6b4fbb", float(w) / scale) for w in weights]
    else:
        strongest = np.argmax(values, axis=1) if len(values) else []
        peak = float(np.max(values)) if len(values) and np.max(values) > 0 else 1.0
        shades = [(colors[explanation.labels[int(k)]], float(values[i, int(k)]) / peak) for i, k in enumerate(strongest)]
    for token, (color, strength) in zip(explanation.tokens, shades):
        out.append(html.escape(text[cursor:token.start]))
        background = _blend(color, base, 0.85 * strength)
        out.append(f'<span style="background-color:{background}; border-radius:3px">{html.escape(text[token.start:token.end])}</span>')
        cursor = token.end
    out.append(html.escape(text[cursor:]))
    body = "".join(out).replace("\n", "<br>")
    return f'<div style="font-size:13pt; line-height:150%">{body}</div>'


def legend_html(labels: Sequence[str], *, attention: bool = False) -> str:
    translate = QCoreApplication.translate  # a function, not a QObject: the context is named
    if attention:
        word = html.escape(translate("Legend", "attention"))
        meaning = html.escape(translate("Legend", "darker = the attention pooling gave this word more weight"))
        return f'<span style="background-color:#6b4fbb; color:white">&nbsp;{word}&nbsp;</span> &nbsp;{meaning}'
    colors = label_colors(labels)
    swatches = " ".join(
        f'<span style="background-color:{colors[l]}; color:white">&nbsp;{html.escape(l)}&nbsp;</span>' for l in labels
    )
    lead = html.escape(translate("Legend", "A word's colour is the label it pushes toward most:"))
    tail = html.escape(translate("Legend", "stronger colour = stronger push"))
    return f"{lead} {swatches} &nbsp;{tail}"
