"""Is the window ever frozen? The longest event-loop stall while a batch runs, how fast Cancel stops, and start-up.

    python benchmarks/gui_stall.py [--models auto|shipped|standin|tiny] [--rows 3000] [--json]

* **stall**: a 5 ms ``QTimer`` heartbeat on the GUI thread records the gap between beats while the Batch view runs
  the engine's ``run_batch`` on its worker, and the Analyze view gets a keystroke every 100 ms meanwhile; the
  longest gap minus the 5 ms interval is the longest time the event loop was blocked (target: <= 50 ms).
* **cancel**: a second run is cancelled after 2 s; the time from the click to the run's end (target: < 1 s).
* **start-up**: a fresh ``python`` process, from launch to the window shown, and to the engine ready.

Inputs are IMDB reviews from ../shared/data (CSV files of 150 rows each, plus one binary file that must be
skipped); models as in ``benchmarks/typing_latency.py`` (shipped if present, else random-weight stand-ins of their size).
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def typing_bench():
    spec = importlib.util.spec_from_file_location("typing_bench", Path(__file__).with_name("typing_latency.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_inputs(folder: Path, rows: int, per_file: int = 150) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    source = DATA / "imdb" / "train.csv.gz"
    texts: list[str] = []
    if source.exists():
        with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
            for record, _ in zip(csv.DictReader(handle), range(rows)):
                texts.append(record["text"])
    else:
        sample = (ROOT / "resources" / "samples" / "example.txt").read_text(encoding="utf-8")
        texts = [sample] * rows
    for start in range(0, len(texts), per_file):
        with open(folder / f"reviews-{start // per_file:03d}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows((start + i, t) for i, t in enumerate(texts[start:start + per_file]))
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return len(texts)


def run_batch_in_window(window, inputs: Path, output: Path, cancel_after_s: float | None, typing: bool) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer

    view = window.batch
    view.inputs.clear()
    view.add_inputs([inputs])
    view.output_edit.setText(str(output))
    gaps: list[float] = []
    heartbeat = heartbeat_timer(gaps)
    keys = QTimer(interval=100)
    keys.timeout.connect(lambda: window.analyze.editor.insertPlainText("a"))
    finished: dict = {}
    loop = QEventLoop()

    def done(summary):
        finished["summary"] = summary
        finished["at"] = time.perf_counter()
        loop.quit()

    view.batch_did_finish.connect(done)
    view.batch_did_fail.connect(lambda exc: (finished.update(error=exc), loop.quit()))
    collections: list[float] = []  # durations of full (generation 2) garbage collections during the run
    started_gc = [0.0]

    def on_gc(phase, info):
        if info.get("generation") == 2:
            if phase == "start":
                started_gc[0] = time.perf_counter()
            else:
                collections.append((time.perf_counter() - started_gc[0]) * 1000)

    gc.callbacks.append(on_gc)
    heartbeat.start()
    if typing:
        keys.start()
    started = time.perf_counter()
    view.start()
    if cancel_after_s is not None:
        def cancel():
            finished["cancel_clicked"] = time.perf_counter()
            view.cancel_button.click()

        QTimer.singleShot(int(cancel_after_s * 1000), cancel)
    loop.exec()
    heartbeat.stop()
    keys.stop()
    gc.callbacks.remove(on_gc)
    view.batch_did_finish.disconnect(done)
    if "error" in finished:
        raise finished["error"]
    summary = finished["summary"]
    ordered = sorted(gaps)
    result = {
        "seconds": round(finished["at"] - started, 2),
        "rows_written": summary.rows_written,
        "documents": summary.documents,
        "skipped": [f"{Path(p).name}: {r}" for p, r in summary.skipped],
        "cancelled": summary.cancelled,
        "heartbeats": len(gaps),
        "longest_stall_ms": round(max(ordered) - 5, 1),
        "p99_gap_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
        "median_gap_ms": round(statistics.median(ordered), 1),
        "gaps_over_50ms": sum(g - 5 > 50 for g in ordered),
        "full_gc_runs": len(collections),
        "longest_full_gc_ms": round(max(collections, default=0.0), 1),
    }
    if "cancel_clicked" in finished:
        result["cancel_to_stop_s"] = round(finished["at"] - finished["cancel_clicked"], 3)
    return result


def heartbeat_timer(gaps: list[float]):
    """A precise 5 ms timer on the GUI thread that appends the milliseconds between its beats to ``gaps``:
    a gap far above 5 ms is the event loop stalling."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def beat():
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    timer = QTimer(interval=5)
    timer.setTimerType(timer.timerType().PreciseTimer)
    timer.timeout.connect(beat)
    return timer


def idle_baseline(seconds: float) -> dict:
    """The same heartbeat with nothing running: what the machine itself costs (scheduling, other processes)."""
    from PySide6.QtCore import QEventLoop, QTimer

    gaps: list[float] = []
    heartbeat = heartbeat_timer(gaps)
    loop = QEventLoop()
    heartbeat.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    heartbeat.stop()
    ordered = sorted(gaps)
    return {"seconds": seconds, "heartbeats": len(gaps), "longest_stall_ms": round(max(ordered) - 5, 1),
            "p99_gap_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
            "gaps_over_50ms": sum(g - 5 > 50 for g in ordered)}


STARTUP_SCRIPT = textwrap.dedent("""
    import sys, time
    from PySide6.QtWidgets import QApplication
    from sentido.desktop.app import create_window
    from sentido.desktop.settings import Settings
    app = QApplication(sys.argv[:1])
    window = create_window(Settings(sys.argv[1]), plugin_paths=sys.argv[2:])
    window.show()
    app.processEvents()
    print("shown", time.time(), flush=True)
    window.facade.engine_did_start.connect(lambda: (print("engine", time.time(), flush=True), app.quit()))
    window.facade.start()
    app.exec()
    window.facade.shutdown()
""")


def startup(paths: list[Path], settings: Path) -> dict:
    launched = time.time()
    out = subprocess.run([sys.executable, "-c", STARTUP_SCRIPT, str(settings), *map(str, paths)], capture_output=True,
                         text=True, check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout
    stamps = dict(line.split() for line in out.splitlines() if line.startswith(("shown", "engine")))
    return {"window_shown_s": round(float(stamps["shown"]) - launched, 2),
            "engine_ready_s": round(float(stamps["engine"]) - launched, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", choices=["auto", "shipped", "standin", "tiny"], default="auto")
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    bench = typing_bench()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ.setdefault("SENTIDO_HOME", str(tmp / "home"))
        paths, sentiment, _lm, described = bench.choose_models(args.models, tmp / "models")
        rows = write_inputs(tmp / "inputs", args.rows)
        from PySide6.QtWidgets import QApplication

        from sentido.desktop.app import create_window
        from sentido.desktop.settings import Settings

        app = QApplication.instance() or QApplication([])
        settings = Settings(tmp / "settings.ini")
        window = create_window(settings, plugin_paths=paths, device="cpu")
        window.show()
        window.facade.start()
        window.facade.wait_until_idle(120)
        window.batch.set_chosen_models([sentiment])
        window.analyze.set_text("A slow start, but the ending is wonderful")
        window.facade.wait_until_idle(60)
        result = {"machine": bench.machine(), "models": described, "model": sentiment, "input_rows": rows}
        result["idle_baseline"] = idle_baseline(5.0)
        result["full_run"] = run_batch_in_window(window, tmp / "inputs", tmp / "out" / "full.csv", None, typing=True)
        result["cancelled_run"] = run_batch_in_window(window, tmp / "inputs", tmp / "out" / "cancelled.csv", 2.0, typing=True)
        window.close()
        app.processEvents()
        result["startup"] = startup(paths, tmp / "startup.ini")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        full, cancelled, start, idle = result["full_run"], result["cancelled_run"], result["startup"], result["idle_baseline"]
        print(f"GUI responsiveness during a batch ({rows} reviews in {rows // 150 + 1} files, model {sentiment})")
        print(f"machine: {result['machine']}\nmodels:  {described}")
        print(f"  full run: {full['seconds']} s, {full['rows_written']} rows, skipped {full['skipped']}")
        print(f"    longest event-loop stall {full['longest_stall_ms']} ms (target <= 50), p99 gap {full['p99_gap_ms']} ms,"
              f" median gap {full['median_gap_ms']} ms, {full['gaps_over_50ms']} stalls over 50 ms in {full['heartbeats']} beats;"
              f" {full['full_gc_runs']} full garbage collections (longest {full['longest_full_gc_ms']} ms)")
        print(f"  idle baseline (same heartbeat, nothing running, {idle['seconds']} s): longest stall "
              f"{idle['longest_stall_ms']} ms, p99 gap {idle['p99_gap_ms']} ms, {idle['gaps_over_50ms']} stalls over 50 ms")
        print(f"  cancelled run: stopped {cancelled.get('cancel_to_stop_s')} s after Cancel (target < 1 s), "
              f"{cancelled['rows_written']} rows kept; longest stall {cancelled['longest_stall_ms']} ms")
        print(f"  start-up: window shown {start['window_shown_s']} s after launch (target ~2 s), "
              f"engine ready {start['engine_ready_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
