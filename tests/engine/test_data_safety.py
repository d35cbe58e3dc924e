"""No command destroys data: `plugins remove` deletes only installed plugins, a batch never overwrites an input."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file, save_file

from sentido.engine import paths
from sentido.engine.api import Engine
from sentido.engine.batch.runner import run_batch
from sentido.engine.cli import main
from sentido.engine.errors import BundleError, InputError, PluginError
from sentido.engine.registry import Registry, uninstall_plugin
from tests.helpers import save_tiny


@pytest.mark.parametrize("name", ["../other", "..", "/", "other/../../x", "a/b"])
def test_remove_refuses_paths(tmp_path, name):
    victim = paths.user_plugin_dir().parent / "other"
    victim.mkdir(parents=True, exist_ok=True)
    (victim / "keep.txt").write_text("precious")
    with pytest.raises(PluginError, match="not a plugin name"):
        uninstall_plugin(name)
    assert (victim / "keep.txt").read_text() == "precious"


def test_remove_cli_leaves_other_folders_alone(tmp_path, capsys):
    victim = paths.user_plugin_dir().parent / "other"
    victim.mkdir(parents=True, exist_ok=True)
    (victim / "keep.txt").write_text("precious")
    assert main(["plugins", "remove", "../other"]) == 1
    assert "not a plugin name" in capsys.readouterr().err
    assert (victim / "keep.txt").exists()


def test_remove_refuses_a_folder_that_is_not_a_plugin(tmp_path):
    stray = paths.user_plugin_dir() / "notes"
    stray.mkdir(parents=True)
    (stray / "diary.txt").write_text("mine")
    with pytest.raises(PluginError, match="not an installed plugin"):
        uninstall_plugin("notes")
    assert (stray / "diary.txt").exists()


def test_remove_deletes_an_installed_plugin(tmp_path):
    bundle = save_tiny(paths.user_plugin_dir(), "lstm", "classification", name="mine")
    assert uninstall_plugin("mine") == bundle
    assert not bundle.exists()


def _engine(tmp_path):
    bundle = save_tiny(tmp_path, "lstm", "classification", name="m")
    return Engine(device="cpu", registry=Registry.discover([bundle], shipped=False, user=False))


def test_batch_refuses_an_output_that_is_an_input(tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text("text\nlovely\nawful\n")
    note = tmp_path / "note.txt"
    note.write_text("fine")
    before = survey.read_bytes()
    with pytest.raises(InputError, match="also an input"):
        run_batch([survey, note], ["m"], survey, engine=_engine(tmp_path))
    assert survey.read_bytes() == before


def test_batch_refuses_a_folder_as_output_before_running(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("fine")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        run_batch([note], ["m"], out, engine=_engine(tmp_path))


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_weights_are_refused_at_load(tmp_path, value):
    bundle = save_tiny(tmp_path, "lstm", "classification", name="m")
    tensors = load_file(bundle / "model.safetensors")
    tensors["classifier.bias"] = torch.full_like(tensors["classifier.bias"], value)
    save_file(tensors, bundle / "model.safetensors")
    engine = Engine(device="cpu", registry=Registry.discover([bundle], shipped=False, user=False))
    with pytest.raises(BundleError, match="NaN or infinite"):
        engine.load("m")


def test_a_tokenizer_library_panic_is_a_bundle_error(tmp_path, monkeypatch):
    """tokenizers reports a Rust panic as pyo3's PanicException, a BaseException that slipped past every handler."""
    import sentido.engine.tokenization as tokenization

    class PanicException(BaseException):
        pass

    def panic(path):
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(tokenization.Tokenizer, "from_file", staticmethod(panic))
    with pytest.raises(BundleError, match="tokenizer library failed: called"):
        tokenization.TextTokenizer.from_file(tmp_path / "tokenizer.json")
