"""Matplotlib figures embedded in Qt, each exportable as PNG or SVG with its data as CSV.

The drawing functions take a ``Figure`` and the engine's plain results and return the plotted data as
``(header, rows)``, so what a student exports is exactly what the picture shows.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("QtAgg", force=False)  # only a preference: never switch a backend someone already chose

import numpy as np  # noqa: E402
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget  # noqa: E402

Table = tuple[list[str], list[list]]

POSITIVE, NEGATIVE, NEUTRAL = "#2e9d5b", "#d1453b", "#7a869a"
SERIES = ["#3b7dd8", "#e08a1e", "#b04ac0", "#1ea3a3", "#8c6d31", "#e377c2", "#2e9d5b", "#d1453b"]
KEPT, PRUNED, BEST = "#3b7dd8", "#b8bec8", "#e08a1e"


def label_colors(labels: Sequence[str]) -> dict[str, str]:
    """Green for positive-like labels, red for negative-like ones, grey for neutral, a palette otherwise."""
    named = {"positive": POSITIVE, "pos": POSITIVE, "negative": NEGATIVE, "neg": NEGATIVE, "neutral": NEUTRAL}
    colors, spare = {}, iter(SERIES * 4)
    for label in labels:
        colors[label] = named.get(label.lower()) or next(spare)
    return colors


def _token_axis(ax, tokens: Sequence[str], limit: int = 60) -> None:
    """Token names under the x axis, thinned to about ``limit`` labels so they stay readable."""
    step = max(1, math.ceil(len(tokens) / limit))
    ticks = list(range(0, len(tokens), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([tokens[i] for i in ticks], rotation=60, ha="right", fontsize=8)
    ax.set_xlim(-0.5, len(tokens) - 0.5)


# -- why this label + along the text ---------------------------------------------------------------------
def draw_explanation(figure: Figure, explanation, trajectory) -> Table:
    figure.clear()
    tokens = [t.text for t in explanation.tokens]
    if not tokens:
        return [], []
    labels = explanation.labels
    colors = label_colors(labels)
    target = explanation.label
    toward = explanation.toward(target)
    strongest = [labels[int(i)] for i in np.argmax(explanation.attributions, axis=1)]
    has_attention = explanation.attention is not None
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1]})
    x = np.arange(len(tokens))
    top.bar(x, toward, color=[colors[s] for s in strongest], width=0.8)
    top.axhline(0, color="#888", linewidth=0.6)
    top.set_ylabel(f"push toward\n{target}", fontsize=9)
    top.set_title(f"Why “{target}”: each word's push ({explanation.method.replace('-', ' ')})", fontsize=10)
    if has_attention:
        twin = top.twinx()
        twin.plot(x, explanation.attention, color="#6b4fbb", marker="o", markersize=3, linewidth=1)
        twin.set_ylabel("attention", color="#6b4fbb", fontsize=9)
        twin.set_ylim(0, max(0.05, float(explanation.attention.max()) * 1.15))
    signed = any(l.lower() in ("positive", "negative") for l in labels) and len(labels) == 2
    if signed:
        bottom.plot(x, trajectory.scores, color="#333", linewidth=1.4, marker="o", markersize=3)
        bottom.fill_between(x, trajectory.scores, 0, where=trajectory.scores >= 0, color=POSITIVE, alpha=0.25, interpolate=True)
        bottom.fill_between(x, trajectory.scores, 0, where=trajectory.scores < 0, color=NEGATIVE, alpha=0.25, interpolate=True)
        bottom.set_ylim(-1.05, 1.05)
        bottom.axhline(0, color="#888", linewidth=0.6)
        bottom.set_ylabel("score after\neach word", fontsize=9)
    else:
        for j, label in enumerate(labels):
            bottom.plot(x, trajectory.probabilities[:, j], color=colors[label], label=label, linewidth=1.4)
        bottom.set_ylim(0, 1)
        bottom.set_ylabel("probability after\neach word", fontsize=9)
        bottom.legend(fontsize=8, ncol=min(6, len(labels)), loc="upper left")
    bottom.set_title("The prediction as the model reads", fontsize=10)
    _token_axis(bottom, tokens)
    figure.tight_layout()
    header = ["position", "token", "start", "end"] + [f"attribution_{l}" for l in labels]
    header += ["attention"] if has_attention else []
    header += ["prefix_score"] + [f"prefix_probability_{l}" for l in labels]
    rows = []
    for i, token in enumerate(explanation.tokens):
        row = [i, token.text, token.start, token.end] + [float(v) for v in explanation.attributions[i]]
        row += [float(explanation.attention[i])] if has_attention else []
        row += [float(trajectory.scores[i])] + [float(v) for v in trajectory.probabilities[i]]
        rows.append(row)
    return header, rows


# -- memory: gradients back through time -----------------------------------------------------------------
def draw_memory(figure: Figure, memories: Sequence) -> Table:
    figure.clear()
    if not memories:
        return [], []
    axes = figure.subplots(1, len(memories), sharey=True, squeeze=False)[0]
    finite = np.concatenate([m.norms[np.isfinite(m.norms) & (m.norms > 0)] for m in memories] or [np.ones(1)])
    low = float(finite.min()) if finite.size else 1e-8
    high = float(finite.max()) if finite.size else 1.0
    for ax, memory, color in zip(axes, memories, SERIES):
        tokens = [t.text for t in memory.tokens]
        x = np.arange(len(tokens))
        values = np.where(np.isfinite(memory.norms) & (memory.norms > 0), memory.norms, np.nan)
        ax.bar(x, values, color=color, width=0.8)
        ax.set_yscale("log")
        ax.set_ylim(low / 3, high * 3)
        ax.axvline(memory.position, color="#444", linestyle=":", linewidth=1)
        ax.set_title(f"{memory.architecture.upper()} · {memory.model}", fontsize=10)
        _token_axis(ax, tokens, limit=30)
        ax.grid(axis="y", which="major", alpha=0.3)
    what = "state" if memories[0].output == "state" else "prediction"
    axes[0].set_ylabel(f"‖∂ {what} / ∂ word‖ (log scale)", fontsize=9)
    figure.suptitle(f"How much the {what} at “{memories[0].tokens[memories[0].position].text}” still depends on "
                    "each earlier word", fontsize=10)
    figure.tight_layout()
    header = ["position", "token"] + [f"gradient_norm_{m.model}" for m in memories]
    rows = []
    for i, token in enumerate(memories[0].tokens):
        rows.append([i, token.text] + ["" if not np.isfinite(m.norms[i]) else float(m.norms[i]) for m in memories])
    return header, rows


# -- gates ------------------------------------------------------------------------------------------------
SIGMOID_GATES = ("input", "forget", "output", "reset", "update")


def draw_gates(figure: Figure, gates, max_units: int = 64) -> Table:
    """One heat map per gate (units down, words across). Big layers show the ``max_units`` units whose hidden
    state changes most along the text, the same units in every panel, in their original order."""
    figure.clear()
    tokens = [t.text for t in gates.tokens]
    total = gates.hidden.shape[1]
    units = np.arange(total)
    if total > max_units:
        units = np.sort(np.argsort(-gates.hidden.std(axis=0))[:max_units])
    panels = [(name, values[:, units]) for name, values in gates.gates.items()] + [("hidden state", gates.hidden[:, units])]
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, values) in zip(axes, panels):
        sigmoid = name in SIGMOID_GATES
        image = ax.imshow(values.T, aspect="auto", interpolation="nearest",
                          cmap="viridis" if sigmoid else "RdBu_r", vmin=0 if sigmoid else -1, vmax=1)
        ax.set_ylabel(f"{name}\n(units)", fontsize=8)
        ax.set_yticks([])
        ax.tick_params(axis="y", labelsize=7)
        figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01).ax.tick_params(labelsize=7)
    _token_axis(axes[-1], tokens)
    shown = f"all {total} units" if len(units) == total else f"the {len(units)} most active of {total} units"
    figure.suptitle(f"{gates.cell.upper()} layer {gates.layer + 1} of {gates.num_layers} · {gates.model} · {shown}",
                    fontsize=10)
    figure.tight_layout()
    header = ["gate", "unit", "position", "token", "value"]
    rows = [[name, int(unit), i, tokens[i], float(values[i, column])]
            for name, values in panels for i in range(values.shape[0]) for column, unit in enumerate(units)]
    return header, rows


# -- beam search ------------------------------------------------------------------------------------------
def draw_beam_tree(figure: Figure, tree, pruned_per_kept: int = 2) -> Table:
    """The search tree; each step draws its kept hypotheses and the best ``pruned_per_kept`` x width pruned ones
    (the data table lists them all, with a ``drawn`` column)."""
    figure.clear()
    ax = figure.add_subplot(1, 1, 1)
    by_step: dict[int, list] = {}
    limit = max(3, pruned_per_kept * tree.beam_width)
    for node in tree.nodes:  # candidates come best first, so the first pruned ones are the nearest misses
        column = by_step.setdefault(node.step, [])
        if node.kept or sum(not n.kept for n in column) < limit:
            column.append(node)
    drawn = {n.id for nodes in by_step.values() for n in nodes}
    tallest = max(len(nodes) for nodes in by_step.values())
    y = {}
    for step, nodes in by_step.items():
        offset = (tallest - len(nodes)) / 2  # centre short columns
        for row, node in enumerate(nodes):
            y[node.id] = -(row + offset)
    font = max(5.0, min(9.0, 260 / max(1, tallest)))
    for node in tree.nodes[1:]:
        if node.id not in drawn:
            continue
        color = BEST if node.best else KEPT if node.kept else PRUNED
        ax.plot([node.step - 1, node.step], [y[node.parent], y[node.id]], color=color,
                linewidth=2.2 if node.best else 1.0 if node.kept else 0.6,
                linestyle="-" if node.kept else (0, (2, 2)), zorder=3 if node.best else 2 if node.kept else 1)
        ax.scatter([node.step], [y[node.id]], s=18 if node.kept else 8, color=color, zorder=4,
                   marker="s" if node.finished else "o")
        ax.text(node.step + 0.06, y[node.id], f"{node.token}  {node.score:.2f}", fontsize=font, va="center",
                color="#222" if node.kept else "#8a909a", fontweight="bold" if node.best else "normal", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.6})
    ax.scatter([0], [y[0]], s=30, color="#222", zorder=4)
    prompt = tree.text if len(tree.text) <= 30 else "…" + tree.text[-29:]
    ax.text(-0.06, y[0], prompt, fontsize=font + 1, va="center", ha="right")
    last = max(by_step)
    ax.set_xlim(-1.6, last + 0.9)
    ax.set_xticks(range(0, last + 1))
    ax.set_xticklabels(["prompt"] + [f"word {i}" for i in range(1, last + 1)], fontsize=8)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    hidden = len(tree.nodes) - len(drawn)
    ax.set_title(f"Beam search, width {tree.beam_width}: kept (blue), pruned (grey, dashed), best (orange); "
                 "numbers are summed log-probabilities" + (f"; {hidden} weaker pruned ones not drawn" if hidden else ""),
                 fontsize=9)
    figure.tight_layout()
    header = ["id", "step", "parent", "token", "score", "kept", "finished", "best", "drawn"]
    rows = [[n.id, n.step, "" if n.parent is None else n.parent, n.token, n.score, n.kept, n.finished, n.best,
             n.id in drawn] for n in tree.nodes]
    return header, rows


def draw_distributions(figure: Figure, tree) -> Table:
    figure.clear()
    dists = tree.distributions
    if not dists:
        return [], []
    columns = min(4, len(dists))
    rows_n = math.ceil(len(dists) / columns)
    axes = figure.subplots(rows_n, columns, squeeze=False).ravel()
    for ax in axes[len(dists):]:
        ax.set_visible(False)
    for ax, dist in zip(axes, dists):
        words = [w for w, _ in dist.candidates][::-1]
        probs = [p for _, p in dist.candidates][::-1]
        ax.barh(range(len(words)), probs, color=[BEST if w == dist.chosen else KEPT for w in words])
        ax.set_yticks(range(len(words)))
        ax.set_yticklabels(words, fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(f"word {dist.step + 1}" + (f" after “…{dist.prefix[-18:]}”" if dist.prefix else ""), fontsize=8)
    figure.suptitle("Top next words along the best continuation (orange: the word it took)", fontsize=9)
    figure.tight_layout()
    header = ["step", "prefix", "word", "probability", "chosen"]
    rows = [[d.step + 1, d.prefix, w, p, w == d.chosen] for d in dists for w, p in d.candidates]
    return header, rows


# -- word neighbours ----------------------------------------------------------------------------------------
def draw_projection(figure: Figure, projection, source: str, highlight: str | None = None) -> Table:
    figure.clear()
    ax = figure.add_subplot(1, 1, 1)
    xy = projection.coordinates
    colors = [BEST if w == highlight else KEPT for w in projection.words]
    ax.scatter(xy[:, 0], xy[:, 1], color=colors, s=28, zorder=2)
    for (px, py), word in zip(xy, projection.words):
        ax.annotate(word, (px, py), xytext=(4, 3), textcoords="offset points", fontsize=9)
    ax.axhline(0, color="#ddd", linewidth=0.6, zorder=1)
    ax.axvline(0, color="#ddd", linewidth=0.6, zorder=1)
    ax.set_xlabel(f"component 1 ({projection.explained[0]:.0%} of the variance)", fontsize=9)
    ax.set_ylabel(f"component 2 ({projection.explained[1]:.0%})", fontsize=9)
    ax.set_title(f"Words in the embedding space of {source} (PCA to 2-D)", fontsize=10)
    ax.margins(0.15)
    figure.tight_layout()
    return ["word", "x", "y"], [[w, float(a), float(b)] for w, (a, b) in zip(projection.words, xy)]


# -- the widget -----------------------------------------------------------------------------------------------
def write_csv(path: Path | str, table: Table) -> None:
    header, rows = table
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


class PlotPanel(QWidget):
    """A figure with "Save image…" (PNG or SVG) and "Save data…" (CSV) buttons."""

    def __init__(self, name: str, parent: QWidget | None = None, *, height: float = 4.0):
        super().__init__(parent)
        self.name = name
        self.figure = Figure(figsize=(8, height), dpi=100, layout=None)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(160)
        self.table: Table = ([], [])
        self.save_image_button = QPushButton(self.tr("Save image…"))
        self.save_image_button.setToolTip(self.tr("Save this plot as PNG or SVG"))
        self.save_data_button = QPushButton(self.tr("Save data…"))
        self.save_data_button.setToolTip(self.tr("Save the numbers behind this plot as CSV"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        for button in (self.save_image_button, self.save_data_button):
            button.setEnabled(False)
        self.save_image_button.clicked.connect(self._ask_image)
        self.save_data_button.clicked.connect(self._ask_data)
        bar = QHBoxLayout()
        bar.addWidget(self.note, 1)
        bar.addWidget(self.save_image_button)
        bar.addWidget(self.save_data_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(bar)

    def draw(self, function, *args, **kwargs) -> None:
        """``function(figure, *args)`` draws and returns the table behind the plot."""
        self.table = function(self.figure, *args, **kwargs)
        self.canvas.draw_idle()
        has = bool(self.table[0])
        self.save_image_button.setEnabled(has)
        self.save_data_button.setEnabled(has)

    def clear(self) -> None:
        self.figure.clear()
        self.table = ([], [])
        self.canvas.draw_idle()
        self.save_image_button.setEnabled(False)
        self.save_data_button.setEnabled(False)

    def save_image(self, path: Path | str) -> None:
        """PNG or SVG by the file's suffix (PNG when there is none)."""
        path = Path(path)
        if path.suffix.lower() not in (".png", ".svg"):
            path = path.with_suffix(".png")
        self.figure.savefig(path, dpi=150 if path.suffix.lower() == ".png" else None, bbox_inches="tight")

    def save_data(self, path: Path | str) -> None:
        write_csv(path, self.table)

    def _ask_image(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Save image"), f"{self.name}.png",
                                                   self.tr("PNG image (*.png);;SVG image (*.svg)"))
        if path:
            if not Path(path).suffix:
                path += ".svg" if "svg" in chosen.lower() else ".png"
            self._guard(self.save_image, path)

    def _ask_data(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save data"), f"{self.name}.csv", self.tr("CSV (*.csv)"))
        if path:
            self._guard(self.save_data, path)

    def _guard(self, action, path) -> None:
        try:
            action(path)
        except OSError as exc:
            self.note.setText(self.tr("Could not save {0}: {1}").format(path, exc.strerror or exc))
        else:
            self.note.setText(self.tr("Saved {0}").format(path))
