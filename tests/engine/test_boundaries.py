"""The engine and plugins never import PySide6 or the desktop package (STYLE habit 1)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "sentido.desktop", "desktop", "shiboken6")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_no_qt_or_desktop_imports_in_engine_and_plugins():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for folder in ("engine", "plugins")
        for path in (ROOT / folder).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN or name.startswith("sentido.desktop")
    ]
    assert offenders == []


def test_engine_works_with_pyside6_absent(tmp_path):
    # A meta-path hook makes `import PySide6` fail, as on a machine without Qt; the engine must not notice.
    script = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import pkgutil, importlib, sentido.engine, sentido.plugins\n"
        "for pkg in (sentido.engine, sentido.plugins):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "from sentido.engine.cli import main\n"
        "assert main(['plugins', 'list']) == 0\n"
        "assert not any(k.startswith(('PySide6', 'sentido.desktop')) for k in sys.modules)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
