"""One contract test over every built-in architecture x task: build a tiny random model, save it as a bundle,
load it back through discovery, predict, and compare outputs bit for bit."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from sentido.engine.api import Engine
from sentido.engine.registry import Registry
from tests.helpers import ARCHITECTURES, CORPUS, TASKS, save_tiny, tiny_model, tiny_tokenizer

CASES = [(arch, task) for arch in ARCHITECTURES for task in TASKS]


def _engine(*paths) -> Engine:
    return Engine(device="cpu", registry=Registry.discover(paths, shipped=False, user=False))


@pytest.mark.parametrize("arch,task", CASES)
def test_bundle_round_trip_is_bit_identical(tmp_path, arch, task):
    tokenizer = tiny_tokenizer()
    module = tiny_model(arch, task, tokenizer)
    bundle = save_tiny(tmp_path, arch, task, name="m")
    loaded = _engine(bundle).load("m", task)
    ids = [tokenizer.encode(t).ids for t in CORPUS]
    batch, lengths = loaded._batch(ids)
    with torch.inference_mode():
        assert torch.equal(module(batch, lengths), loaded.module(batch, lengths))
    if task == "classification":
        result = loaded.analyze(["I loved this movie"])[0]
        assert result.label in ("negative", "positive")
        assert abs(sum(result.probabilities.values()) - 1) < 1e-5
        assert [t.text for t in result.tokens] == ["I", "loved", "this", "movie"]
    else:
        words = loaded.next_words("he moved to the", k=5)
        assert len(words) == 5 and all(w.word not in ("<pad>", "<unk>", "<eos>") for w in words)
        assert sorted((w.probability for w in words), reverse=True) == [w.probability for w in words]


@pytest.mark.parametrize("arch,task", CASES)
def test_padding_is_exact(arch, task):
    tokenizer = tiny_tokenizer()
    module = tiny_model(arch, task, tokenizer, bidirectional=(task == "classification" and arch == "gru"))
    texts = CORPUS[:4]
    ids = [tokenizer.encode(t).ids for t in texts]
    lengths = torch.tensor([len(x) for x in ids])
    batch = torch.zeros(len(ids), int(lengths.max()), dtype=torch.long)
    for row, seq in enumerate(ids):
        batch[row, : len(seq)] = torch.tensor(seq)
    with torch.inference_mode():
        together = module(batch, lengths)
        for row, seq in enumerate(ids):
            alone = module(torch.tensor([seq]), torch.tensor([len(seq)]))[0]
            if task == "classification":
                assert_close(together[row], alone, rtol=0, atol=1e-6)
            else:
                assert_close(together[row, : len(seq)], alone, rtol=0, atol=1e-6)


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention", "mean_max"])
def test_every_pooling_ignores_padding(pooling):
    tokenizer = tiny_tokenizer()
    module = tiny_model("lstm", "classification", tokenizer, pooling=pooling, bidirectional=True)
    short, long = tokenizer.encode("great film").ids, tokenizer.encode(CORPUS[1]).ids
    batch = torch.zeros(2, len(long), dtype=torch.long)
    batch[0, :2], batch[1] = torch.tensor(short), torch.tensor(long)
    with torch.inference_mode():
        together = module(batch, torch.tensor([2, len(long)]))
        assert_close(together[0], module(torch.tensor([short]), torch.tensor([2]))[0], rtol=0, atol=1e-6)


@pytest.mark.parametrize("arch,task", CASES)
def test_incremental_equals_full_run(tmp_path, arch, task):
    loaded = _engine(save_tiny(tmp_path, arch, task, name="m")).load("m", task)
    session = loaded.incremental()
    text = ""
    for piece in "I loved this movie, a great and moving story. Terrible film".split(" "):
        text = (text + " " + piece).strip()
        session.update(text)
    assert session.fed_tokens <= 2  # appending a word feeds only the new tokens
    session.update(text[:-3] + "xyz")  # edit the last word
    session.update(text)
    if task == "classification":
        full = loaded.analyze([text])[0].probabilities
        inc = session.analysis().probabilities
        assert full.keys() == inc.keys()
        for label in full:
            assert abs(full[label] - inc[label]) < 1e-5
    else:
        full = loaded.next_words(text, 5)
        inc = session.next_words(5)
        assert [w.word for w in full] == [w.word for w in inc]
        for a, b in zip(full, inc):
            assert abs(a.probability - b.probability) < 1e-5
    # A paste far longer than the remembered window still matches.
    long_text = " ".join(CORPUS * 8)
    session.update(long_text)
    if task == "classification":
        # Typing reads the text as one sequence (analyze and batch cut a text past the window into windows):
        # the contract here is with the network's own full run.
        encoded = loaded.tokenizer.encode(long_text)
        full_run = loaded.make_analysis(long_text, encoded.tokens, loaded.probabilities([encoded.ids], 1)[0])
        assert abs(session.analysis().score - full_run.score) < 1e-4


@pytest.mark.parametrize("bidirectional", [False, True])
def test_trace_matches_the_fast_path(bidirectional):
    tokenizer = tiny_tokenizer()
    task = "classification" if bidirectional else "language-model"
    for arch in ("rnn", "lstm", "gru", "resnet_lstm"):
        module = tiny_model(arch, task, tokenizer, bidirectional=bidirectional)
        ids = torch.tensor(tokenizer.encode(CORPUS[0]).ids)
        with torch.inference_mode():
            traced = module.trace(ids)
            features, _ = module.encode(ids.unsqueeze(0), torch.tensor([len(ids)]))
        assert_close(traced["hidden"][-1], features[0], rtol=0, atol=1e-5)
        gates = {"rnn": set(), "lstm": {"input", "forget", "cell", "output"}, "gru": {"reset", "update", "new"}}
        assert set(traced) - {"hidden"} == gates.get(arch, gates["lstm"])
        for name in set(traced) - {"hidden"}:
            assert traced[name][0].shape == (len(ids), module.config.hidden_size)


def test_continue_text_strategies(tmp_path):
    loaded = _engine(save_tiny(tmp_path, "lstm", "language-model", name="m")).load("m", "language-model")
    tree = []
    beams = loaded.continue_text("he moved to the", beam_width=3, max_words=4, tree=tree)
    assert 1 <= len(beams) <= 3
    assert beams == sorted(beams, key=lambda c: c.log_probability, reverse=True)
    assert all(1 <= len(c.token_ids) <= 4 and c.log_probability < 0 for c in beams)
    assert tree and all(sum(c["kept"] for c in step.candidates) <= 3 for step in tree)
    greedy = loaded.continue_text("he moved to the", strategy="greedy", max_words=3)
    assert len(greedy) == 1
    # Greedy picks the argmax each step: its first word is the top next word.
    assert greedy[0].token_ids[0] == loaded.next_words("he moved to the", 1)[0].token_id
    a = loaded.continue_text("he moved", strategy="sample", seed=3, num_results=2, top_k=5, temperature=0.8)
    b = loaded.continue_text("he moved", strategy="sample", seed=3, num_results=2, top_k=5, temperature=0.8)
    assert [c.text for c in a] == [c.text for c in b] and len(a) == 2


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "mean_max", "attention"])
def test_incremental_pooling_from_running_sums_equals_full_run(tmp_path, pooling):
    """Typing word by word past the buffer's first size, editing early and late, pasting: always the full result."""
    loaded = _engine(save_tiny(tmp_path, "lstm", "classification", name="m", pooling=pooling)).load("m", "classification")
    session = loaded.incremental(keep=16)

    def same():
        full = loaded.analyze([session.text])[0].probabilities
        inc = session.analysis().probabilities
        assert full.keys() == inc.keys()
        for label in full:
            assert abs(full[label] - inc[label]) < 1e-5, (pooling, len(session.ids))

    words = " ".join(CORPUS * 3).split()
    text = ""
    for number, word in enumerate(words[:80]):  # past the buffer's first 64 rows
        text = (text + " " + word).strip()
        session.update(text)
        if number % 37 == 0:
            same()
    same()
    session.update("Changed start. " + text)  # an edit before every remembered state: read again from the start
    same()
    session.update(text[: len(text) // 2])  # deleting half
    same()
    session.update(text[: len(text) // 2] + " and a brand new ending")
    same()
