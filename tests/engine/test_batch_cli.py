"""``sentido batch``: exit codes, the JSON summary, standard input, and the progress bar."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from sentido.engine.batch import ProgressState
from sentido.engine.cli import main
from sentido.engine.commands.batch import ProgressBar
from tests.helpers import save_tiny


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    return save_tiny(tmp_path_factory.mktemp("cli-models"), "lstm", "classification")


def cli(plugin, *args) -> int:
    return main(["--device", "cpu", "--plugin-path", str(plugin), "batch", *args])


def test_batch_json_summary_and_exit_zero(plugin, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("a great film")
    (tmp_path / "in" / "b.csv").write_text("text,id\ndreadful,1\n")
    (tmp_path / "in" / "c.txt").write_bytes(b"\x00\x00binary")
    code = cli(plugin, str(tmp_path / "in"), "--model", "tiny-lstm-cls", "-o", str(tmp_path / "out.jsonl"), "--json", "-q")
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    summary = json.loads(captured.out)
    assert set(summary) == {"output", "errors_report", "rows_written", "documents", "files_done", "skipped", "bad_rows",
                            "warnings", "cancelled", "seconds", "label_counts"}
    assert summary["rows_written"] == 2 and summary["files_done"] == 2 and not summary["cancelled"]
    assert summary["skipped"][0]["path"].endswith("c.txt") and "binary" in summary["skipped"][0]["reason"]
    assert summary["errors_report"].endswith("out.errors.csv")
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2


def test_batch_reads_standard_input_and_reports_on_stderr(plugin, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a great film\nterrible\n")))
    code = cli(plugin, "-", "--model", "tiny-lstm-cls", "-o", str(tmp_path / "out.csv"))
    captured = capsys.readouterr()
    assert code == 0 and captured.out == ""
    assert "2 rows (2 documents)" in captured.err and "tiny-lstm-cls:" in captured.err
    assert "\r" not in captured.err  # no progress bar when stderr is not a terminal


def test_batch_exit_codes(plugin, tmp_path, capsys):
    (tmp_path / "a.txt").write_text("fine")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    assert cli(plugin, str(tmp_path / "a.txt"), "--model", "tiny-lstm-cls", "-o", str(tmp_path / "o.xlsx")) == 1
    assert "unknown output format" in capsys.readouterr().err
    assert cli(plugin, str(tmp_path / "nope"), "--model", "tiny-lstm-cls", "-o", str(tmp_path / "o.csv")) == 1
    assert "no such file" in capsys.readouterr().err
    assert cli(plugin, str(tmp_path / "a.txt"), "--model", "no-such-model", "-o", str(tmp_path / "o.csv")) == 1
    assert cli(plugin, str(tmp_path / "bin.txt"), "--model", "tiny-lstm-cls", "-o", str(tmp_path / "o.csv"), "-q") == 1
    assert "every input was skipped" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli(plugin, str(tmp_path / "a.txt"), "--model", "tiny-lstm-cls")  # --output is required
    assert exit_info.value.code == 2


def test_progress_bar_draws_fraction_throughput_and_eta(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    stream = io.StringIO()
    bar = ProgressBar(stream, interval=0)
    state = ProgressState(rows_done=1234, files_done=1, files_total=3, docs_per_s=456.0, eta_s=75.0, fraction=0.5,
                          current_file="/data/reviews.csv")
    bar(state)
    line = stream.getvalue()
    assert line.startswith("\r[##########..........]  50% 1,234 docs  456 docs/s ETA 0:01:15  file 1/3 reviews.csv")


def test_batch_prints_the_text_column_of_each_table_and_uses_it(plugin, tmp_path, capsys):
    from tests.engine.test_columns import write_feedback_csv

    survey = tmp_path / "survey.csv"
    write_feedback_csv(survey, rows=300)
    (tmp_path / "codes.csv").write_text("ref\n" + "".join(f"A-{i:04d}\n" for i in range(10)))
    code = cli(plugin, str(survey), str(tmp_path / "codes.csv"), "--model", "tiny-lstm-cls", "-o", str(tmp_path / "out.csv"))
    err = capsys.readouterr().err
    assert code == 0
    assert f"{survey}: text column 'comment' (chosen: longest prose; use --text-column to change)" in err
    assert "codes.csv: text column 'ref'" in err and "codes.csv: warning: column 'ref' looks like an ID" in err
    def results(name):
        with open(tmp_path / name, newline="", encoding="utf-8") as handle:
            return [(r["row"], r["label"], r["score"], r["tokens"]) for r in csv.DictReader(handle) if r["source"] == str(survey)]

    assert cli(plugin, str(survey), "--model", "tiny-lstm-cls", "-o", str(tmp_path / "comment.csv"),
               "--text-column", "comment", "-q") == 0
    code = cli(plugin, str(survey), "--model", "tiny-lstm-cls", "-o", str(tmp_path / "customer.csv"), "--text-column", "customer")
    assert code == 0 and "text column 'customer' (named with --text-column)" in capsys.readouterr().err
    assert len(results("out.csv")) == 300
    assert results("out.csv") == results("comment.csv") != results("customer.csv")  # the run read the comments
