"""Choose where models run: CUDA, then Apple MPS, then the CPU, always with the reason."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path

import torch

from sentido.engine.errors import InputError

ENV_VAR = "SENTIDO_DEVICE"


@dataclass(frozen=True)
class DeviceChoice:
    device: torch.device
    reason: str

    @property
    def is_gpu(self) -> bool:
        return self.device.type in ("cuda", "mps")

    def __str__(self) -> str:
        return f"{self.device} ({self.reason})"


@dataclass(frozen=True)
class DeviceInfo:
    """One device the user could pick, and why it is unavailable when it is."""

    name: str
    label: str
    available: bool
    reason: str


def cpu_name() -> str:
    """The processor's model name (from /proc/cpuinfo on Linux), for the hardware line of reported figures."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _mps_available() -> tuple[bool, str]:
    backend = getattr(torch.backends, "mps", None)
    if backend is None or not backend.is_built():
        return False, "this PyTorch build has no MPS support"
    if not backend.is_available():
        return False, "no Apple GPU (MPS) on this machine"
    return True, "Apple GPU (MPS)"


def _cuda_unavailable_reason() -> str:
    if torch.version.cuda is None:
        return "this PyTorch build is CPU-only (no CUDA support compiled in)"
    return "no CUDA GPU found (driver missing or no device visible)"


def available_devices() -> list[DeviceInfo]:
    """Every device kind Sentido knows, with availability and the reason, for the settings page."""
    devices = [DeviceInfo("auto", "Automatic", True, "the best available device")]
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            devices.append(DeviceInfo(f"cuda:{index}", f"CUDA {index}: {torch.cuda.get_device_name(index)}", True, ""))
    else:
        devices.append(DeviceInfo("cuda", "CUDA GPU", False, _cuda_unavailable_reason()))
    mps_ok, mps_reason = _mps_available()
    devices.append(DeviceInfo("mps", "Apple GPU (MPS)", mps_ok, "" if mps_ok else mps_reason))
    devices.append(DeviceInfo("cpu", "CPU", True, ""))
    return devices


def choose_device(requested: str | None = None) -> DeviceChoice:
    """Resolve ``requested`` (or ``$SENTIDO_DEVICE``, or auto) to a device and say why it was chosen."""
    source = "requested"
    if requested in (None, "", "auto"):
        env = os.environ.get(ENV_VAR, "").strip()
        if env and env != "auto":
            requested, source = env, f"set by {ENV_VAR}"
        else:
            requested = "auto"
    if requested == "auto":
        if torch.cuda.is_available():
            return DeviceChoice(torch.device("cuda:0"), f"CUDA GPU: {torch.cuda.get_device_name(0)}")
        mps_ok, mps_reason = _mps_available()
        if mps_ok:
            return DeviceChoice(torch.device("mps"), "Apple GPU (MPS)")
        return DeviceChoice(torch.device("cpu"), f"CPU: {_cuda_unavailable_reason()}; {mps_reason}")
    try:
        device = torch.device(requested)
    except (RuntimeError, TypeError) as exc:
        raise InputError(f"unknown device {requested!r}: use auto, cpu, cuda, cuda:N or mps") from exc
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise InputError(f"device {requested!r} is not available: {_cuda_unavailable_reason()}")
        if (device.index or 0) >= torch.cuda.device_count():
            raise InputError(f"device {requested!r} does not exist: {torch.cuda.device_count()} CUDA device(s)")
        return DeviceChoice(device, f"{source}: {torch.cuda.get_device_name(device.index or 0)}")
    if device.type == "mps":
        ok, why = _mps_available()
        if not ok:
            raise InputError(f"device 'mps' is not available: {why}")
        return DeviceChoice(device, f"{source}: Apple GPU (MPS)")
    if device.type == "cpu":
        return DeviceChoice(device, f"CPU {source}")
    raise InputError(f"unsupported device {requested!r}: use auto, cpu, cuda, cuda:N or mps")
