"""Nothing lost: a real ``sentido batch`` process killed with SIGKILL mid-run, then resumed, gives the same rows as
an uninterrupted run, with no duplicates and no gaps."""

from __future__ import annotations

import csv
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sentido.engine.api import Engine
from sentido.engine.batch import BatchOptions, run_batch
from tests.helpers import save_tiny

MODEL = "tiny-lstm-cls"


def committed_rows(progress: Path) -> int:
    try:
        return json.loads(progress.read_text())["state"]["rows_written"]
    except (OSError, ValueError, KeyError):
        return 0


@pytest.fixture
def processes():
    """Every process a test starts; any still running at teardown (the test failed or was interrupted) is killed."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def start(plugin: Path, source: Path, output: Path, resume: bool) -> subprocess.Popen:
    command = [sys.executable, "-m", "sentido.engine.cli", "--device", "cpu", "--plugin-path", str(plugin),
               "batch", str(source), "--per-line", "--model", MODEL, "--output", str(output), "--batch-size", "8", "-q"]
    return subprocess.Popen(command + (["--resume"] if resume else []), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_after_progress(process: subprocess.Popen, progress: Path, above: int, delay: float) -> int:
    """SIGKILL the process ``delay`` seconds after it has committed more than ``above`` rows."""
    deadline = time.monotonic() + 300
    while committed_rows(progress) <= above:
        assert process.poll() is None, f"finished before it could be killed: {process.communicate()}"
        assert time.monotonic() < deadline, "no progress within five minutes"
        time.sleep(0.005)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before the kill"
    return committed_rows(progress)


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_kill_nine_then_resume_equals_an_uninterrupted_run(tmp_path, processes):
    plugin = save_tiny(tmp_path / "models", "lstm", "classification")
    words = ["great", "terrible", "moving", "boring", "film", "story", "loved", "hated", "not", "a"]
    rng = random.Random(7)
    source = tmp_path / "lines.txt"
    source.write_text("".join(" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))) + "\n" for _ in range(10_000)))
    output = tmp_path / "out.csv"
    progress = tmp_path / "out.csv.progress.json"

    def run(resume: bool) -> subprocess.Popen:
        processes.append(start(plugin, source, output, resume))
        return processes[-1]

    first = kill_after_progress(run(False), progress, 0, rng.uniform(0, 0.2))
    assert not output.exists() and (tmp_path / "out.csv.partial").exists()
    second = kill_after_progress(run(True), progress, first, rng.uniform(0, 0.2))
    assert second > first
    finish = run(True)
    _, err = finish.communicate(timeout=600)
    assert finish.returncode == 0, err.decode()

    reference = tmp_path / "ref.csv"
    run_batch([source], [MODEL], reference, engine=Engine("cpu", plugin_paths=[plugin]),
              options=BatchOptions(per_line=True, batch_size=8))
    got, expected = read_rows(output), read_rows(reference)
    assert [r["row"] for r in got] == [str(i) for i in range(1, 10_001)]  # no gaps, no duplicates
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert (a["source"], a["row"], a["label"], a["text"], a["tokens"]) == (b["source"], b["row"], b["label"], b["text"], b["tokens"])
        assert float(a["p_positive"]) == pytest.approx(float(b["p_positive"]), abs=1e-5)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out")) == ["out.csv"]
