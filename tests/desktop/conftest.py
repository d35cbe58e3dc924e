"""Fixtures for the desktop tests: real widgets over tiny models, settings in a temp INI, no modal dialogs.

Every test runs with a guard that fails it if a worker thread is still running afterwards (the napari
``_dangling_qthreads`` idea, applied to our work lanes and Qt's global pool).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QThreadPool  # noqa: E402

from sentido.desktop import errors  # noqa: E402
from sentido.desktop.settings import Settings  # noqa: E402
from sentido.desktop.workers import LIVE_LANES  # noqa: E402
from tests.helpers import save_tiny  # noqa: E402


@pytest.fixture(scope="session")
def tiny_plugins(tmp_path_factory):
    """Two sentiment models and a language model, saved once as model-only plugins."""
    root = tmp_path_factory.mktemp("tiny-models")
    return [
        save_tiny(root, "lstm", "classification"),
        save_tiny(root, "gru", "classification"),
        save_tiny(root, "lstm", "language-model"),
    ]


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "settings.ini"


@pytest.fixture
def settings(settings_file):
    return Settings(settings_file)


@pytest.fixture(autouse=True)
def shown_messages():
    """Messages the error funnel would have shown, as (kind, title, text); no modal box ever opens in a test."""
    shown = []
    errors.set_presenter(lambda parent, kind, title, text: shown.append((kind, title, text)))
    yield shown
    errors.set_presenter(None)


@pytest.fixture(autouse=True)
def _dangling_threads(qapp):
    """Fail a test that leaves model work running on a worker thread."""
    yield
    busy = []
    for lane in list(LIVE_LANES):
        lane.close(timeout_s=10)
        if lane.active_threads():
            busy.append(lane.name)
    QThreadPool.globalInstance().waitForDone(10_000)
    if QThreadPool.globalInstance().activeThreadCount():
        busy.append("global pool")
    assert not busy, f"worker threads still running after the test: {busy}"


@pytest.fixture
def make_window(qtbot, settings, tiny_plugins):
    """Factory: a real main window over the tiny models, engine started and idle."""

    def make(settings_obj=None, plugin_paths=None, start=True):
        from sentido.desktop.app import create_window

        window = create_window(settings_obj or settings, plugin_paths=tiny_plugins if plugin_paths is None else plugin_paths)
        qtbot.addWidget(window)
        window.show()
        if start:
            with qtbot.waitSignal(window.facade.engine_did_start, timeout=30_000):
                window.facade.start()
            window.facade.wait_until_idle()
        return window

    return make


@pytest.fixture
def window(make_window):
    return make_window()
