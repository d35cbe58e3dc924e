"""Looking inside a model: attributions, prefix predictions, gradient memory, gates, beam trees, neighbours."""

from __future__ import annotations

import gzip
import math
import random

import numpy as np
import pytest
import torch

from sentido.engine import explain as X
from sentido.engine.api import Engine
from sentido.engine.errors import InputError
from sentido.engine.inference import LoadedModel
from tests.helpers import save_tiny, tiny_model, tiny_tokenizer

# Filler words, some unknown to the vocabulary, so the model learns that <unk> (the attribution baseline) says nothing.
FILLER = ["the", "movie", "story", "acting", "plot", "ending", "film", "time", "he", "and", "was", "a", "zorg", "qwix"]


def loaded(module, tokenizer, labels=("negative", "positive"), name="tiny-model") -> LoadedModel:
    from sentido.engine.manifest import ModelSpec

    task = module.config.task
    spec = ModelSpec(name=name, task=task, architecture=module.cell, language="en",
                     labels=list(labels) if task == "classification" else [])
    return LoadedModel(name, spec, module.eval(), tokenizer, torch.device("cpu"))


def one_word_classifier(arch="lstm", word="great", **config) -> LoadedModel:
    """A tiny classifier trained for a second on texts whose label is decided by one word alone."""
    tokenizer = tiny_tokenizer()
    module = tiny_model(arch, "classification", tokenizer, seed=1, **config)
    rng = random.Random(0)
    texts, labels = [], []
    for _ in range(256):
        words = rng.choices(FILLER, k=rng.randint(3, 8))
        label = rng.random() < 0.5
        if label:
            words.insert(rng.randrange(len(words) + 1), word)
        texts.append(" ".join(words))
        labels.append(int(label))
    ids = tokenizer.ids_batch(texts)
    lengths = torch.tensor([len(x) for x in ids])
    batch = torch.zeros(len(ids), int(lengths.max()), dtype=torch.long)
    for row, seq in enumerate(ids):
        batch[row, : len(seq)] = torch.tensor(seq)
    target = torch.tensor(labels)
    optimizer = torch.optim.Adam(module.parameters(), lr=0.03)
    module.train()
    for _ in range(60):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(module(batch, lengths), target)
        loss.backward()
        optimizer.step()
    model = loaded(module, tokenizer)
    assert (model.probabilities(ids).argmax(1) == target).float().mean() > 0.95  # it learned the rule
    return model


@pytest.fixture(scope="module")
def decisive():
    return one_word_classifier()


@pytest.mark.parametrize("method", ["integrated-gradients", "occlusion"])
def test_attribution_finds_the_deciding_word(decisive, method):
    text = "the acting was a plot and great story time"
    result = X.explain(decisive, text, method=method)
    assert result.label == "positive"
    toward = result.toward("positive")
    words = [t.text for t in result.tokens]
    assert words[int(np.argmax(toward))] == "great"
    others = np.delete(np.abs(toward), words.index("great"))
    assert toward[words.index("great")] > 2 * others.max()


def test_integrated_gradients_are_complete_and_symmetric(decisive):
    result = X.explain(decisive, "great movie and the ending", steps=64)
    assert result.method == "integrated-gradients"
    assert result.completeness_gap < 0.05 * np.abs(result.attributions).sum()
    np.testing.assert_allclose(result.attributions[:, 0], -result.attributions[:, 1], atol=1e-5)


def test_explanation_dict_has_a_value_per_token(decisive):
    data = X.explain(decisive, "great film").to_dict()
    assert data["target"] == "positive" and data["method"] == "integrated-gradients"
    assert [t["text"] for t in data["tokens"]] == ["great", "film"]
    assert set(data["tokens"][0]["attributions"]) == {"negative", "positive"}
    assert "attention" not in data["tokens"][0]


def test_attention_weights_when_the_model_pools_with_attention():
    model = one_word_classifier(pooling="attention")
    result = X.explain(model, "the plot was great and the acting")
    assert result.attention is not None and len(result.attention) == len(result.tokens)
    assert result.attention.sum() == pytest.approx(1.0, abs=1e-5)
    assert "attention" in result.to_dict()["tokens"][0]


def test_empty_text_and_wrong_task_and_method():
    tokenizer = tiny_tokenizer()
    model = loaded(tiny_model("gru", "classification", tokenizer), tokenizer)
    empty = X.explain(model, "   ")
    assert empty.label is None and empty.tokens == [] and empty.to_dict()["tokens"] == []
    with pytest.raises(InputError, match="valid: auto"):
        X.explain(model, "great", method="shapley")
    lm = loaded(tiny_model("gru", "language-model", tokenizer), tokenizer)
    with pytest.raises(InputError, match="language-model model"):
        X.explain(lm, "great")


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru", "resnet_lstm"])
@pytest.mark.parametrize("pooling", ["last", "mean", "attention"])
def test_prediction_after_every_prefix_equals_running_the_prefix(arch, pooling):
    tokenizer = tiny_tokenizer()
    model = loaded(tiny_model(arch, "classification", tokenizer, pooling=pooling), tokenizer)
    text = "I loved this movie, but the ending was bad."
    trajectory = X.along_the_text(model, text)
    ids = tokenizer.encode(text).ids
    expected = model.probabilities([ids[: t + 1] for t in range(len(ids))]).numpy()
    np.testing.assert_allclose(trajectory.probabilities, expected, atol=1e-5)
    np.testing.assert_allclose(trajectory.scores, expected[:, 1] - expected[:, 0], atol=1e-5)


def test_prefix_predictions_of_a_bidirectional_model_and_in_small_chunks():
    tokenizer = tiny_tokenizer()
    model = loaded(tiny_model("lstm", "classification", tokenizer, bidirectional=True), tokenizer)
    text = "great story, boring ending"
    ids = tokenizer.encode(text).ids
    expected = model.probabilities([ids[: t + 1] for t in range(len(ids))]).numpy()
    np.testing.assert_allclose(X.along_the_text(model, text).probabilities, expected, atol=1e-5)
    forward = loaded(tiny_model("gru", "classification", tokenizer), tokenizer)
    whole = X.along_the_text(forward, text).probabilities
    np.testing.assert_allclose(X.along_the_text(forward, text, memory_floats=1).probabilities, whole, atol=1e-6)


def test_a_plain_rnn_with_small_recurrent_weights_forgets_geometrically():
    tokenizer = tiny_tokenizer()
    module = tiny_model("rnn", "classification", tokenizer, num_layers=1)
    with torch.no_grad():
        module.encoder.weight_hh_l0.mul_(0.2)
    model = loaded(module, tokenizer)
    result = X.memory(model, "he moved to the united states in 1990 and lived there")
    assert result.exact and result.output == "state"
    assert np.all(np.diff(result.norms) > 0)  # the further back a word, the weaker its gradient
    assert result.norms[0] < 1e-3 * result.norms[-1]


def test_memory_state_estimate_matches_the_exact_norm():
    tokenizer = tiny_tokenizer()
    model = loaded(tiny_model("lstm", "classification", tokenizer), tokenizer)
    text = "what a wonderful, funny and clever film"
    exact = X.memory(model, text, position=4)
    estimate = X.memory(model, text, position=4, projections=8)  # 12 units > 8 projections: estimated
    assert exact.exact and not estimate.exact
    assert np.all(np.isnan(exact.norms[5:])) and not np.any(np.isnan(exact.norms[:5]))
    many = X.memory(model, text, position=4, projections=11)
    assert not many.exact
    # A Hutchinson estimate from a few projections is rough; it must still be of the right size.
    ratio = estimate.norms[:5] / exact.norms[:5]
    assert np.all((ratio > 0.2) & (ratio < 5))


def test_memory_of_a_prediction_for_classifiers_and_language_models():
    tokenizer = tiny_tokenizer()
    cls = loaded(tiny_model("gru", "classification", tokenizer), tokenizer)
    result = X.memory(cls, "great story, boring ending", output="prediction", label="positive")
    assert result.output == "prediction" and np.all(result.norms > 0)
    lm = loaded(tiny_model("lstm", "language-model", tokenizer), tokenizer)
    result = X.memory(lm, "he moved to the united states", output="prediction", position=3)
    assert np.all(result.norms[:4] > 0) and np.all(np.isnan(result.norms[4:]))
    bidirectional = loaded(tiny_model("lstm", "classification", tokenizer, bidirectional=True), tokenizer)
    assert not np.any(np.isnan(X.memory(bidirectional, "great story, boring ending", position=1).norms))
    with pytest.raises(InputError, match="position must be between 0 and"):
        X.memory(cls, "great story", position=7)
    with pytest.raises(InputError, match="valid: state, prediction"):
        X.memory(cls, "great story", output="cell")
    with pytest.raises(InputError, match="unknown label"):
        X.memory(cls, "great story", output="prediction", label="joy")


@pytest.mark.parametrize(("arch", "names"), [
    ("lstm", {"input", "forget", "cell", "output"}), ("gru", {"reset", "update", "new"}), ("rnn", set()),
])
def test_gate_activations_cover_every_token_and_unit(arch, names):
    tokenizer = tiny_tokenizer()
    module = tiny_model(arch, "classification", tokenizer)
    model = loaded(module, tokenizer)
    text = "a great and moving story"
    gates = X.gate_activations(model, text, layer=1)
    assert set(gates.gates) == names and gates.num_layers == 2
    ids = tokenizer.encode(text).ids
    for name, values in gates.gates.items():
        assert values.shape == (len(ids), 12)
        if name not in ("cell", "new"):  # sigmoid gates
            assert values.min() >= 0 and values.max() <= 1
    with torch.no_grad():
        features, _ = module.encode(torch.tensor([ids]), torch.tensor([len(ids)]))
    np.testing.assert_allclose(gates.hidden, features[0].numpy(), atol=1e-5)  # top layer = the model's states
    with pytest.raises(InputError, match="layer must be between 0 and 1"):
        X.gate_activations(model, text, layer=2)


def test_gates_of_bidirectional_models():
    tokenizer = tiny_tokenizer()
    one = loaded(tiny_model("lstm", "classification", tokenizer, bidirectional=True, num_layers=1), tokenizer)
    gates = X.gate_activations(one, "a great film")
    assert gates.hidden.shape == (3, 24)  # both directions' states
    assert gates.gates["forget"].shape == (3, 12)  # the forward direction's gates
    two = loaded(tiny_model("lstm", "classification", tokenizer, bidirectional=True, num_layers=2), tokenizer)
    upper = X.gate_activations(two, "a great film", layer=1)
    assert upper.hidden.shape == (3, 24) and upper.gates["input"].shape == (3, 12)


@pytest.mark.parametrize("arch", ["lstm", "gru", "resnet_lstm"])
def test_beam_tree_holds_kept_and_pruned_hypotheses(arch):
    tokenizer = tiny_tokenizer()
    model = loaded(tiny_model(arch, "language-model", tokenizer), tokenizer)
    tree = X.beam_tree(model, "he moved to the", beam_width=3, max_words=4, top_k=5)
    by_id = {n.id: n for n in tree.nodes}
    steps = {n.step for n in tree.nodes}
    assert steps == {0, 1, 2, 3, 4}
    for step in range(1, 5):
        at = [n for n in tree.nodes if n.step == step]
        assert sum(n.kept for n in at) <= 3
        assert any(not n.kept for n in at) == (step > 1)  # step 1 extends the prompt alone: all 3 are kept
        for node in at:
            parent = by_id[node.parent]
            assert parent.step == step - 1 and parent.kept and not parent.finished
    best = [n for n in tree.nodes if n.best and n.step > 0]
    best_text, best_score = tree.continuations[0]
    assert " ".join(n.token for n in best if not n.finished) == best_text
    assert best[-1].score == pytest.approx(best_score)
    assert len(tree.distributions) == len([n for n in best if not n.finished])
    for dist, node in zip(tree.distributions, best):
        probs = [p for _, p in dist.candidates]
        assert len(probs) == 5 and probs == sorted(probs, reverse=True) and sum(probs) <= 1 + 1e-6
        assert dist.chosen == node.token


def test_vector_space_neighbours_and_projection():
    words = ["good", "great", "bad", "awful", "table"]
    vectors = np.array([[1, 0.1, 0], [0.9, 0.2, 0], [-1, 0.1, 0], [-0.9, 0, 0.1], [0, 0, 1]], dtype=np.float32)
    space = X.VectorSpace(words, vectors, "test")
    near = space.neighbours("Good", k=2)
    assert [w for w, _ in near] == ["great", "table"]  # cosines 0.99 and 0.0; "bad" and "awful" point away
    assert near[0][1] == pytest.approx(float(vectors[0] @ vectors[1] / np.linalg.norm(vectors[0]) / np.linalg.norm(vectors[1])), rel=1e-5)
    projection = space.project(["good", "great", "bad", "awful", "nonsense"])
    assert projection.words == ["good", "great", "bad", "awful"] and projection.missing == ["nonsense"]
    assert projection.coordinates.shape == (4, 2)
    assert 0.5 < projection.explained[0] <= 1 and sum(projection.explained) <= 1 + 1e-9
    # the first axis separates the positive words from the negative ones
    first = projection.coordinates[:, 0]
    assert np.sign(first[0]) == np.sign(first[1]) != np.sign(first[2]) == np.sign(first[3])
    with pytest.raises(InputError, match="not in the vocabulary"):
        space.neighbours("nonsense")
    with pytest.raises(InputError, match="at least two words"):
        space.project(["good", "nonsense"])


def test_model_vectors_leave_out_special_tokens(tmp_path):
    engine = Engine(plugin_paths=[save_tiny(tmp_path, "gru", "language-model")])
    space = X.model_vectors(engine.load("tiny-gru-lm", "language-model"))
    assert "<pad>" not in space.index and "<unk>" not in space.index and "movie" in space.index
    near = space.neighbours("MOVIE", k=4)
    assert len(near) == 4 and "movie" not in [w for w, _ in near]
    assert near == sorted(near, key=lambda x: -x[1])


@pytest.fixture(scope="module")
def keyed_vectors():
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(0)
    words = ["good", "great", "bad", "awful", "movie", "film"]
    base = rng.normal(size=(3, 8))
    vectors = np.stack([base[0], base[0] + 0.1, base[1], base[1] + 0.1, base[2], base[2] + 0.1]).astype(np.float32)
    kv = KeyedVectors(vector_size=8)
    kv.add_vectors(words, vectors)
    return kv


@pytest.mark.parametrize("kind", ["word2vec", "word2vec-binary", "glove", "word2vec-gz"])
def test_word_vector_files_in_every_format(tmp_path, keyed_vectors, kind):
    path = tmp_path / "vectors.txt"
    if kind == "word2vec-binary":
        path = tmp_path / "vectors.bin"
        keyed_vectors.save_word2vec_format(str(path), binary=True)
    elif kind == "glove":
        keyed_vectors.save_word2vec_format(str(path), write_header=False)
    else:
        keyed_vectors.save_word2vec_format(str(path))
    if kind == "word2vec-gz":
        gz = tmp_path / "vectors.txt.gz"
        gz.write_bytes(gzip.compress(path.read_bytes()))
        path = gz
    assert X.detect_vector_format(path) == kind.replace("-gz", "")
    space = X.load_word_vectors(path)
    assert len(space) == 6 and space.dimensions == 8
    assert space.neighbours("good", 1)[0][0] == "great"
    assert len(X.load_word_vectors(path, limit=3)) == 3


def test_fasttext_binary_gives_vectors_for_unseen_words(tmp_path):
    from gensim.models import FastText
    from gensim.models.fasttext import save_facebook_model

    sentences = [["good", "great", "movie", "film", "bad", "awful"]] * 20
    model = FastText(vector_size=8, min_count=1, epochs=2, seed=1, workers=1)
    model.build_vocab(corpus_iterable=sentences)
    model.train(corpus_iterable=sentences, total_examples=len(sentences), epochs=2)
    path = tmp_path / "model.bin"
    save_facebook_model(model, str(path))
    assert X.detect_vector_format(path) == "fasttext"
    space = X.load_word_vectors(path)
    assert len(space.neighbours("goodest", 3)) == 3  # built from character n-grams


def test_unreadable_word_vector_files_are_input_errors(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("3 4\nhello 1 2\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.txt"):
        X.load_word_vectors(bad)
    with pytest.raises(InputError, match="no such word-vector file"):
        X.load_word_vectors(tmp_path / "missing.vec")
    with pytest.raises(InputError, match="valid: auto"):
        X.load_word_vectors(bad, format="elmo")


def test_cli_analyze_explain_json(tmp_path, capsys):
    import json

    from sentido.engine.cli import main

    plugin = save_tiny(tmp_path, "lstm", "classification")
    assert main(["--plugin-path", str(plugin), "analyze", "great story, boring ending", "--explain", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    explanation = data["explanation"]
    assert explanation["method"] == "integrated-gradients" and explanation["target"] == data["label"]
    assert [t["text"] for t in explanation["tokens"]] == [t["text"] for t in data["tokens"]]
    assert len(data["along"]) == len(data["tokens"])
    assert math.isclose(data["along"][-1], data["score"], abs_tol=1e-5)
    assert main(["--plugin-path", str(plugin), "analyze", "great story", "--explain"]) == 0
    assert "great" in capsys.readouterr().out


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (the cuDNN RNN backward path)")
@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
def test_gradients_on_the_gpu_match_the_cpu(arch):
    tokenizer = tiny_tokenizer()
    module = tiny_model(arch, "classification", tokenizer)
    cpu = loaded(module, tokenizer)
    gpu = LoadedModel(cpu.name, cpu.spec, tiny_model(arch, "classification", tokenizer).cuda().eval(), tokenizer,
                      torch.device("cuda"))
    text = "I loved this movie, but the ending was bad."
    np.testing.assert_allclose(X.explain(gpu, text).attributions, X.explain(cpu, text).attributions, atol=1e-4)
    np.testing.assert_allclose(X.memory(gpu, text).norms, X.memory(cpu, text).norms, rtol=1e-3)
    np.testing.assert_allclose(X.along_the_text(gpu, text).scores, X.along_the_text(cpu, text).scores, atol=1e-5)
