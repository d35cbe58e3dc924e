"""Builders for tiny models, tokenizers and plugins used across the test suite (seconds, not minutes)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import torch

from sentido.engine.bundle import save_model_plugin
from sentido.engine.registry import Registry
from sentido.engine.tokenization import TextTokenizer, train_tokenizer

ARCHITECTURES = ["rnn", "lstm", "gru", "resnet_lstm"]
TASKS = ["classification", "language-model"]
CORPUS = [
    "I loved this movie, a great and moving story.",
    "Terrible film. I hated every minute.<br />Awful acting.",
    "He moved to the united states in 1990 and lived there.",
    "What a wonderful, funny and clever film!",
    "Boring, dull and far too long; a waste of time.",
    "The plot was fine but the ending was bad.",
]


def tiny_tokenizer() -> TextTokenizer:
    return train_tokenizer(CORPUS * 3, min_frequency=1)


def builtin_registry() -> Registry:
    """Only the built-in architectures: no shipped models, no user folder."""
    return Registry.discover(shipped=False, user=False)


def tiny_model(arch: str, task: str, tokenizer: TextTokenizer, seed: int = 0, **config):
    registry = builtin_registry()
    cls = registry.architecture_class(arch)
    values = dict(embedding_dim=12, hidden_size=12, num_layers=2, pooling="mean")
    values.update(config)
    if task == "language-model":
        values.pop("pooling", None)
    cfg = cls.config_class(task=task, vocab_size=tokenizer.vocab_size, num_labels=2 if task == "classification" else 0, **values)
    torch.manual_seed(seed)
    return cls(cfg).eval()


def save_tiny(tmp_path: Path, arch: str, task: str, name: str | None = None, **config) -> Path:
    tokenizer = tiny_tokenizer()
    module = tiny_model(arch, task, tokenizer, **config)
    name = name or f"tiny-{arch.replace('_', '-')}-{'cls' if task == 'classification' else 'lm'}"
    labels = ["negative", "positive"] if task == "classification" else None
    return save_model_plugin(tmp_path / name, module=module, tokenizer=tokenizer, name=name, architecture=arch,
                             language="en", labels=labels, metrics={"accuracy": 0.5} if labels else {"perplexity": 100.0},
                             headline="accuracy" if labels else "perplexity")


def write_plugin(root: Path, manifest: str, files: dict[str, str] | None = None) -> Path:
    """Write a plugin folder from a manifest string and extra files (the tmp_plugin helper)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "plugin.toml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    for name, content in (files or {}).items():
        (root / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return root
