"""Model bundles: rebuild the module from its config, then load safetensors weights strictly.

A bundle is data, never pickled code: ``plugin.toml`` + ``*.safetensors`` + ``tokenizer.json`` + a model card.
``torch.load`` is never called on a user's file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import struct
import tempfile
from pathlib import Path
from typing import Any

import tomli_w
import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn

from sentido.engine.errors import BundleError, SentidoError
from sentido.engine.manifest import MANIFEST_NAME, read_manifest
from sentido.engine.modeling import build_config
from sentido.engine.tokenization import TextTokenizer

ENGINE_FILLED = ("task", "vocab_size", "num_labels")


def unique_state(module: nn.Module) -> dict[str, torch.Tensor]:
    """``state_dict`` without the second name of tied tensors (safetensors stores each tensor once)."""
    seen: dict[int, str] = {}
    state = {}
    for name, tensor in module.state_dict().items():
        key = tensor.data_ptr()
        if tensor.numel() and key in seen:
            continue
        seen[key] = name
        state[name] = tensor
    return state


def _check_header(path: Path) -> None:
    """Refuse anything that is not a safetensors file before a library parses it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            size = struct.unpack("<Q", head)[0] if len(head) == 8 else -1
            ok = 2 <= size <= min(path.stat().st_size - 8, 100 << 20) and handle.read(1) == b"{"
    except OSError as exc:
        raise BundleError(f"{path}: cannot read weights ({exc})", path=path) from None
    if not ok:
        raise BundleError(
            f"{path}: not a safetensors file; Sentido loads weights only from safetensors and never unpickles "
            "(convert .pt/.bin checkpoints with safetensors.torch.save_file)",
            path=path,
        )


def load_weights(module: nn.Module, path: Path) -> None:
    """Copy tensors from ``path`` into ``module``; a missing, extra or mis-shaped tensor is an error naming it."""
    _check_header(path)
    expected = unique_state(module)
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            found = {name: f.get_tensor(name) for name in f.keys()}
    except Exception as exc:  # SafetensorError is not importable across versions
        raise BundleError(f"{path}: corrupt safetensors file ({exc})", path=path) from None
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    shapes = [
        f"{n} is {tuple(found[n].shape)}, the model needs {tuple(expected[n].shape)}"
        for n in sorted(set(found) & set(expected))
        if found[n].shape != expected[n].shape
    ]
    problems = ([f"missing tensor(s): {', '.join(missing)}"] if missing else []) + (
        [f"unexpected tensor(s): {', '.join(extra)}"] if extra else []
    ) + shapes
    if problems:
        raise BundleError(f"{path}: weights do not match the architecture: " + "; ".join(problems), path=path)
    # NaN or Inf weights would print "nan%" and write bare NaN into JSON: refuse them at load, naming the tensors.
    broken = sorted(n for n, t in found.items() if t.is_floating_point() and not bool(torch.isfinite(t).all()))
    if broken:
        raise BundleError(f"{path}: weights hold NaN or infinite values ({', '.join(broken[:5])}"
                          f"{', ...' if len(broken) > 5 else ''}); the bundle is damaged", path=path)
    with torch.no_grad():
        for name, tensor in expected.items():
            tensor.copy_(found[name].to(tensor.dtype))


MAX_CONFIG_INT = 1 << 14  # 16,384 units or layers: far above any recurrent model this engine runs


def instantiate(registry, spec, vocab_size: int) -> nn.Module:
    cls = registry.architecture_class(spec.architecture)
    values = {k: v for k, v in spec.config.items() if k not in ENGINE_FILLED}
    # A size in the config is allocated before the weights are read: cap it, so a hostile manifest cannot ask for
    # terabytes (the largest shipped model uses 512; see docs/security.md).
    huge = [f"{k} = {v}" for k, v in values.items()
            if isinstance(v, int) and not isinstance(v, bool) and not -MAX_CONFIG_INT <= v <= MAX_CONFIG_INT]
    if huge:
        raise BundleError(f"model {spec.name!r}: [models.config] value(s) too large: {', '.join(huge)} "
                          f"(at most {MAX_CONFIG_INT})")
    values.update(task=spec.task, vocab_size=vocab_size, num_labels=len(spec.labels))
    try:
        config = build_config(cls.config_class, values)
        return cls(config)
    except SentidoError:
        raise
    except (TypeError, ValueError) as exc:
        raise BundleError(f"model {spec.name!r}: invalid [models.config] for {spec.architecture!r}: {exc}") from None


def load_bundle(registry, entry, device: torch.device) -> tuple[nn.Module, TextTokenizer]:
    tokenizer = TextTokenizer.from_file(entry.root / entry.spec.tokenizer)
    module = instantiate(registry, entry.spec, tokenizer.vocab_size)
    load_weights(module, entry.root / entry.spec.weights)
    module.eval()
    return module.to(device), tokenizer


def config_values(module: nn.Module) -> dict[str, Any]:
    """The config table to write in the manifest (the engine fills task, vocab_size and num_labels)."""
    values = dataclasses.asdict(module.config)
    return {k: v for k, v in values.items() if k not in ENGINE_FILLED}


def save_model_plugin(
    out_dir: Path | str,
    *,
    module: nn.Module,
    tokenizer: TextTokenizer,
    name: str,
    architecture: str,
    language: str,
    labels: list[str] | None = None,
    label_scores: dict[str, float] | None = None,
    description: str = "",
    metrics: dict[str, float] | None = None,
    headline: str = "",
    card: str = "",
    max_length: int = 512,
    version: str = "1.0.0",
    author: str = "",
    half: bool = False,
) -> Path:
    """Write a complete model-only plugin folder, atomically (a half-written bundle never appears)."""
    out_dir = Path(out_dir)
    task = module.config.task
    spec: dict[str, Any] = {
        "name": name,
        "task": task,
        "architecture": architecture,
        "language": language,
        "description": description,
        "max_length": max_length,
        "weights": "model.safetensors",
        "tokenizer": "tokenizer.json",
        "card": "README.md",
    }
    if task == "classification":
        spec["labels"] = list(labels or [])
        if label_scores:
            spec["label_scores"] = label_scores
    if metrics:
        spec["metrics"] = {k: float(v) for k, v in metrics.items()}
        if headline:
            spec["headline"] = headline
    spec["config"] = config_values(module)
    manifest = {
        "plugin": {"name": name, "version": version, "display_name": name, "description": description, "author": author},
        "models": [spec],
    }
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        dtype = torch.float16 if half else torch.float32
        tensors = {k: v.detach().to("cpu", dtype if v.is_floating_point() else v.dtype).contiguous() for k, v in unique_state(module).items()}
        save_file(tensors, str(staging / "model.safetensors"), metadata={"format": "pt", "sentido": json.dumps({"architecture": architecture})})
        tokenizer.save(staging / "tokenizer.json")
        (staging / "README.md").write_text(card or f"# {name}\n\n{description}\n", encoding="utf-8")
        (staging / MANIFEST_NAME).write_text(tomli_w.dumps(manifest), encoding="utf-8")
        read_manifest(staging)  # never write a bundle Sentido itself would refuse
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir
