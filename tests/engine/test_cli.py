"""CLI exit codes (0 ok, 1 failure with one line, 2 usage) and JSON shapes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from sentido.engine.cli import main
from tests.helpers import save_tiny, write_plugin

from .test_discovery import EXAMPLE


def run(capsys, *args, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def no_shipped_models(tmp_path_factory, monkeypatch):
    """These tests are about the CLI, not the shipped models: discovery sees only the models each test makes."""
    from sentido.engine import paths

    empty = tmp_path_factory.mktemp("no-shipped-models")
    monkeypatch.setattr(paths, "shipped_models_dir", lambda: empty)


@pytest.fixture
def models(tmp_path):
    return [str(save_tiny(tmp_path, "lstm", "classification", name="cls")), str(save_tiny(tmp_path, "gru", "language-model", name="lm"))]


def with_models(models, *args):
    return [arg for m in models for arg in ("--plugin-path", m)] + list(args)


def test_analyze_json_shape(capsys, models):
    code, out, _ = run(capsys, *with_models(models, "analyze", "I", "loved", "it", "--json"))
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"text", "model", "label", "confidence", "score", "probabilities", "tokens"}
    assert data["text"] == "I loved it" and data["model"] == "cls"
    assert set(data["probabilities"]) == {"negative", "positive"}
    assert data["tokens"][1] == {"text": "loved", "start": 2, "end": 7}


def test_analyze_stdin_one_text_per_line(capsys, models, monkeypatch):
    code, out, _ = run(capsys, *with_models(models, "analyze", "-", "--json"), stdin="great film\n\nawful film\n", monkeypatch=monkeypatch)
    assert code == 0
    assert [r["text"] for r in json.loads(out)] == ["great film", "awful film"]


def test_next_and_continue(capsys, models):
    code, out, _ = run(capsys, *with_models(models, "next", "he", "moved", "-k", "3", "--json"))
    assert code == 0 and len(json.loads(out)) == 3 and set(json.loads(out)[0]) == {"word", "probability"}
    code, out, _ = run(capsys, *with_models(models, "continue", "he moved", "--beam", "2", "--words", "3", "--json"))
    assert code == 0
    results = json.loads(out)
    assert 1 <= len(results) <= 2 and set(results[0]) == {"text", "log_probability", "mean_log_probability"}
    code, out, _ = run(capsys, *with_models(models, "continue", "he", "--strategy", "sample", "--seed", "1"))
    assert code == 0 and out.count("\n") == 4


def test_failures_are_one_line_with_exit_1(capsys, models):
    code, out, err = run(capsys, *with_models(models, "analyze", "hi", "--model", "nope"))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("sentido: error: no model named 'nope'; available: cls, lm")
    code, _, err = run(capsys, *with_models(models, "next", "hi", "--model", "cls"))
    assert code == 1 and "is a classification model" in err
    code, _, err = run(capsys, *with_models(models, "analyze", "   "))
    assert code == 1 and "the text is empty" in err
    code, _, err = run(capsys, "--device", "cuda:7", "analyze", "hi")
    assert code == 1 and "not available" in err


def test_debug_shows_the_traceback(capsys, models):
    code, _, err = run(capsys, *with_models(models, "--debug", "analyze", "hi", "--model", "nope"))
    assert code == 1 and "Traceback" in err


def test_usage_errors_exit_2(capsys):
    for args in (["frobnicate"], ["analyze"], ["next", "x", "-k", "many"], []):
        with pytest.raises(SystemExit) as info:
            main(args)
        assert info.value.code == 2
    capsys.readouterr()


def test_plugins_validate_install_list_remove(capsys, tmp_path, models):
    code, out, _ = run(capsys, "plugins", "validate", models[0])
    assert code == 0 and out.startswith("✔")
    broken = write_plugin(tmp_path / "broken", '[plugin]\nname = "broken"\nversion = "one"\n')
    code, out, err = run(capsys, "plugins", "validate", str(broken), "--json")
    data = json.loads(out)
    assert code == 1 and data["valid"] is False
    assert "plugin.version: must look like 1.0 or 1.2.3 (found 'one')" in data["problems"]

    code, out, _ = run(capsys, "plugins", "install", models[0], "--json")
    assert code == 0 and json.loads(out)["name"] == "cls"
    code, out, _ = run(capsys, "plugins", "install", models[0])
    assert code == 1
    code, out, _ = run(capsys, "plugins", "list", "--json")
    listed = {p["name"]: p for p in json.loads(out)}
    assert listed["cls"]["source"] == "user" and listed["cls"]["status"] == "ok" and listed["cls"]["models"] == ["cls"]
    code, out, _ = run(capsys, "models", "--json")
    rows = json.loads(out)
    assert rows[0]["name"] == "cls" and rows[0]["default"] is True and rows[0]["size_bytes"] > 0
    assert set(rows[0]) >= {"task", "language", "architecture", "headline"}
    code, out, _ = run(capsys, "analyze", "fine", "--json")  # the installed model is now found by default
    assert code == 0 and json.loads(out)["model"] == "cls"
    code, out, _ = run(capsys, "plugins", "remove", "cls")
    assert code == 0
    code, _, err = run(capsys, "plugins", "remove", "cls")
    assert code == 1 and "no installed plugin named 'cls'" in err


def test_code_plugin_install_needs_trust(capsys, tmp_path):
    code, out, _ = run(capsys, "plugins", "install", str(EXAMPLE))
    assert code == 0 and "will not run until" in out
    code, out, _ = run(capsys, "plugins", "list", "--json")
    assert {p["name"]: p["status"] for p in json.loads(out)}["example-bag-of-embeddings"] == "untrusted"
    code, out, _ = run(capsys, "plugins", "install", str(EXAMPLE), "--trust", "--force")
    code, out, _ = run(capsys, "plugins", "list", "--json")
    assert {p["name"]: p["status"] for p in json.loads(out)}["example-bag-of-embeddings"] == "ok"


def test_console_script_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sentido.engine.cli", "plugins", "list"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "sentido-lstm" in result.stdout


def test_global_options_work_after_the_command(capsys, models, tmp_path):
    # --plugin-path on both sides of the command: every path counts (here one model before, one after).
    code, out, _ = run(capsys, "--plugin-path", models[0], "models", "--plugin-path", models[1], "--json")
    assert code == 0 and {m["name"] for m in json.loads(out)} == {"cls", "lm"}
    code, out, _ = run(capsys, *with_models(models, "analyze", "I", "loved", "it", "--device", "cpu", "--json"))
    assert code == 0 and json.loads(out)["model"] == "cls"
    # After the command, the option means the same as before it: a device that is not there fails the same way.
    code, _, err = run(capsys, *with_models(models, "analyze", "hi", "--device", "cuda:7"))
    assert code == 1 and "not available" in err
    code, _, err = run(capsys, *with_models(models, "analyze", "hi", "--model", "nope", "--debug"))
    assert code == 1 and "Traceback" in err
    # Nested commands take them too, and the value given before the command stays when none is given after.
    code, out, _ = run(capsys, "--plugin-path", models[0], "plugins", "list", "--json")
    assert code == 0 and "cls" in {p["name"] for p in json.loads(out)}
    code, _, err = run(capsys, "--device", "cuda:7", "analyze", "hi", "--plugin-path", models[0])
    assert code == 1 and "not available" in err


def test_info_shows_versions_device_and_plugins(capsys, models):
    import platform

    from sentido.engine import __version__

    code, out, _ = run(capsys, *with_models(models, "info", "--device", "cpu", "--json"))
    assert code == 0
    data = json.loads(out)
    assert data["sentido"] == __version__ and data["python"]["version"] == platform.python_version()
    assert data["device"]["device"] == "cpu" and data["device"]["reason"]
    assert data["plugin_folders"]["plugin_path"] == models
    assert data["plugin_folders"]["user"].endswith("plugins")
    assert {"sentido-lstm", "cls", "lm"} <= {p["name"] for p in data["plugins"]}
    code, out, _ = run(capsys, *with_models(models, "info"))
    assert code == 0 and f"sentido   {__version__}" in out and "device    " in out and "cls" in out


def _fresh_python(code: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)


@pytest.mark.parametrize("command", [["models"], ["models", "--json"], ["plugins", "list"], ["--help"]])
def test_listing_does_not_import_torch(command, tmp_path):
    """Manifests are read without torch: `sentido models` answers in a fraction of a second."""
    done = _fresh_python(
        "import sys\nfrom sentido.engine.cli import main\n"
        f"try:\n    code = main({command!r})\nexcept SystemExit as exit:\n    code = exit.code\n"
        "sys.stdout.flush()\nprint('torch' in sys.modules, code, file=sys.stderr)\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "False 0", done.stderr
    assert done.stdout.strip()


@pytest.mark.parametrize("command", [["plugins", "list", "--json"], ["models"], ["--help"]])
def test_a_closed_pipe_ends_quietly(command, tmp_path):
    """`sentido plugins list --json | head -1`: the reader goes away; no error, exit 0."""
    process = subprocess.Popen([sys.executable, "-m", "sentido", *command], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=tmp_path)
    process.stdout.close()  # before the command has written anything (it is still importing)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0 and err == b"", err.decode()


def test_every_command_help_lists_the_global_options(capsys):
    from sentido.engine.cli import _command_parsers, build_parser

    for command in _command_parsers(build_parser()):
        text = command.format_help()
        assert "global options (also accepted before the command)" in text, command.prog
        assert "--device DEVICE" in text and "--plugin-path PATH" in text and "--debug" in text, command.prog
