"""Measuring models on held-out data: what ``sentido evaluate`` prints and what model cards report.

Classifiers: accuracy, macro-F1, per-class precision/recall/F1, the confusion matrix, expected calibration error
(15 equal-width confidence bins) and documents per second, all through the same inference path the app uses.
Language models: perplexity, top-1/3/5 next-word accuracy, the keystroke savings rate with 3 suggestions, and
tokens per second.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from sentido.engine.errors import InputError, PluginError
from sentido.engine.inference import LoadedModel


def load_model(target: str | Path, device: torch.device | str | None = None, plugin_paths: Sequence[str] = ()) -> LoadedModel:
    """A model by name (installed or shipped) or by the path of a model plugin folder/zip."""
    from sentido.engine.api import Engine
    from sentido.engine.bundle import load_bundle
    from sentido.engine.registry import Registry

    path = Path(target)
    if path.exists():
        registry = Registry.discover([path], shipped=False, user=False)
        plugin = registry.plugins[-1]
        if plugin.error:
            raise PluginError(f"{path}: {plugin.error}", path=path)
        if not plugin.manifest or not plugin.manifest.models:
            raise PluginError(f"{path}: the plugin has no model", path=path)
        spec = plugin.manifest.models[0]
        entry = registry.model(spec.name)
        engine = Engine(device=str(device) if device else None, registry=registry)
        module, tokenizer = load_bundle(registry, entry, engine.device)
        return LoadedModel(spec.name, entry.spec, module, tokenizer, engine.device)
    engine = Engine(device=str(device) if device else None, plugin_paths=plugin_paths)
    return engine.load(str(target), engine.registry.model(str(target)).spec.task)


# -- classification -----------------------------------------------------------------------------------------
def expected_calibration_error(confidence: torch.Tensor, correct: torch.Tensor, bins: int = 15) -> float:
    edges = torch.linspace(0, 1, bins + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            ece += float(inside.float().mean()) * abs(float(confidence[inside].mean()) - float(correct[inside].float().mean()))
    return ece


def classification_report(labels: Sequence[str], truth: torch.Tensor, probs: torch.Tensor) -> dict[str, Any]:
    predicted = probs.argmax(1)
    k = len(labels)
    confusion = torch.zeros(k, k, dtype=torch.long)
    for t, p in zip(truth.tolist(), predicted.tolist()):
        confusion[t, p] += 1
    per_class = {}
    f1s = []
    for i, label in enumerate(labels):
        tp = int(confusion[i, i])
        predicted_i, actual_i = int(confusion[:, i].sum()), int(confusion[i].sum())
        precision = tp / predicted_i if predicted_i else 0.0
        recall = tp / actual_i if actual_i else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": actual_i}
        if actual_i:
            f1s.append(f1)
    confidence = probs.max(1).values
    correct = predicted == truth
    return {
        "documents": int(truth.numel()),
        "accuracy": float(correct.float().mean()),
        "macro_f1": sum(f1s) / max(1, len(f1s)),
        "per_class": per_class,
        "labels": list(labels),
        "confusion_matrix": confusion.tolist(),
        "ece": expected_calibration_error(confidence, correct),
    }


def evaluate_classifier(model: LoadedModel, texts: Sequence[str], labels: Sequence[str], batch_size: int = 64) -> dict[str, Any]:
    """Score ``model`` on ``texts`` with gold ``labels`` (strings from the model's label set)."""
    if model.task != "classification":
        raise InputError(f"model {model.name!r} is a {model.task} model, not a classifier")
    index = {label: i for i, label in enumerate(model.labels)}
    unknown = sorted(set(labels) - set(index))
    if unknown:
        raise InputError(f"label(s) {', '.join(map(repr, unknown[:5]))} are not among the model's labels: {', '.join(model.labels)}")
    if not texts:
        raise InputError("no texts to evaluate")
    started = time.perf_counter()
    ids = model.tokenizer.ids_batch(list(texts))
    ids = [x or [model.tokenizer.unk_id] for x in ids]  # an empty text still gets a prediction
    probs = model.probabilities(ids, batch_size)
    seconds = time.perf_counter() - started
    report = classification_report(model.labels, torch.tensor([index[l] for l in labels]), probs)
    report.update(model=model.name, seconds=seconds, docs_per_s=len(texts) / max(seconds, 1e-9),
                  tokens=sum(len(x) for x in ids))
    return report


# -- language model -----------------------------------------------------------------------------------------
def _log_probs(module, features: torch.Tensor) -> torch.Tensor:
    return torch.log_softmax(module.lm_head(features).float(), dim=-1)


@torch.inference_mode()
def evaluate_language_model(
    model: LoadedModel,
    lines: Sequence[str],
    *,
    batch_size: int = 10,
    bptt: int = 70,
    ksr_words: int = 3000,
    suggestions: int = 3,
) -> dict[str, Any]:
    """Perplexity and next-word accuracy over the whole text; keystroke savings over its first ``ksr_words`` words."""
    from sentido.engine.training import batchify, lm_stream

    if model.task != "language-model":
        raise InputError(f"model {model.name!r} is a {model.task} model, not a language model")
    module, tokenizer = model.module, model.tokenizer
    if not hasattr(module, "step"):
        raise InputError(f"model {model.name!r} cannot be stepped; evaluation needs a recurrent language model")
    stream = lm_stream(tokenizer, lines)
    if stream.numel() < 2 * batch_size + 2:
        raise InputError(f"the text is too short to evaluate ({stream.numel()} tokens)")
    data = batchify(stream, batch_size).to(model.device)
    state = module.init_state(batch_size)
    total = 0.0
    hits = {1: 0, 3: 0, 5: 0}
    count = 0
    banned = [tokenizer.pad_id, tokenizer.unk_id]
    started = time.perf_counter()
    for start in range(0, data.size(1) - 1, bptt):
        end = min(start + bptt, data.size(1) - 1)
        features, state = module.step(data[:, start:end], state)
        targets = data[:, start + 1:end + 1].reshape(-1)
        logp = _log_probs(module, features.reshape(-1, features.size(-1)))
        total += float(-logp.gather(1, targets[:, None]).sum())
        count += targets.numel()
        ranked = logp.clone()
        ranked[:, banned] = float("-inf")  # the app never suggests <pad>/<unk>; an <unk> target is a miss
        top = ranked.topk(5, dim=1).indices
        for k in hits:
            hits[k] += int((top[:, :k] == targets[:, None]).any(1).sum())
    seconds = time.perf_counter() - started
    report = {
        "model": model.name,
        "tokens": count,
        "perplexity": math.exp(total / count),
        "cross_entropy": total / count,
        "top1_accuracy": hits[1] / count,
        "top3_accuracy": hits[3] / count,
        "top5_accuracy": hits[5] / count,
        "seconds": seconds,
        "tokens_per_s": count / max(seconds, 1e-9),
    }
    report.update(keystroke_savings(model, stream[: ksr_words + 1], suggestions))
    return report


@torch.inference_mode()
def keystroke_savings(model: LoadedModel, stream: torch.Tensor, suggestions: int = 3) -> dict[str, Any]:
    """Keystroke savings rate: the share of keystrokes saved by picking a word from ``suggestions`` shown ones.

    Typing word by word, before each character the user sees the top ``suggestions`` words that start with what
    is typed so far; if the intended word is there, one keystroke selects it (with its following space).
    Otherwise the user types a character. A word costs ``len(word) + 1`` keystrokes unaided (the space).
    ``<unk>`` words and line ends are skipped: they are not words a user types.
    """
    module, tokenizer = model.module, model.tokenizer
    vocab_words = [tokenizer.id_to_token(i) for i in range(tokenizer.vocab_size)]
    banned = {tokenizer.pad_id, tokenizer.unk_id, tokenizer.eos_id}
    ids = stream.tolist()
    state = module.init_state(1)
    features, state = module.step(torch.tensor([ids[:1]], device=model.device), state)
    typed = saved_keys = 0
    for position in range(1, len(ids)):
        target = ids[position]
        logp = _log_probs(module, features[0, -1:])[0]
        if target not in banned:
            word = vocab_words[target]
            unaided = len(word) + 1
            order = logp.topk(min(2000, logp.numel())).indices.tolist()
            cost = unaided
            for typed_chars in range(len(word) + 1):
                prefix = word[:typed_chars]
                shown = []
                for candidate in order:
                    if candidate in banned:
                        continue
                    if vocab_words[candidate].startswith(prefix):
                        shown.append(candidate)
                        if len(shown) == suggestions:
                            break
                if target in shown:
                    cost = typed_chars + 1
                    break
            typed += unaided
            saved_keys += unaided - cost
        features, state = module.step(torch.tensor([[target]], device=model.device), state)
    return {"keystroke_savings": saved_keys / max(1, typed), "ksr_suggestions": suggestions,
            "ksr_keystrokes": typed}
