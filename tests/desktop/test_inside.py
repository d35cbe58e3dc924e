"""The "Inside the model" view drives real widgets over tiny models: every page shows real data."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from sentido.desktop.inside import InsideView
from tests.helpers import save_tiny


@pytest.fixture(scope="module")
def inside_plugins(tmp_path_factory):
    root = tmp_path_factory.mktemp("inside-models")
    return [save_tiny(root, arch, "classification") for arch in ("rnn", "lstm", "gru")] + [
        save_tiny(root, "lstm", "language-model"),
        save_tiny(root, "lstm", "classification", name="tiny-attention-cls", pooling="attention"),
    ]


@pytest.fixture(scope="module")
def engine(inside_plugins):
    from sentido.engine.api import Engine

    return Engine("cpu", plugin_paths=inside_plugins)


@pytest.fixture
def view(qtbot, engine):
    widget = InsideView(engine)
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    return widget


def run(view, page, button) -> None:
    """Click ``button`` for real and wait for the worker's result to be on screen."""
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert view.wait_until_idle(60)


def test_every_page_is_there(view):
    assert [view.tabs.tabText(i).replace("&", "") for i in range(view.tabs.count())] == [
        "Why this label", "Memory", "Gates", "Beam search", "Word neighbours"]


def test_why_this_label_colours_words_and_draws_the_prediction_along_the_text(view):
    page = view.page("explain")
    page.model_combo.setCurrentIndex(page.model_combo.findData("tiny-lstm-cls"))
    page.text_box.setPlainText("I loved this movie, but the ending was bad.")
    run(view, page, page.run_button)
    assert page.message.isHidden()
    explanation = page.explanation
    assert explanation.model == "tiny-lstm-cls" and explanation.label in ("negative", "positive")
    assert explanation.label in page.summary.text()
    html = page.highlights.toHtml()
    assert html.count("background-color") >= len(explanation.tokens) and "ending" in html
    assert "positive" in page.legend.text() and "negative" in page.legend.text()
    header, rows = page.plot.table
    assert len(rows) == len(explanation.tokens) and "prefix_score" in header
    assert len(page.plot.figure.axes) == 2 and not page.show_combo.isEnabled()  # no attention in this model


def test_attention_model_can_colour_by_attention(view):
    page = view.page("explain")
    page.model_combo.setCurrentIndex(page.model_combo.findData("tiny-attention-cls"))
    run(view, page, page.run_button)
    assert page.explanation.attention is not None and page.show_combo.isEnabled()
    page.show_combo.setCurrentIndex(1)
    assert "#6b4fbb" in page.legend.text() and "attention" in page.legend.text()
    assert "attention" in page.plot.table[0]


def test_memory_compares_rnn_lstm_and_gru_side_by_side(view):
    page = view.page("memory")
    assert len(page.checked_models()) == 3  # by default, one classifier of each plain architecture
    run(view, page, page.run_button)
    assert [m.architecture for m in page.memories] == ["rnn", "lstm", "gru"]
    axes = page.plot.figure.axes
    assert len(axes) == 3 and all(ax.get_yscale() == "log" for ax in axes)
    header, rows = page.plot.table
    assert header[2:] == [f"gradient_norm_{m.model}" for m in page.memories]
    assert all(isinstance(r[2], float) and r[2] > 0 for r in rows)


def test_memory_asks_for_a_model(view):
    page = view.page("memory")
    page.set_checked([])
    page.run()
    assert not page.message.isHidden() and "at least one model" in page.message.text()


def test_gates_show_a_heat_map_per_gate(view):
    page = view.page("gates")
    page.model_combo.setCurrentIndex(page.model_combo.findData("tiny-gru-cls"))
    page.layer_spin.setValue(2)
    run(view, page, page.run_button)
    assert set(page.gates.gates) == {"reset", "update", "new"} and page.gates.layer == 1
    images = [ax for ax in page.plot.figure.axes if ax.images]
    assert len(images) == 4  # three gates and the hidden state
    assert "Update gate" in page.plot.note.text()
    assert len(page.plot.table[1]) == 4 * 12 * len(page.gates.tokens)  # every unit of a small layer, every word


def test_gates_of_a_big_layer_show_its_most_active_units():
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    from sentido.desktop.inside.plots import draw_gates
    from sentido.engine.tokenization import Token

    rng = np.random.default_rng(0)
    hidden = rng.normal(scale=0.01, size=(5, 200))
    hidden[:, 7] = np.linspace(-1, 1, 5)  # the one unit that changes a lot
    gates = SimpleNamespace(model="m", cell="gru", layer=0, num_layers=1, hidden=hidden,
                            tokens=[Token(w, 0, 1) for w in "a b c d e".split()],
                            gates={"update": rng.uniform(size=(5, 200))})
    figure = Figure()
    header, rows = draw_gates(figure, gates, max_units=10)
    assert len(rows) == 2 * 10 * 5 and 7 in {r[1] for r in rows}
    assert "10 most active of 200 units" in figure._suptitle.get_text()


def test_beam_search_tree_and_top_k(view):
    page = view.page("beam")
    page.width_spin.setValue(3)
    page.words_spin.setValue(3)
    page.top_k_spin.setValue(5)
    run(view, page, page.run_button)
    tree = page.tree
    assert page.results.topLevelItemCount() == len(tree.continuations) > 0
    assert len(page.tree_plot.table[1]) == len(tree.nodes)
    assert any(not n.kept for n in tree.nodes) and "pruned" in page.tree_plot.note.text()
    assert len(page.distribution_plot.table[1]) == 5 * len(tree.distributions)


def test_word_neighbours_of_a_model_and_the_map(view):
    page = view.page("neighbours")
    page.source_combo.setCurrentIndex(page.source_combo.findData("model:tiny-lstm-lm"))
    page.word_edit.setText("movie")
    page.k_spin.setValue(5)
    run(view, page, page.find_button)
    assert page.table.rowCount() == 5 and page.table.item(0, 0).text() != "movie"
    run(view, page, page.add_button)
    assert page.projection.words[0] == "movie" and len(page.projection.words) == 6
    assert page.plot.table[0] == ["word", "x", "y"] and len(page.plot.table[1]) == 6


def test_word_vector_file_and_a_broken_one(view, tmp_path):
    good = tmp_path / "vectors.txt"
    rng = np.random.default_rng(0)
    lines = [f"{w} " + " ".join(f"{v:.4f}" for v in rng.normal(size=4)) for w in ("good", "great", "bad", "awful")]
    good.write_text("4 4\n" + "\n".join(lines) + "\n", encoding="utf-8")
    page = view.page("neighbours")
    page.open_vectors(good)
    assert view.wait_until_idle(30)
    assert page.source_combo.currentData() == f"file:{good}" and "4 words" in page.message.text()
    page.word_edit.setText("good")
    page.k_spin.setValue(3)
    run(view, page, page.find_button)
    assert page.table.rowCount() == 3
    broken = tmp_path / "broken.vec"
    broken.write_bytes(b"3 4\nhello 1 2\n")
    page.open_vectors(broken)
    assert view.wait_until_idle(30)
    assert not page.message.isHidden() and "broken.vec" in page.message.text()


def test_errors_appear_in_the_page_and_nothing_crashes(view, shown_messages):
    page = view.page("explain")
    page.text_box.setPlainText("   ")
    page.run()
    assert "Type a text first" in page.message.text()
    page = view.page("neighbours")
    page.source_combo.setCurrentIndex(page.source_combo.findData("model:tiny-gru-cls"))
    page.word_edit.setText("qwertyuiop")
    run(view, page, page.find_button)
    assert not page.message.isHidden() and "not in the vocabulary" in page.message.text()
    assert shown_messages == []  # an expected problem is no dialog


def test_plots_export_png_svg_and_csv(view, tmp_path):
    page = view.page("explain")
    run(view, page, page.run_button)
    page.plot.save_image(tmp_path / "why.png")
    page.plot.save_image(tmp_path / "why.svg")
    page.plot.save_data(tmp_path / "why.csv")
    assert (tmp_path / "why.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "why.svg").read_bytes()[:2000]
    with open(tmp_path / "why.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["position", "token"] and len(rows) == len(page.explanation.tokens) + 1


def test_inside_tab_in_the_main_window_runs_through_the_facade(window):
    inside = window.inside
    assert inside is not None and window.tabs.indexOf(inside) >= 0
    page = inside.page("explain")
    assert page.model_combo.count() >= 1
    page.run()
    assert window.facade.wait_until_idle(60)
    assert page.explanation is not None and page.plot.table[1]


def test_why_this_label_follows_the_analyze_text_until_the_student_types(window):
    page = window.inside.page("explain")
    window.facade.set_current_text("A dull, lifeless film.")
    assert page.text_box.toPlainText() == "A dull, lifeless film."
    page.text_box.setPlainText("my own sentence")
    window.facade.set_current_text("Something else entirely.")
    assert page.text_box.toPlainText() == "my own sentence"


def test_explain_text_hook_for_other_views(view):
    view.explain_text("Dreadful. A total waste of two hours.", model="tiny-gru-cls")
    assert view.wait_until_idle(60)
    page = view.page("explain")
    assert view.current_page() is page
    assert page.explanation.model == "tiny-gru-cls" and page.explanation.text.startswith("Dreadful")


def test_pages_scroll_instead_of_growing_the_window(view):
    """At 200% on a 1080p screen the window has 960x540 logical pixels: the view must fit, its pages scroll."""
    hint = view.minimumSizeHint()
    assert hint.width() <= 700 and hint.height() <= 400, hint
    for key in view.pages:
        view.show_page(key)
        assert view.current_page() is view.page(key)
