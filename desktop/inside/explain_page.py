"""Why this label: coloured words over the text, and the prediction after every word drawn under it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget
from PySide6.QtCore import Qt

from sentido.desktop.inside.common import Page, highlight_html, legend_html
from sentido.desktop.inside.plots import PlotPanel, draw_explanation


def _explain(engine, model: str | None, text: str, method: str):
    from sentido.engine import explain

    loaded = engine.load(model, "classification")
    return explain.explain(loaded, text, method=method), explain.along_the_text(loaded, text)


class ExplainPage(Page):
    def __init__(self, backend, parent: QWidget | None = None):
        super().__init__(backend, parent)
        self.model_combo = QComboBox()
        self.model_combo.setToolTip(self.tr("The sentiment (or other classification) model to explain"))
        self.method_combo = QComboBox()
        self.method_combo.addItem(self.tr("Integrated gradients"), "integrated-gradients")
        self.method_combo.addItem(self.tr("Occlusion (leave one word out)"), "occlusion")
        self.method_combo.setToolTip(self.tr("How each word's push is measured (see the guide)"))
        self.text_box = self.make_text_box(self.tr("Type or paste a text to explain"))
        self.use_analyze_button = QPushButton(self.tr("Use the Analyze text"))
        self.use_analyze_button.setToolTip(self.tr("Copy the text from the Analyze view"))
        self.use_analyze_button.clicked.connect(lambda: self.text_box.setPlainText(self.backend.analyze_text))
        self.use_analyze_button.setVisible(backend.facade is not None)
        self.run_button = self.make_run_button(self.tr("&Explain"), self.run)
        self.show_combo = QComboBox()
        self.show_combo.addItem(self.tr("Colour by: word's push"), "attributions")
        self.show_combo.addItem(self.tr("Colour by: attention weight"), "attention")
        self.show_combo.setToolTip(self.tr("Attention is available when the model pools with attention"))
        self.show_combo.currentIndexChanged.connect(self._show_highlights)
        self.summary = QLabel()
        self.summary.setObjectName("inside-summary")
        self.highlights = QTextBrowser()
        self.highlights.setObjectName("inside-highlights")
        self.highlights.setMinimumHeight(70)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.plot = PlotPanel("why-this-label", height=4.2)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Model:")))
        top.addWidget(self.model_combo, 1)
        top.addWidget(QLabel(self.tr("Method:")))
        top.addWidget(self.method_combo)
        top.addWidget(self.use_analyze_button)
        top.addWidget(self.run_button)
        result = QWidget()
        result_layout = QVBoxLayout(result)
        result_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.show_combo)
        result_layout.addLayout(head)
        result_layout.addWidget(self.highlights, 1)
        result_layout.addWidget(self.legend)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(result)
        splitter.addWidget(self.plot)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text_box)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.explanation = None
        self.trajectory = None
        self._followed = self.text_box.toPlainText()
        backend.analyze_text_did_change.connect(self._follow_analyze_text)
        self.refresh_models()

    def _follow_analyze_text(self, text: str) -> None:
        """Show the Analyze view's text here, unless the student typed something of their own in this box."""
        if text.strip() and self.text_box.toPlainText() == self._followed:
            self.text_box.setPlainText(text)
            self._followed = text

    def refresh_models(self) -> None:
        prefer = []
        if self.backend.engine is not None:
            try:
                prefer = [self.backend.engine.default_model("classification")]
            except Exception:  # noqa: BLE001 - no classifier installed: the combo stays empty
                prefer = []
        self.fill_models(self.model_combo, "classification", prefer)

    def run(self) -> None:
        text = self.text_box.toPlainText()
        if not text.strip():
            self.show_message(self.tr("Type a text first."))
            return
        self.submit(_explain, self.model_combo.currentData(), text, self.method_combo.currentData(), on_done=self._show)

    def _show(self, result) -> None:
        self.explanation, self.trajectory = result
        e = self.explanation
        if e.label is None:
            self.summary.setText(self.tr("The model knows none of these words."))
            self.highlights.clear()
            self.plot.clear()
            return
        self.summary.setText(self.tr("<b>{0}</b> {1:.0%} · {2}").format(e.label, e.probabilities[e.label], e.model))
        self.show_combo.setEnabled(e.attention is not None)
        if e.attention is None:
            self.show_combo.setCurrentIndex(0)
        self._show_highlights()
        self.plot.draw(draw_explanation, e, self.trajectory)
        self.plot.note.setText(self.tr("Top: each word's push toward “{0}”. Bottom: the prediction after every "
                                       "word, so you can see where the text turns.").format(e.label))

    def _show_highlights(self) -> None:
        if self.explanation is None or self.explanation.label is None:
            return
        show = self.show_combo.currentData()
        self.highlights.setHtml(highlight_html(self.explanation, self.palette(), show=show))
        self.legend.setText(legend_html(self.explanation.labels, attention=show == "attention"))
