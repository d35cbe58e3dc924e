"""Discovery never raises, is isolated from the developer's plugins, and handles folders, zips and clashes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import torch

from sentido.engine import paths
from sentido.engine.api import Engine
from sentido.engine.bundle import save_model_plugin
from sentido.engine.errors import PluginError
from sentido.engine.registry import PluginState, Registry
from tests.helpers import save_tiny, tiny_tokenizer, write_plugin

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "bag_of_words_plugin"


def test_builtins_come_through_entry_points():
    registry = Registry.discover(shipped=False, user=False)
    builtins = {p.name: p for p in registry.plugins if p.source == "built-in"}
    assert set(builtins) == {"sentido-rnn", "sentido-lstm", "sentido-gru", "sentido-resnet-lstm"}
    assert registry.architecture_names() == ["gru", "lstm", "resnet_lstm", "rnn"]
    assert all(p.status == "ok" for p in builtins.values())


def test_user_folder_is_the_test_home(sentido_home):
    assert paths.user_plugin_dir().is_relative_to(sentido_home)
    assert not [p for p in Registry.discover().plugins if p.source == "user"]


def test_broken_plugins_are_listed_and_the_rest_loads(tmp_path):
    good = save_tiny(tmp_path, "lstm", "classification", name="good")
    bad_toml = write_plugin(tmp_path / "bad-toml", "[plugin\nname=")
    bad_field = write_plugin(tmp_path / "bad-field", '[plugin]\nname = "Bad Field"\nversion = "1"\n[[architectures]]\nname="x"\nentry="m:X"\n')
    registry = Registry.discover([bad_toml, good, tmp_path / "missing", bad_field], shipped=False, user=False)
    status = {p.name: (p.status, p.error) for p in registry.plugins if p.source == "path"}
    assert status["good"] == ("ok", None)
    assert status["bad-toml"][0] == "broken" and "not valid TOML" in status["bad-toml"][1]
    assert "no such file or folder" in status["missing"][1]
    assert "plugin.name" in status["bad-field"][1]
    assert [m.name for m in registry.models()] == ["good"]


def test_broken_architecture_import_is_a_clear_error(tmp_path):
    root = write_plugin(tmp_path / "boom", '[plugin]\nname = "boom"\nversion = "1.0"\n[[architectures]]\nname = "boom"\nentry = "boom:Model"\n',
                        {"boom.py": "raise RuntimeError('kaboom')\n"})
    registry = Registry.discover([root], shipped=False, user=False)
    registry.trust.trust(root)
    with pytest.raises(PluginError, match=r"cannot import architecture 'boom' from boom:Model \(RuntimeError: kaboom\)"):
        registry.architecture_class("boom")
    assert "lstm" in registry.architecture_names()


def test_name_clashes_mark_the_later_plugin(tmp_path):
    first = save_tiny(tmp_path / "a", "gru", "classification", name="same")
    second = save_tiny(tmp_path / "b", "lstm", "classification", name="same")
    registry = Registry.discover([first, second], shipped=False, user=False)
    later = [p for p in registry.plugins if p.root == second][0]
    assert later.status == "broken" and "already loaded" in later.error
    assert registry.model("same").plugin.root == first


def test_zip_plugins_load_and_unsafe_zips_are_refused(tmp_path):
    bundle = save_tiny(tmp_path, "gru", "language-model", name="zipped")
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in bundle.iterdir():
            zf.write(f, f"zipped/{f.name}")
    engine = Engine(device="cpu", registry=Registry.discover([archive], shipped=False, user=False))
    assert len(engine.next_words("he moved to", 3, model="zipped")) == 3

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../escape.txt", "x")
    plugin = Registry.discover([evil], shipped=False, user=False).plugins[-1]
    assert plugin.status == "broken" and "unsafe entry" in plugin.error
    assert not (tmp_path.parent / "escape.txt").exists()
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    assert "not a valid .zip" in Registry.discover([junk], shipped=False, user=False).plugins[-1].error


def test_disable_and_register_are_reversible(tmp_path):
    bundle = save_tiny(tmp_path, "lstm", "classification", name="m")
    PluginState().set_enabled("m", False)
    registry = Registry.discover([bundle], shipped=False, user=False)
    assert registry.plugin("m").status == "disabled" and registry.models() == []
    PluginState().set_enabled("m", True)
    assert [m.name for m in Registry.discover([bundle], shipped=False, user=False).models()] == ["m"]

    from sentido.plugins.gru.model import GRUModel

    undo = registry.register_architecture("my_gru", GRUModel)
    assert registry.architecture_class("my_gru") is GRUModel
    undo()
    with pytest.raises(PluginError, match="unknown architecture 'my_gru'; valid: gru, lstm"):
        registry.architecture_class("my_gru")
    with pytest.raises(PluginError, match="not a torch.nn.Module"):
        registry.register_architecture("nope", dict)


def test_example_third_party_plugin_trains_saves_and_predicts(tmp_path):
    registry = Registry.discover([EXAMPLE], shipped=False, user=False)
    assert registry.plugin("example-bag-of-embeddings").status == "untrusted"
    registry.trust.trust(EXAMPLE)
    cls = registry.architecture_class("bag_of_embeddings")
    tok = tiny_tokenizer()
    torch.manual_seed(0)
    module = cls(cls.config_class(vocab_size=tok.vocab_size, num_labels=2)).eval()
    bundle = save_model_plugin(tmp_path / "bag", module=module, tokenizer=tok, name="bag", architecture="bag_of_embeddings",
                               language="en", labels=["negative", "positive"])
    engine = Engine(device="cpu", registry=Registry.discover([EXAMPLE, bundle], shipped=False, user=False))
    result = engine.analyze(["a great film"], model="bag")[0]
    assert result.label in ("negative", "positive")
    session = engine.incremental("bag")  # no step(): the session re-runs the model and still answers
    assert session.update("a great film").analysis().probabilities == pytest.approx(result.probabilities)


def test_default_model_is_the_best_of_its_task(tmp_path):
    a = save_tiny(tmp_path, "lstm", "classification", name="a")
    b = save_tiny(tmp_path, "gru", "classification", name="b")
    for root, acc in ((a, 0.8), (b, 0.9)):
        text = (root / "plugin.toml").read_text().replace("accuracy = 0.5", f"accuracy = {acc}")
        (root / "plugin.toml").write_text(text)
    lm1 = save_tiny(tmp_path, "lstm", "language-model", name="lm1")
    lm2 = save_tiny(tmp_path, "gru", "language-model", name="lm2")
    (lm1 / "plugin.toml").write_text((lm1 / "plugin.toml").read_text().replace("perplexity = 100.0", "perplexity = 90.0"))
    engine = Engine(device="cpu", registry=Registry.discover([a, b, lm1, lm2], shipped=False, user=False))
    assert engine.default_model("sentiment") == "b"
    assert engine.default_model("next-word") == "lm1"  # lower perplexity wins
    assert engine.analyze(["fine"])[0].model == "b"


def test_unload_frees_and_reloads(tmp_path):
    bundle = save_tiny(tmp_path, "lstm", "classification", name="m")
    engine = Engine(device="cpu", registry=Registry.discover([bundle], shipped=False, user=False))
    first = engine.load("m")
    engine.unload("m")
    assert engine.loaded() == []
    assert engine.load("m") is not first


def test_validate_plugin_names_every_kind_of_problem(tmp_path):
    from sentido.engine.registry import validate_plugin

    assert validate_plugin(tmp_path / "missing")[2] == [f"{tmp_path / 'missing'}: no such file or folder"]
    (tmp_path / "notes.txt").write_text("hello")
    assert "a plugin is a folder holding plugin.toml" in validate_plugin(tmp_path / "notes.txt")[2][0]
    (tmp_path / "empty").mkdir()
    root, manifest, problems = validate_plugin(tmp_path / "empty")
    assert root is None and manifest is None and problems
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    assert validate_plugin(tmp_path / "bad.zip")[2]
