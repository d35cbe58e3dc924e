"""Short inference benchmark for the device in use (CPU, CUDA or MPS).

    python benchmarks/inference.py [--device auto|cpu|cuda] [--texts 2000] [--json]

For each installed model: batch throughput (docs/s, tokens/s), single-text latency, and per-keystroke latency of
the incremental session at the end of a 1,000-word text. Texts come from ../shared/data/imdb when present,
otherwise from the shipped samples. Prints the hardware with the figures.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

import torch

from sentido.engine.api import Engine

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "imdb" / "train.csv.gz"


def load_texts(count: int) -> list[str]:
    if DATA.exists():
        with gzip.open(DATA, "rt", encoding="utf-8", newline="") as f:
            rows = [r["text"] for _, r in zip(range(count * 3), csv.DictReader(f))]
        return rows[::3][:count] if len(rows) >= count * 3 else rows[:count]
    sample = Path(__file__).resolve().parents[1] / "resources" / "samples" / "example.txt"
    text = sample.read_text(encoding="utf-8") if sample.exists() else "A fine film with a weak ending. " * 20
    return [text] * count


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()
    elif device.type == "mps":
        torch.mps.synchronize()


def hardware(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (torch {torch.__version__}, CUDA {torch.version.cuda})"
    from sentido.engine.device import cpu_name

    return f"{cpu_name()}, {torch.get_num_threads()} threads (torch {torch.__version__})"


def bench_model(engine: Engine, name: str, texts: list[str]) -> dict:
    model = engine.load(name, task=engine.registry.model(name).spec.task)
    device = engine.device
    long_text = " ".join(texts)
    words = long_text.split()[:1000]
    row = {"model": name, "task": model.task}
    if model.task == "classification":
        model.analyze(texts[:64])  # warm-up
        sync(device)
        start = time.perf_counter()
        model.analyze(texts, batch_size=128 if device.type != "cpu" else 64)
        sync(device)
        seconds = time.perf_counter() - start
        tokens = sum(len(x) for x in model.tokenizer.ids_batch(texts))
        row.update(docs_per_s=len(texts) / seconds, tokens_per_s=tokens / seconds)
        single = []
        for text in texts[:50]:
            t0 = time.perf_counter()
            model.analyze([text])
            sync(device)
            single.append(time.perf_counter() - t0)
        row["single_ms_median"] = 1000 * statistics.median(single)
    session = model.incremental()
    base = " ".join(words)
    session.update(base)
    latencies = []
    typed = base
    for ch in " and then the story turns":
        typed += ch
        t0 = time.perf_counter()
        session.update(typed)
        session.analysis() if model.task == "classification" else session.next_words(5)
        sync(device)
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    row["keystroke_ms_p50"] = 1000 * latencies[len(latencies) // 2]
    row["keystroke_ms_p95"] = 1000 * latencies[int(len(latencies) * 0.95) - 1]
    engine.unload(name)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--model", action="append", default=[])
    parser.add_argument("--plugin-path", action="append", default=[])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    engine = Engine(device=args.device, plugin_paths=args.plugin_path)
    names = args.model or [m.name for m in engine.models()]
    if not names:
        print("no models installed", file=sys.stderr)
        return 1
    texts = load_texts(args.texts)
    rows = [bench_model(engine, name, texts) for name in names]
    report = {"device": str(engine.device_choice), "hardware": hardware(engine.device), "texts": len(texts), "rows": rows}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"device: {report['device']}\nhardware: {report['hardware']}\ntexts: {len(texts)} IMDB reviews\n")
    print(f"{'model':<28} {'docs/s':>9} {'tokens/s':>11} {'1 text ms':>10} {'key p50 ms':>11} {'key p95 ms':>11}")
    for r in rows:
        print(f"{r['model']:<28} {r.get('docs_per_s', float('nan')):9.1f} {r.get('tokens_per_s', float('nan')):11.0f} "
              f"{r.get('single_ms_median', float('nan')):10.2f} {r['keystroke_ms_p50']:11.2f} {r['keystroke_ms_p95']:11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
