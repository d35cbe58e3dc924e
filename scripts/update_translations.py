"""Regenerate the Qt translation sources (``desktop/translations/*.ts``) from every ``tr()`` in ``desktop/``.

    python scripts/update_translations.py            # update the .ts files (keeps existing translations)
    python scripts/update_translations.py --release  # also compile .qm files the app loads at start-up

Uses ``pyside6-lupdate`` / ``pyside6-lrelease`` from the PySide6 wheel. Locations are left out of the .ts files so
that moving code does not make them stale; ``tests/desktop/test_translations.py`` fails when they are.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "desktop"
TRANSLATIONS = SOURCES / "translations"
LANGUAGES = ["es"]


def tool(name: str) -> str | None:
    """The PySide6 tool beside this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def source_files() -> list[Path]:
    return sorted(p for p in SOURCES.rglob("*.py") if "__pycache__" not in p.parts)


def update(ts_files: list[Path]) -> None:
    lupdate = tool("pyside6-lupdate")
    if lupdate is None:
        raise SystemExit("pyside6-lupdate not found: install PySide6-Essentials")
    for ts in ts_files:
        ts.parent.mkdir(parents=True, exist_ok=True)
        command = [lupdate, "-silent", "-locations", "none", "-no-obsolete",
                   *map(str, source_files()), "-ts", str(ts)]
        subprocess.run(command, check=True, cwd=ROOT)


def release(ts_files: list[Path]) -> None:
    lrelease = tool("pyside6-lrelease")
    if lrelease is None:
        raise SystemExit("pyside6-lrelease not found: install PySide6-Essentials")
    for ts in ts_files:
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True, cwd=ROOT)


def ts_files() -> list[Path]:
    return [TRANSLATIONS / f"sentido_{lang}.ts" for lang in LANGUAGES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="also compile .qm files")
    args = parser.parse_args(argv)
    files = ts_files()
    update(files)
    if args.release:
        release(files)
    for ts in files:
        text = ts.read_text(encoding="utf-8")
        total, unfinished = text.count("<message>"), text.count('type="unfinished"')
        print(f"{ts.relative_to(ROOT)}: {total} messages, {total - unfinished} translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
