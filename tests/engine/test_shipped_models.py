"""The models Sentido ships load and get obvious cases right (they are rebuilt by ``make models``)."""

from __future__ import annotations

import pytest

from sentido.engine import paths
from sentido.engine.api import Engine
from sentido.engine.registry import Registry

ENGLISH_SENTIMENT = ["sentiment-en-rnn", "sentiment-en-lstm", "sentiment-en-lstm-large", "sentiment-en-gru",
                     "sentiment-en-resnet-lstm"]
NEXT_WORD = ["nextword-en-lstm", "nextword-en-gru"]
OTHERS = ["emotion-en-lstm", "sentiment-es-lstm"]
MAX_BUNDLE_BYTES = 25 * 1024 * 1024


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(device="cpu", registry=Registry.discover(user=False), threads=1)


def shipped(name: str) -> bool:
    return (paths.shipped_models_dir() / name / "plugin.toml").is_file()


@pytest.mark.parametrize("name", ENGLISH_SENTIMENT + NEXT_WORD + OTHERS)
def test_shipped_model_is_complete_and_small(engine, name):
    if not shipped(name):
        pytest.fail(f"{name} is not in resources/models; run `make models`")
    entry = engine.registry.model(name)
    assert entry.headline is not None, "the manifest must carry metrics and a headline"
    folder = paths.shipped_models_dir() / name
    assert sum(f.stat().st_size for f in folder.iterdir()) <= MAX_BUNDLE_BYTES
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "## Command" in card and "Hardware" in card


@pytest.mark.parametrize("name", ENGLISH_SENTIMENT)
def test_english_sentiment_gets_obvious_sentences_right(engine, name):
    results = engine.analyze(
        ["A masterpiece, I loved every minute of it.", "Dreadful. A total waste of two hours."], model=name
    )
    assert [r.label for r in results] == ["positive", "negative"], [r.probabilities for r in results]
    assert results[0].score > 0 > results[1].score


@pytest.mark.parametrize("name", NEXT_WORD)
def test_next_word_models_know_the_united_states(engine, name):
    words = [c.word for c in engine.next_words("he moved to the united", k=5, model=name)]
    assert "states" in words, words


def test_spanish_and_emotion_models_answer_in_their_label_sets(engine):
    es = engine.analyze(["Una película maravillosa, me encantó de principio a fin.",
                         "Un bodrio aburrido y sin gracia, una pérdida de tiempo."], model="sentiment-es-lstm")
    assert [r.label for r in es] == ["positive", "negative"], [r.probabilities for r in es]
    emotion = engine.analyze(["i feel so happy and excited today"], model="emotion-en-lstm")[0]
    assert set(emotion.probabilities) == {"anger", "fear", "joy", "love", "sadness", "surprise"}
    assert emotion.label == "joy", emotion.probabilities


def test_default_english_models_are_sentiment_and_next_word(engine):
    assert engine.default_model("sentiment") in ENGLISH_SENTIMENT
    assert engine.default_model("next-word") in NEXT_WORD
