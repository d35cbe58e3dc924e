"""Which models are installed and which one a task uses by default, from the manifests alone.

No torch here: ``sentido models`` and ``sentido info`` list models without loading the model code (``Engine``
uses the same functions, so the CLI and the API always agree on the default).
"""

from __future__ import annotations

from sentido.engine.errors import PluginError
from sentido.engine.registry import BUILTIN, PACKAGE, SHIPPED, ModelEntry, Registry

TASK_ALIASES = {"sentiment": "classification", "classification": "classification",
                "next-word": "language-model", "language-model": "language-model"}


def _better(entry: ModelEntry) -> tuple:
    headline = entry.headline
    if headline is None:
        return (0, 0.0)
    key, value = headline
    lower_is_better = "perplexity" in key or "loss" in key or "error" in key
    return (1, -value if lower_is_better else value)


def models(registry: Registry, task: str | None = None) -> list[ModelEntry]:
    """The registry's models of ``task`` (an alias such as ``sentiment`` works too), sorted by name."""
    task = TASK_ALIASES.get(task, task) if task else None
    return sorted(registry.models(task), key=lambda m: m.name)


def default_model(registry: Registry, task: str, language: str | None = None) -> str:
    """The best model of ``task`` by its headline metric, preferring English when no language is given."""
    task = TASK_ALIASES.get(task, task)
    candidates = registry.models(task)
    if not candidates:
        raise PluginError(f"no {task} model is installed; train one with `sentido train` or load a plugin")
    wanted = language or "en"
    preferred = [m for m in candidates if m.spec.language == wanted] or candidates
    if task == "classification":  # analyze means sentiment: prefer polarity models over, say, emotions
        polar = [m for m in preferred if {"negative", "positive"} <= {label.lower() for label in m.spec.labels}]
        preferred = polar or preferred
    # A manifest's metrics are the plugin's own claim: they rank models shipped with Sentido or installed as a
    # package, but never put a model from the user's plugin folder or a path ahead of those. Such a model is the
    # default only when nothing else does the task (or when the user names it with --model).
    vetted = [m for m in preferred if m.plugin.source in (BUILTIN, PACKAGE, SHIPPED)]
    return max(vetted or preferred, key=lambda m: (_better(m), m.name)).name
