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
