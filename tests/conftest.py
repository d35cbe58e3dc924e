"""Test isolation: no test sees the developer's own plugins, settings or trust file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def sentido_home(tmp_path_factory, monkeypatch):
    """Point every user folder (plugins, trust, settings, cache) at a fresh temporary directory."""
    home = tmp_path_factory.mktemp("sentido-home")
    monkeypatch.setenv("SENTIDO_HOME", str(home))
    monkeypatch.delenv("SENTIDO_DEVICE", raising=False)
    return home
