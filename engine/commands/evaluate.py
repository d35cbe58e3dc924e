"""``sentido evaluate MODEL DATA``: a classifier on a labelled CSV, or a language model on a text file."""

from __future__ import annotations

import argparse
from pathlib import Path

from sentido.engine.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="measure a model on held-out data")
    p.add_argument("model", help="model name, or the path of a model plugin folder")
    p.add_argument("data", help="classifier: CSV/TSV (.gz allowed) with text and label columns; "
                                "language model: a text file, one paragraph per line")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.add_argument("--label-map", default="", help="rename/drop labels first, e.g. '1=negative,3=,5=positive'")
    p.add_argument("--limit", type=int, default=0, help="only the first N documents (classifier)")
    p.add_argument("--ksr-words", type=int, default=3000, help="words used for keystroke savings (language model)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)


def cmd_evaluate(args) -> int:
    from sentido.engine.cli import print_json
    from sentido.engine.commands.train import _parse_label_map
    from sentido.engine.datasets import map_labels, read_labelled, read_lm_text
    from sentido.engine.evaluation import evaluate_classifier, evaluate_language_model, load_model

    if not Path(args.data).is_file():
        raise InputError(f"{args.data}: no such file")
    model = load_model(args.model, args.device, args.plugin_path)
    if model.task == "classification":
        data = read_labelled(args.data, args.text_column, args.label_column)
        mapping = _parse_label_map(args.label_map)
        if mapping:
            data = map_labels(data, mapping)
        if args.limit:
            data = data.subset(range(min(args.limit, len(data))))
        report = evaluate_classifier(model, data.texts, data.labels)
    else:
        report = evaluate_language_model(model, read_lm_text(args.data), ksr_words=args.ksr_words)
    report["data"] = str(args.data)
    if args.json:
        print_json(report)
        return 0
    if model.task == "classification":
        print(f"{model.name} on {args.data}: {report['documents']:,} documents")
        print(f"accuracy {report['accuracy']:.2%}   macro-F1 {report['macro_f1']:.4f}   ECE {report['ece']:.4f}   "
              f"{report['docs_per_s']:.0f} docs/s")
        width = max(len(l) for l in report["labels"])
        print(f"{'label':<{width}}  precision  recall  support")
        for label, row in report["per_class"].items():
            print(f"{label:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}  {row['support']:7,}")
        print("confusion matrix (rows: true, columns: predicted)")
        print(" " * (width + 2) + " ".join(f"{l[:8]:>8}" for l in report["labels"]))
        for label, row in zip(report["labels"], report["confusion_matrix"]):
            print(f"{label:<{width}}  " + " ".join(f"{v:8d}" for v in row))
    else:
        print(f"{model.name} on {args.data}: {report['tokens']:,} tokens")
        print(f"perplexity {report['perplexity']:.2f}   top-1 {report['top1_accuracy']:.2%}   top-3 "
              f"{report['top3_accuracy']:.2%}   top-5 {report['top5_accuracy']:.2%}")
        print(f"keystroke savings with {report['ksr_suggestions']} suggestions {report['keystroke_savings']:.2%}   "
              f"{report['tokens_per_s']:.0f} tokens/s")
    return 0
