"""Training, checkpoints, evaluation and word vectors, end to end on tiny data (seconds)."""

from __future__ import annotations

import csv
import json
import random
import re
import tomllib

import pytest
import torch

from sentido.engine.cli import main
from sentido.engine.embeddings import embedding_matrix, load_vectors
from sentido.engine.errors import CancelledError
from sentido.engine.tokenization import train_tokenizer
from sentido.engine.training import (
    CancelState,
    Checkpoint,
    TrainOptions,
    lm_stream,
    train_classifier,
    train_language_model,
    truncate,
)
from tests.helpers import CORPUS, tiny_model

POSITIVE = "great wonderful loved amazing superb moving".split()
NEGATIVE = "awful boring hated terrible dull waste".split()
FILLER = "the movie was a and it plot film this".split()


def synthetic(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for _ in range(n):
        label = rng.choice(["positive", "negative"])
        words = rng.choices(FILLER, k=6) + rng.choices(POSITIVE if label == "positive" else NEGATIVE, k=2)
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels


def write_csv(path, texts, labels, text_column="text", label_column="label"):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([text_column, label_column])
        writer.writerows(zip(texts, labels))
    return path


TINY_ARCH = ["--embedding-dim", "16", "--hidden-size", "16", "--min-frequency", "1", "--threads", "1"]


def test_train_install_analyze_end_to_end(tmp_path, capsys):
    texts, labels = synthetic(240)
    data = write_csv(tmp_path / "reviews.csv", texts, labels, "review", "stars")
    out = tmp_path / "tiny-sentiment"
    code = main(["train", "sentiment", "--arch", "gru", "--data", str(data), "--text-column", "review",
                 "--label-column", "stars", "--valid-split", "0.2", "--epochs", "6", "--lr", "0.01",
                 "--out", str(out), *TINY_ARCH])
    assert code == 0
    manifest = tomllib.loads((out / "plugin.toml").read_text())
    model = manifest["models"][0]
    assert model["labels"] == ["negative", "positive"] and model["architecture"] == "gru"
    assert 0.0 <= model["metrics"]["accuracy"] <= 1.0 and model["headline"] == "accuracy"
    card = (out / "README.md").read_text()
    assert "## Command" in card and "sentido" in card and "Hardware" in card and "accuracy" in card
    assert main(["plugins", "install", str(out)]) == 0
    capsys.readouterr()
    assert main(["analyze", "--model", "tiny-sentiment", "--json", "a wonderful and moving film, loved it"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["label"] in ("negative", "positive") and set(result["probabilities"]) == {"negative", "positive"}
    # The tiny model learned the task: the words carry the label.
    assert model["metrics"]["accuracy"] >= 0.8


def test_label_map_and_star_labels(tmp_path):
    rng = random.Random(1)
    texts, labels = [], []
    for _ in range(150):
        stars = rng.choice("12345")
        words = rng.choices(NEGATIVE if stars in "12" else POSITIVE if stars in "45" else FILLER, k=3)
        texts.append(" ".join(words + rng.choices(FILLER, k=3)))
        labels.append(stars)
    data = write_csv(tmp_path / "stars.csv", texts, labels)
    out = tmp_path / "stars-model"
    assert main(["train", "sentiment", "--data", str(data), "--label-map", "1=neg,2=neg,3=,4=pos,5=pos",
                 "--epochs", "1", "--out", str(out), "--half", "no", *TINY_ARCH]) == 0
    model = tomllib.loads((out / "plugin.toml").read_text())["models"][0]
    assert model["labels"] == ["neg", "pos"]


def test_bad_training_data_is_a_clear_error(tmp_path, capsys):
    data = write_csv(tmp_path / "x.csv", ["good"], ["positive"], "body", "label")
    assert main(["train", "sentiment", "--data", str(data), "--out", str(tmp_path / "m")]) == 1
    assert "no column 'text'" in capsys.readouterr().err
    assert main(["train", "sentiment", "--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "m")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def _classifier_run(tmp_path, options, cancel=None, resume=False, progress=None):
    texts, labels = synthetic(96)
    tokenizer = train_tokenizer(texts, min_frequency=1)
    y = [int(label == "positive") for label in labels]
    module = tiny_model("lstm", "classification", tokenizer, seed=3, dropout=0.2)
    checkpoint = Checkpoint(tmp_path / "ckpt")
    return train_classifier(module, tokenizer, texts[:80], y[:80], texts[80:], y[80:], options,
                            checkpoint=checkpoint, identity={"run": "test"}, resume=resume,
                            progress=progress or (lambda e: None), cancel=cancel)


def test_classifier_resume_mid_epoch_equals_uninterrupted_run(tmp_path):
    options = TrainOptions(epochs=2, batch_size=8, checkpoint_every=3, patience=5, seed=5)
    straight = _classifier_run(tmp_path / "a", options)
    cancel = CancelState()

    def stop_at_step_7(event):
        if event["event"] == "step" and event["epoch"] == 2 and event["step"] >= 6:
            cancel.cancelled = True

    with pytest.raises(CancelledError):
        _classifier_run(tmp_path / "b", options, cancel=cancel, progress=stop_at_step_7)
    progress = json.loads((tmp_path / "b" / "ckpt" / "progress.json").read_text())
    assert progress["epoch"] == 1 and progress["step_in_epoch"] > 0  # stopped inside the second epoch
    resumed = _classifier_run(tmp_path / "b", options, resume=True)
    for (name, a), b in zip(straight.module.state_dict().items(), resumed.module.state_dict().values()):
        assert torch.equal(a, b), name
    assert [h["valid_accuracy"] for h in straight.history] == [h["valid_accuracy"] for h in resumed.history]


def test_resume_refuses_a_different_run(tmp_path):
    options = TrainOptions(epochs=1, batch_size=8)
    _classifier_run(tmp_path, options)
    texts, _ = synthetic(10)
    tokenizer = train_tokenizer(texts, min_frequency=1)
    with pytest.raises(Exception, match="different run"):
        Checkpoint(tmp_path / "ckpt").start({"run": "another"}, tokenizer, resume=True)


def test_language_model_resume_carries_state_and_matches(tmp_path):
    lines = CORPUS * 20
    tokenizer = train_tokenizer(lines, min_frequency=1)
    stream = lm_stream(tokenizer, lines)
    options = TrainOptions(epochs=2, batch_size=4, bptt=6, checkpoint_every=4, patience=5, seed=2, clip=0.5)

    def run(root, cancel=None, resume=False, progress=None):
        module = tiny_model("gru", "language-model", tokenizer, seed=1, dropout=0.1)
        return train_language_model(module, tokenizer, stream, stream[:200], options, checkpoint=Checkpoint(root),
                                    identity={"lm": 1}, resume=resume, progress=progress or (lambda e: None),
                                    cancel=cancel)

    straight = run(tmp_path / "a")
    cancel = CancelState()

    def stop(event):
        if event["event"] == "step" and event["epoch"] == 1 and event["step"] >= 4:
            cancel.cancelled = True

    with pytest.raises(CancelledError):
        run(tmp_path / "b", cancel=cancel, progress=stop)
    resumed = run(tmp_path / "b", resume=True)
    for (name, a), b in zip(straight.module.state_dict().items(), resumed.module.state_dict().values()):
        assert torch.equal(a, b), name
    assert straight.history[-1]["valid_perplexity"] < straight.history[0]["train_loss"] ** 10  # finite, sane
    assert straight.history[-1]["valid_perplexity"] == resumed.history[-1]["valid_perplexity"]


def test_truncate_keeps_both_ends():
    assert truncate(list(range(10)), 4) == [0, 1, 8, 9]
    assert truncate([1, 2], 4) == [1, 2]


def test_adaptive_softmax_is_a_distribution():
    tokenizer = train_tokenizer(CORPUS * 3, min_frequency=1)
    module = tiny_model("lstm", "language-model", tokenizer, adaptive_cutoffs=(8, 20))
    ids = torch.tensor([tokenizer.encode(CORPUS[2]).ids])
    logits = module(ids, torch.tensor([ids.size(1)]))
    assert torch.allclose(logits.exp().sum(-1), torch.ones(ids.shape), atol=1e-4)
    features, _ = module.encode(ids, torch.tensor([ids.size(1)]))
    loss = module.lm_loss(features[0, :-1], ids[0, 1:])
    manual = -logits[0, :-1].gather(1, ids[0, 1:, None]).mean()
    assert torch.allclose(loss, manual, atol=1e-5)


def test_evaluate_json_classifier_and_language_model(tmp_path, capsys):
    from tests.helpers import save_tiny

    texts, labels = synthetic(30)
    data = write_csv(tmp_path / "d.csv", texts, labels)
    classifier = save_tiny(tmp_path, "lstm", "classification")
    assert main(["evaluate", str(classifier), str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 30 and 0 <= report["accuracy"] <= 1 and 0 <= report["ece"] <= 1
    assert len(report["confusion_matrix"]) == 2 and sum(map(sum, report["confusion_matrix"])) == 30
    assert set(report["per_class"]) == {"negative", "positive"} and report["docs_per_s"] > 0
    assert {"precision", "recall"} <= set(report["per_class"]["positive"])
    text = tmp_path / "t.txt"
    text.write_text("\n".join(CORPUS * 4), encoding="utf-8")
    lm = save_tiny(tmp_path, "gru", "language-model")
    assert main(["evaluate", str(lm), str(text), "--json", "--ksr-words", "40"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["perplexity"] > 1 and 0 <= report["top1_accuracy"] <= report["top3_accuracy"] <= report["top5_accuracy"] <= 1
    assert 0 <= report["keystroke_savings"] < 1 and report["tokens_per_s"] > 0
    # A label the model does not know is a clear error.
    bad = write_csv(tmp_path / "bad.csv", ["x"], ["neutral"])
    assert main(["evaluate", str(classifier), str(bad)]) == 1
    assert "not among the model's labels" in capsys.readouterr().err


def test_word2vec_trained_and_read_in_every_format(tmp_path, capsys):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(CORPUS * 30), encoding="utf-8")
    assert main(["embeddings", "train", str(corpus), "--out", str(tmp_path / "w2v"), "--dim", "8",
                 "--min-count", "1", "--epochs", "2", "--workers", "1"]) == 0
    vectors = load_vectors(tmp_path / "w2v")
    assert vectors.vector_size == 8 and "movie" in vectors.key_to_index
    tokenizer = train_tokenizer(CORPUS, min_frequency=1)
    matrix, coverage = embedding_matrix(vectors, tokenizer)
    assert matrix.shape == (tokenizer.vocab_size, 8) and coverage > 0.8
    assert torch.allclose(matrix[tokenizer.token_to_id("movie")], torch.tensor(vectors["movie"]))
    assert torch.count_nonzero(matrix[tokenizer.pad_id]) == 0
    # word2vec text (with header) and GloVe (no header) from the same vectors.
    words = list(vectors.key_to_index)
    lines = [f"{w} " + " ".join(f"{x:.5f}" for x in vectors[w]) for w in words]
    (tmp_path / "w2v.txt").write_text(f"{len(words)} 8\n" + "\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "glove.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("w2v.txt", "glove.txt"):
        other = load_vectors(tmp_path / name)
        assert len(other.key_to_index) == len(words)
        assert torch.allclose(torch.tensor(other["movie"]), torch.tensor(vectors["movie"]), atol=1e-4)
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(Exception, match="not a word2vec, GloVe or fastText"):
        load_vectors(tmp_path / "junk.bin")


def test_fasttext_vectors_cover_unseen_words(tmp_path):
    from sentido.engine.embeddings import train_vectors

    train_vectors(CORPUS * 30, tmp_path / "ft", method="fasttext", dim=8, min_count=1, epochs=1, log=lambda m: None)
    vectors = load_vectors(tmp_path / "ft" / "fasttext.bin")
    assert "moviez" not in vectors.key_to_index and vectors["moviez"].shape == (8,)
    assert load_vectors(tmp_path / "ft" / "vectors.bin").vector_size == 8


def test_pretrained_embeddings_initialise_the_model(tmp_path):
    texts, labels = synthetic(60)
    data = write_csv(tmp_path / "d.csv", texts, labels)
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(texts * 3), encoding="utf-8")
    assert main(["embeddings", "train", str(corpus), "--out", str(tmp_path / "vec"), "--dim", "12", "--min-count", "1",
                 "--epochs", "1", "--workers", "1"]) == 0
    out = tmp_path / "m"
    assert main(["train", "sentiment", "--data", str(data), "--embeddings", str(tmp_path / "vec"), "--epochs", "1",
                 "--hidden-size", "8", "--min-frequency", "1", "--freeze-embeddings-epochs", "1", "--half", "no",
                 "--out", str(out)]) == 0
    from safetensors.torch import load_file

    from sentido.engine.tokenization import TextTokenizer

    weights = load_file(str(out / "model.safetensors"))
    tokenizer = TextTokenizer.from_file(out / "tokenizer.json")
    vectors = load_vectors(tmp_path / "vec")
    row = weights["embedding.weight"][tokenizer.token_to_id("wonderful")]
    # Frozen for the only epoch: the embedding is exactly the word2vec vector.
    assert torch.allclose(row, torch.tensor(vectors["wonderful"]))
    assert re.search(r"\(\d+\.\d% of the vocabulary covered\)", (out / "README.md").read_text())


def test_keystroke_savings_counts_one_keystroke_per_predicted_word():
    """An oracle that always ranks the true next word first costs one keystroke per word."""
    from torch import nn

    from sentido.engine.evaluation import keystroke_savings
    from sentido.engine.inference import LoadedModel
    from sentido.engine.manifest import ModelSpec

    tokenizer = train_tokenizer(CORPUS, min_frequency=1)
    stream = lm_stream(tokenizer, CORPUS[:2])
    sequence = stream.tolist()

    class Oracle(nn.Module):
        def init_state(self, batch_size=1):
            return 0

        def step(self, ids, position):
            position += ids.size(1)
            return torch.full((1, ids.size(1), 1), float(position)), position

        def lm_head(self, features):
            position = int(features.reshape(-1)[-1])
            scores = torch.zeros(features.shape[:-1] + (tokenizer.vocab_size,))
            if position < len(sequence):
                scores[..., sequence[position]] = 10.0
            return scores

    spec = ModelSpec(name="oracle", task="language-model", architecture="lstm", language="en")
    model = LoadedModel("oracle", spec, Oracle(), tokenizer, torch.device("cpu"))
    report = keystroke_savings(model, stream)
    skip = {tokenizer.pad_id, tokenizer.unk_id, tokenizer.eos_id}
    words = [tokenizer.id_to_token(i) for i in sequence[1:] if i not in skip]
    unaided = sum(len(w) + 1 for w in words)
    assert report["ksr_keystrokes"] == unaided
    assert report["keystroke_savings"] == pytest.approx(1 - len(words) / unaided)


def test_average_final_keeps_the_mean_only_when_validation_improves(tmp_path):
    options = TrainOptions(epochs=3, batch_size=8, patience=5, seed=5, average_final=True)
    messages = []
    result = _classifier_run(tmp_path, options, progress=lambda e: messages.append(e.get("text", "")))
    averaged = [m for m in messages if m.startswith("average of epochs")]
    if result.best_epoch == 3:
        assert not averaged and result.averaged is None  # the final epoch was the best: nothing to average
    else:
        assert len(averaged) == 1
        if result.averaged:
            assert result.averaged["validation"] > result.averaged["best_epoch_validation"]


def test_weight_average_is_the_running_mean_and_swaps_back():
    from sentido.engine.training import WeightAverage

    module = torch.nn.Linear(3, 2)
    average = WeightAverage(module)
    seen = []
    for value in (1.0, 2.0, 6.0):
        with torch.no_grad():
            module.weight.fill_(value)
        average.update(module)
        seen.append(value)
    assert average.count == 3
    assert torch.allclose(average.mean["weight"], torch.full((2, 3), sum(seen) / 3))
    average.swap(module)
    assert torch.allclose(module.weight, torch.full((2, 3), 3.0))
    average.swap(module)
    assert torch.equal(module.weight, torch.full((2, 3), 6.0))


def test_language_model_averaging_validates_the_mean_and_resumes_exactly(tmp_path):
    lines = CORPUS * 20
    tokenizer = train_tokenizer(lines, min_frequency=1)
    stream = lm_stream(tokenizer, lines)
    options = TrainOptions(epochs=3, batch_size=4, bptt=6, checkpoint_every=4, patience=5, seed=2, clip=0.5,
                           average_from_epoch=2)

    def run(root, cancel=None, resume=False, progress=None):
        module = tiny_model("lstm", "language-model", tokenizer, seed=1, dropout=0.1)
        return train_language_model(module, tokenizer, stream, stream[:200], options, checkpoint=Checkpoint(root),
                                    identity={"lm": 2}, resume=resume, progress=progress or (lambda e: None),
                                    cancel=cancel)

    messages = []
    straight = run(tmp_path / "a", progress=lambda e: messages.append(e.get("text", "")))
    assert any("averaging the weights" in m for m in messages)
    # What the run keeps scores what its history says the best epoch scored: the averaged weights when it was 2 or 3.
    from sentido.engine.training import lm_loss_on

    import math

    kept = math.exp(lm_loss_on(straight.module, stream[:200], torch.device("cpu")))
    assert kept == pytest.approx(straight.best_metric, rel=1e-5)
    steps = straight.steps // len(straight.history)  # per epoch

    class CancelAt:  # cancelled at a step between two checkpoints (every 4 steps): the state and mean are saved then
        checks = 0

        @property
        def cancelled(self):
            self.checks += 1
            return self.checks > 2 * steps + 6

    assert (2 * steps + 6) % options.checkpoint_every
    with pytest.raises(CancelledError):
        run(tmp_path / "b", cancel=CancelAt())
    resumed = run(tmp_path / "b", resume=True)
    assert [h["valid_perplexity"] for h in straight.history] == [h["valid_perplexity"] for h in resumed.history]
    for (name, a), b in zip(straight.module.state_dict().items(), resumed.module.state_dict().values()):
        assert torch.equal(a, b), name


def test_init_from_continues_a_model_and_checks_it_fits(tmp_path, capsys):
    texts, labels = synthetic(160)
    data = write_csv(tmp_path / "reviews.csv", texts, labels)
    first = tmp_path / "first"
    assert main(["train", "sentiment", "--arch", "lstm", "--data", str(data), "--valid-split", "0.2", "--epochs", "1",
                 "--out", str(first), *TINY_ARCH]) == 0
    second = tmp_path / "second"
    assert main(["train", "sentiment", "--arch", "lstm", "--data", str(data), "--valid-split", "0.2", "--epochs", "1",
                 "--init-from", str(first), "--out", str(second), "--threads", "1"]) == 0
    assert (second / "tokenizer.json").read_text() == (first / "tokenizer.json").read_text()
    card = (second / "README.md").read_text()
    assert "Started from" in card and "## Before: where this training started" in card and "# first" in card
    capsys.readouterr()
    assert main(["train", "sentiment", "--arch", "gru", "--data", str(data), "--init-from", str(first),
                 "--out", str(tmp_path / "x"), "--threads", "1"]) == 1
    assert "its architecture is lstm, not --arch gru" in capsys.readouterr().err
    stars = write_csv(tmp_path / "stars.csv", texts, ["1" if l == "negative" else "5" for l in labels])
    assert main(["train", "sentiment", "--arch", "lstm", "--data", str(stars), "--init-from", str(first),
                 "--out", str(tmp_path / "y"), "--epochs", "1", "--threads", "1"]) == 0  # another label set: a fresh head
    assert "a fresh output layer for 1, 5" in capsys.readouterr().out
    assert "output layer (labels negative, positive) replaced" in (tmp_path / "y" / "README.md").read_text()
    assert main(["train", "next-word", "--arch", "lstm", "--data", str(data), "--init-from", str(first),
                 "--out", str(tmp_path / "z"), "--threads", "1"]) == 1
    assert "it is a classification model" in capsys.readouterr().err
    assert main(["train", "sentiment", "--arch", "lstm", "--data", str(data), "--init-from", str(tmp_path / "nope"),
                 "--out", str(tmp_path / "w"), "--threads", "1"]) == 1
    assert "no such plugin folder" in capsys.readouterr().err


def test_training_files_are_opened_like_batch_inputs(tmp_path, capsys):
    from sentido.engine.datasets import read_labelled
    from sentido.engine.errors import InputError

    (tmp_path / "utf16.csv").write_text("text,label\nun café excelente,positive\nmalo,negative\n", encoding="utf-16")
    data = read_labelled(tmp_path / "utf16.csv")
    assert data.texts == ["un café excelente", "malo"] and data.labels == ["positive", "negative"]
    (tmp_path / "latin1.csv").write_bytes("text,label\ncafé,positive\n".encode("cp1252"))
    assert read_labelled(tmp_path / "latin1.csv").texts == ["café"]
    assert "Windows-1252" in capsys.readouterr().err
    (tmp_path / "data.csv").write_bytes(b"\x00\x01\x02binary" * 100)
    with pytest.raises(InputError, match="binary file"):
        read_labelled(tmp_path / "data.csv")


def test_fewer_epochs_on_resume_end_the_run_at_the_last_finished_epoch(tmp_path):
    cancel = CancelState()

    def stop(event):  # interrupted right after epoch 2 ended, before epoch 3's first checkpoint
        if event["event"] == "epoch" and event["epoch"] == 2:
            cancel.cancelled = True

    options = TrainOptions(epochs=4, batch_size=8, checkpoint_every=1000, patience=5, seed=5)
    with pytest.raises(CancelledError):
        _classifier_run(tmp_path, options, cancel=cancel, progress=stop)
    messages = []
    result = _classifier_run(tmp_path, TrainOptions(epochs=2, batch_size=8, checkpoint_every=1000, patience=5, seed=5),
                             resume=True, progress=lambda e: messages.append(e))
    assert [h["epoch"] for h in result.history] == [1, 2]
    assert result.stopped == "finished 2 epochs"
    assert not [e for e in messages if e["event"] in ("step", "epoch")]  # nothing was trained


def test_tied_language_model_keeps_and_reloads_its_best_weights(tmp_path):
    lines = CORPUS * 10
    tokenizer = train_tokenizer(lines, min_frequency=1)
    stream = lm_stream(tokenizer, lines)
    options = TrainOptions(epochs=2, batch_size=4, bptt=6, patience=5, seed=2, lr=0.05)

    def module():
        return tiny_model("lstm", "language-model", tokenizer, seed=1, tie_weights=True, embedding_dim=16, hidden_size=16)

    result = train_language_model(module(), tokenizer, stream, stream[:200], options, checkpoint=Checkpoint(tmp_path),
                                  identity={"tied": 1}, progress=lambda e: None)
    fresh = module()
    Checkpoint(tmp_path).load_best(fresh)  # strict: each tied tensor stored once, under the name loading expects
    assert fresh.decoder.weight is fresh.embedding.weight
    for (name, a), b in zip(result.module.state_dict().items(), fresh.state_dict().values()):
        assert torch.equal(a, b), name
