"""Model files are data: pickles are refused without running, weights load strictly, code needs trust."""

from __future__ import annotations

import pickle
import shutil

import pytest
import torch
from safetensors.torch import load_file, save_file

from sentido.engine.api import Engine
from sentido.engine.errors import BundleError, TrustError
from sentido.engine.registry import Registry
from tests.helpers import save_tiny, write_plugin


class Payload:
    """Unpickling this writes a marker file: proof that the pickle ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _load(bundle, name="m"):
    return Engine(device="cpu", registry=Registry.discover([bundle], shipped=False, user=False)).load(name)


def test_pickle_weights_are_refused_and_never_run(tmp_path):
    bundle = save_tiny(tmp_path, "lstm", "classification", name="m")
    marker = tmp_path / "payload-ran"
    (bundle / "model.safetensors").write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(BundleError, match="not a safetensors file"):
        _load(bundle)
    assert not marker.exists()


def test_torch_save_checkpoint_is_refused(tmp_path):
    bundle = save_tiny(tmp_path, "gru", "classification", name="m")
    marker = tmp_path / "payload-ran"
    torch.save({"state": Payload(marker)}, bundle / "model.safetensors")  # a zip-pickle disguised by name
    with pytest.raises(BundleError, match="never unpickles"):
        _load(bundle)
    assert not marker.exists()


@pytest.mark.parametrize("change,message", [
    ("drop", "missing tensor(s): classifier.bias"),
    ("extra", "unexpected tensor(s): sneaky"),
    ("shape", "classifier.bias is (3,), the model needs (2,)"),
])
def test_weights_load_strictly(tmp_path, change, message):
    bundle = save_tiny(tmp_path, "rnn", "classification", name="m")
    tensors = load_file(bundle / "model.safetensors")
    if change == "drop":
        del tensors["classifier.bias"]
    elif change == "extra":
        tensors["sneaky"] = torch.zeros(1)
    else:
        tensors["classifier.bias"] = torch.zeros(3)
    save_file(tensors, bundle / "model.safetensors")
    with pytest.raises(BundleError) as info:
        _load(bundle)
    assert message in str(info.value)


def test_truncated_weights_are_a_clear_error(tmp_path):
    bundle = save_tiny(tmp_path, "rnn", "classification", name="m")
    data = (bundle / "model.safetensors").read_bytes()
    (bundle / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(BundleError, match="model.safetensors"):
        _load(bundle)


def test_fp16_bundle_loads_close_to_fp32(tmp_path):
    from sentido.engine.bundle import save_model_plugin
    from tests.helpers import tiny_model, tiny_tokenizer

    tok = tiny_tokenizer()
    module = tiny_model("lstm", "classification", tok)
    save_model_plugin(tmp_path / "half", module=module, tokenizer=tok, name="half", architecture="lstm",
                      language="en", labels=["negative", "positive"], half=True)
    tensors = load_file(tmp_path / "half" / "model.safetensors")
    assert all(t.dtype == torch.float16 for t in tensors.values())
    loaded = _load(tmp_path / "half", "half")
    assert next(loaded.module.parameters()).dtype == torch.float32


CODE_PLUGIN = """
[plugin]
name = "code-plugin"
version = "0.1.0"

[[architectures]]
name = "marker_arch"
entry = "marker_arch:Model"
"""

MARKER_CODE = """
import pathlib, os
pathlib.Path(os.environ["SENTIDO_MARKER"]).write_text("ran")
from sentido.plugins.lstm.model import LSTMModel as Model
"""


def test_code_from_a_path_runs_only_when_trusted(tmp_path, monkeypatch):
    marker = tmp_path / "code-ran"
    monkeypatch.setenv("SENTIDO_MARKER", str(marker))
    root = write_plugin(tmp_path / "code-plugin", CODE_PLUGIN, {"marker_arch.py": MARKER_CODE})
    registry = Registry.discover([root], shipped=False, user=False)
    plugin = registry.plugin("code-plugin")
    assert plugin.status == "untrusted"
    with pytest.raises(TrustError, match="has not been trusted"):
        registry.architecture_class("marker_arch")
    assert not marker.exists()

    registry.trust.trust(root)
    cls = registry.architecture_class("marker_arch")
    assert marker.read_text() == "ran" and cls.__name__ == "LSTMModel"

    # Any change to the plugin's files revokes the trust.
    (root / "marker_arch.py").write_text(MARKER_CODE + "\n# edited\n")
    fresh = Registry.discover([root], shipped=False, user=False)
    assert fresh.plugin("code-plugin").status == "untrusted"
    with pytest.raises(TrustError):
        fresh.architecture_class("marker_arch")


def test_model_only_plugin_needs_no_trust(tmp_path):
    bundle = save_tiny(tmp_path, "lstm", "classification", name="m")
    plugin = Registry.discover([bundle], shipped=False, user=False).plugin("m")
    assert plugin.status == "ok" and not plugin.needs_trust
    shutil.rmtree(bundle)
