"""When a result is too close to call: the uncertainty band, one rule for the CLI, the window and batches.

A classifier always names a label, even at 51%. Sentido calls a result *uncertain* when its top label beats the
runner-up by less than twice the band: for two labels that is a probability within ``band`` of 50%
(band 0.10: anything from 40% to 60% positive). A model whose labels carry a valence (negative/positive) calls
such a result **mixed**; one without (emotions) calls it **uncertain**.

The band is a setting: ``--uncertain-band`` for ``sentido analyze``, Settings > Uncertainty band in the window;
0 turns the rule off.
"""

from __future__ import annotations

from collections.abc import Mapping

from sentido.engine.errors import InputError

DEFAULT_BAND = 0.10
MAX_BAND = 0.45  # a wider band would call almost everything uncertain


def check_band(band: float) -> float:
    """``band`` when it is usable (0 to 0.45); an InputError naming the allowed range otherwise."""
    if not 0.0 <= band <= MAX_BAND:
        raise InputError(f"uncertainty band must be between 0 and {MAX_BAND}, got {band}")
    return band


def margin(probabilities: Mapping[str, float]) -> float:
    """How far the top label is ahead of the runner-up (1.0 for a single label)."""
    ranked = sorted(probabilities.values(), reverse=True)
    if not ranked:
        return 0.0
    return ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)


def is_uncertain(probabilities: Mapping[str, float], band: float = DEFAULT_BAND) -> bool:
    """True when the top label leads the runner-up by less than ``2 * band`` (never with band 0 or no labels)."""
    return band > 0 and bool(probabilities) and margin(probabilities) < 2 * band


def doubt_word(signed: bool) -> str:
    """"mixed" for labels with a valence (the text pulls both ways), "uncertain" otherwise."""
    return "mixed" if signed else "uncertain"


def shown_label(label: str | None, probabilities: Mapping[str, float], band: float = DEFAULT_BAND,
                signed: bool = True) -> str:
    """The label as a person should read it: ``"mixed (positive)"`` inside the band, else the label itself."""
    if label is None:
        return "(no words)"
    return f"{doubt_word(signed)} ({label})" if is_uncertain(probabilities, band) else label
