"""``sentido train sentiment|next-word`` and ``sentido embeddings train``.

A training run reads the data, learns (or, on ``--resume``, reloads) a tokenizer, builds the architecture,
optionally initialises its embeddings from word vectors, trains with checkpoints, evaluates on the validation set
and on every ``--eval NAME=FILE``, and writes a complete model plugin whose card records the data, labels,
metrics, training time, hardware and the exact command.
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sentido.engine.errors import InputError

ARCHITECTURES = ("rnn", "lstm", "gru", "resnet_lstm")
IDENTITY_SKIP = {"func", "resume", "out", "checkpoint", "threads", "epochs", "max_minutes", "patience", "debug", "init_from_card",
                 "init_from_labels",
                 "device", "plugin_path", "command", "train_command", "half", "eval", "description", "name",
                 "average_final"}


def _model_options(p: argparse.ArgumentParser, task: str) -> None:
    g = p.add_argument_group("architecture")
    g.add_argument("--arch", choices=ARCHITECTURES, default="lstm", help="recurrent architecture (default lstm)")
    g.add_argument("--embedding-dim", type=int, default=None, help="default: the --embeddings' size, else 128")
    g.add_argument("--hidden-size", type=int, default=256)
    g.add_argument("--num-layers", type=int, default=1)
    g.add_argument("--dropout", type=float, default=0.3)
    g.add_argument("--embedding-dropout", type=float, default=0.1)
    if task == "classification":
        g.add_argument("--pooling", choices=["last", "mean", "max", "attention", "mean_max"], default="mean_max")
        g.add_argument("--bidirectional", action="store_true",
                       help="read both ways (more accurate on some data; cannot be updated word by word while typing)")
    else:
        g.add_argument("--tie-weights", action="store_true", help="share the embedding and output matrices")
        g.add_argument("--adaptive-cutoffs", default="",
                       help="adaptive softmax word-frequency cut-offs, e.g. 2000,10000 (default: full softmax)")
    g.add_argument("--conv-blocks", type=int, default=2, help="resnet_lstm: residual convolution blocks")
    g.add_argument("--kernel-size", type=int, default=3, help="resnet_lstm: convolution width")
    t = p.add_argument_group("tokenizer and embeddings")
    t.add_argument("--tokenizer", choices=["word", "bpe"], default="word")
    t.add_argument("--vocab-size", type=int, default=30000)
    t.add_argument("--min-frequency", type=int, default=2)
    t.add_argument("--cased", action="store_true", help="keep upper case (default: lower-case everything)")
    t.add_argument("--vocab-corpus", action="append", default=[], metavar="FILE",
                   help="extra text (one document per line, or a CSV's text column) to learn words from")
    t.add_argument("--embeddings", default=None, metavar="PATH",
                   help="initialise embeddings from word2vec (.bin/.txt), GloVe (.txt), fastText (.vec/.bin) or a "
                        "`sentido embeddings train` folder")
    t.add_argument("--init-from", default=None, metavar="MODEL",
                   help="start from this model's tokenizer and weights (a name or a plugin folder) instead of from "
                        "scratch: fine-tuning, or more training for a model; its architecture options are used")
    t.add_argument("--freeze-embeddings-epochs", type=int, default=1,
                   help="keep pretrained embeddings fixed for the first N epochs (default 1)")
    o = p.add_argument_group("optimisation")
    o.add_argument("--epochs", type=int, default=8)
    o.add_argument("--batch-size", type=int, default=64)
    o.add_argument("--lr", type=float, default=2e-3)
    o.add_argument("--weight-decay", type=float, default=0.0)
    o.add_argument("--clip", type=float, default=1.0 if task == "classification" else 0.5, help="gradient norm clip")
    o.add_argument("--patience", type=int, default=2, help="epochs without improvement before stopping early")
    o.add_argument("--lr-decay", type=float, default=0.5, help="learning-rate factor after an epoch without improvement")
    o.add_argument("--epoch-lr-decay", type=float, default=1.0, help="learning-rate factor after every improving epoch")
    o.add_argument("--seed", type=int, default=13)
    o.add_argument("--max-minutes", type=float, default=0.0, help="stop after the epoch that passes this budget")
    o.add_argument("--checkpoint-every", type=int, default=200, help="steps between checkpoints")
    o.add_argument("--average-final", action="store_true",
                   help="at the end, average the best and the final epoch's weights; kept only if validation improves")
    if task == "language-model":
        o.add_argument("--average-from-epoch", type=int, default=0, metavar="N",
                       help="from epoch N on, keep the running mean of the weights after every step and validate and "
                            "ship that mean (Polyak averaging, as ASGD in AWD-LSTM); 0: off")
    o.add_argument("--no-amp", action="store_true", help="no mixed precision on CUDA")
    o.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    r = p.add_argument_group("output")
    r.add_argument("--out", required=True, metavar="DIR", help="model plugin folder to write")
    r.add_argument("--name", default=None, help="model name (default: the --out folder's name)")
    r.add_argument("--language", default="en")
    r.add_argument("--description", default="")
    r.add_argument("--checkpoint", default=None, metavar="DIR", help="checkpoint folder (default: DIR.checkpoint)")
    r.add_argument("--resume", action="store_true", help="continue from the checkpoint")
    r.add_argument("--half", choices=["auto", "yes", "no"], default="auto",
                   help="store fp16 weights: auto keeps them when validation accuracy/perplexity holds")
    r.add_argument("--eval", action="append", default=[], metavar="NAME=FILE",
                   help="also evaluate on FILE and report it as NAME on the card (repeatable)")


def register(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser("train", help="train a sentiment (any labels) or next-word model")
    kinds = train.add_subparsers(dest="train_command", metavar="TASK")
    kinds.required = True
    p = kinds.add_parser("sentiment", aliases=["classification"], help="a text classifier (any label set)")
    p.add_argument("--data", action="append", required=True, metavar="FILE", help="CSV/TSV (.gz allowed); repeatable")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.add_argument("--valid", action="append", default=[], metavar="FILE", help="validation CSV (else --valid-split)")
    p.add_argument("--valid-split", type=float, default=0.1, help="fraction of --data held out for validation")
    p.add_argument("--label-map", default="", help="rename/drop labels, e.g. '1=negative,2=negative,3=,4=positive'")
    p.add_argument("--max-tokens", type=int, default=400, help="train on the first and last N/2 tokens of longer texts")
    p.add_argument("--label-scores", default="",
                   help="signed value of each label for the sentiment score, e.g. 'negative=-1,neutral=0,positive=1'")
    _model_options(p, "classification")
    p.set_defaults(func=cmd_train_classifier)
    p = kinds.add_parser("next-word", aliases=["language-model"], help="a next-word language model")
    p.add_argument("--data", required=True, metavar="FILE", help="text file (.gz allowed), one paragraph per line")
    p.add_argument("--valid", default=None, metavar="FILE", help="validation text (else the last --valid-split)")
    p.add_argument("--valid-split", type=float, default=0.05)
    p.add_argument("--bptt", type=int, default=35, help="truncated back-propagation length")
    _model_options(p, "language-model")
    p.set_defaults(func=cmd_train_lm, min_frequency=3)
    emb = sub.add_parser("embeddings", help="word vectors")
    ekinds = emb.add_subparsers(dest="embeddings_command", metavar="ACTION")
    ekinds.required = True
    e = ekinds.add_parser("train", help="train word2vec or fastText vectors with gensim")
    e.add_argument("corpus", nargs="+", help="text files (one document per line) or CSVs (their --text-column)")
    e.add_argument("--out", required=True, metavar="DIR")
    e.add_argument("--method", choices=["word2vec", "fasttext"], default="word2vec")
    e.add_argument("--text-column", default="text")
    e.add_argument("--dim", type=int, default=100)
    e.add_argument("--window", type=int, default=5)
    e.add_argument("--min-count", type=int, default=3)
    e.add_argument("--epochs", type=int, default=5)
    e.add_argument("--workers", type=int, default=None)
    e.add_argument("--seed", type=int, default=13)
    e.add_argument("--cased", action="store_true")
    e.set_defaults(func=cmd_embeddings_train)


# -- helpers -----------------------------------------------------------------------------------------------
def command_line() -> str:
    args = sys.argv[1:]
    return "sentido " + " ".join(shlex.quote(a) for a in args)


def _options(args) -> "TrainOptions":
    from sentido.engine.training import TrainOptions

    return TrainOptions(
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, weight_decay=args.weight_decay, clip=args.clip,
        patience=args.patience, lr_decay=args.lr_decay, epoch_lr_decay=args.epoch_lr_decay, seed=args.seed, max_tokens=getattr(args, "max_tokens", 0),
        bptt=getattr(args, "bptt", 35), freeze_embeddings_epochs=args.freeze_embeddings_epochs if args.embeddings else 0,
        checkpoint_every=args.checkpoint_every, max_minutes=args.max_minutes, amp=not args.no_amp,
        average_final=args.average_final, average_from_epoch=getattr(args, "average_from_epoch", 0),
    )


def _identity(args) -> dict[str, Any]:
    return {k: v for k, v in sorted(vars(args).items()) if k not in IDENTITY_SKIP}


def _parse_label_map(text: str) -> dict[str, str | None] | None:
    if not text.strip():
        return None
    mapping: dict[str, str | None] = {}
    for item in text.split(","):
        if "=" not in item:
            raise InputError(f"--label-map: {item!r} is not OLD=NEW (an empty NEW drops the rows)")
        old, new = item.split("=", 1)
        mapping[old.strip()] = new.strip() or None
    return mapping


def _parse_label_scores(text: str, labels: list[str]) -> dict[str, float] | None:
    if not text.strip():
        return None
    scores: dict[str, float] = {}
    for item in text.split(","):
        label, _, value = item.partition("=")
        try:
            scores[label.strip()] = float(value)
        except ValueError:
            raise InputError(f"--label-scores: {item!r} is not LABEL=NUMBER") from None
    unknown = sorted(set(scores) - set(labels))
    if unknown:
        raise InputError(f"--label-scores: not labels of the data: {', '.join(unknown)}")
    if any(not -1.0 <= v <= 1.0 for v in scores.values()):
        raise InputError("--label-scores: scores must lie in [-1, 1]")
    return scores


def _parse_evals(values: list[str]) -> list[tuple[str, Path]]:
    out = []
    for value in values:
        if "=" not in value:
            raise InputError(f"--eval: {value!r} is not NAME=FILE")
        name, path = value.split("=", 1)
        if not Path(path).is_file():
            raise InputError(f"--eval {name}: no such file {path}")
        out.append((name.strip(), Path(path)))
    return out


def _build_module(args, task: str, vocab_size: int, num_labels: int, embedding_dim: int):
    import torch

    from sentido.engine.registry import Registry

    registry = Registry.discover(shipped=False, user=False)
    cls = registry.architecture_class(args.arch)
    values: dict[str, Any] = dict(
        task=task, vocab_size=vocab_size, num_labels=num_labels, embedding_dim=embedding_dim,
        hidden_size=args.hidden_size, num_layers=args.num_layers, dropout=args.dropout,
        embedding_dropout=args.embedding_dropout,
    )
    if task == "classification":
        values.update(pooling=args.pooling, bidirectional=args.bidirectional)
    else:
        values.update(tie_weights=args.tie_weights)
        if args.adaptive_cutoffs:
            try:
                values["adaptive_cutoffs"] = tuple(int(x) for x in args.adaptive_cutoffs.split(","))
            except ValueError:
                raise InputError(f"--adaptive-cutoffs: {args.adaptive_cutoffs!r} is not a list of integers") from None
    if args.arch == "resnet_lstm":
        values.update(conv_blocks=args.conv_blocks, kernel_size=args.kernel_size)
    torch.manual_seed(args.seed)
    try:
        return cls(cls.config_class(**values))
    except (TypeError, ValueError) as exc:
        raise InputError(f"invalid architecture options: {exc}") from None


def _initial_model(args, task: str, labels: list[str] | None = None):
    """The module and tokenizer of ``--init-from``, ready to train (fp32, on the CPU until the trainer moves it)."""
    import torch
    from torch import nn

    from sentido.engine.evaluation import load_model

    if ("/" in args.init_from or "\\" in args.init_from) and not Path(args.init_from).exists():
        raise InputError(f"--init-from {args.init_from}: no such plugin folder or .zip")
    start = load_model(args.init_from, "cpu", plugin_paths=getattr(args, "plugin_path", None) or ())
    if start.task != task:
        raise InputError(f"--init-from {args.init_from}: it is a {start.task} model; this trains a {task} model")
    if start.spec.architecture != args.arch:
        raise InputError(f"--init-from {args.init_from}: its architecture is {start.spec.architecture}, not --arch {args.arch}")
    new_head = labels is not None and list(start.labels) != list(labels)
    if new_head and not isinstance(getattr(start.module, "classifier", None), nn.Linear):
        raise InputError(f"--init-from {args.init_from}: its labels ({', '.join(start.labels)}) differ from the "
                         f"data's ({', '.join(labels)}) and its output layer cannot be replaced")
    print(f"starting from {start.name}: its tokenizer ({start.tokenizer.vocab_size:,} tokens) and weights"
          + (f"; a fresh output layer for {', '.join(labels)} (it had {', '.join(start.labels)})" if new_head else ""),
          flush=True)
    args.init_from_labels = list(start.labels) if new_head else None
    from sentido.engine.registry import Registry, extract_zip

    root = Path(args.init_from)
    if not root.exists():
        root = Registry.discover(getattr(args, "plugin_path", None) or ()).model(start.name).root
    elif root.is_file() and root.suffix.lower() == ".zip":
        root = extract_zip(root)
    card = root / start.spec.card if getattr(start.spec, "card", None) else root / "README.md"
    args.init_from_card = card.read_text(encoding="utf-8") if card.is_file() else ""  # read now: --out may be root
    module = start.module.float().train()
    if new_head:  # same encoder, a new classifier: transfer to another label set (e.g. adding a neutral class)
        torch.manual_seed(args.seed)
        module.classifier = nn.Linear(module.classifier.in_features, len(labels))
        module.config.num_labels = len(labels)
    for p in module.parameters():
        p.requires_grad_(True)
    return module, start.tokenizer


def _prepare(args):
    import torch

    from sentido.engine.device import choose_device

    if args.threads:
        torch.set_num_threads(args.threads)
    choice = choose_device(args.device)
    out = Path(args.out)
    checkpoint_dir = Path(args.checkpoint) if args.checkpoint else out.with_name(out.name + ".checkpoint")
    name = args.name or out.name
    return choice.device, out, checkpoint_dir, name


def _weights_precision(args, measure, metric: str, loss, limit: float):
    """(fp32 reports, fp16 reports or None, keep fp16?) for ``--half auto|yes|no``: auto keeps fp16 weights when
    ``loss(fp32, fp16)`` (what fp16 costs on the worst evaluation set) is at most ``limit``."""
    full = measure(False)
    if args.half == "no":
        return full, None, False
    half_reports = measure(True)
    cost = loss(full, half_reports)
    keep = args.half == "yes" or cost <= limit
    print(f"fp16 weights: {metric} {'down' if metric == 'accuracy' else 'up'} by at most {cost:+.2%} -> "
          f"{'kept' if keep else 'fp32 kept'}", flush=True)
    return full, half_reports, keep


def _vectors(args):
    if not args.embeddings:
        return None
    from sentido.engine.embeddings import load_vectors

    print(f"reading word vectors from {args.embeddings}", flush=True)
    return load_vectors(args.embeddings)


def _init_embeddings(module, vectors, tokenizer, seed: int) -> float:
    import torch

    from sentido.engine.embeddings import embedding_matrix

    matrix, coverage = embedding_matrix(vectors, tokenizer, module.config.embedding_dim, seed)
    with torch.no_grad():
        module.embedding.weight.copy_(matrix)
    print(f"embeddings: {coverage:.1%} of the {tokenizer.vocab_size:,} words have a pretrained vector", flush=True)
    return coverage


def _history_table(history: list[dict[str, Any]]) -> str:
    if not history:
        return ""
    keys = [k for k in history[0] if k != "epoch"]
    lines = ["| epoch | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for row in history:
        lines.append(f"| {row['epoch']} | " + " | ".join(_fmt(row.get(k)) for k in keys) + " |")
    return "\n".join(lines)


def _averaged_line(result) -> str:
    if not result.averaged:
        return ""
    a = result.averaged
    return (f"- **Weights averaged** over epochs {a['epochs'][0]} and {a['epochs'][1]} (`--average-final`): validation "
            f"{a['validation']:.4f} against {a['best_epoch_validation']:.4f} for the best epoch alone\n")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


# -- classification ----------------------------------------------------------------------------------------
def cmd_train_classifier(args) -> int:
    from sentido.engine.bundle import save_model_plugin
    from sentido.engine.datasets import map_labels, read_labelled, split_indices
    from sentido.engine.evaluation import evaluate_classifier, load_model
    from sentido.engine.tokenization import train_tokenizer
    from sentido.engine.training import Checkpoint, options_dict, train_classifier
    from sentido.engine.datasets import iter_documents

    device, out, checkpoint_dir, name = _prepare(args)
    mapping = _parse_label_map(args.label_map)
    evals = _parse_evals(args.eval)
    def read_all(paths):
        """Every file's labelled texts, concatenated, with --label-map applied."""
        data = None
        for path in paths:
            part = read_labelled(path, args.text_column, args.label_column)
            data = part if data is None else data + part
        return map_labels(data, mapping) if mapping else data

    data = read_all(args.data)
    if args.valid:
        train, valid = data, read_all(args.valid)
    else:
        train_idx, valid_idx = split_indices(len(data), args.valid_split, args.seed)
        train, valid = data.subset(train_idx), data.subset(valid_idx)
    labels = train.label_set()
    if len(labels) < 2:
        raise InputError(f"the training data has only the label(s) {labels}; a classifier needs two or more")
    unknown = sorted(set(valid.labels) - set(labels))
    if unknown:
        raise InputError(f"the validation data has label(s) not in the training data: {', '.join(unknown)}")
    print(f"data: {len(train):,} training and {len(valid):,} validation texts; labels: {', '.join(labels)}", flush=True)
    checkpoint = Checkpoint(checkpoint_dir)
    module = coverage = None
    if args.init_from:
        module, tokenizer = _initial_model(args, "classification", labels)
    else:
        tokenizer = checkpoint.tokenizer() if args.resume else None
    if tokenizer is None:
        extra = [doc for path in args.vocab_corpus for doc in iter_documents(path, args.text_column)]
        tokenizer = train_tokenizer(train.texts + extra, kind=args.tokenizer, vocab_size=args.vocab_size,
                                    min_frequency=args.min_frequency, lowercase=not args.cased)
    if module is None:
        vectors = _vectors(args)
        embedding_dim = args.embedding_dim or (vectors.vector_size if vectors is not None else 128)
        module = _build_module(args, "classification", tokenizer.vocab_size, len(labels), embedding_dim)
        coverage = _init_embeddings(module, vectors, tokenizer, args.seed) if vectors is not None else None
    index = {label: i for i, label in enumerate(labels)}
    options = _options(args)
    result = train_classifier(
        module, tokenizer, train.texts, [index[l] for l in train.labels], valid.texts, [index[l] for l in valid.labels],
        options, device=device, checkpoint=checkpoint, identity=_identity(args), resume=args.resume,
    )
    seconds = result.seconds
    eval_sets = [("validation", valid)] + [(n, map_labels(read_labelled(p, args.text_column, args.label_column), mapping)
                                            if mapping else read_labelled(p, args.text_column, args.label_column))
                                           for n, p in evals]
    common = dict(module=result.module, tokenizer=tokenizer, name=name, architecture=args.arch, language=args.language,
                  labels=labels, label_scores=_parse_label_scores(args.label_scores, labels), description=args.description or f"{args.arch} text classifier ({', '.join(labels)})",
                  max_length=max(512, options.max_tokens))

    def measure(half: bool) -> dict[str, dict[str, Any]]:
        save_model_plugin(out, half=half, **common)
        loaded = load_model(out, device)
        return {n: evaluate_classifier(loaded, d.texts, d.labels) for n, d in eval_sets}

    full, half_reports, half = _weights_precision(
        args, measure, "accuracy", lambda f, h: max(f[n]["accuracy"] - h[n]["accuracy"] for n in f), limit=0.002)
    reports = half_reports if half else full
    metrics = {}
    for n, r in reports.items():
        key = "accuracy" if n == "validation" else f"{n}_accuracy"
        metrics[key] = r["accuracy"]
        metrics["macro_f1" if n == "validation" else f"{n}_macro_f1"] = r["macro_f1"]
    headline = f"{evals[0][0]}_accuracy" if evals else "accuracy"
    card = classifier_card(args, name, labels, train, valid, reports, full, half_reports, half, result, seconds,
                           device, coverage, options_dict(options))
    save_model_plugin(out, half=half, metrics=metrics, headline=headline, card=card, **common)
    print(f"wrote {out} ({sum(f.stat().st_size for f in out.iterdir()) / 1e6:.1f} MB): "
          + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()), flush=True)
    return 0


def _environment(device) -> str:
    from sentido.engine.training import hardware_summary

    return f"{hardware_summary(device)}; Python {platform.python_version()} on {platform.system()}"


def _report_table(reports: dict[str, dict[str, Any]], full, half_reports) -> str:
    lines = ["| data | documents | accuracy | macro-F1 | ECE | docs/s | fp32 accuracy | fp16 accuracy |",
             "|---|---|---|---|---|---|---|---|"]
    for n, r in reports.items():
        fp16 = f"{half_reports[n]['accuracy']:.2%}" if half_reports else "-"
        lines.append(f"| {n} | {r['documents']:,} | {r['accuracy']:.2%} | {r['macro_f1']:.4f} | {r['ece']:.4f} | "
                     f"{r['docs_per_s']:.0f} | {full[n]['accuracy']:.2%} | {fp16} |")
    return "\n".join(lines)


def classifier_card(args, name, labels, train, valid, reports, full, half_reports, half, result, seconds, device,
                    coverage, options) -> str:
    per_class = []
    for n, r in reports.items():
        per_class.append(f"\n**{n}**: confusion matrix (rows: true {', '.join(labels)}; columns: predicted) "
                         f"`{r['confusion_matrix']}`; per class: "
                         + "; ".join(f"{l} P {v['precision']:.3f} R {v['recall']:.3f}" for l, v in r["per_class"].items()))
    data_files = ", ".join(f"`{p}`" for p in args.data)
    valid_text = (", ".join(f"`{p}`" for p in args.valid) if args.valid
                  else f"a seeded {args.valid_split:.0%} split of the training data (seed {args.seed})")
    return f"""# {name}

{args.description or f"A {args.arch} classifier."}

- **Task:** classification; **labels:** {', '.join(labels)}; **language:** {args.language}
- **Architecture:** `{args.arch}`, config `{dict((k, v) for k, v in vars(result.module.config).items())}`
- **Training data:** {data_files} ({len(train):,} texts{f'; label map `{args.label_map}`' if args.label_map else ''})
- **Validation (early stopping and model selection):** {valid_text} ({len(valid):,} texts)
- **Embeddings:** {f"`{args.embeddings}` ({coverage:.1%} of the vocabulary covered)" if args.embeddings else "random initialisation"}
- **Tokenizer:** {_tokenizer_words(args, result.module.config.vocab_size)}
- **Training:** {len(result.history)} epoch(s), best epoch {result.best_epoch}, {result.steps:,} steps, {seconds / 60:.1f} minutes; {result.stopped}
{_averaged_line(result)}{_start_line(args)}- **Hardware:** {_environment(device)}
- **Weights:** {'fp16' if half else 'fp32'} (fp16 is kept only when accuracy holds; both measured below)
- **Trained:** {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}

## Command

```
{command_line()}
```

## Results (held-out data; measured through Sentido's inference path on the whole text)

{_report_table(reports, full, half_reports)}
{''.join(per_class)}

## Training history

{_history_table(result.history)}

## Options

`{options}`
{_previous_card(args)}"""


# -- language model ----------------------------------------------------------------------------------------
def cmd_train_lm(args) -> int:
    from sentido.engine.bundle import save_model_plugin
    from sentido.engine.datasets import read_lm_text
    from sentido.engine.evaluation import evaluate_language_model, load_model
    from sentido.engine.tokenization import train_tokenizer
    from sentido.engine.training import Checkpoint, lm_stream, lm_texts_for_vocab, options_dict, train_language_model

    device, out, checkpoint_dir, name = _prepare(args)
    evals = _parse_evals(args.eval)
    lines = read_lm_text(args.data)
    if args.valid:
        train_lines, valid_lines = lines, read_lm_text(args.valid)
    else:
        cut = max(1, int(len(lines) * (1 - args.valid_split)))
        train_lines, valid_lines = lines[:cut], lines[cut:]
    if not valid_lines:
        raise InputError("no validation text: give --valid or a larger --valid-split")
    checkpoint = Checkpoint(checkpoint_dir)
    module = coverage = None
    if args.init_from:
        module, tokenizer = _initial_model(args, "language-model")
    else:
        tokenizer = checkpoint.tokenizer() if args.resume else None
    if tokenizer is None:
        tokenizer = train_tokenizer(lm_texts_for_vocab(train_lines), kind=args.tokenizer, vocab_size=args.vocab_size,
                                    min_frequency=args.min_frequency, lowercase=not args.cased)
    train_stream, valid_stream = lm_stream(tokenizer, train_lines), lm_stream(tokenizer, valid_lines)
    print(f"data: {train_stream.numel():,} training and {valid_stream.numel():,} validation tokens; "
          f"vocabulary {tokenizer.vocab_size:,}", flush=True)
    if module is None:
        vectors = _vectors(args)
        embedding_dim = args.embedding_dim or (vectors.vector_size if vectors is not None else 128)
        module = _build_module(args, "language-model", tokenizer.vocab_size, 0, embedding_dim)
        coverage = _init_embeddings(module, vectors, tokenizer, args.seed) if vectors is not None else None
    options = _options(args)
    result = train_language_model(module, tokenizer, train_stream, valid_stream, options, device=device,
                                  checkpoint=checkpoint, identity=_identity(args), resume=args.resume)
    eval_sets = [("validation", valid_lines)] + [(n, read_lm_text(p)) for n, p in evals]
    common = dict(module=result.module, tokenizer=tokenizer, name=name, architecture=args.arch, language=args.language,
                  description=args.description or f"{args.arch} next-word model")

    def measure(half: bool) -> dict[str, dict[str, Any]]:
        save_model_plugin(out, half=half, **common)
        loaded = load_model(out, device)
        return {n: evaluate_language_model(loaded, t) for n, t in eval_sets}

    full, half_reports, half = _weights_precision(
        args, measure, "perplexity", lambda f, h: max(h[n]["perplexity"] / f[n]["perplexity"] - 1 for n in f), limit=0.005)
    reports = half_reports if half else full
    metrics = {}
    for n, r in reports.items():
        prefix = "" if n == "validation" else f"{n}_"
        for key in ("perplexity", "top1_accuracy", "top3_accuracy", "top5_accuracy", "keystroke_savings"):
            metrics[prefix + key] = r[key]
    card = lm_card(args, name, tokenizer, train_stream, valid_stream, reports, full, half_reports, half, result,
                   device, coverage, options_dict(options))
    save_model_plugin(out, half=half, metrics=metrics, headline="perplexity", card=card, **common)
    print(f"wrote {out}: " + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()), flush=True)
    return 0


def lm_card(args, name, tokenizer, train_stream, valid_stream, reports, full, half_reports, half, result, device,
            coverage, options) -> str:
    rows = ["| data | tokens | perplexity | top-1 | top-3 | top-5 | keystroke savings (3 suggestions) | tokens/s | fp32 perplexity | fp16 perplexity |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for n, r in reports.items():
        fp16 = f"{half_reports[n]['perplexity']:.2f}" if half_reports else "-"
        rows.append(f"| {n} | {r['tokens']:,} | {r['perplexity']:.2f} | {r['top1_accuracy']:.2%} | {r['top3_accuracy']:.2%} | "
                    f"{r['top5_accuracy']:.2%} | {r['keystroke_savings']:.2%} (first {r['ksr_keystrokes']:,} keystrokes) | "
                    f"{r['tokens_per_s']:.0f} | {full[n]['perplexity']:.2f} | {fp16} |")
    valid_text = f"`{args.valid}`" if args.valid else f"the last {args.valid_split:.0%} of the lines"
    return f"""# {name}

{args.description or f"A {args.arch} next-word model."}

- **Task:** language model (next word); **language:** {args.language}
- **Architecture:** `{args.arch}`, config `{dict(vars(result.module.config))}`
- **Training data:** `{args.data}` ({train_stream.numel():,} tokens, each line followed by `<eos>`)
- **Validation:** {valid_text} ({valid_stream.numel():,} tokens)
- **Tokenizer:** {_tokenizer_words(args, tokenizer.vocab_size)}. Perplexity is over this vocabulary with `<unk>` as a word, as is
  usual for WikiText; WikiText's ` @-@ `, ` @,@ `, ` @.@ ` joiners are rejoined, so figures are not directly
  comparable with published WikiText-2 results (different vocabulary and token count).
- **Embeddings:** {f"`{args.embeddings}` ({coverage:.1%} covered)" if args.embeddings else "random initialisation"}
- **Training:** truncated BPTT {args.bptt} carrying the state between batches, gradient clip {args.clip},
  {len(result.history)} epoch(s), best epoch {result.best_epoch}, {result.steps:,} steps, {result.seconds / 60:.1f} minutes; {result.stopped}
{_averaged_line(result)}{_polyak_line(options)}{_start_line(args)}- **Hardware:** {_environment(device)}
- **Weights:** {'fp16' if half else 'fp32'} (fp16 kept only when perplexity holds within 0.5%)
- **Trained:** {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}

Top-k accuracy counts the true next token among the k best (never suggesting `<pad>`/`<unk>`); keystroke savings
simulate typing each word letter by letter and taking it with one keystroke as soon as it is among the 3 suggestions
matching the typed prefix.

## Command

```
{command_line()}
```

## Results

{chr(10).join(rows)}

## Training history

{_history_table(result.history)}

## Options

`{options}`
{_previous_card(args)}"""


def _polyak_line(options: dict[str, Any]) -> str:
    start = options.get("average_from_epoch") or 0
    if not start:
        return ""
    return (f"- **Weight averaging:** from epoch {start} on, the running mean of the weights after every step "
            "(Polyak averaging, as in ASGD) is what was validated, and what ships\n")


def _tokenizer_words(args, vocab_size: int) -> str:
    if getattr(args, "init_from", None):
        return f"the starting model's, vocabulary {vocab_size:,}"
    text = f"{args.tokenizer}-level, {'cased' if args.cased else 'lower-cased'}, vocabulary {vocab_size:,}"
    return text + (f" (words seen at least {args.min_frequency} times)" if args.tokenizer == "word" else "")


def _start_line(args) -> str:
    if not getattr(args, "init_from", None):
        return ""
    head = getattr(args, "init_from_labels", None)
    fresh = (f"; its output layer (labels {', '.join(head)}) replaced by a freshly initialised one for this model's "
             "labels" if head else "")
    return (f"- **Started from:** `{args.init_from}`, its tokenizer and weights (fresh optimizer){fresh}; how that model was "
            "trained is quoted at the end of this card\n")


def _previous_card(args) -> str:
    """The card of the --init-from model, its headings one level down, so the whole training history stays told."""
    text = getattr(args, "init_from_card", "")
    if not getattr(args, "init_from", None) or not text:
        return ""
    lines = [("#" + line if line.startswith("#") else line) for line in text.splitlines()]
    return "\n## Before: where this training started\n\nThe starting model's card:\n\n" + "\n".join(lines) + "\n"


# -- embeddings --------------------------------------------------------------------------------------------
def cmd_embeddings_train(args) -> int:
    import itertools

    from sentido.engine.datasets import iter_documents
    from sentido.engine.embeddings import default_workers, train_vectors

    for path in args.corpus:
        if not Path(path).is_file():
            raise InputError(f"{path}: no such file")
    documents = itertools.chain.from_iterable(iter_documents(p, args.text_column) for p in args.corpus)
    train_vectors(documents, args.out, method=args.method, dim=args.dim, window=args.window, min_count=args.min_count,
                  epochs=args.epochs, workers=args.workers or default_workers(), seed=args.seed,
                  lowercase=not args.cased, log=lambda m: print(m, flush=True))
    return 0
