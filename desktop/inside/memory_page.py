"""The network's memory: gradients back through time for RNN, LSTM and GRU side by side, and the gates."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QListWidget, QSpinBox, QVBoxLayout, QWidget,
)

from sentido.desktop.inside.common import Page
from sentido.desktop.inside.plots import PlotPanel, draw_gates, draw_memory
from sentido.desktop.widgets import add_check_item, checked_names, set_checked_names

MEMORY_EXAMPLE = ("I expected to hate this film, and the first hour is dull, the dialogue is clumsy and the music is "
                  "far too loud, yet the last scenes are moving and beautifully acted")
MAX_MODELS = 4


def _memories(engine, names: list[str], text: str, position: int | None, output: str):
    from sentido.engine import explain

    results = []
    for name in names:
        entry = engine.registry.model(name)
        loaded = engine.load(name, entry.spec.task)
        tokens = loaded.tokenizer.encode(text).ids
        at = None if position is None else min(position, max(0, len(tokens) - 1))
        results.append(explain.memory(loaded, text, position=at, output=output))
    order = ["rnn", "lstm", "gru", "resnet_lstm"]  # the lesson reads left to right: plain RNN first
    return sorted(results, key=lambda m: order.index(m.architecture) if m.architecture in order else len(order))


def _gates(engine, name: str, text: str, layer: int):
    from sentido.engine import explain

    entry = engine.registry.model(name)
    return explain.gate_activations(engine.load(name, entry.spec.task), text, layer=layer)


def _recurrent_models(backend) -> list:
    return [m for m in backend.models() if m.spec.architecture in ("rnn", "lstm", "gru", "resnet_lstm")]


class MemoryPage(Page):
    def __init__(self, backend, parent: QWidget | None = None):
        super().__init__(backend, parent)
        self.model_list = QListWidget()
        self.model_list.setMaximumHeight(96)
        self.model_list.setToolTip(self.tr("Tick up to {0} models to compare (best: an RNN, an LSTM and a GRU "
                                           "trained on the same task)").format(MAX_MODELS))
        self.text_box = self.make_text_box(self.tr("A long sentence shows fading memory best"), MEMORY_EXAMPLE)
        self.position_spin = QSpinBox()
        self.position_spin.setRange(0, 10_000)
        self.position_spin.setSpecialValueText(self.tr("last word"))
        self.position_spin.setToolTip(self.tr("The word whose output is differentiated (0 = the last word)"))
        self.output_combo = QComboBox()
        self.output_combo.addItem(self.tr("Recurrent state"), "state")
        self.output_combo.addItem(self.tr("Prediction"), "prediction")
        self.output_combo.setToolTip(self.tr("Differentiate the hidden state at that word, or the model's prediction there"))
        self.run_button = self.make_run_button(self.tr("&Show memory"), self.run)
        self.plot = PlotPanel("memory", height=4.0)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Output at word:")))
        controls.addWidget(self.position_spin)
        controls.addWidget(QLabel(self.tr("Output:")))
        controls.addWidget(self.output_combo)
        controls.addStretch(1)
        controls.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Models (tick up to {0}):").format(MAX_MODELS)))
        layout.addWidget(self.model_list)
        layout.addWidget(self.text_box)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)
        self.memories = []
        self.refresh_models()

    def refresh_models(self) -> None:
        ticked = set(self.checked_models())
        models = _recurrent_models(self.backend)
        if not ticked:  # first fill: one classifier per plain architecture, the lesson's trio
            seen = set()
            for m in sorted(models, key=lambda m: (m.spec.task != "classification", m.name)):
                if m.spec.architecture in ("rnn", "lstm", "gru") and m.spec.architecture not in seen:
                    seen.add(m.spec.architecture)
                    ticked.add(m.name)
        self.model_list.clear()
        for m in models:
            add_check_item(self.model_list, m.name, m.name in ticked, text=f"{m.name}  ({m.spec.architecture}, {m.spec.task})")

    def checked_models(self) -> list[str]:
        return checked_names(self.model_list)

    def set_checked(self, names: list[str]) -> None:
        set_checked_names(self.model_list, names)

    def run(self) -> None:
        names = self.checked_models()
        text = self.text_box.toPlainText()
        if not names:
            self.show_message(self.tr("Tick at least one model."))
            return
        if len(names) > MAX_MODELS:
            self.show_message(self.tr("Tick at most {0} models.").format(MAX_MODELS))
            return
        if not text.strip():
            self.show_message(self.tr("Type a text first."))
            return
        position = self.position_spin.value() - 1 if self.position_spin.value() > 0 else None
        self.submit(_memories, names, text, position, self.output_combo.currentData(), on_done=self._show)

    def _show(self, memories) -> None:
        self.memories = memories
        self.plot.draw(draw_memory, memories)
        estimated = [m.model for m in memories if not m.exact]
        note = self.tr("Log scale: each step down is ten times weaker. The faster the bars fall toward the start, "
                       "the sooner the model forgets: a plain RNN's gradient fades geometrically, while a trained "
                       "LSTM or GRU can carry it far back through its gates.")
        if estimated:
            note += " " + self.tr("Estimated from 32 random projections for: {0}.").format(", ".join(estimated))
        self.plot.note.setText(note)


class GatesPage(Page):
    def __init__(self, backend, parent: QWidget | None = None):
        super().__init__(backend, parent)
        self.model_combo = QComboBox()
        self.model_combo.setToolTip(self.tr("An LSTM or GRU shows its gates; a plain RNN only its hidden state"))
        self.layer_spin = QSpinBox()
        self.layer_spin.setRange(1, 1)
        self.layer_spin.setToolTip(self.tr("Which recurrent layer (1 = nearest the words)"))
        self.model_combo.currentIndexChanged.connect(self._update_layers)
        self.text_box = self.make_text_box(self.tr("A text to trace through the gates"))
        self.run_button = self.make_run_button(self.tr("&Show gates"), self.run)
        self.plot = PlotPanel("gates", height=6.0)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Model:")))
        controls.addWidget(self.model_combo, 1)
        controls.addWidget(QLabel(self.tr("Layer:")))
        controls.addWidget(self.layer_spin)
        controls.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.text_box)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)
        self.gates = None
        self.refresh_models()

    def refresh_models(self) -> None:
        current = self.model_combo.currentData()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        models = sorted(_recurrent_models(self.backend), key=lambda m: (m.spec.architecture not in ("lstm", "gru"), m.name))
        for m in models:
            self.model_combo.addItem(f"{m.name}  ({m.spec.architecture}, {m.spec.task})", m.name)
        names = [m.name for m in models]
        if current in names:
            self.model_combo.setCurrentIndex(names.index(current))
        self.model_combo.blockSignals(False)
        self._update_layers()

    def _update_layers(self) -> None:
        name = self.model_combo.currentData()
        layers = 1
        for m in self.backend.models():
            if m.name == name:
                layers = int(m.spec.config.get("num_layers", 1))
        self.layer_spin.setRange(1, max(1, layers))

    def run(self) -> None:
        name = self.model_combo.currentData()
        text = self.text_box.toPlainText()
        if name is None:
            self.show_message(self.tr("No recurrent model is installed."))
            return
        if not text.strip():
            self.show_message(self.tr("Type a text first."))
            return
        self.submit(_gates, name, text, self.layer_spin.value() - 1, on_done=self._show)

    def _show(self, gates) -> None:
        self.gates = gates
        self.plot.draw(draw_gates, gates)
        if gates.cell == "lstm":
            note = self.tr("Forget gate near 1 (yellow): the cell keeps its memory; input gate: how much of the new "
                           "word is written; output gate: how much of the cell is shown.")
        elif gates.cell == "gru":
            note = self.tr("Update gate near 1: the unit keeps its old state; reset gate near 0: it ignores the old "
                           "state when proposing the new one.")
        else:
            note = self.tr("A plain RNN has no gates: only its hidden state, rewritten at every word.")
        self.plot.note.setText(note)
