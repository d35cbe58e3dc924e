"""The Batch view over the engine's run_batch: rows written, per-file status, cancel keeps what was done."""

from __future__ import annotations

import csv
import json

from PySide6.QtCore import Qt


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_batch_over_temporary_files_writes_the_right_rows(qtbot, window, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "one.txt").write_text("I loved this movie, a great and moving story.", encoding="utf-8")
    (inputs / "two.txt").write_text("Terrible film. I hated every minute.", encoding="utf-8")
    with open(inputs / "table.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review"])
        writer.writerows([[1, "What a wonderful film!"], [2, "Boring and dull."], [3, "The plot was fine."]])
    (inputs / "picture.png").write_bytes(b"\x89PNG\0\0binary")
    view = window.batch
    window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.columns_did_change, timeout=10_000) as columns:
        view.add_inputs([inputs])
    assert columns.args[0] == ["id", "review"]
    assert view.column_combo.findData("review") >= 0  # the CSV's columns are offered
    view.set_text_column("review")
    view.set_chosen_models(["tiny-lstm-cls", "tiny-gru-cls"])
    output = tmp_path / "results.csv"
    view.output_edit.setText(str(output))
    with qtbot.waitSignal(view.batch_did_finish, timeout=30_000) as blocker:
        qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
    summary = blocker.args[0]
    rows = _read_csv(output)
    assert len(rows) == (2 + 3) * 2 == summary.rows_written
    assert {r["model"] for r in rows} == {"tiny-lstm-cls", "tiny-gru-cls"}
    assert not summary.cancelled
    statuses = {view.files_table.item(r, 0).text(): view.files_table.item(r, 1).text() for r in range(view.files_table.rowCount())}
    assert statuses["picture.png"].startswith("skipped: ")
    assert statuses["one.txt"] == "done" and statuses["table.csv"] == "done"
    assert view.chart.data == summary.label_counts and sum(summary.label_counts["tiny-lstm-cls"].values()) == 5
    assert view.open_button.isEnabled() and view.start_button.isEnabled() and not view.cancel_button.isEnabled()
    assert "10 rows" in view.message.text()


def test_jsonl_output_and_a_clear_message_for_bad_settings(qtbot, window, tmp_path):
    view = window.batch
    view.start()
    assert "Add at least one file" in view.message.text()
    (tmp_path / "a.txt").write_text("one\ntwo\nthree\n", encoding="utf-8")
    view.add_inputs([tmp_path / "a.txt"])
    view.per_line.setChecked(True)
    view.format_combo.setCurrentIndex(view.format_combo.findData(".jsonl"))
    assert view.output_edit.text().endswith(".jsonl")
    with qtbot.waitSignal(view.batch_did_finish, timeout=30_000) as blocker:
        view.start()
    lines = [json.loads(line) for line in open(blocker.args[0].output, encoding="utf-8")]
    assert len(lines) == 3


def test_cancel_stops_and_keeps_what_was_done(qtbot, window, tmp_path):
    big = tmp_path / "big.txt"
    sentences = ["I loved this movie, a great and moving story.", "Boring, dull and far too long; a waste of time."]
    big.write_text("\n".join(sentences[i % 2] + f" {i}" for i in range(400_000)), encoding="utf-8")
    view = window.batch
    view.add_inputs([big])
    view.per_line.setChecked(True)
    view.set_chosen_models(["tiny-lstm-cls"])
    output = tmp_path / "partial.csv"
    view.output_edit.setText(str(output))
    view.start()
    assert view.running and view.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: view.state is not None and view.state.rows_done > 0, timeout=30_000)
    with qtbot.waitSignal(view.batch_did_finish, timeout=30_000) as blocker:
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    summary = blocker.args[0]
    assert summary.cancelled
    assert 0 < summary.rows_written < 400_000
    assert len(_read_csv(output)) == summary.rows_written  # what was done is kept, finalised
    assert "Cancelled" in view.message.text()


def test_precision_choice_reaches_the_run(qtbot, window, tmp_path, monkeypatch):
    from sentido.engine.batch import analysis

    view = window.batch
    monkeypatch.setattr(analysis, "cpu_has_bf16", lambda: False)
    view.refresh_models()
    combo = view.precision_combo
    half = combo.findData("half")
    assert not combo.model().item(half).isEnabled()  # a CPU without bfloat16 cannot run half precision
    monkeypatch.setattr(analysis, "cpu_has_bf16", lambda: True)
    view.refresh_models()
    assert combo.model().item(half).isEnabled() and combo.model().item(combo.findData("int8")).isEnabled()
    (tmp_path / "a.txt").write_text("I loved it\nI hated it\n", encoding="utf-8")
    view.add_inputs([tmp_path / "a.txt"])
    view.per_line.setChecked(True)
    view.set_chosen_models(["tiny-lstm-cls"])
    import sentido.engine.batch as batch

    seen = []
    real = batch.run_batch

    def spy(*args, options, **kwargs):
        seen.append((options.quantize, options.half))
        return real(*args, options=options, **kwargs)

    monkeypatch.setattr(batch, "run_batch", spy)
    for choice in ("int8", "half"):
        combo.setCurrentIndex(combo.findData(choice))
        view.output_edit.setText(str(tmp_path / f"{choice}.csv"))
        with qtbot.waitSignal(view.batch_did_finish, timeout=30_000) as blocker:
            view.start()
        assert blocker.args[0].rows_written == 2
    assert seen == [(True, False), (False, True)]


def test_delete_removes_inputs_and_escape_cancels(qtbot, window, tmp_path):
    view = window.batch
    window.tabs.setCurrentWidget(view)
    (tmp_path / "a.txt").write_text("good", encoding="utf-8")
    (tmp_path / "b.txt").write_text("bad", encoding="utf-8")
    view.add_inputs([tmp_path / "a.txt", tmp_path / "b.txt"])
    view.inputs.setFocus()
    view.inputs.item(0).setSelected(True)
    qtbot.keyClick(view.inputs, Qt.Key.Key_Delete)
    assert view.input_paths() == [str(tmp_path / "b.txt")]
    cancelled = []
    view.cancel = lambda: cancelled.append(True)  # what Esc triggers, without a run to stop
    qtbot.keyClick(view.inputs, Qt.Key.Key_Escape)
    assert cancelled == [True]


def test_the_feedback_csv_shows_its_comment_column_and_a_removed_files_choice_is_dropped(qtbot, window, tmp_path):
    from tests.engine.test_columns import write_feedback_csv

    survey, codes = tmp_path / "survey.csv", tmp_path / "codes.jsonl"
    write_feedback_csv(survey)
    codes.write_text("".join(f'{{"ref": "A-{i:04d}", "n": {i}}}\n' for i in range(20)), encoding="utf-8")
    view = window.batch
    window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.columns_did_change, timeout=10_000) as columns:
        view.add_inputs([survey, codes])
    assert columns.args[0] == ["id", "customer", "comment", "rating", "ref", "n"]  # every table's columns offered
    assert view.text_columns() == {str(survey): "comment", str(codes): "ref"}
    shown = view.column_choice.text().splitlines()
    assert shown[0] == "survey.csv: comment (automatic: longest prose)"
    assert shown[1].startswith("codes.jsonl: ref (automatic: longest prose) — warning:") and "looks like an ID" in shown[1]
    view.set_text_column("ref")  # a choice that only the second file has
    assert view.text_columns() == {str(survey): None, str(codes): "ref"}
    assert "survey.csv: has no column 'ref'" in view.column_choice.text()
    view.inputs.item(1).setSelected(True)
    with qtbot.waitSignal(view.columns_did_change, timeout=10_000):
        view.remove_selected_inputs()
    assert view.column_combo.currentData() is None  # the choice left with its file
    assert view.text_columns() == {str(survey): "comment"}
    assert view.column_choice.text() == "survey.csv: comment (automatic: longest prose)"
