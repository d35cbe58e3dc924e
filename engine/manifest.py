"""The ``plugin.toml`` manifest: a typed schema whose errors say how to fix them.

A plugin contributes *architectures* (``module:Class`` strings, imported on first use) and/or *models*
(bundles: architecture name and config, task, labels, language, safetensors weights, ``tokenizer.json`` and a
model card). Every error names the file, the field, the value found and what is allowed.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sentido.engine.errors import ManifestError

MANIFEST_NAME = "plugin.toml"
MAX_MANIFEST_BYTES = 1 << 20  # a manifest is a few KB; a bigger one is not read
API_VERSION = 1
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENTRY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$")
_VERSION = re.compile(r"^\d+(\.\d+){0,2}([.-]?[A-Za-z0-9.]+)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def _check_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError("must be 1-64 characters of lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
    return value


def _check_relative_file(value: str, suffixes: tuple[str, ...], what: str) -> str:
    path = Path(value)
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"must be a path inside the plugin folder, not {value!r}")
    if not value.lower().endswith(suffixes):
        raise ValueError(f"{what} must be a {' or '.join(suffixes)} file")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PluginInfo(_Strict):
    name: str = Field(description="Unique plugin id: lower-case letters, digits, '.', '_', '-'.")
    version: str = Field(description="The plugin's version, such as 1.0.0.")
    display_name: str = Field("", description="Human-readable name shown in the app.")
    description: str = Field("", description="One or two sentences on what the plugin adds.")
    author: str = Field("", description="Who made it.")
    homepage: str = Field("", description="Where it comes from (a URL or a short note).")
    sentido_api: int = Field(API_VERSION, description=f"Plugin API version; this Sentido reads {API_VERSION}.")

    _name = field_validator("name")(classmethod(lambda cls, v: _check_name(v)))

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _VERSION.match(value):
            raise ValueError("must look like 1.0 or 1.2.3")
        return value

    @field_validator("sentido_api")
    @classmethod
    def _api(cls, value: int) -> int:
        if value != API_VERSION:
            raise ValueError(f"this Sentido understands plugin API {API_VERSION} only")
        return value


class ArchitectureSpec(_Strict):
    name: str = Field(description="Name models use to refer to this architecture, a Python identifier.")
    entry: str = Field(description="'module.path:ClassName' of the nn.Module; imported only when first used.")
    description: str = Field("", description="What the architecture is.")

    @field_validator("name")
    @classmethod
    def _ident(cls, value: str) -> str:
        if not _IDENT.match(value):
            raise ValueError("must be a Python identifier such as lstm or my_arch")
        return value

    @field_validator("entry")
    @classmethod
    def _entry(cls, value: str) -> str:
        if not _ENTRY.match(value):
            raise ValueError("must be 'module.path:ClassName', for example 'my_arch:TinyModel'")
        return value


class ModelSpec(_Strict):
    name: str = Field(description="Unique model id, used as --model NAME.")
    task: Literal["classification", "language-model"] = Field(
        description="classification (many-to-one: a label per text) or language-model (many-to-many: next word)."
    )
    architecture: str = Field(description="Name of an architecture from this or another plugin (rnn, lstm, ...).")
    language: str = Field(description="Language code of the training text, such as en or es.")
    description: str = Field("", description="One line on what the model does.")
    labels: list[str] = Field(default_factory=list, description="Classifier output labels, in logit order.")
    label_scores: dict[str, float] = Field(
        default_factory=dict, description="Valence of each label in [-1, 1], giving the signed score."
    )
    weights: str = Field("model.safetensors", description="Weights file (safetensors only).")
    tokenizer: str = Field("tokenizer.json", description="Hugging Face tokenizers file.")
    card: str = Field("README.md", description="Model card (Markdown).")
    max_length: int = Field(512, ge=1, description="Longest token window the model was trained on.")
    config: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments of the architecture's config.")
    metrics: dict[str, float] = Field(default_factory=dict, description="Evaluation figures, as on the model card.")
    headline: str = Field("", description="Key in metrics shown as the model's headline figure.")

    _name = field_validator("name")(classmethod(lambda cls, v: _check_name(v)))

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not _LANGUAGE.match(value):
            raise ValueError("must be a language code such as en, es or pt-BR")
        return value

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: str) -> str:
        # Pickle-based formats (.pt, .bin, .pkl) are refused here: loading them can run arbitrary code.
        return _check_relative_file(value, (".safetensors",), "weights")

    @field_validator("tokenizer")
    @classmethod
    def _tokenizer(cls, value: str) -> str:
        return _check_relative_file(value, (".json",), "tokenizer")

    @field_validator("card")
    @classmethod
    def _card(cls, value: str) -> str:
        return _check_relative_file(value, (".md", ".txt"), "card")

    @field_validator("label_scores")
    @classmethod
    def _scores(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in value.items() if not -1.0 <= v <= 1.0]
        if bad:
            raise ValueError("scores must lie in [-1, 1]; out of range: " + ", ".join(f"{k} = {value[k]}" for k in bad))
        return value

    @field_validator("metrics")
    @classmethod
    def _metrics(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in value.items() if not math.isfinite(v)]
        if bad:
            raise ValueError("metrics must be finite numbers; not finite: " + ", ".join(f"{k} = {value[k]}" for k in bad))
        return value

    @model_validator(mode="after")
    def _labels(self) -> "ModelSpec":
        if self.task == "classification":
            if len(self.labels) < 2:
                raise ValueError(f"labels: a classification model needs at least 2 labels (found {self.labels!r})")
            if len(set(self.labels)) != len(self.labels):
                raise ValueError(f"labels: each label must appear once (found {self.labels!r})")
            unknown = sorted(set(self.label_scores) - set(self.labels))
            if unknown:
                raise ValueError(f"label_scores: not in labels: {', '.join(unknown)}")
        elif self.labels:
            raise ValueError(f"labels: a language model has no labels (found {self.labels!r})")
        if self.headline and self.headline not in self.metrics:
            raise ValueError(f"headline: {self.headline!r} is not a key of metrics (found {', '.join(self.metrics) or 'no metrics'})")
        return self


class Manifest(_Strict):
    plugin: PluginInfo = Field(description="Who and what the plugin is.")
    architectures: list[ArchitectureSpec] = Field(default_factory=list, description="Model code it adds.")
    models: list[ModelSpec] = Field(default_factory=list, description="Trained model bundles it adds.")

    @model_validator(mode="after")
    def _contributes(self) -> "Manifest":
        if not self.architectures and not self.models:
            raise ValueError("a plugin must contribute at least one [[architectures]] or [[models]] entry")
        for kind, items in (("architectures", self.architectures), ("models", self.models)):
            names = [item.name for item in items]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{kind}: duplicate name(s) {', '.join(dupes)}")
        return self

    @property
    def has_code(self) -> bool:
        return bool(self.architectures)


def _describe(error: dict[str, Any]) -> str:
    loc = ""
    for part in error["loc"]:
        loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{loc}: required field is missing"
    if error["type"] == "extra_forbidden":
        return f"{loc}: unknown field (found {error['input']!r}); check the spelling against docs/plugins.md"
    found = error.get("input")
    shown = f" (found {found!r})" if not isinstance(found, dict) and found is not None else ""
    return f"{loc or 'manifest'}: {message}{shown}"


def parse_manifest(data: dict[str, Any], path: Path | str) -> Manifest:
    try:
        return Manifest.model_validate(data)
    except RecursionError:
        raise ManifestError(path, ["manifest: nested too deeply"]) from None
    except ValidationError as exc:
        name = data.get("plugin", {}).get("name") if isinstance(data.get("plugin"), dict) else None
        raise ManifestError(path, [_describe(e) for e in exc.errors()], plugin=name) from None


def read_manifest(root: Path) -> Manifest:
    """Read and validate ``root/plugin.toml``; check that every file it names exists."""
    path = root / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(path, [f"no {MANIFEST_NAME} in {root}"])
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ManifestError(path, [f"larger than {MAX_MANIFEST_BYTES >> 10} KB; a manifest is a few KB of TOML"])
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ManifestError(path, ["file is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(path, [f"not valid TOML: {exc}"]) from None
    except RecursionError:
        raise ManifestError(path, ["not valid TOML: nested too deeply"]) from None
    except OSError as exc:
        raise ManifestError(path, [f"cannot be read ({exc.strerror or exc})"]) from None
    manifest = parse_manifest(data, path)
    missing = []
    for index, model in enumerate(manifest.models):
        for field in ("weights", "tokenizer", "card"):
            if not (root / getattr(model, field)).is_file():
                missing.append(f"models[{index}].{field}: file {getattr(model, field)!r} not found in {root}")
    if missing:
        raise ManifestError(path, missing, plugin=manifest.plugin.name)
    return manifest


def manifest_schema() -> dict[str, Any]:
    """JSON schema of the manifest, with a description for every field (used by docs/plugins.md)."""
    return Manifest.model_json_schema()
