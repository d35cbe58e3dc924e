"""Every user-facing string goes through tr(); the .ts files must be regenerated when the strings change."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import update_translations  # noqa: E402


@pytest.mark.skipif(update_translations.tool("pyside6-lupdate") is None, reason="pyside6-lupdate not installed")
def test_translation_sources_are_current(tmp_path):
    for committed in update_translations.ts_files():
        assert committed.is_file(), f"{committed} is missing: run python scripts/update_translations.py"
        fresh = tmp_path / committed.name
        shutil.copy(committed, fresh)
        command = [update_translations.tool("pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete",
                   *map(str, update_translations.source_files()), "-ts", str(fresh)]
        subprocess.run(command, check=True, cwd=ROOT)
        assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{committed.name} is stale: run python scripts/update_translations.py and commit the result")


def test_the_main_views_strings_are_in_the_ts_file():
    text = update_translations.ts_files()[0].read_text(encoding="utf-8")
    for source in ("Load plugin…", "Next words:", "Out of GPU memory", "Time left", "Follow the system"):
        assert f"<source>{source}</source>" in text


@pytest.mark.skipif(update_translations.tool("pyside6-lrelease") is None, reason="pyside6-lrelease not installed")
def test_compiled_translations_match_their_sources(tmp_path):
    for ts in update_translations.ts_files():
        fresh = tmp_path / ts.with_suffix(".qm").name
        subprocess.run([update_translations.tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(fresh)], check=True)
        assert fresh.read_bytes() == ts.with_suffix(".qm").read_bytes(), (
            f"{ts.with_suffix('.qm').name} is stale: run python scripts/update_translations.py --release")


def test_the_window_speaks_spanish_with_the_spanish_translation(qtbot, make_window):
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from sentido.desktop.app import install_translator

    app = QApplication.instance()
    translator = install_translator(app, QLocale(QLocale.Language.Spanish, QLocale.Country.Spain))
    assert translator is not None
    try:
        window = make_window(start=False)
        assert window.tabs.tabText(0) == "&Analizar"
        assert window.batch.start_button.text() == "Iniciar"
    finally:
        app.removeTranslator(translator)
