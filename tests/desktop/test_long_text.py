"""A 10,000-word text stays live: typing re-reads only its end, and every result equals a full re-run."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = (Path(__file__).resolve().parents[2] / "resources" / "samples" / "example.txt").read_text(encoding="utf-8")


def long_text(words: int = 10_000) -> str:
    text = ""
    while len(text.split()) < words:
        text += EXAMPLE + "\n\n"
    return text


@pytest.fixture
def engine(window):
    return window.facade.engine


def _same_as_full(session, model):
    full = model.tokenizer.encode(session.text)
    assert session.ids == full.ids
    assert session.tokens == full.tokens


@pytest.mark.parametrize("task, name", [("classification", "tiny-lstm-cls"), ("language-model", "tiny-lstm-lm")])
def test_edits_anywhere_in_a_long_text_match_a_full_encode(engine, task, name):
    session = engine.incremental(name, task)
    model = engine.load(name, task)
    text = long_text()
    session.update(text)
    _same_as_full(session, model)
    edits = [
        text + " and",  # typing at the end
        text + " and then",
        text + " and the<br",  # an HTML line break being typed across the re-read seam
        text + " and the<br />",
        text + " and the<br />x",
        text[:-200],  # a deletion
        text[:5000] + " INSERTED words here " + text[5000:],  # an edit in the middle
        "Cafe\u0301 " + text[:3000],  # a change at the very start, with a combining accent
        text[:3000] + "e\u0301 tail",
    ]
    for edited in edits:
        session.update(edited)
        _same_as_full(session, model)
    # Typing reads the text as one sequence (analyze and batch cut a text past the window into windows, and next
    # words read its last 20,000 characters): the contract here is with the network's own run over the whole text.
    encoded = model.tokenizer.encode(session.text)
    if task == "classification":
        full = model.make_analysis(session.text, encoded.tokens, model.probabilities([encoded.ids], 1)[0])
        live = session.analysis()
        assert live.label == full.label and abs(live.score - full.score) < 1e-5
    else:
        full = model._candidates(model.last_logits(encoded.ids), 5)
        assert [c.word for c in session.next_words(5)] == [c.word for c in full]


def test_typing_at_the_end_of_a_long_text_feeds_only_the_new_tokens(engine):
    session = engine.incremental("tiny-lstm-cls", "classification")
    text = long_text()
    session.update(text)
    assert session.fed_tokens > 10_000
    for word in (" a", " wonderful", " ending"):
        text += word
        session.update(text)
        assert session.fed_tokens <= 2


def test_the_view_analyses_a_pasted_long_text_and_its_sentences(qtbot, window):
    view = window.analyze
    view.set_chosen_models(["tiny-lstm-cls"])
    with qtbot.waitSignal(view.sentences_did_finish, timeout=60_000):
        view.set_text(long_text())
    window.facade.wait_until_idle(60)
    assert view.last_outcome.text == view.text()
    assert view.sentence_table.rowCount() > 500
    with qtbot.waitSignal(view.analysis_did_finish, timeout=30_000):
        view.editor.insertPlainText(" Loved it.")
    window.facade.wait_until_idle(60)
    assert view.last_outcome.text.endswith("Loved it.")
