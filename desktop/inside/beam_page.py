"""Beam search made visible: the tree of hypotheses kept and pruned, and the top-k words at each step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QSpinBox, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from sentido.desktop.inside.common import Page
from sentido.desktop.inside.plots import PlotPanel, draw_beam_tree, draw_distributions

BEAM_EXAMPLE = "he moved to the united"


def _beam(engine, model: str | None, text: str, width: int, words: int, top_k: int):
    from sentido.engine import explain

    return explain.beam_tree(engine.load(model, "language-model"), text, beam_width=width, max_words=words, top_k=top_k)


class BeamPage(Page):
    def __init__(self, backend, parent: QWidget | None = None):
        super().__init__(backend, parent)
        self.model_combo = QComboBox()
        self.model_combo.setToolTip(self.tr("A next-word (language) model"))
        self.text_box = self.make_text_box(self.tr("The start of a sentence"), BEAM_EXAMPLE)
        self.text_box.setMaximumHeight(56)
        self.width_spin = self._spin(1, 8, 3, self.tr("Beam width: how many hypotheses survive each step"))
        self.words_spin = self._spin(1, 10, 4, self.tr("How many words to add"))
        self.top_k_spin = self._spin(2, 20, 8, self.tr("How many next words to show at each step"))
        self.run_button = self.make_run_button(self.tr("&Search"), self.run)
        self.tree_plot = PlotPanel("beam-tree", height=4.6)
        self.distribution_plot = PlotPanel("beam-top-k", height=3.2)
        self.results = QTreeWidget()
        self.results.setHeaderLabels([self.tr("Continuation"), self.tr("Log-probability")])
        self.results.setRootIsDecorated(False)
        self.results.setMaximumHeight(110)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Model:")))
        controls.addWidget(self.model_combo, 1)
        for label, spin in ((self.tr("Beam width:"), self.width_spin), (self.tr("Words:"), self.words_spin),
                            (self.tr("Top-k:"), self.top_k_spin)):
            controls.addWidget(QLabel(label))
            controls.addWidget(spin)
        controls.addWidget(self.run_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree_plot)
        splitter.addWidget(self.distribution_plot)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.text_box)
        layout.addWidget(self.message)
        layout.addWidget(self.results)
        layout.addWidget(splitter, 1)
        self.tree = None
        self.refresh_models()

    def _spin(self, low: int, high: int, value: int, tip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setToolTip(tip)
        return spin

    def refresh_models(self) -> None:
        prefer = []
        if self.backend.engine is not None:
            try:
                prefer = [self.backend.engine.default_model("language-model")]
            except Exception:  # noqa: BLE001 - no language model installed
                prefer = []
        self.fill_models(self.model_combo, "language-model", prefer)

    def run(self) -> None:
        if self.model_combo.currentData() is None:
            self.show_message(self.tr("No next-word model is installed."))
            return
        self.submit(_beam, self.model_combo.currentData(), self.text_box.toPlainText(), self.width_spin.value(),
                    self.words_spin.value(), self.top_k_spin.value(), on_done=self._show)

    def _show(self, tree) -> None:
        self.tree = tree
        self.results.clear()
        for text, score in tree.continuations:
            self.results.addTopLevelItem(QTreeWidgetItem([f"{tree.text} {text}", f"{score:.2f}"]))
        self.results.resizeColumnToContents(0)
        self.tree_plot.draw(draw_beam_tree, tree)
        pruned = sum(1 for n in tree.nodes if not n.kept)
        self.tree_plot.note.setText(self.tr("{0} hypotheses considered, {1} pruned.").format(len(tree.nodes) - 1, pruned))
        self.distribution_plot.draw(draw_distributions, tree)
