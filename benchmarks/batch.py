"""Batch throughput and accuracy: each shipped sentiment model (fp32 and int8) next to VADER and TextBlob, in one run.

    python benchmarks/batch.py                       # what `make bench` runs
    python benchmarks/batch.py --docs 500            # quicker
    python benchmarks/batch.py --memory-mb 1024      # also: peak RSS of `sentido batch` on a generated 1 GB CSV
    python benchmarks/batch.py --models standin      # random-weight models of the shipped sizes (no accuracy)

Texts (seeded, so every run sees the same ones):
* IMDB: the 2,500 reviews of the fixed 10% held out from training (``split_indices(25000, 0.1, seed 2026)`` as in
  ``scripts/make_models.py``) plus 2,500 reviews drawn (seed 4) from the other 90%. Speed is measured on all
  5,000; accuracy only on the held-out 2,500, which no shipped model saw.
* SST-2: the 872 dev sentences plus 4,128 phrases drawn (seed 4) from SST-2 train. Speed on all; accuracy on dev.

Sentido's models run through the real batch pipeline (``run_batch``: read a CSV, tokenise, analyse, write a CSV);
VADER (compound >= 0 -> positive) and TextBlob (polarity >= 0 -> positive) run as plain loops over the same texts
in memory, which flatters them slightly. "docs per CPU-s" divides by the CPU time the process used (all its
threads), which stays meaningful when other work shares the machine; docs/s is wall-clock. tokens/s counts the same words for every system (Sentido's word
pre-tokeniser). "fp16 weights" is the accuracy of the model with its weights rounded to float16, which is what
``--half`` does to the weights (on a GPU the activations are float16 too; there is no GPU here to time it).
The recurrent-layer fraction: FLOPs of the LSTM/GRU/RNN layers (2·gates·hidden·(input+hidden) per token and
direction) over the CPU time spent inside them (forward hooks, thread CPU time summed over the batch threads, each
of which runs torch on one thread), divided by the best fp32 1024x1024 matmul FLOP/s of one core of this machine,
measured the same way at the start of the run. For --quantize the same count of operations is done in int8, for
--half (bfloat16, on CPUs with bfloat16 instructions; run unless --no-half) in bfloat16.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
HOLDOUT_SEED = 2026
SAMPLE_SEED = 4
SENTIMENT_LABELS = {"negative", "positive"}


# -- data ---------------------------------------------------------------------------------------------------------
def datasets(data: Path, docs: int) -> dict[str, tuple[list[str], list[str], int]]:
    """name -> (texts, gold labels, how many leading texts are never-trained-on, for accuracy)."""
    from sentido.engine.datasets import read_labelled, split_indices

    rng = random.Random(SAMPLE_SEED)
    imdb = read_labelled(data / "imdb" / "train.csv.gz")
    rest, held = split_indices(len(imdb), 0.1, HOLDOUT_SEED)
    held = rng.sample(held, min(len(held), docs // 2))  # the split is sorted, and IMDB lists negatives first
    extra = rng.sample(rest, docs - len(held))
    dev = read_labelled(data / "sst2" / "dev.csv.gz")
    train = read_labelled(data / "sst2" / "train.csv.gz")
    n_dev = min(len(dev), docs)
    phrases = rng.sample(range(len(train)), docs - n_dev)
    return {
        "IMDB": ([imdb.texts[i] for i in held + extra], [imdb.labels[i] for i in held + extra], len(held)),
        "SST-2": (dev.texts[:n_dev] + [train.texts[i] for i in phrases],
                  dev.labels[:n_dev] + [train.labels[i] for i in phrases], n_dev),
    }


def write_csv(path: Path, texts: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text"])
        writer.writerows([t] for t in texts)


# -- machine ------------------------------------------------------------------------------------------------------
def matmul_flops(threads: int, size: int = 1024, repeats: int = 12) -> float:
    """Best fp32 matmul FLOP/s with ``threads`` torch threads. With one thread it is timed in thread CPU time,
    which other processes sharing the core do not inflate."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    clock = time.thread_time if threads == 1 else time.perf_counter
    best = float("inf")
    try:
        for _ in range(repeats):
            started = clock()
            for _ in range(4):
                torch.mm(a, b)
            best = min(best, (clock() - started) / 4)
    finally:
        torch.set_num_threads(previous)
    return 2 * size**3 / best


def machine() -> str:
    from sentido.engine.device import cpu_name

    cpu = cpu_name()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"{cpu}; {os.cpu_count()} cores; torch {torch.__version__}, {torch.get_num_threads()} threads; "
            f"load average {load}")


# -- recurrent layers ---------------------------------------------------------------------------------------------
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
FLAGS = {"fp32": "", "int8": " --quantize", "bf16": " --half (bfloat16)"}


class RecurrentTimer:
    """CPU time spent inside the recurrent layers of a module (summed over the threads running batches, each
    timed in its own thread CPU time), and their FLOPs per token."""

    def __init__(self, module: nn.Module):
        self.seconds, self.handles, self.flops_per_token = 0.0, [], 0.0
        self._local, self._lock = threading.local(), threading.Lock()
        for layer in module.modules():
            kind = type(layer).__name__
            if kind in GATES and hasattr(layer, "hidden_size"):
                directions = 2 if layer.bidirectional else 1
                size = layer.input_size
                for _ in range(layer.num_layers):
                    self.flops_per_token += directions * 2 * GATES[kind] * layer.hidden_size * (size + layer.hidden_size)
                    size = layer.hidden_size * directions
                self.handles.append(layer.register_forward_pre_hook(self._start))
                self.handles.append(layer.register_forward_hook(self._stop))

    def _start(self, *_):
        self._local.started = time.thread_time()

    def _stop(self, *_):
        spent = time.thread_time() - self._local.started
        with self._lock:
            self.seconds += spent

    def remove(self):
        for handle in self.handles:
            handle.remove()


# -- systems ------------------------------------------------------------------------------------------------------
def run_lexicon(name: str, texts: list[str]) -> tuple[list[str], float]:
    if name == "VADER":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        score = lambda t: analyzer.polarity_scores(t)["compound"]  # noqa: E731
    else:
        from textblob import TextBlob

        score = lambda t: TextBlob(t).sentiment.polarity  # noqa: E731
    started, cpu = time.perf_counter(), time.process_time()
    labels = ["positive" if score(t) >= 0 else "negative" for t in texts]
    return labels, time.perf_counter() - started, time.process_time() - cpu


def run_sentido(engine, model: str, source: Path, folder: Path, variant: str, batch_size: int):
    """(labels, seconds, CPU seconds, recurrent seconds, recurrent FLOPs per token, model tokens) via ``run_batch``.

    ``variant``: ``fp32``; ``int8`` (``--quantize``); ``fp16w``: the weights rounded to float16 and back (the
    accuracy effect of ``--half``'s weights, measurable without a GPU).
    """
    import copy

    from sentido.engine.batch import BatchOptions, run_batch
    from sentido.engine.batch import runner
    from sentido.engine.inference import LoadedModel

    output = folder / f"{source.stem}-{model}-{variant}.csv"
    output.unlink(missing_ok=True)
    timers: list[RecurrentTimer] = []
    original = runner.prepare_model

    def prepare(loaded, options):  # the hooks go on the module the run really uses (the int8 copy, say)
        prepared = original(loaded, options)
        if variant == "fp16w":
            module = copy.deepcopy(prepared.module).half().float().eval()
            prepared = LoadedModel(loaded.name, loaded.spec, module, loaded.tokenizer, loaded.device)
        timers.append(RecurrentTimer(prepared.module))
        return prepared

    engine.load(model)  # read the weights before the clock starts
    runner.prepare_model = prepare
    try:
        started, cpu = time.perf_counter(), time.process_time()
        run_batch([source], [model], output, engine=engine,
                  options=BatchOptions(quantize=variant == "int8", half=variant == "bf16", batch_size=batch_size))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        runner.prepare_model = original
        for timer in timers:
            timer.remove()
    with open(output, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    timer = timers[0]
    return [r["label"] for r in rows], seconds, cpu, timer.seconds, timer.flops_per_token, sum(int(r["tokens"]) for r in rows)


def accuracy(predicted: list[str | None], gold: list[str]) -> float:
    return sum(p == g for p, g in zip(predicted, gold)) / max(1, len(gold))


# -- models -------------------------------------------------------------------------------------------------------
def standin_plugins(folder: Path, texts: list[str]) -> list[Path]:
    """Random-weight LSTM and GRU of the shipped recipe's sizes: real cost per token, meaningless labels."""
    from sentido.engine.bundle import save_model_plugin
    from sentido.engine.registry import Registry
    from sentido.engine.tokenization import train_tokenizer

    tokenizer = train_tokenizer(texts, vocab_size=30000, min_frequency=1)
    registry = Registry.discover(shipped=False, user=False)
    made = []
    for arch, hidden in (("lstm", 64), ("gru", 256)):  # sentiment-en-lstm and sentiment-en-gru
        cls = registry.architecture_class(arch)
        torch.manual_seed(0)
        config = cls.config_class(task="classification", vocab_size=tokenizer.vocab_size, num_labels=2,
                                  embedding_dim=100, hidden_size=hidden, pooling="mean_max")
        made.append(save_model_plugin(folder / f"standin-{arch}", module=cls(config).eval(), tokenizer=tokenizer,
                                      name=f"standin-sentiment-{arch}", architecture=arch, language="en",
                                      labels=["negative", "positive"], max_length=400,
                                      description="random-weight stand-in for benchmarks"))
    return made


def sentiment_models(engine) -> list[str]:
    return [m.name for m in engine.models("classification")
            if set(m.spec.labels) == SENTIMENT_LABELS and m.spec.language == "en"]


# -- memory -------------------------------------------------------------------------------------------------------
def memory_check(megabytes: int, texts: list[str], folder: Path, plugin_paths: list[Path], model: str, shape: str) -> dict:
    """Peak RSS of a `sentido batch` process over a generated CSV of ``megabytes`` MB.

    ``reviews``: rows of (flag, review), the reviews repeated: every byte is text to analyse (hours on a busy
    2-core machine with a real model). ``wide``: rows of (flag, text, notes), where text is a review's first
    sentence and notes eight whole reviews (about 10 KB): the whole file is still read, parsed and, since an
    output row carries the input's columns, written out again, with far fewer documents to analyse.
    """
    source = folder / "large.csv"
    target = megabytes << 20
    block = io.StringIO()
    if shape == "wide":
        rows = [[i % 2, text.split(". ")[0][:300], " ".join(texts[(i + k) % len(texts)] for k in range(8))]
                for i, text in enumerate(texts)]
    else:
        rows = [[i % 2, text] for i, text in enumerate(texts)]
    csv.writer(block).writerows(rows)
    data = block.getvalue().encode("utf-8")
    number = 0
    with open(source, "wb") as handle:
        handle.write(b"flag,text,notes\r\n" if shape == "wide" else b"flag,text\r\n")
        while handle.tell() < target:  # the same block again and again: generating must not take longer than reading
            handle.write(data)
            number += len(texts)
    size = source.stat().st_size
    command = [sys.executable, "-m", "sentido.engine.cli", "--device", "cpu"]
    for path in plugin_paths:
        command += ["--plugin-path", str(path)]
    command += ["batch", str(source), "--model", model, "--output", str(folder / "large-out.csv"), "--quiet"]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    samples = []
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            samples.append(int(next(l for l in status.splitlines() if l.startswith("VmRSS")).split()[1]) / 1024)
        except (OSError, StopIteration):
            pass
        time.sleep(1.0)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    thirds = [samples[int(len(samples) * f)] for f in (0.1, 0.5, 0.9)] if samples else []
    source.unlink()
    return {"file_mb": size / 2**20, "rows": number, "exit": process.returncode, "seconds": seconds,
            "peak_rss_mb": peak, "rss_mb_at_10_50_90_percent": thirds, "model": model, "shape": shape}


# -- report -------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--docs", type=int, default=5000, help="texts per data set (default 5000)")
    parser.add_argument("--models", default="auto", help="auto (shipped, else stand-ins), standin, or NAME[,NAME...]")
    parser.add_argument("--plugin-path", action="append", default=[], type=Path)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--no-quantize", action="store_true", help="skip the int8 runs")
    parser.add_argument("--no-half", action="store_true", help="skip the bfloat16 runs (CPUs with bfloat16 instructions)")
    parser.add_argument("--memory-mb", type=int, default=0, help="also measure peak RSS on a generated CSV this large")
    parser.add_argument("--memory-model", default=None,
                        help="model for the memory check: a name, or 'tiny' (a tiny random model: the same reading, "
                             "tokenising and writing, in minutes instead of hours); default: the first benchmarked model")
    parser.add_argument("--memory-only", action="store_true", help="only the memory check")
    parser.add_argument("--memory-shape", choices=["reviews", "wide"], default="reviews",
                        help="rows of the generated CSV: whole reviews, or a sentence plus 10 KB of other columns")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    from sentido.engine.api import Engine
    from sentido.engine.batch.analysis import cpu_has_bf16
    from sentido.engine.tokenization import word_pieces

    if not (args.data / "imdb" / "train.csv.gz").exists():
        print(f"batch benchmark: no data at {args.data} (needs imdb/ and sst2/); skipped")
        return 0
    machine_peak, peak = matmul_flops(torch.get_num_threads()), matmul_flops(1)
    print(f"machine: {machine()}; fp32 matmul (1024x1024, best of 12): {machine_peak / 1e9:.0f} GFLOP/s with "
          f"{torch.get_num_threads()} threads, {peak / 1e9:.0f} GFLOP/s on one core (thread CPU time)")
    sets = datasets(args.data, args.docs)
    folder = Path(tempfile.mkdtemp(prefix="sentido-bench-batch-"))
    plugin_paths = list(args.plugin_path)
    engine = Engine("cpu", plugin_paths=plugin_paths)
    if args.memory_only:
        models = []
    elif args.models == "standin" or (args.models == "auto" and not sentiment_models(engine)):
        plugin_paths += standin_plugins(folder / "models", sets["IMDB"][0][:2000])
        engine = Engine("cpu", plugin_paths=plugin_paths)
        models, standin = sentiment_models(engine), True
        models = [m for m in models if m.startswith("standin-")]
        print("no shipped sentiment models: random-weight stand-ins of the shipped sizes (speed only, accuracy n/a)")
    else:
        models = sentiment_models(engine) if args.models == "auto" else args.models.split(",")
        standin = False
    results = {"machine": machine(), "matmul_gflops": machine_peak / 1e9, "matmul_gflops_one_core": peak / 1e9,
               "sets": {}, "memory": None}
    for name, (texts, gold, scored) in sets.items():
        if args.memory_only:
            break
        source = folder / f"{name}.csv"
        write_csv(source, texts)
        words = sum(len(word_pieces(t)) for t in texts)
        print(f"\n## {name}: {len(texts):,} texts, {words / len(texts):.0f} words each on average; "
              f"accuracy on the first {scored:,} ({'held-out IMDB' if name == 'IMDB' else 'SST-2 dev'})\n")
        print("| system | docs/s | tokens/s | docs per CPU-s | accuracy | fp16-weights acc. | recurrent GFLOP/s per thread | of one core's matmul |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        rows = []
        for lexicon in ("VADER", "TextBlob"):
            labels, seconds, cpu = run_lexicon(lexicon, texts)
            rows.append({"system": lexicon, "docs_s": len(texts) / seconds, "words_s": words / seconds,
                         "docs_cpu_s": len(texts) / cpu, "accuracy": accuracy(labels[:scored], gold[:scored])})
            print_row(rows[-1])
        variants = ["fp32"] + ([] if args.no_quantize else ["int8"]) + (["bf16"] if cpu_has_bf16() and not args.no_half else [])
        for model in models:
            for variant in variants:
                quantize = variant != "fp32"
                labels, seconds, cpu, rec_s, per_token, tokens = run_sentido(engine, model, source, folder, variant, args.batch_size)
                row = {"system": f"{model}{FLAGS[variant]}", "docs_s": len(texts) / seconds,
                       "words_s": words / seconds, "docs_cpu_s": len(texts) / cpu, "accuracy": None if standin else accuracy(labels[:scored], gold[:scored]),
                       "recurrent_gflops": per_token * tokens / rec_s / 1e9 if rec_s else None}
                row["fraction_of_peak"] = row["recurrent_gflops"] * 1e9 / peak if row["recurrent_gflops"] else None
                if not quantize and not standin:
                    scored_source = folder / f"{name}-scored.csv"
                    write_csv(scored_source, texts[:scored])
                    half = run_sentido(engine, model, scored_source, folder, "fp16w", args.batch_size)[0]
                    row["fp16_accuracy"] = accuracy(half, gold[:scored])
                rows.append(row)
                print_row(row)
        results["sets"][name] = rows
        target_check(name, rows, models)
    if args.memory_mb:
        model = args.memory_model or (models[0] if models else "tiny")
        if model == "tiny":
            sys.path.insert(0, str(ROOT))
            from tests.helpers import save_tiny

            plugin_paths.append(save_tiny(folder / "models", "lstm", "classification"))
            model = "tiny-lstm-cls"
        print(f"\n## memory: `sentido batch` on a generated {args.memory_mb:,} MB CSV ({args.memory_shape}) with {model}")
        memory = memory_check(args.memory_mb, sets["IMDB"][0], folder, plugin_paths, model, args.memory_shape)
        print(f"{memory['file_mb']:,.0f} MB, {memory['rows']:,} rows in {memory['seconds']:,.0f} s (exit {memory['exit']}); "
              f"peak RSS {memory['peak_rss_mb']:,.0f} MB; RSS at 10/50/90% of the run: "
              + ", ".join(f"{x:,.0f}" for x in memory["rss_mb_at_10_50_90_percent"]) + " MB")
        results["memory"] = memory
    print(f"\nmachine at the end: {machine()}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    return 0


def print_row(row: dict) -> None:
    acc = f"{row['accuracy']:.1%}" if row.get("accuracy") is not None else "n/a"
    half = f"{row['fp16_accuracy']:.1%}" if row.get("fp16_accuracy") is not None else ""
    flops = f"{row['recurrent_gflops']:.1f}" if row.get("recurrent_gflops") else ""
    frac = f"{row['fraction_of_peak']:.1%}" if row.get("fraction_of_peak") else ""
    print(f"| {row['system']} | {row['docs_s']:,.0f} | {row['words_s']:,.0f} | {row['docs_cpu_s']:,.0f} | {acc} | "
          f"{half} | {flops} | {frac} |", flush=True)


def target_check(name: str, rows: list[dict], models: list[str]) -> None:
    """The issue's target on IMDB: the LSTM >= 3x VADER's docs/s, >= 1.5x TextBlob's, >= 15 points more accurate."""
    if name != "IMDB":
        return
    by = {r["system"]: r for r in rows}
    lstm = "sentiment-en-lstm" if "sentiment-en-lstm" in models else next(
        (m for m in models if "lstm" in m and "resnet" not in m), None)  # the shipped LSTM, else the first one
    if lstm is None:
        return
    for variant in (lstm + flag for flag in FLAGS.values()):
        if variant not in by:
            continue
        r, vader, blob = by[variant], by["VADER"], by["TextBlob"]
        line = (f"{variant}: {r['docs_s'] / vader['docs_s']:.2f}x VADER's docs/s (target 3), "
                f"{r['docs_s'] / blob['docs_s']:.2f}x TextBlob's (target 1.5); per CPU-second "
                f"{r['docs_cpu_s'] / vader['docs_cpu_s']:.2f}x and {r['docs_cpu_s'] / blob['docs_cpu_s']:.2f}x")
        if r.get("accuracy") is not None:
            line += (f"; +{(r['accuracy'] - vader['accuracy']) * 100:.1f} / +{(r['accuracy'] - blob['accuracy']) * 100:.1f}"
                     " points over VADER / TextBlob (target 15)")
        print(line)


if __name__ == "__main__":
    sys.exit(main())
