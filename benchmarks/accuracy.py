"""Accuracy of every shipped model next to VADER and TextBlob, on the same held-out texts, in one run.

    python benchmarks/accuracy.py [--data ../shared/data] [--json results.json] [--limit N]

English sentiment: the fixed 10% of IMDB train held out from training (seeded split, seed 2026, as in
``scripts/make_models.py``) and SST-2 dev; VADER (compound >= 0 -> positive) and TextBlob (polarity >= 0 ->
positive) score the same texts. Emotion: the emotion validation split. Spanish: the held-out 15% of MuchoCine
(1-2 stars negative, 4-5 positive, 3 dropped); the lexicon tools are English-only and are not run on it.
Next-word models: WikiText-2 validation perplexity, top-k accuracy and keystroke savings.
Needs the ``bench`` extra (``pip install -e .[bench]``).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
HOLDOUT_SEED = 2026
SPANISH_MAP = {"1": "negative", "2": "negative", "3": None, "4": "positive", "5": "positive"}


def english_sets(data: Path, limit: int) -> dict[str, tuple[list[str], list[str]]]:
    from sentido.engine.datasets import read_labelled, split_indices

    imdb = read_labelled(data / "imdb" / "train.csv.gz")
    _, held = split_indices(len(imdb), 0.1, HOLDOUT_SEED)
    imdb = imdb.subset(held)
    sst = read_labelled(data / "sst2" / "dev.csv.gz")
    sets = {"imdb-heldout": (imdb.texts, imdb.labels), "sst2-dev": (sst.texts, sst.labels)}
    return {k: (t[:limit], l[:limit]) if limit else (t, l) for k, (t, l) in sets.items()}


def lexicon_scores(name: str, texts: list[str]) -> tuple[list[str], float]:
    started = time.perf_counter()
    if name == "VADER":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        scores = [analyzer.polarity_scores(t)["compound"] for t in texts]
    else:
        from textblob import TextBlob

        scores = [TextBlob(t).sentiment.polarity for t in texts]
    seconds = time.perf_counter() - started
    return ["positive" if s >= 0 else "negative" for s in scores], len(texts) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=0, help="first N texts of each set (0: all)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--skip-lm", action="store_true", help="leave out the next-word models")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from sentido.engine.api import Engine
    from sentido.engine.datasets import map_labels, read_labelled, read_lm_text, split_indices
    from sentido.engine.evaluation import evaluate_classifier, evaluate_language_model
    from sentido.engine.registry import Registry

    engine = Engine(device="cpu", registry=Registry.discover(user=False))
    models = engine.models()
    sets = english_sets(args.data, args.limit)
    results: dict[str, dict[str, dict[str, float]]] = {}
    rows = []
    for entry in models:
        spec = entry.spec
        if spec.task != "classification" or spec.language != "en" or set(spec.labels) != {"negative", "positive"}:
            continue
        model = engine.load(entry.name)
        results[entry.name] = {}
        for set_name, (texts, labels) in sets.items():
            report = evaluate_classifier(model, texts, labels)
            results[entry.name][set_name] = {"accuracy": report["accuracy"], "macro_f1": report["macro_f1"],
                                             "docs_per_s": report["docs_per_s"]}
        engine.unload(entry.name)
        rows.append(entry.name)
    for tool in ("VADER", "TextBlob"):
        results[tool] = {}
        for set_name, (texts, labels) in sets.items():
            predicted, rate = lexicon_scores(tool, texts)
            accuracy = sum(p == l for p, l in zip(predicted, labels)) / len(labels)
            results[tool][set_name] = {"accuracy": accuracy, "docs_per_s": rate}
        rows.append(tool)

    print(f"# Accuracy on held-out data ({platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} thread(s))\n")
    print("| model | IMDB held-out (2,500 reviews) | SST-2 dev (872 sentences) | docs/s on IMDB |")
    print("|---|---|---|---|")
    for name in rows:
        r = results[name]
        print(f"| {name} | {r['imdb-heldout']['accuracy']:.2%} | {r['sst2-dev']['accuracy']:.2%} | "
              f"{r['imdb-heldout']['docs_per_s']:.0f} |")

    others = []
    for entry in models:
        spec = entry.spec
        model_path = None
        if spec.task == "classification" and spec.language == "en" and "joy" in spec.labels:
            data = read_labelled(args.data / "emotion" / "validation.csv.gz")
            model_path = "emotion validation"
        elif spec.task == "classification" and spec.language == "es":
            es = map_labels(read_labelled(args.data / "muchocine-es" / "train.csv.gz"), SPANISH_MAP)
            _, test_idx = split_indices(len(es), 0.15, HOLDOUT_SEED)
            data = es.subset(test_idx)
            model_path = "MuchoCine held-out 15%"
        if model_path:
            report = evaluate_classifier(engine.load(entry.name), data.texts, data.labels)
            results[entry.name] = {model_path: {"accuracy": report["accuracy"], "macro_f1": report["macro_f1"]}}
            others.append(f"| {entry.name} | {model_path} ({len(data):,}) | {report['accuracy']:.2%} | {report['macro_f1']:.4f} |")
            engine.unload(entry.name)
    if others:
        print("\n| model | data | accuracy | macro-F1 |\n|---|---|---|---|")
        print("\n".join(others))

    lm_rows = []
    valid = read_lm_text(args.data / "wikitext2" / "valid.txt")
    for entry in models:
        if entry.spec.task != "language-model" or args.skip_lm:
            continue
        report = evaluate_language_model(engine.load(entry.name), valid, ksr_words=2000)
        results[entry.name] = {"wikitext2-valid": {k: report[k] for k in ("perplexity", "top1_accuracy", "top3_accuracy",
                                                                           "top5_accuracy", "keystroke_savings", "tokens_per_s")}}
        lm_rows.append(f"| {entry.name} | {report['perplexity']:.1f} | {report['top1_accuracy']:.2%} | "
                       f"{report['top3_accuracy']:.2%} | {report['top5_accuracy']:.2%} | {report['keystroke_savings']:.2%} | "
                       f"{report['tokens_per_s']:.0f} |")
        engine.unload(entry.name)
    if lm_rows:
        print("\n| model | WikiText-2 valid perplexity | top-1 | top-3 | top-5 | keystroke savings (3 suggestions) | tokens/s |")
        print("|---|---|---|---|---|---|---|")
        print("\n".join(lm_rows))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
