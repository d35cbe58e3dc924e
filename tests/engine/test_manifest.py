"""Manifest mutators: each test breaks one field of a valid manifest; its docstring is the expected error text."""

from __future__ import annotations

import copy
import inspect

import pytest

from sentido.engine.errors import ManifestError
from sentido.engine.manifest import parse_manifest, read_manifest

VALID = {
    "plugin": {"name": "good-plugin", "version": "1.2.0", "description": "A test plugin"},
    "architectures": [{"name": "tiny", "entry": "tiny_arch:TinyModel"}],
    "models": [
        {
            "name": "tiny-sentiment",
            "task": "classification",
            "architecture": "tiny",
            "language": "en",
            "labels": ["negative", "positive"],
            "metrics": {"accuracy": 0.9},
            "headline": "accuracy",
        }
    ],
}


def mutate(path: str, value):
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return data


DELETE = object()


def test_valid_manifest_parses():
    manifest = parse_manifest(VALID, "plugin.toml")
    assert manifest.plugin.name == "good-plugin"
    assert manifest.has_code
    assert manifest.models[0].weights == "model.safetensors"


def m_name():
    """plugin.name: must be 1-64 characters of lower-case letters, digits, '.', '_' or '-', starting with a letter or digit (found 'Good Plugin')"""
    return mutate("plugin.name", "Good Plugin")


def m_version():
    """plugin.version: must look like 1.0 or 1.2.3 (found 'latest')"""
    return mutate("plugin.version", "latest")


def m_api():
    """plugin.sentido_api: this Sentido understands plugin API 1 only (found 7)"""
    return mutate("plugin.sentido_api", 7)


def m_missing_version():
    """plugin.version: required field is missing"""
    return mutate("plugin.version", DELETE)


def m_unknown_field():
    """plugin.colour: unknown field (found 'blue'); check the spelling against docs/plugins.md"""
    return mutate("plugin.colour", "blue")


def m_entry():
    """architectures[0].entry: must be 'module.path:ClassName', for example 'my_arch:TinyModel' (found 'tiny_arch.TinyModel')"""
    return mutate("architectures.0.entry", "tiny_arch.TinyModel")


def m_arch_name():
    """architectures[0].name: must be a Python identifier such as lstm or my_arch (found 'my-arch')"""
    return mutate("architectures.0.name", "my-arch")


def m_task():
    """models[0].task: Input should be 'classification' or 'language-model' (found 'sentiment-analysis')"""
    return mutate("models.0.task", "sentiment-analysis")


def m_language():
    """models[0].language: must be a language code such as en, es or pt-BR (found 'English')"""
    return mutate("models.0.language", "English")


def m_pickle_weights():
    """models[0].weights: weights must be a .safetensors file (found 'model.pt')"""
    return mutate("models.0.weights", "model.pt")


def m_escape():
    """models[0].tokenizer: must be a path inside the plugin folder, not '../../etc/tokenizer.json' (found '../../etc/tokenizer.json')"""
    return mutate("models.0.tokenizer", "../../etc/tokenizer.json")


def m_one_label():
    """models[0]: labels: a classification model needs at least 2 labels (found ['positive'])"""
    return mutate("models.0.labels", ["positive"])


def m_duplicate_label():
    """models[0]: labels: each label must appear once (found ['positive', 'positive'])"""
    return mutate("models.0.labels", ["positive", "positive"])


def m_lm_labels():
    """models[0]: labels: a language model has no labels (found ['negative', 'positive'])"""
    data = mutate("models.0.task", "language-model")
    data["models"][0].pop("headline")
    return data


def m_headline():
    """models[0]: headline: 'f1' is not a key of metrics (found accuracy)"""
    return mutate("models.0.headline", "f1")


def m_score_range():
    """models[0].label_scores: scores must lie in [-1, 1]; out of range: positive = 5.0"""
    return mutate("models.0.label_scores", {"positive": 5.0})


def m_empty():
    """manifest: a plugin must contribute at least one [[architectures]] or [[models]] entry"""
    data = mutate("architectures", [])
    data["models"] = []
    return data


def m_duplicate_model():
    """manifest: models: duplicate name(s) tiny-sentiment"""
    data = copy.deepcopy(VALID)
    data["models"].append(copy.deepcopy(data["models"][0]))
    return data


MUTATORS = [obj for name, obj in sorted(globals().items()) if name.startswith("m_") and inspect.isfunction(obj)]


@pytest.mark.parametrize("mutator", MUTATORS, ids=[m.__name__ for m in MUTATORS])
def test_mutator_gives_its_message(mutator):
    with pytest.raises(ManifestError) as info:
        parse_manifest(mutator(), "some/plugin.toml")
    assert inspect.getdoc(mutator) in info.value.problems
    assert str(info.value).startswith("some/plugin.toml: invalid plugin manifest")


def test_missing_files_are_named(tmp_path):
    (tmp_path / "plugin.toml").write_text(
        '[plugin]\nname = "m"\nversion = "1.0"\n[[models]]\nname = "m"\ntask = "language-model"\n'
        'architecture = "lstm"\nlanguage = "en"\n', encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        read_manifest(tmp_path)
    assert f"models[0].weights: file 'model.safetensors' not found in {tmp_path}" in info.value.problems


def test_bad_toml_and_encoding(tmp_path):
    (tmp_path / "plugin.toml").write_text("[plugin\nname=", encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid TOML"):
        read_manifest(tmp_path)
    (tmp_path / "plugin.toml").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ManifestError, match="not UTF-8"):
        read_manifest(tmp_path)
