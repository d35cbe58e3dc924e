"""The Analyze view, driven through its real widgets: typing, next words, continuations, sentences, comparison."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from sentido.desktop.analyze import has_sentences, insertion_for, read_text_file, split_sentences
from sentido.engine.errors import InputError


def test_typing_shows_a_result(qtbot, window):
    view = window.analyze
    view.editor.setFocus()
    with qtbot.waitSignal(view.analysis_did_finish, timeout=10_000):
        qtbot.keyClicks(view.editor, "I loved this movie")
    window.facade.wait_until_idle()
    card = view._cards["tiny-gru-cls" if "tiny-gru-cls" in view._cards else view.chosen_models()[0]]
    assert card.label.text() in ("negative", "positive")
    assert card.score_label.text().startswith("score ")
    outcome = view.last_outcome
    assert outcome.text == "I loved this movie"
    analysis = outcome.analyses[card.model]
    assert abs(sum(analysis.probabilities.values()) - 1) < 1e-5
    # The live result equals a full analysis of the same text by the engine.
    full = window.facade.engine.analyze(["I loved this movie"], model=card.model)[0]
    assert full.label == analysis.label and abs(full.score - analysis.score) < 1e-5


def test_tab_inserts_the_first_next_word_and_alt_inserts_others(qtbot, window):
    view = window.analyze
    view.editor.setFocus()
    with qtbot.waitSignal(view.analysis_did_finish, timeout=10_000):
        qtbot.keyClicks(view.editor, "he moved to the")
    window.facade.wait_until_idle()
    words = view.suggestions()
    assert len(words) == 5
    assert all(button.isVisible() for button in view.word_buttons)
    qtbot.keyClick(view.editor, Qt.Key.Key_Tab)
    assert view.editor.toPlainText() == "he moved to the" + insertion_for("he moved to the", words[0])
    assert view.editor.hasFocus()
    with qtbot.waitSignal(view.analysis_did_finish, timeout=10_000):
        pass
    window.facade.wait_until_idle()
    before, second = view.editor.toPlainText(), view.suggestions()[1]
    qtbot.keyClick(view.editor, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert view.editor.toPlainText() == before + insertion_for(before, second)


def test_continue_shows_scored_continuations_and_a_click_inserts_one(qtbot, window):
    view = window.analyze
    view.set_text("the movie was")
    view.beam_spin.setValue(3)
    view.length_spin.setValue(4)
    with qtbot.waitSignal(view.continuations_did_finish, timeout=10_000) as blocker:
        qtbot.mouseClick(view.continue_button, Qt.MouseButton.LeftButton)
    results = blocker.args[0]
    assert 1 <= len(results) <= 3 and all(r.log_probability <= 0 for r in results)
    assert view.continuations.count() == len(results)
    item = view.continuations.item(0)
    view.continuations.itemClicked.emit(item)
    assert view.editor.toPlainText() == "the movie was" + insertion_for("the movie was", results[0].text)
    window.facade.wait_until_idle()


def test_several_models_side_by_side(qtbot, window):
    view = window.analyze
    view.set_chosen_models(["tiny-lstm-cls", "tiny-gru-cls"])
    with qtbot.waitSignal(view.analysis_did_finish, timeout=10_000) as blocker:
        view.set_text("Boring, dull and far too long.")
    window.facade.wait_until_idle()
    assert set(view._cards) == {"tiny-lstm-cls", "tiny-gru-cls"}
    assert set(view.last_outcome.analyses) == {"tiny-lstm-cls", "tiny-gru-cls"}
    assert all(card.label.text() in ("negative", "positive") for card in view._cards.values())
    assert blocker.signal_triggered


def test_longer_text_gets_a_sentence_breakdown(qtbot, window):
    view = window.analyze
    view.set_chosen_models(["tiny-lstm-cls", "tiny-gru-cls"])
    text = "I loved this movie. Terrible film, I hated it!\nThe plot was fine"
    with qtbot.waitSignal(view.sentences_did_finish, timeout=10_000):
        view.set_text(text)
    window.facade.wait_until_idle()
    table = view.sentence_table
    assert table.rowCount() == 3 and table.columnCount() == 3
    assert [table.item(r, 0).text() for r in range(3)] == ["I loved this movie.", "Terrible film, I hated it!", "The plot was fine"]
    assert view.sentence_box.isVisibleTo(view)


def test_a_dropped_or_opened_text_file_fills_the_editor(qtbot, window, tmp_path):
    path = tmp_path / "review.txt"
    path.write_text("A wonderful, funny and clever film!", encoding="utf-8")
    with qtbot.waitSignal(window.analyze.analysis_did_finish, timeout=10_000):
        window.open_paths([path])
    assert window.analyze.editor.toPlainText() == "A wonderful, funny and clever film!"
    window.facade.wait_until_idle()


def test_a_binary_file_gives_a_clear_message_and_keeps_the_text(qtbot, window, tmp_path, shown_messages):
    window.analyze.editor.setPlainText("keep me")
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\0\0\0binary")
    window.analyze.open_file(str(path))
    assert window.analyze.editor.toPlainText() == "keep me"
    assert shown_messages and shown_messages[-1][0] == "error" and "not a text file" in shown_messages[-1][2]
    window.facade.wait_until_idle()


def test_example_text_is_one_click_away_on_first_run(qtbot, window):
    view = window.analyze
    assert view.welcome.isVisibleTo(view)
    with qtbot.waitSignal(view.analysis_did_finish, timeout=10_000):
        qtbot.mouseClick(view.example_button, Qt.MouseButton.LeftButton)
    assert len(view.editor.toPlainText().split()) > 20
    assert not view.welcome.isVisibleTo(view)
    assert not window.settings.first_run
    window.facade.wait_until_idle()


def test_has_sentences_agrees_with_split_sentences():
    for text in ["", "One.", "One. Two", "One.  ", "...!", "One!\n\nTwo?", "a\nb\nc", "no end", ". . One", "x" * 50 + ". y"]:
        for wanted in (1, 2, 3):
            assert has_sentences(text, wanted) == (len(split_sentences(text)) >= wanted), (text, wanted)


def test_split_sentences_and_insertion_rules():
    assert [s for _, _, s in split_sentences("One. Two!  Three?\n\nFour")] == ["One.", "Two!", "Three?", "Four"]
    text = "Hi there. Bye"
    assert [(text[a:b]) for a, b, _ in split_sentences(text)] == ["Hi there.", "Bye"]
    assert insertion_for("the", "end") == " end"
    assert insertion_for("the ", "end") == "end"
    assert insertion_for("mov", "##ing") == "ing"
    assert insertion_for("", "start") == "start"
    assert insertion_for("the end", ".") == "." and insertion_for("yes", ",") == ","


def test_read_text_file_refuses_what_is_not_text(tmp_path):
    (tmp_path / "a.txt").write_bytes("caf\xe9".encode("cp1252"))
    assert read_text_file(tmp_path / "a.txt") == "café"
    (tmp_path / "b.bin").write_bytes(b"\0\1\2")
    import pytest

    with pytest.raises(InputError, match="not a text file"):
        read_text_file(tmp_path / "b.bin")
    with pytest.raises(InputError, match="cannot read"):
        read_text_file(tmp_path / "missing.txt")


def test_why_this_label_highlights_words_then_opens_the_inside_view(qtbot, window):
    view = window.analyze
    view.set_chosen_models(["tiny-lstm-cls"])
    text = "The ending was bad but the acting was great"
    with qtbot.waitSignal(view.analysis_did_finish, timeout=10_000):
        view.set_text(text)
    window.facade.wait_until_idle()
    assert view.explain_button.isEnabled()
    qtbot.mouseClick(view.explain_button, Qt.MouseButton.LeftButton)
    assert window.facade.wait_until_idle(60)
    qtbot.waitUntil(lambda: bool(view.highlighted_tokens), timeout=10_000)
    # Highlights sit on whole words of the text, coloured by the sign of their push, with a legend.
    selections = view.editor.extraSelections()
    assert len(selections) == len(view.highlighted_tokens) >= 1
    for selection, (start, end, push) in zip(selections, view.highlighted_tokens):
        assert selection.cursor.selectedText() == text[start:end] and text[start:end].strip()
        background = selection.format.background().color()
        assert (background.green() > background.red()) == (push > 0)
    assert view.highlight_legend.isVisible() and "tiny-lstm-cls says" in view.highlight_legend.text()
    # The details button opens the Inside view on the same text and model.
    with qtbot.waitSignal(view.view_did_request_explanation, timeout=5_000) as blocker:
        qtbot.mouseClick(view.details_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [text, "tiny-lstm-cls"]
    assert window.tabs.currentWidget() is window.inside
    assert window.facade.wait_until_idle(60)
    assert window.inside.page("explain").text_box.toPlainText() == text
    # Typing clears the colours: their offsets belong to the old text.
    window.tabs.setCurrentWidget(view)
    view.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(view.editor, " indeed")
    assert view.editor.extraSelections() == [] and not view.highlight_legend.isVisible()


def test_highlight_positions_count_utf16_units():
    from sentido.desktop.analyze import utf16_positions

    assert utf16_positions("plain text") is None
    positions = utf16_positions("a😀b")
    assert positions == [0, 1, 3, 4]


def test_without_models_the_view_says_how_to_get_one(qtbot, make_window, monkeypatch, tmp_path):
    from sentido.engine import paths

    monkeypatch.setattr(paths, "shipped_models_dir", lambda: tmp_path / "none")  # a fresh install: no models
    window = make_window(plugin_paths=[])
    view = window.analyze
    assert view.model_list.count() == 0 and view.no_models.isVisibleTo(view)
    assert not view.continue_button.isEnabled()
    view.set_text("nothing to analyse it with")
    window.facade.wait_until_idle()
    # With no sentiment model there is nothing to ask: no analysis is shown and no card appears.
    assert (view.last_outcome is None or not view.last_outcome.analyses) and not view._cards
