"""The CheckList-style behavioural suite (engine/behaviour.py): its cases and how pass rates are counted."""

from sentido.engine.behaviour import CAPABILITIES, pass_rates, suite


def test_every_capability_has_cases_of_both_polarities_except_negations():
    cases = suite()
    assert len({c.text for c in cases}) == len(cases)  # no duplicates
    for capability in CAPABILITIES:
        expected = {c.expected for c in cases if c.capability == capability}
        assert expected, capability
    assert {c.expected for c in cases if c.capability == "negated positive"} == {"negative"}
    assert {c.expected for c in cases if c.capability == "negated negative"} == {"positive"}


def test_pass_rates_count_per_capability():
    cases = suite()
    always_positive = pass_rates(lambda texts: ["positive"] * len(texts))
    assert always_positive["negated positive"] == 0.0
    assert always_positive["negated negative"] == 1.0
    share = sum(c.expected == "positive" for c in cases) / len(cases)
    assert abs(always_positive["overall"] - share) < 1e-9
    oracle = {c.text: c.expected for c in cases}
    assert all(v == 1.0 for v in pass_rates(lambda texts: [oracle[t] for t in texts]).values())
