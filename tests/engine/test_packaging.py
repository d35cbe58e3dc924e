"""The distribution as users get it: every package and data file in the wheel, under ``sentido.`` only, typed.

The editable install the tests run under hides a package left out of the wheel; these tests build the wheel.
``scripts/check_wheel.sh`` (run by CI) goes further: it installs the wheels into a fresh venv and uses them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("engine", "plugins", "desktop", "resources")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build-tree")
    # Build from a copy of the tracked files, so that nothing of this checkout's build/ or egg-info leaks in.
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (build / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, build / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(build)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "would be ignored" not in done.stdout + done.stderr
    (path,) = out.glob("sentido-*.whl")
    return zipfile.ZipFile(path)


def tracked_package_files() -> set[str]:
    """Every tracked file under the package folders, as its path in the wheel (the model bundles ship apart)."""
    files = subprocess.run(["git", "ls-files", *FOLDERS, "sentido"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    return {name if name.startswith("sentido/") else f"sentido/{name}" for name in files
            if not name.startswith("resources/models/")}


def test_the_wheel_holds_every_module_and_data_file(wheel):
    names = {n for n in wheel.namelist() if ".dist-info/" not in n}
    missing = tracked_package_files() - names
    assert not missing, f"left out of the wheel: {sorted(missing)}"
    assert "sentido/engine/commands/__init__.py" in names  # the package the hand-kept list forgot
    assert "sentido/engine/py.typed" in names


def test_the_wheel_installs_nothing_outside_sentido(wheel):
    tops = {n.split("/")[0] for n in wheel.namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"sentido"}


def test_the_window_is_a_gui_entry_point(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    gui = text.split("[gui_scripts]")[1].split("[")[0]
    assert "sentido-gui = sentido.desktop.app:main" in gui
    assert "sentido = sentido.engine.cli:main" in text.split("[console_scripts]")[1].split("[")[0]


def test_python_dash_m_sentido_is_the_cli(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sentido", "--version"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    from sentido.engine import __version__

    assert done.stdout.strip() == f"sentido {__version__}"


def test_mypy_sees_the_engine_types(tmp_path):
    """``from sentido.engine import Engine`` is the real class to a type checker, not Any (the lazy import)."""
    pytest.importorskip("mypy", reason="mypy is not installed")
    # mypy cannot follow the editable install's import hook; give it the sentido/ tree the wheel installs.
    tree = tmp_path / "tree" / "sentido"
    tree.mkdir(parents=True)
    shutil.copy2(ROOT / "sentido" / "__init__.py", tree / "__init__.py")
    for folder in FOLDERS:
        (tree / folder).symlink_to(ROOT / folder, target_is_directory=True)
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent("""\
        from sentido.engine import Engine

        engine = Engine(device="cpu")
        results = engine.analyze(["A masterpiece."])
        reveal_type(results)
        reveal_type(results[0].label)
        """))
    config = tmp_path / "mypy.ini"
    # torch and the other heavy libraries are not what is checked here: skip following them (seconds, not minutes).
    config.write_text("[mypy]\nignore_missing_imports = True\n\n[mypy-torch.*,numpy.*,tokenizers.*,safetensors.*,"
                      "pydantic.*,gensim.*,PySide6.*]\nfollow_imports = skip\n")
    env = {**os.environ, "MYPYPATH": str(tmp_path / "tree")}
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config), "--no-incremental",
                           "--follow-imports=silent", str(script)], cwd=tmp_path, capture_output=True, text=True,
                          env=env, timeout=300)
    lines = [line for line in done.stdout.splitlines() if "Revealed type" in line]
    assert len(lines) == 2, done.stdout + done.stderr
    assert "Any" not in lines[0] and "Analysis" in lines[0], lines[0]
    assert "Any" not in lines[1], lines[1]
