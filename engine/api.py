"""The engine's Python face: list and load plugins and models, analyse, predict and continue text.

>>> engine = Engine()                                    # doctest: +SKIP
>>> engine.analyze(["Dreadful. A total waste of two hours."])[0].label
'negative'
>>> [c.word for c in engine.next_words("he moved to the united", k=3)]
['states', 'kingdom', 'nations']
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import torch

from sentido.engine import catalogue
from sentido.engine.bundle import load_bundle
from sentido.engine.device import DeviceChoice, choose_device
from sentido.engine.errors import InputError
from sentido.engine.inference import Analysis, Continuation, IncrementalSession, LoadedModel, WordCandidate
from sentido.engine.registry import ModelEntry, Plugin, Registry


class Engine:
    """Discovers plugins on creation; loads models lazily (first use) and caches them until ``unload``."""

    def __init__(
        self,
        device: str | None = None,
        *,
        plugin_paths: Iterable[Path | str] = (),
        registry: Registry | None = None,
        threads: int | None = None,
    ):
        self.registry = registry if registry is not None else Registry.discover(plugin_paths)
        self.device_choice: DeviceChoice = choose_device(device)
        if threads:
            torch.set_num_threads(threads)
        self._loaded: dict[str, LoadedModel] = {}
        self._lock = threading.RLock()

    # -- what is there --------------------------------------------------------------------------------------
    @property
    def device(self) -> torch.device:
        return self.device_choice.device

    def set_device(self, device: str | None) -> DeviceChoice:
        """Move to another device; loaded models are unloaded and reload there on next use."""
        choice = choose_device(device)
        with self._lock:
            self.unload_all()
            self.device_choice = choice
        return choice

    def plugins(self) -> list[Plugin]:
        return list(self.registry.plugins)

    def models(self, task: str | None = None) -> list[ModelEntry]:
        return catalogue.models(self.registry, task)

    def default_model(self, task: str, language: str | None = None) -> str:
        """The best model of ``task`` by its headline metric, preferring English when no language is given."""
        return catalogue.default_model(self.registry, task, language)

    # -- loading --------------------------------------------------------------------------------------------
    def load(self, name: str | None = None, task: str = "classification") -> LoadedModel:
        name = name or self.default_model(task)
        with self._lock:
            if name not in self._loaded:
                entry = self.registry.model(name)
                module, tokenizer = load_bundle(self.registry, entry, self.device)
                self._loaded[name] = LoadedModel(name, entry.spec, module, tokenizer, self.device)
            return self._loaded[name]

    def loaded(self) -> list[str]:
        return list(self._loaded)

    def unload(self, name: str) -> None:
        with self._lock:
            if self._loaded.pop(name, None) is not None:
                self._free()

    def unload_all(self) -> None:
        with self._lock:
            self._loaded.clear()
            self._free()

    def _free(self) -> None:
        gc.collect()
        if self.device.type == "cuda":
            torch.cuda.empty_cache()
        elif self.device.type == "mps":
            torch.mps.empty_cache()

    # -- work -----------------------------------------------------------------------------------------------
    def analyze(self, texts: Sequence[str], model: str | None = None, batch_size: int = 64) -> list[Analysis]:
        if isinstance(texts, str):
            raise InputError("analyze() takes a list of texts; wrap a single text in a list")
        return self.load(model, "classification").analyze(texts, batch_size)

    def next_words(self, text: str, k: int = 5, model: str | None = None) -> list[WordCandidate]:
        return self.load(model, "language-model").next_words(text, k)

    def continue_text(self, text: str, beam_width: int = 4, max_words: int = 8, model: str | None = None, **options) -> list[Continuation]:
        return self.load(model, "language-model").continue_text(text, beam_width=beam_width, max_words=max_words, **options)

    def incremental(self, model: str | None = None, task: str = "classification") -> IncrementalSession:
        return self.load(model, task).incremental()
