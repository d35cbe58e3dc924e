"""Which language a text is in, offline, among the languages Sentido has models for.

With the optional ``py3langid`` package installed (``pip install sentido[language]``; it ships its own model,
nothing downloads) detection uses its Naive Bayes classifier restricted to the candidate languages. Without it, a
small built-in fallback counts the most common function words of each language. Both say nothing (``None``) for a
text too short to tell: a single word is as often wrong as right.

Accuracy on held-out sentences (``python benchmarks/language.py``; the figures are in docs/models.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

NAMES = {"en": "English", "es": "Spanish"}
MIN_LETTERS = 12  # below this, no guess
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# The most frequent short words of each language (from any frequency list; none is shared between the two).
_FUNCTION_WORDS = {
    "en": set("the a an and of to in is was it that this for with on as are be but not you i he she they we his her"
              " at by have has had from or so my me do what there their were been would will can just very".split()),
    "es": set("el la los las un una unos unas y de del que en es fue por para con no se lo le su sus al muy pero"
              " como más mas este esta esto yo tú él ella ellos nos mi me te ha han era son está porque sin sobre"
              " también cuando hay ni".split()),
}


@dataclass(frozen=True)
class LanguageGuess:
    code: str  # ISO 639-1, as in a model manifest's ``language``
    confidence: float  # 0..1
    method: str  # "py3langid" or "function-words"

    @property
    def name(self) -> str:
        return NAMES.get(self.code, self.code)


@cache
def _langid(languages: tuple[str, ...]):
    """A py3langid identifier restricted to ``languages``, or None when the package is not installed."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)  # npz arrays, no pickle
    identifier.set_languages(list(languages))
    return identifier


def _function_words(text: str, languages: Sequence[str]) -> LanguageGuess | None:
    words = [w.lower() for w in _WORD.findall(text)]
    counts = {code: sum(w in _FUNCTION_WORDS.get(code, ()) for w in words) for code in languages}
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] == 0 or len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    total = sum(counts.values())
    return LanguageGuess(ranked[0][0], ranked[0][1] / total, "function-words")


def detect_language(text: str, languages: Sequence[str] = ("en", "es"), *, use_package: bool = True,
                    sample_chars: int = 2000) -> LanguageGuess | None:
    """The most likely of ``languages`` for ``text`` (its first ``sample_chars`` characters), or None when the
    text is too short or the evidence is even."""
    sample = text[:sample_chars]
    if sum(len(w) for w in _WORD.findall(sample)) < MIN_LETTERS:
        return None
    candidates = tuple(sorted(set(languages)))
    if len(candidates) == 1:
        return LanguageGuess(candidates[0], 1.0, "only-language")
    identifier = _langid(candidates) if use_package else None
    if identifier is not None:
        code, probability = identifier.classify(sample)
        return LanguageGuess(str(code), float(probability), "py3langid")
    return _function_words(sample, candidates)


def detector_name() -> str:
    """Which detector :func:`detect_language` uses on this installation."""
    return "py3langid" if _langid(("en", "es")) is not None else "function-words"
