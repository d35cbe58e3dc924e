"""Trust covers exactly what can run: each bypass the adversarial review found is a regression test here."""

from __future__ import annotations

import importlib.util
import os
import py_compile

import pytest

from sentido.engine.errors import ManifestError, TrustError
from sentido.engine.registry import Registry
from sentido.engine.trust import import_from_snapshot, snapshot
from tests.helpers import write_plugin

MANIFEST = """
[plugin]
name = "{name}"
version = "0.1.0"

[[architectures]]
name = "{arch}"
entry = "{module}:Model"
"""

SAFE_CODE = """
from sentido.plugins.lstm.model import LSTMModel as Model
"""

EVIL_CODE = """
import pathlib, os
pathlib.Path(os.environ["SENTIDO_MARKER"]).write_text("evil ran")
from sentido.plugins.lstm.model import LSTMModel as Model
"""


@pytest.fixture
def marker(tmp_path, monkeypatch):
    path = tmp_path / "evil-ran"
    monkeypatch.setenv("SENTIDO_MARKER", str(path))
    return path


def _trusted(tmp_path, name="trusted", arch="safe_arch", module="safe_arch"):
    root = write_plugin(tmp_path / name, MANIFEST.format(name=name, arch=arch, module=module), {f"{module}.py": SAFE_CODE})
    registry = Registry.discover([root], shipped=False, user=False)
    registry.trust.trust(root)
    return root


def _load(root, arch="safe_arch"):
    return Registry.discover([root], shipped=False, user=False).architecture_class(arch)


def test_a_pyc_planted_in_pycache_never_runs(tmp_path, marker):
    root = _trusted(tmp_path)
    # Compile the evil source to exactly the .pyc Python's own import would pick for safe_arch.py.
    evil = tmp_path / "evil.py"
    evil.write_text(EVIL_CODE)
    cached = importlib.util.cache_from_source(str(root / "safe_arch.py"))
    os.makedirs(os.path.dirname(cached), exist_ok=True)
    # An unchecked-hash .pyc is used by Python's importer without looking at the source at all.
    py_compile.compile(str(evil), cfile=cached, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    assert _load(root).__name__ == "LSTMModel"
    assert not marker.exists()


def test_a_symlinked_package_added_to_a_trusted_plugin_is_refused(tmp_path, marker):
    root = _trusted(tmp_path)
    elsewhere = tmp_path / "elsewhere" / "safe_arch"
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text(EVIL_CODE)
    os.symlink(elsewhere, root / "safe_arch", target_is_directory=True)  # a package wins over safe_arch.py
    with pytest.raises(TrustError):
        _load(root)
    assert not marker.exists()


def test_code_swapped_after_hashing_cannot_run(tmp_path, marker):
    root = _trusted(tmp_path)
    taken = snapshot(root)
    (root / "safe_arch.py").write_text(EVIL_CODE)  # the swap, between the hash and the import
    module = import_from_snapshot("trusted", taken, "safe_arch")
    assert module.Model.__name__ == "LSTMModel"
    assert not marker.exists()


def test_the_digest_encoding_is_unambiguous(tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    (one / "a.py").write_bytes(b"hello\0zz_extra.py\0CODE")
    two = tmp_path / "two"
    two.mkdir()
    (two / "a.py").write_bytes(b"hello")
    (two / "zz_extra.py").write_bytes(b"CODE")
    assert snapshot(one).digest != snapshot(two).digest


def test_any_edit_after_trust_revokes_it(tmp_path, marker):
    root = _trusted(tmp_path)
    (root / "safe_arch.py").write_text(EVIL_CODE)
    with pytest.raises(TrustError):
        _load(root)
    assert not marker.exists()


def test_plugins_whose_names_differ_only_in_dash_and_underscore_keep_their_own_code(tmp_path, marker):
    first = _trusted(tmp_path, name="dup-x", arch="arch_one", module="model")
    second = write_plugin(tmp_path / "dup_x", MANIFEST.format(name="dup_x", arch="arch_two", module="model"),
                          {"model.py": EVIL_CODE})
    registry = Registry.discover([first, second], shipped=False, user=False)
    registry.trust.trust(second)
    assert registry.architecture_class("arch_one").__name__ == "LSTMModel"
    assert not marker.exists()  # dup-x's module is not dup_x's
    registry.architecture_class("arch_two")
    assert marker.read_text() == "evil ran"  # dup_x runs its own (trusted) code, not dup-x's


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_metrics_must_be_finite(tmp_path, value):
    from sentido.engine.manifest import read_manifest
    from tests.helpers import save_tiny

    bundle = save_tiny(tmp_path, "lstm", "classification", name="m")
    text = (bundle / "plugin.toml").read_text()
    (bundle / "plugin.toml").write_text(text.replace("accuracy = 0.5", f"accuracy = {value}"))
    with pytest.raises(ManifestError, match="finite"):
        read_manifest(bundle)


def test_a_path_model_claiming_perfect_accuracy_is_not_made_the_default(tmp_path):
    from sentido.engine.api import Engine
    from tests.helpers import save_tiny

    bundle = save_tiny(tmp_path, "lstm", "classification", name="boastful")
    text = (bundle / "plugin.toml").read_text()
    (bundle / "plugin.toml").write_text(text.replace("accuracy = 0.5", "accuracy = 1.0"))
    with_shipped = Engine(device="cpu", registry=Registry.discover([bundle], shipped=True, user=False))
    assert with_shipped.default_model("classification") != "boastful"
    alone = Engine(device="cpu", registry=Registry.discover([bundle], shipped=False, user=False))
    assert alone.default_model("classification") == "boastful"  # nothing else does the task
