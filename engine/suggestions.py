"""What a language model may offer as the next word, and how generated tokens are written back as text.

Two things the raw vocabulary gets wrong for a person typing:

* **Markup.** WikiText, the corpus the shipped next-word models learnt from, writes headings as ``= Title =`` and
  joins numbers and hyphenated words with ``@-@``, ``@,@``, ``@.@``. The word-level tokenizer keeps ``=`` and ``@``
  as tokens of their own, and ``=`` is the most likely first token of a WikiText "document", so an empty editor
  was offered "=". :func:`markup_ids` lists such tokens; the engine never offers or generates them
  (``LoadedModel`` adds them to its banned ids).
* **Lone punctuation where a word is expected.** After a full stop, a comma or at the very start, a token that is
  only punctuation (``"``, ``(``, ``.``) is not a word to suggest. :func:`word_expected` says when a word is
  expected; :func:`punctuation_ids` lists the tokens then held back. After a word, punctuation stays on offer
  ("the film was great" → ".").

:func:`detokenize` turns the tokenizer's space-separated output ("united states . it was") into the text a person
would type after what is already there ("States. It was"): no space before closing punctuation, none after an
opening bracket, ``##`` word pieces joined, and a capital letter where a sentence starts.

Plain Python, no torch: the desktop uses :func:`detokenize` directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# WikiText's markup tokens (and their pieces, as a word-level tokenizer splits them).
_MARKUP = {"=", "==", "===", "@", "@-@", "@,@", "@.@", "<unk>", "<pad>", "<eos>", "<s>", "</s>", "[UNK]", "[PAD]"}
_NO_SPACE_BEFORE = set(".,!?;:)]}%…’»”")
_NO_SPACE_AFTER = set("([{¿¡«“$£€#")
_SENTENCE_END = set(".!?…")
_CONTRACTION = re.compile(r"^(n't|'s|'re|'ve|'ll|'d|'m|’s|’re|’ve|’ll|’d|’m|n’t)$", re.IGNORECASE)
_WIKITEXT_JOINERS = {"@-@": "-", "@,@": ",", "@.@": "."}


def is_markup(token: str) -> bool:
    """A token of corpus markup, never text a person types (WikiText headings and number joiners, specials)."""
    return token in _MARKUP or (bool(token) and set(token) <= {"=", "@"})


def is_punctuation(token: str) -> bool:
    """A token with no letter or digit in it (``"``, ``.``, ``--``)."""
    return bool(token) and not any(ch.isalnum() for ch in token)


def word_expected(prefix: str) -> bool:
    """Whether the next token should be a word: at the start, or right after punctuation ("It was good.")."""
    stripped = prefix.rstrip()
    return not stripped or not stripped[-1].isalnum()


def markup_ids(vocab: dict[str, int]) -> list[int]:
    """Ids of the markup tokens in a tokenizer vocabulary (``token -> id``)."""
    return sorted(index for token, index in vocab.items() if is_markup(token))


def punctuation_ids(vocab: dict[str, int]) -> list[int]:
    """Ids of the tokens that are only punctuation (held back where a word is expected)."""
    return sorted(index for token, index in vocab.items() if is_punctuation(token) and not is_markup(token))


def _opens_quote(before: str) -> bool:
    return before.count('"') % 2 == 0


def _joined(before: str, token: str) -> str:
    """``token`` as it continues ``before``: with or without a space, capitalised at a sentence start."""
    token = _WIKITEXT_JOINERS.get(token, token)
    if token.startswith("##"):
        return token[2:]
    last = before.rstrip()[-1:] if before.strip() else ""
    # After an opening bracket, or a quote that opened (an odd number of quotes so far), the word sticks to it.
    glued = before[-1:] in _NO_SPACE_AFTER or (before.endswith('"') and not _opens_quote(before))
    if token == '"':
        glued_quote = not _opens_quote(before)  # a closing quote sticks to the word before it
        space = "" if glued_quote or not before or before[-1].isspace() else " "
        return space + token
    if token in ("-",) and before and not before[-1].isspace():
        return token  # "well-known", as WikiText's @-@ joined it
    if (token[0] in _NO_SPACE_BEFORE) or _CONTRACTION.match(token) or before.endswith("-"):
        return token
    if not before.strip() or last in _SENTENCE_END:
        token = token[:1].upper() + token[1:]
    elif token == "i" or token.startswith(("i'", "i’")):
        token = "I" + token[1:]  # the English pronoun, lowercased by the tokenizer
    if not before or before[-1].isspace() or glued:
        return token
    return " " + token


def detokenize(before: str, generated: str | Iterable[str]) -> str:
    """The text to insert after ``before`` for generated tokens (a space-separated string or a list of tokens)."""
    tokens = generated.split() if isinstance(generated, str) else list(generated)
    out = ""
    for token in tokens:
        if not token or is_markup(token) and token not in _WIKITEXT_JOINERS:
            continue
        out += _joined(before + out, token)
    return out
