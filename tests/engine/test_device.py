"""Device choice: auto, explicit, $SENTIDO_DEVICE, and a reason whenever the GPU is not used."""

from __future__ import annotations

import pytest
import torch

from sentido.engine.api import Engine
from sentido.engine.device import available_devices, choose_device
from sentido.engine.errors import InputError
from sentido.engine.registry import Registry
from tests.helpers import save_tiny

HAS_GPU = torch.cuda.is_available() or (getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available())


def test_auto_says_why_when_on_cpu():
    choice = choose_device()
    if not HAS_GPU:
        assert choice.device.type == "cpu" and "CUDA" in choice.reason and "MPS" in choice.reason
    else:
        assert choice.is_gpu


def test_env_var_and_argument(monkeypatch):
    monkeypatch.setenv("SENTIDO_DEVICE", "cpu")
    choice = choose_device()
    assert choice.device.type == "cpu" and "SENTIDO_DEVICE" in choice.reason
    assert choose_device("cpu").reason == "CPU requested"
    with pytest.raises(InputError, match="unknown device 'tpu9'"):
        choose_device("tpu9")


def test_devices_listed_with_reasons():
    devices = {d.name: d for d in available_devices()}
    assert devices["cpu"].available and devices["auto"].available
    for d in devices.values():
        assert d.available or d.reason


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CUDA-less path")
def test_missing_cuda_is_a_clear_error():
    with pytest.raises(InputError, match="'cuda' is not available"):
        choose_device("cuda")


@pytest.mark.gpu
@pytest.mark.skipif(not HAS_GPU, reason="needs a CUDA or MPS GPU")
def test_gpu_inference_matches_cpu(tmp_path):
    for task in ("classification", "language-model"):
        bundle = save_tiny(tmp_path / task, "lstm", task, name="m")
        registry = Registry.discover([bundle], shipped=False, user=False)
        cpu, gpu = Engine(device="cpu", registry=registry), Engine(registry=registry)
        assert gpu.device_choice.is_gpu
        if task == "classification":
            a, b = cpu.analyze(["a great film"], model="m")[0], gpu.analyze(["a great film"], model="m")[0]
            assert a.probabilities == pytest.approx(b.probabilities, abs=1e-4)
            session = gpu.incremental("m")
            assert session.update("a great film").analysis().probabilities == pytest.approx(a.probabilities, abs=1e-4)
        else:
            assert [w.word for w in cpu.next_words("he moved", 3, "m")] == [w.word for w in gpu.next_words("he moved", 3, "m")]
            assert gpu.continue_text("he moved", 2, 3, model="m")
        gpu.unload("m")
        assert gpu.loaded() == []
