"""The Models & plugins view: listing, loading (validated first), trust, enable/disable, remove, model cards."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt

from sentido.engine import paths
from sentido.engine.trust import TrustStore
from tests.helpers import save_tiny, write_plugin

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "bag_of_words_plugin"


def _rows(view):
    tree = view.tree
    rows = {}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        rows[top.data(0, Qt.ItemDataRole.UserRole)[1]] = [top.text(c) for c in range(tree.columnCount())]
        for j in range(top.childCount()):
            child = top.child(j)
            key = child.data(0, Qt.ItemDataRole.UserRole)
            if key:
                rows[key[1]] = [child.text(c) for c in range(tree.columnCount())]
    return rows


def _select(view, name):
    tree = view.tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for item in [top] + [top.child(j) for j in range(top.childCount())]:
            key = item.data(0, Qt.ItemDataRole.UserRole)
            if key and key[1] == name:
                tree.setCurrentItem(item)
                return item
    raise AssertionError(f"{name} not listed")


def test_models_are_listed_with_their_details_and_card(window):
    view = window.plugins
    rows = _rows(view)
    assert {"sentido-lstm", "tiny-lstm-cls", "tiny-lstm-lm"} <= set(rows)
    name, task, arch, language, version, source, size, headline, status = rows["tiny-lstm-cls"]
    assert (task, arch, language, source, status) == ("classification", "lstm", "en", "path", "ready")
    assert size.endswith("KB") and headline == "accuracy 0.5"
    assert rows["sentido-lstm"][5] == "built-in"
    _select(view, "tiny-lstm-cls")
    assert "tiny-lstm-cls" in view.card.toPlainText()  # the README card, rendered from Markdown


def test_a_good_plugin_loads_and_is_listed(qtbot, window, tmp_path):
    path = save_tiny(tmp_path, "gru", "classification", name="fresh-model")
    with qtbot.waitSignal(window.plugins.plugin_did_install, timeout=10_000):
        assert window.plugins.load_plugin(path)
    window.facade.wait_until_idle()
    rows = _rows(window.plugins)
    assert rows["fresh-model"][1] == "classification" and rows["fresh-model"][5] == "user"
    assert (paths.user_plugin_dir() / "fresh-model" / "plugin.toml").is_file()
    assert "fresh-model" in [window.analyze.model_list.item(i).text() for i in range(window.analyze.model_list.count())]
    assert not window.plugins.problem_text()


def test_a_zip_plugin_loads(qtbot, window, tmp_path):
    folder = save_tiny(tmp_path, "rnn", "classification", name="zipped-model")
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in folder.iterdir():
            zf.write(file, f"zipped-model/{file.name}")
    with qtbot.waitSignal(window.plugins.plugin_did_install, timeout=10_000):
        assert window.plugins.load_plugin(archive)
    window.facade.wait_until_idle()
    assert "zipped-model" in _rows(window.plugins)


def test_a_broken_plugin_shows_every_problem_and_installs_nothing(qtbot, window, tmp_path):
    bad = write_plugin(tmp_path / "bad", """
        [plugin]
        name = "Bad Name"
        version = "one"

        [[models]]
        name = "m"
        task = "sentiment"
        architecture = "lstm"
        language = "english"
        """)
    with qtbot.waitSignal(window.plugins.plugin_did_fail, timeout=5_000) as blocker:
        assert not window.plugins.load_plugin(bad)
    problems = blocker.args[0]
    assert len(problems) >= 4
    text = window.plugins.problem_text()
    for field in ("plugin.name", "plugin.version", "models[0].task", "models[0].language"):
        assert field in text
    assert window.plugins.problems.isVisibleTo(window.plugins)
    assert not paths.user_plugin_dir().exists() or not any(paths.user_plugin_dir().iterdir())


def test_a_missing_or_non_plugin_path_is_explained(window, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert not window.plugins.load_plugin(tmp_path / "notes.txt")
    assert "a plugin is a folder" in window.plugins.problem_text()
    assert not window.plugins.load_plugin(tmp_path / "nowhere")
    assert "no such file or folder" in window.plugins.problem_text()


def test_code_plugin_asks_for_trust_and_says_where_it_comes_from(qtbot, window, tmp_path):
    asked = []
    window.plugins.ask_trust = lambda name, where, details: asked.append((name, where, details)) or False
    plugin = shutil.copytree(EXAMPLE, tmp_path / "bow")
    assert not window.plugins.load_plugin(plugin)
    assert asked and str(plugin) in asked[0][1] and str(plugin) in asked[0][2]
    assert "not trusted" in window.plugins.problem_text()
    assert not (paths.user_plugin_dir()).exists() or not any(paths.user_plugin_dir().iterdir())

    window.plugins.ask_trust = lambda name, where, details: True
    with qtbot.waitSignal(window.plugins.plugin_did_install, timeout=10_000):
        assert window.plugins.load_plugin(plugin)
    window.facade.wait_until_idle()
    installed = next(p for p in window.facade.engine.plugins() if p.root and p.root.parent == paths.user_plugin_dir())
    assert TrustStore().is_trusted(installed.root) and installed.status == "ok"


def test_disable_enable_and_remove(qtbot, window, tmp_path):
    path = save_tiny(tmp_path, "gru", "classification", name="short-lived")
    with qtbot.waitSignal(window.plugins.plugin_did_install, timeout=10_000):
        window.plugins.load_plugin(path)
    window.facade.wait_until_idle()
    view = window.plugins
    _select(view, "short-lived")
    assert view.remove_button.isEnabled()
    with qtbot.waitSignal(window.facade.registry_did_change, timeout=10_000):
        qtbot.mouseClick(view.toggle_button, Qt.MouseButton.LeftButton)
    assert _rows(view)["short-lived"][8] == "disabled"
    assert "short-lived" not in [m.name for m in window.facade.models()]
    _select(view, "short-lived")
    with qtbot.waitSignal(window.facade.registry_did_change, timeout=10_000):
        qtbot.mouseClick(view.toggle_button, Qt.MouseButton.LeftButton)
    assert "short-lived" in [m.name for m in window.facade.models()]
    _select(view, "short-lived")
    view.ask_remove = lambda name: True
    with qtbot.waitSignal(window.facade.registry_did_change, timeout=10_000):
        qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert "short-lived" not in _rows(view)
    assert not (paths.user_plugin_dir() / "short-lived").exists()
    window.facade.wait_until_idle()


def test_built_in_plugins_cannot_be_removed(window):
    _select(window.plugins, "sentido-lstm")
    assert not window.plugins.remove_button.isEnabled()
    assert window.plugins.toggle_button.isEnabled()


def test_loading_an_installed_plugin_again_asks_before_replacing_it(qtbot, window, tmp_path):
    path = save_tiny(tmp_path, "gru", "classification", name="twice")
    with qtbot.waitSignal(window.plugins.plugin_did_install, timeout=10_000):
        assert window.plugins.load_plugin(path)
    window.facade.wait_until_idle()
    asked = []
    window.plugins.ask_replace = lambda name: asked.append(name) or False
    assert not window.plugins.load_plugin(path)
    assert asked == ["twice"]
    window.plugins.ask_replace = lambda name: True
    with qtbot.waitSignal(window.plugins.plugin_did_install, timeout=10_000):
        assert window.plugins.load_plugin(path)
    window.facade.wait_until_idle()
    assert [p.name for p in window.facade.engine.plugins()].count("twice") == 1
