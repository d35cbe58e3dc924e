#!/usr/bin/env bash
# Build the sdist and the wheel, install the wheel into a fresh venv and use it from another folder, as a user would.
# Fails on any missing module or data file (anything an editable install hides).
#
#   scripts/check_wheel.sh                      # a clean venv: TORCH_SPEC first, then the wheel with [gui]
#   SYSTEM_SITE=1 scripts/check_wheel.sh        # quicker: the venv sees the system's site-packages (torch etc.)
#
# PYTHON (default python3) builds and makes the venv; TORCH_SPEC (default torch==2.13.0) as in the Makefile.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sentido-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
step() { printf '\n== %s\n' "$*"; }

# Two distributions: sentido (the code) and sentido-models (the bundles in resources/models), which sentido needs.
step "build sdists and wheels (each wheel from its sdist) into $WORK/dist"
for project in . resources/models; do
    if "$PYTHON" -c "import build" 2>/dev/null; then
        "$PYTHON" -m build --no-isolation --outdir "$WORK/dist" "$project" >> "$WORK/build.log" 2>&1 \
            || { cat "$WORK/build.log"; exit 1; }
    else  # no `build` module: the wheels only, straight from the tree
        "$PYTHON" -m pip wheel --no-deps --no-build-isolation -w "$WORK/dist" "$project" >> "$WORK/build.log" 2>&1 \
            || { cat "$WORK/build.log"; exit 1; }
    fi
done
if grep -n "would be ignored" "$WORK/build.log"; then echo "setuptools would leave data folders out (above)"; exit 1; fi
WHEEL=$(ls "$WORK"/dist/sentido-[0-9]*.whl)
ls -l "$WORK/dist"

step "install into a fresh venv"
if [ "${SYSTEM_SITE:-0}" = 1 ]; then
    "$PYTHON" -m venv --system-site-packages "$WORK/venv"
    "$WORK/venv/bin/python" -m pip install --quiet --find-links "$WORK/dist" "$WHEEL"
else
    "$PYTHON" -m venv "$WORK/venv"
    "$WORK/venv/bin/python" -m pip install --quiet "$TORCH_SPEC"
    "$WORK/venv/bin/python" -m pip install --quiet --find-links "$WORK/dist" "$WHEEL[gui]"
fi
BIN="$WORK/venv/bin"

# From another folder, with its own home, so nothing of the checkout or of the user is on the path.
mkdir -p "$WORK/elsewhere"
cd "$WORK/elsewhere"
export SENTIDO_HOME="$WORK/home" PYTHONNOUSERSITE=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
unset PYTHONPATH

step "the installed code comes from the venv"
"$BIN/python" - <<'PY'
import importlib, pkgutil, sys
import sentido.engine
where = sentido.engine.__file__
assert where.startswith(sys.prefix), f"sentido.engine imported from {where}, not from the venv {sys.prefix}"
for bare in ("engine", "desktop", "plugins", "resources"):
    assert importlib.util.find_spec(bare) is None, f"the wheel installs a bare top-level `{bare}` package"
# Every module of the engine and the plugins imports (the desktop's needs PySide6: imported below when present).
for pkg in ("sentido.engine", "sentido.plugins"):
    for info in pkgutil.walk_packages(importlib.import_module(pkg).__path__, pkg + "."):
        importlib.import_module(info.name)
import pathlib
from sentido.engine.paths import resources_dir, shipped_models_dir
root = resources_dir()
assert (root / "icons").is_dir() and (root / "samples").is_dir(), f"icons or samples missing under {root}"
models = sorted(p.parent.name for p in shipped_models_dir().glob("*/model.safetensors"))
assert models and str(shipped_models_dir()).startswith(sys.prefix), f"no model bundles installed ({shipped_models_dir()})"
print("models:", ", ".join(models))
assert (pathlib.Path(sentido.engine.__file__).parent / "py.typed").is_file(), "py.typed missing"
print("ok:", where)
PY

step "sentido --help / --version / info"
"$BIN/sentido" --help > /dev/null
"$BIN/sentido" --version
"$BIN/python" -m sentido --version
"$BIN/sentido" info

step "sentido models"
"$BIN/sentido" models
"$BIN/sentido" plugins list

step "sentido analyze / next / continue"
"$BIN/sentido" analyze "A wonderful, moving film."
"$BIN/sentido" analyze "Dull." --device cpu  # a global option after the command
"$BIN/sentido" analyze --json "x" > analyze.json
"$BIN/python" -c "import json; d = json.load(open('analyze.json')); assert d, d"
"$BIN/sentido" next "the"
"$BIN/sentido" continue --words 3 "the film was"

step "sentido batch"
printf 'text\nI loved it.\nDull and far too long.\nNot bad at all.\n' > reviews.csv
"$BIN/sentido" batch reviews.csv --output results.csv --quiet
"$BIN/python" -c "
import csv; rows = list(csv.DictReader(open('results.csv', encoding='utf-8')))
assert len(rows) == 3, rows
print(len(rows), 'rows:', ', '.join(sorted(rows[0])))"

step "the Python API"
"$BIN/python" - <<'PY'
from sentido.engine import Engine
engine = Engine(device="cpu")
result = engine.analyze(["What a delight."])[0]
assert result.label, result
words = engine.next_words("the", k=3)
assert len(words) == 3, words
print(result.label, f"{result.confidence:.2f};", [w.word for w in words])
PY

if "$BIN/python" -c "import mypy" 2>/dev/null; then
    step "mypy sees the installed package's types (py.typed)"
    printf 'from sentido.engine import Engine\nresults = Engine().analyze(["x"])\nreveal_type(results)\n' > user.py
    "$BIN/python" -m mypy --follow-imports=silent --ignore-missing-imports user.py | tee mypy.out || true
    grep -Eq 'Revealed type is "(builtins\.)?list\[sentido\.engine\.inference\.Analysis\]"' mypy.out
fi

if "$BIN/python" -c "import PySide6" 2>/dev/null; then
    step "sentido-gui: the window comes up offscreen and the engine starts behind it"
    test -x "$BIN/sentido-gui"
    QT_QPA_PLATFORM=offscreen "$BIN/python" - <<'PY'
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sentido.desktop.app import create_window
from sentido.desktop.settings import Settings

app = QApplication(sys.argv[:1])
window = create_window(Settings("settings.ini"))
window.show()
started = []  # whether the window was visible when the engine came up
window.facade.engine_did_start.connect(lambda: (started.append(window.isVisible()), app.quit()))
QTimer.singleShot(120_000, app.quit)
window.facade.start()
app.exec()
assert started, "the engine did not start within 2 minutes"
assert started[0], "the window was not shown when the engine started"
print("ok: window up, engine started")
PY
else
    echo "(PySide6 not installed in this venv: sentido-gui not checked)"
fi

step "wheel check passed"
