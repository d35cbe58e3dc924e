"""A behavioural test suite for sentiment models, in the spirit of CheckList (Ribeiro et al., ACL 2020).

Templated minimum-functionality cases, grouped by capability: plain vocabulary across domains (food, service,
products, films), negated positives ("I didn't love it"), negated negatives ("not bad at all"), contrast where the
clause after "but" decides, and intensifiers. Every case has an expected polarity (negative or positive); a model
passes a case when its most likely polar label is the expected one (for a three-class model, the more likely of
negative and positive).

These templates were written before any model trained for issue 14 was measured, and no shipped model was trained
on them. Training data augmented with templated sentences (not written yet) must use other frames and words, and
a test must then check that no case sentence occurs in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import product


@dataclass(frozen=True)
class Case:
    capability: str
    text: str
    expected: str  # "negative" or "positive"


# Domain vocabulary: (thing, positive adjectives, negative adjectives)
DOMAINS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "food": (["the soup", "the pasta", "dinner", "the dessert"],
             ["delicious", "tasty", "fresh", "excellent"], ["bland", "stale", "disgusting", "awful"]),
    "service": (["the staff", "the waiter", "customer support", "the receptionist"],
                ["friendly", "helpful", "polite", "wonderful"], ["rude", "unhelpful", "slow", "terrible"]),
    "products": (["this phone", "the charger", "this laptop", "the headphones"],
                 ["reliable", "great", "sturdy", "fantastic"], ["flimsy", "useless", "broken", "horrible"]),
    "films": (["the movie", "this film", "the plot", "the acting"],
              ["brilliant", "moving", "superb", "amazing"], ["boring", "dull", "dreadful", "bad"]),
}

POSITIVE_VERBS = ["love", "like", "enjoy", "recommend"]
NEGATIVE_VERBS = ["hate", "dislike", "regret buying"]


def _plain() -> list[Case]:
    cases = []
    for things, good, bad in DOMAINS.values():
        for thing, adj in product(things, good):
            cases.append(Case("vocabulary", f"{thing.capitalize()} was {adj}.", "positive"))
        for thing, adj in product(things, bad):
            cases.append(Case("vocabulary", f"{thing.capitalize()} was {adj}.", "negative"))
    return cases


def _negated_positive() -> list[Case]:
    cases = []
    for things, good, _ in DOMAINS.values():
        for thing, adj in product(things[:2], good):
            cases.append(Case("negated positive", f"{thing.capitalize()} was not {adj}.", "negative"))
            cases.append(Case("negated positive", f"Honestly, {thing} wasn't {adj} at all.", "negative"))
        for thing, verb in product(things[:2], POSITIVE_VERBS[:3]):
            cases.append(Case("negated positive", f"I didn't {verb} {thing}.", "negative"))
    return cases


def _negated_negative() -> list[Case]:
    cases = []
    for things, _, bad in DOMAINS.values():
        for thing, adj in product(things[:2], bad):
            cases.append(Case("negated negative", f"{thing.capitalize()} was not {adj} at all.", "positive"))
            cases.append(Case("negated negative", f"I was worried, but {thing} wasn't {adj}.", "positive"))
        for thing in things[:2]:
            cases.append(Case("negated negative", f"Not bad at all, {thing}.", "positive"))
            cases.append(Case("negated negative", f"I don't regret choosing {thing}.", "positive"))
    return cases


def _contrast() -> list[Case]:
    cases = []
    for things, good, bad in DOMAINS.values():
        for thing, g, b in zip(things, good, bad):
            cases.append(Case("contrast", f"{thing.capitalize()} looked {b} at first, but it turned out {g}.", "positive"))
            cases.append(Case("contrast", f"{thing.capitalize()} seemed {g} at first, but it turned out {b}.", "negative"))
            cases.append(Case("contrast", f"I expected {thing} to be {b}, but it was {g}.", "positive"))
            cases.append(Case("contrast", f"I expected {thing} to be {g}, but it was {b}.", "negative"))
    return cases


def _intensifiers() -> list[Case]:
    cases = []
    for things, good, bad in DOMAINS.values():
        for thing, adverb in product(things[:2], ["really", "extremely", "incredibly"]):
            cases.append(Case("intensifiers", f"{thing.capitalize()} was {adverb} {good[0]}!", "positive"))
            cases.append(Case("intensifiers", f"{thing.capitalize()} was {adverb} {bad[0]}!", "negative"))
        for thing in things[:2]:
            cases.append(Case("intensifiers", f"Absolutely the most {good[1]} {thing.split()[-1]} ever.", "positive"))
            cases.append(Case("intensifiers", f"By far the most {bad[1]} {thing.split()[-1]} ever.", "negative"))
    return cases


def suite() -> list[Case]:
    """Every case, in a fixed order."""
    return _plain() + _negated_positive() + _negated_negative() + _contrast() + _intensifiers()


CAPABILITIES = ("vocabulary", "negated positive", "negated negative", "contrast", "intensifiers")


def pass_rates(predict: Callable[[Sequence[str]], Iterable[str]], cases: Sequence[Case] | None = None) -> dict[str, float]:
    """Pass rate per capability and ``overall`` for ``predict`` (texts -> "negative"/"positive" labels)."""
    cases = list(cases if cases is not None else suite())
    predicted = list(predict([c.text for c in cases]))
    if len(predicted) != len(cases):
        raise ValueError(f"predict returned {len(predicted)} labels for {len(cases)} texts")
    rates: dict[str, float] = {}
    for capability in CAPABILITIES:
        mine = [p == c.expected for c, p in zip(cases, predicted) if c.capability == capability]
        if mine:
            rates[capability] = sum(mine) / len(mine)
    rates["overall"] = sum(p == c.expected for c, p in zip(cases, predicted)) / len(cases)
    return rates


def model_predictor(model) -> Callable[[Sequence[str]], list[str]]:
    """For a loaded Sentido classifier with negative and positive labels: the more likely of the two."""
    labels = [label.lower() for label in model.labels]
    neg, pos = labels.index("negative"), labels.index("positive")

    def predict(texts: Sequence[str]) -> list[str]:
        ids = model.tokenizer.ids_batch(list(texts))
        probs = model.probabilities(ids)
        return ["positive" if float(row[pos]) >= float(row[neg]) else "negative" for row in probs]

    return predict


def rates_table(rows: dict[str, dict[str, float]]) -> str:
    """A Markdown table: one row per model or baseline, one column per capability."""
    columns = [*CAPABILITIES, "overall"]
    counts = {c: sum(1 for case in suite() if case.capability == c) for c in CAPABILITIES}
    counts["overall"] = len(suite())
    lines = ["| | " + " | ".join(f"{c} ({counts[c]})" for c in columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, rates in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{rates.get(c, 0.0):.1%}" for c in columns) + " |")
    return "\n".join(lines)
