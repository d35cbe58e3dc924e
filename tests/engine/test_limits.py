"""Memory is bounded by design: long texts read in windows everywhere, and every size a request names has a limit."""

from __future__ import annotations

import pytest

from sentido.engine.api import Engine
from sentido.engine.batch.analysis import classify
from sentido.engine.errors import InputError
from sentido.engine.inference import CONTEXT_CHARS, MAX_BEAM_WIDTH, context_tail
from sentido.engine.registry import Registry
from tests.helpers import save_tiny


def _engine(tmp_path, task):
    bundle = save_tiny(tmp_path, "lstm", task, name="m")
    return Engine(device="cpu", registry=Registry.discover([bundle], shipped=False, user=False))


def test_a_text_longer_than_the_window_gets_the_batch_score(tmp_path):
    model = _engine(tmp_path, "classification").load("m")
    long_text = " ".join(["the film was good but long and the end was bad"] * 200)
    assert len(model.tokenizer.encode(long_text).ids) > 2 * model.spec.max_length
    [result] = model.analyze([long_text])
    [batch_probs], _ = classify(model, [model.tokenizer.encode(long_text).ids], 64)
    assert result.probabilities == pytest.approx({l: float(p) for l, p in zip(model.labels, batch_probs)}, abs=1e-6)


@pytest.mark.parametrize("bad", [None, b"x", 123])
def test_analyze_names_a_value_that_is_not_text(tmp_path, bad):
    with pytest.raises(InputError, match="takes texts"):
        _engine(tmp_path, "classification").analyze(["fine", bad], model="m")


def test_next_words_reads_only_the_end_of_a_huge_text(tmp_path):
    engine = _engine(tmp_path, "language-model")
    huge = "words " * 1_700_000  # 10 MB
    tail = context_tail(huge)
    assert len(tail) <= CONTEXT_CHARS and set(tail.split()) == {"words"}  # no word cut in half
    assert engine.next_words(huge, k=3, model="m") == engine.next_words(tail, k=3, model="m")


@pytest.mark.parametrize("options,message", [
    ({"beam_width": MAX_BEAM_WIDTH + 1}, "beam width"),
    ({"beam_width": 100_000}, "beam width"),
    ({"max_words": 10_000}, "length"),
    ({"temperature": float("nan"), "strategy": "sample"}, "temperature"),
    ({"seed": 10**70, "strategy": "sample"}, "seed"),
])
def test_continue_limits_are_clear_errors(tmp_path, options, message):
    with pytest.raises(InputError, match=message):
        _engine(tmp_path, "language-model").continue_text("the film", model="m", **options)


@pytest.mark.parametrize("size", [10**12, 2**63 - 1, 10**6])
def test_a_giant_config_is_refused_before_allocating(tmp_path, size):
    from sentido.engine.errors import BundleError

    bundle = save_tiny(tmp_path, "lstm", "classification", name="m")
    text = (bundle / "plugin.toml").read_text()
    assert "hidden_size = " in text
    import re

    (bundle / "plugin.toml").write_text(re.sub(r"hidden_size = \d+", f"hidden_size = {size}", text))
    engine = Engine(device="cpu", registry=Registry.discover([bundle], shipped=False, user=False))
    with pytest.raises(BundleError, match="too large"):
        engine.load("m")
