"""Looking inside a model: why it chose a label, how its prediction moves along the text, how far back its
gradients reach, what its gates do, how beam search decides, and which words its embeddings put together.

Every function takes a ``LoadedModel`` (from ``Engine.load``) and returns plain Python and numpy data, so the
CLI, a notebook and the desktop's "Inside the model" view draw the same numbers. Nothing here imports Qt.

Attributions use *integrated gradients* on the embeddings (Sundararajan et al., 2017): the gradient of the
output is averaged along a straight path from a baseline text to the real one and multiplied by the embedding
difference. The baseline is the same text with every word replaced by ``<unk>``: a model trained with a capped
vocabulary has seen plenty of unknown words and learnt that they say little, whereas an all-zero input is one it
never met (tried first: it gave confident, arbitrary baselines and attributions to words like "the"). The
attributions then add up to the change of the output between the baseline and the text (completeness), and each
word is credited in the context of all the others, so two words that each suffice for a label share the credit
instead of both looking useless, as they do under occlusion. Occlusion (leave one word out, see what changes) is
offered too, and is what a model without a gradient path through its embeddings (a third-party one) gets.

The output explained for label ``l`` is the *centred log-probability* ``log p_l - mean_k log p_k`` (equal to
the centred logit): for two labels, a word's push toward one is exactly its push away from the other.
"""

from __future__ import annotations

import contextlib
import math
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import Tensor, nn

from sentido.engine.errors import InputError
from sentido.engine.inference import LoadedModel, label_valence
from sentido.engine.modeling import RecurrentTextModel
from sentido.engine.tokenization import SPECIAL_TOKENS, Token

METHODS = ("integrated-gradients", "occlusion")
MEMORY_OUTPUTS = ("state", "prediction")
VECTOR_FORMATS = ("auto", "word2vec", "word2vec-binary", "glove", "fasttext")
FASTTEXT_MAGIC = 793712314  # first int32 of a fastText .bin model (gensim's _FASTTEXT_FILEFORMAT_MAGIC)


# -- shared plumbing -----------------------------------------------------------------------------------------
def _has_recurrent_path(module: nn.Module) -> bool:
    """Whether we can run the model from its embeddings: a RecurrentTextModel whose ``encode`` is the stock one."""
    return (
        isinstance(module, RecurrentTextModel)
        and type(module).encode is RecurrentTextModel.encode
        and isinstance(getattr(module, "embedding", None), nn.Embedding)
    )


def _require_recurrent(model: LoadedModel, what: str) -> RecurrentTextModel:
    if not _has_recurrent_path(model.module):
        raise InputError(f"model {model.name!r} does not expose its recurrent layers, so {what} cannot be shown")
    return model.module


def _features(module: RecurrentTextModel, embedded: Tensor) -> Tensor:
    """Per-step features ``[B, T, D]`` from embeddings of equal-length texts (no padding, so no packing)."""
    features, _ = module.encoder(module.front(module.embedding_dropout(embedded)))
    return features


def _centred(logits: Tensor) -> Tensor:
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    return log_probs - log_probs.mean(dim=-1, keepdim=True)


@contextlib.contextmanager
def _gradients(device: torch.device) -> Iterator[None]:
    """Autograd on, even inside inference code; cuDNN's RNN backward only runs in train mode, so use the
    native kernels on CUDA instead (same numbers, a little slower)."""
    with torch.inference_mode(False), torch.enable_grad():
        if device.type == "cuda":
            with torch.backends.cudnn.flags(enabled=False):
                yield
        else:
            yield


def _encode(model: LoadedModel, text: str) -> tuple[list[int], list[Token]]:
    if not isinstance(text, str):
        raise InputError("the text must be a string")
    encoded = model.tokenizer.encode(text)
    return encoded.ids, encoded.tokens


def _ids_tensor(model: LoadedModel, ids: Sequence[int]) -> Tensor:
    return torch.tensor([list(ids)], dtype=torch.long, device=model.device)


# -- 1. why this label ---------------------------------------------------------------------------------------
@dataclass
class Explanation:
    """Per-token attributions toward every label, and the attention weights when the model pools with attention."""

    text: str
    model: str
    method: str
    labels: list[str]
    label: str | None
    probabilities: dict[str, float]
    tokens: list[Token]
    attributions: np.ndarray  # [T, L]: each token's push toward each label (centred log-probability)
    attention: np.ndarray | None = None  # [T], sums to 1
    completeness_gap: float | None = None  # |sum of attributions - (output(text) - output(all <unk>))|, IG only

    def toward(self, label: str | None = None) -> np.ndarray:
        """Signed attribution of each token toward ``label`` (default: the predicted one)."""
        label = label or self.label
        if label not in self.labels:
            raise InputError(f"unknown label {label!r}; valid: {', '.join(self.labels)}")
        if not len(self.tokens):
            return np.zeros(0)
        return self.attributions[:, self.labels.index(label)]

    def to_dict(self) -> dict[str, Any]:
        toward = self.toward() if self.label else np.zeros(len(self.tokens))
        return {
            "method": self.method,
            "target": self.label,
            "completeness_gap": self.completeness_gap,
            "tokens": [
                {
                    "text": t.text, "start": t.start, "end": t.end,
                    "attribution": float(toward[i]),
                    "attributions": {l: float(self.attributions[i, j]) for j, l in enumerate(self.labels)},
                    **({"attention": float(self.attention[i])} if self.attention is not None else {}),
                }
                for i, t in enumerate(self.tokens)
            ],
        }


def explain(model: LoadedModel, text: str, *, method: str = "auto", steps: int = 32) -> Explanation:
    """Which tokens pushed ``text`` toward which label.

    ``method``: ``integrated-gradients`` (``steps`` points on the path), ``occlusion``, or ``auto`` (integrated
    gradients where the model allows it, else occlusion).
    """
    model._require("classification")
    if method == "auto":
        method = "integrated-gradients" if _has_recurrent_path(model.module) else "occlusion"
    if method not in METHODS:
        raise InputError(f"unknown attribution method {method!r}; valid: auto, {', '.join(METHODS)}")
    if steps < 1:
        raise InputError("steps must be at least 1")
    ids, tokens = _encode(model, text)
    labels = list(model.labels)
    if not ids:
        return Explanation(text, model.name, method, labels, None, {}, [], np.zeros((0, len(labels))))
    analysis = model.make_analysis(text, tokens, model.probabilities([ids])[0])
    gap = None
    if method == "integrated-gradients":
        attributions, gap = _integrated_gradients(model, ids, steps)
    else:
        attributions = _occlusion(model, ids)
    return Explanation(text, model.name, method, labels, analysis.label, analysis.probabilities, tokens,
                       attributions, attention_weights(model, ids), gap)


def _integrated_gradients(model: LoadedModel, ids: list[int], steps: int) -> tuple[np.ndarray, float]:
    module = _require_recurrent(model, "integrated gradients")
    num_labels = len(model.labels)
    with _gradients(model.device):
        embedded = module.embedding(_ids_tensor(model, ids)).detach()  # [1, T, E]
        baseline = module.embedding(_ids_tensor(model, [model.tokenizer.unk_id] * len(ids))).detach()
        delta = embedded - baseline
        total = torch.zeros(len(ids), num_labels, device=model.device)
        # Midpoint rule on the path baseline -> embedded, all points in one batch (a recurrent layer's cost on
        # the CPU is mostly its T sequential steps, not the batch), split only when a text is very long.
        alphas = (torch.arange(steps, device=model.device, dtype=embedded.dtype) + 0.5) / steps
        for chunk in alphas.split(max(1, 32768 // len(ids))):
            path = (baseline + chunk.view(-1, 1, 1) * delta).requires_grad_(True)
            outputs = _centred(module.head(module.pool(_features(module, path), _lengths(path))[0]))
            # Centred outputs sum to zero over labels, so the last label's attributions are minus the others'.
            for label in range(num_labels - 1):
                (grad,) = torch.autograd.grad(outputs[:, label].sum(), path, retain_graph=label < num_labels - 2)
                total[:, label] += (grad * delta).sum(dim=(0, 2)).float()
        total[:, -1] = -total[:, :-1].sum(dim=1)
        attributions = total / steps
        with torch.no_grad():
            ends = torch.cat([baseline, embedded])
            out = _centred(module.head(module.pool(_features(module, ends), _lengths(ends))[0]))
            gap = float((attributions.sum(0) - (out[1] - out[0])).abs().max())
    return attributions.cpu().numpy(), gap


def _lengths(batch: Tensor) -> Tensor:
    return torch.full((batch.size(0),), batch.size(1), dtype=torch.long, device=batch.device)


@torch.inference_mode()
def _occlusion(model: LoadedModel, ids: list[int]) -> np.ndarray:
    """Output with the text minus output with token t left out (a shorter text is still a text the model knows;
    a placeholder word would be one it may never have seen)."""
    rows = [list(ids)] + [ids[:t] + ids[t + 1:] for t in range(len(ids))]
    outputs = []
    for start in range(0, len(rows), 64):
        batch, lengths = model._batch(rows[start:start + 64])
        outputs.append(_centred(model.module(batch, lengths)).cpu())
    centred = torch.cat(outputs)
    return (centred[0:1] - centred[1:]).numpy()


@torch.inference_mode()
def attention_weights(model: LoadedModel, ids: list[int]) -> np.ndarray | None:
    """The attention pooling's weight on each token, or ``None`` when the model does not pool with attention."""
    module = model.module
    if getattr(getattr(module, "config", None), "pooling", None) != "attention" or not ids:
        return None
    if not hasattr(module, "classify_with_attention"):
        return None
    batch = _ids_tensor(model, ids)
    _, weights = module.classify_with_attention(batch, _lengths(batch))
    return None if weights is None else weights[0].float().cpu().numpy()


# -- 2. sentiment along the text -----------------------------------------------------------------------------
@dataclass
class Trajectory:
    """The prediction read out after every prefix of the text: row t is the model having read tokens 0..t."""

    model: str
    labels: list[str]
    tokens: list[Token]
    probabilities: np.ndarray  # [T, L]
    scores: np.ndarray  # [T], signed score (label valence weighted by probability)

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "steps": [
                {"token": t.text, "score": float(self.scores[i]),
                 "probabilities": {l: float(p) for l, p in zip(self.labels, self.probabilities[i])}}
                for i, t in enumerate(self.tokens)
            ],
        }


def along_the_text(model: LoadedModel, text: str, *, memory_floats: int = 16_000_000) -> Trajectory:
    """The prediction after every prefix.

    For a left-to-right recurrent model the features at step t never depend on later words, so one pass over
    the text and a pooling of each prefix of its features gives every prefix's prediction exactly. Other models
    (bidirectional, third-party) are run on each prefix in turn: exact too, only slower on long texts.
    """
    model._require("classification")
    ids, tokens = _encode(model, text)
    labels = list(model.labels)
    valence = np.asarray(label_valence(model.spec), dtype=np.float64)
    if not ids:
        return Trajectory(model.name, labels, [], np.zeros((0, len(labels))), np.zeros(0))
    module = model.module
    if _has_recurrent_path(module) and not module.config.bidirectional:
        probs = _prefix_probabilities(model, ids, memory_floats)
    else:
        probs = model.probabilities([ids[: t + 1] for t in range(len(ids))]).numpy()
    return Trajectory(model.name, labels, tokens, probs, probs @ valence)


@torch.inference_mode()
def _prefix_probabilities(model: LoadedModel, ids: list[int], memory_floats: int) -> np.ndarray:
    module = model.module
    features, _ = module.encode(_ids_tensor(model, ids), torch.tensor([len(ids)], device=model.device))
    size = features.size(-1)
    out, start = [], 0
    while start < len(ids):
        # Rows start..end-1 pool prefixes of length start+1..end; each needs features[:, :end] only.
        end = start + max(1, memory_floats // ((start + 1) * size))
        end = min(len(ids), end)
        window = features[:, :end].expand(end - start, -1, -1)
        lengths = torch.arange(start + 1, end + 1, device=model.device)
        out.append(torch.softmax(module.head(module.pool(window, lengths)[0]).float(), dim=-1).cpu())
        start = end
    return torch.cat(out).numpy()


# -- 3. memory: gradients back through time, and gates -------------------------------------------------------
@dataclass
class Memory:
    """How strongly the chosen output depends on each input position: ``||d output / d embedding_s||``."""

    model: str
    architecture: str
    tokens: list[Token]
    position: int
    output: str  # "state" (the recurrent state at `position`) or "prediction"
    norms: np.ndarray  # [T]; NaN after `position` for a left-to-right model (the future cannot matter)
    exact: bool  # False when the state's Jacobian norm was estimated with random projections

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "architecture": self.architecture, "position": self.position,
                "output": self.output, "exact": self.exact,
                "norms": [{"token": t.text, "gradient_norm": None if math.isnan(n) else float(n)}
                          for t, n in zip(self.tokens, self.norms)]}


def memory(
    model: LoadedModel, text: str, *, position: int | None = None, output: str = "state",
    label: str | None = None, projections: int = 32,
) -> Memory:
    """Gradient norm of one output with respect to each input word's embedding.

    ``output="state"``: the top layer's recurrent state ``h_position``; the norm is the Frobenius norm of the
    Jacobian ``d h / d x_s``, exact when the state has at most ``projections`` units, otherwise estimated from
    that many random Gaussian projections (``E||J^T u||^2 = ||J||_F^2``, fixed seed, so it is repeatable).
    ``output="prediction"``: for a classifier, the log-probability of ``label`` (default: the one predicted
    after reading up to ``position``); for a language model, the log-probability of the word that follows.
    """
    module = _require_recurrent(model, "the memory view")
    if output not in MEMORY_OUTPUTS:
        raise InputError(f"unknown output {output!r}; valid: {', '.join(MEMORY_OUTPUTS)}")
    ids, tokens = _encode(model, text)
    if not ids:
        raise InputError("the text has no words this model knows how to read")
    position = len(ids) - 1 if position is None else position
    if not 0 <= position < len(ids):
        raise InputError(f"position must be between 0 and {len(ids) - 1} (the text has {len(ids)} tokens)")
    forward_only = not module.config.bidirectional
    fed = ids[: position + 1] if forward_only else ids  # later words cannot reach a left-to-right state
    exact = True
    with _gradients(model.device):
        embedded = module.embedding(_ids_tensor(model, fed)).detach()
        if output == "state":
            size = module.feature_size
            if size <= projections:
                directions = torch.eye(size, device=model.device, dtype=embedded.dtype)
            else:
                exact = False
                generator = torch.Generator().manual_seed(0)
                directions = torch.randn(projections, size, generator=generator).to(model.device, embedded.dtype)
            batch = embedded.expand(directions.size(0), -1, -1).clone().requires_grad_(True)
            state = _features(module, batch)[:, position]  # [K, D]
            (grad,) = torch.autograd.grad((state * directions).sum(), batch)
            squared = grad.float().pow(2).sum(-1)  # [K, T]
            norms = (squared.sum(0) if exact else squared.mean(0)).sqrt()
        else:
            batch = embedded.clone().requires_grad_(True)
            features = _features(module, batch)
            target = _prediction_target(model, module, features, fed, position, label)
            (grad,) = torch.autograd.grad(target, batch)
            norms = grad[0].float().norm(dim=-1)
    values = np.full(len(ids), np.nan)
    values[: len(fed)] = norms.detach().cpu().numpy()
    if forward_only:
        values[position + 1:] = np.nan
    return Memory(model.name, model.spec.architecture, tokens, position, output, values, exact)


def _prediction_target(model, module, features, ids, position, label) -> Tensor:
    if model.task == "classification":
        lengths = torch.tensor([position + 1], device=model.device)
        log_probs = torch.log_softmax(module.head(module.pool(features[:, : position + 1], lengths)[0]).float(), -1)[0]
        if label is None:
            return log_probs.max()
        if label not in model.labels:
            raise InputError(f"unknown label {label!r}; valid: {', '.join(model.labels)}")
        return log_probs[model.labels.index(label)]
    log_probs = torch.log_softmax(module.lm_head(features[0, position]).float(), -1)
    following = ids[position + 1] if position + 1 < len(ids) else None
    return log_probs[following] if following is not None else log_probs.max()


@dataclass
class Gates:
    """Per-step hidden state (all directions) and gate activations (forward direction) of one layer, ``[T, units]``."""

    model: str
    cell: str
    tokens: list[Token]
    layer: int
    num_layers: int
    hidden: np.ndarray
    gates: dict[str, np.ndarray] = field(default_factory=dict)  # LSTM: input, forget, cell, output; GRU: reset, update, new


@torch.inference_mode()
def gate_activations(model: LoadedModel, text: str, *, layer: int = 0) -> Gates:
    module = _require_recurrent(model, "gate activations")
    ids, tokens = _encode(model, text)
    if not ids:
        raise InputError("the text has no words this model knows how to read")
    layers = module.config.num_layers
    if not 0 <= layer < layers:
        raise InputError(f"layer must be between 0 and {layers - 1}")
    # For a bidirectional stack, hidden holds both directions and the gates are the forward direction's.
    trace = module.trace(torch.tensor(ids, dtype=torch.long, device=model.device))
    arrays = {name: values[layer].float().cpu().numpy() for name, values in trace.items()}
    hidden = arrays.pop("hidden")
    return Gates(model.name, module.cell, tokens, layer, layers, hidden, arrays)


# -- 4. beam search made visible -----------------------------------------------------------------------------
@dataclass
class BeamNode:
    id: int
    step: int  # 0 is the prompt
    parent: int | None
    token: str
    score: float  # summed log-probability of the hypothesis ending here
    kept: bool
    finished: bool = False  # the hypothesis ended with <eos>
    best: bool = False  # on the path of the best continuation


@dataclass
class StepDistribution:
    """The top-k next-word distribution after the best continuation's first ``step`` words."""

    step: int
    prefix: str
    chosen: str
    candidates: list[tuple[str, float]]


@dataclass
class BeamTree:
    text: str
    beam_width: int
    nodes: list[BeamNode]
    continuations: list[tuple[str, float]]
    distributions: list[StepDistribution]

    def children(self, node_id: int) -> list[BeamNode]:
        return [n for n in self.nodes if n.parent == node_id]


def beam_tree(model: LoadedModel, text: str, *, beam_width: int = 4, max_words: int = 6, top_k: int = 10) -> BeamTree:
    """Run beam search and keep every hypothesis it considered, kept or pruned, with the top-k distributions."""
    model._require("language-model")
    if top_k < 1:
        raise InputError("top_k must be at least 1")
    steps: list = []
    continuations = model.continue_text(text, beam_width=beam_width, max_words=max_words, tree=steps)
    eos = model.tokenizer.id_to_token(model.tokenizer.eos_id) if model.tokenizer.eos_id is not None else None
    nodes = [BeamNode(0, 0, None, text, 0.0, True)]
    live = [0]
    for number, step in enumerate(steps, start=1):
        next_live = []
        for cand in step.candidates:  # in the order the beam ranked them, so kept ones come first
            node = BeamNode(len(nodes), number, live[cand["parent"]], cand["token"], float(cand["score"]),
                            bool(cand["kept"]), finished=cand["token"] == eos)
            nodes.append(node)
            if node.kept and not node.finished:
                next_live.append(node.id)
        live = next_live
    last = len(steps)
    ends = [n for n in nodes[1:] if n.kept and (n.finished or n.step == last)]
    path: list[BeamNode] = []
    if ends:
        node: BeamNode | None = max(ends, key=lambda n: n.score)
        while node is not None:
            node.best = True
            path.append(node)
            node = nodes[node.parent] if node.parent is not None else None
        path = path[::-1][1:]  # without the prompt
    distributions = _distributions(model, text, [n.token for n in path if not n.finished], top_k)
    return BeamTree(text, beam_width, nodes, [(c.text, c.log_probability) for c in continuations], distributions)


def _distributions(model: LoadedModel, text: str, path: list[str], k: int) -> list[StepDistribution]:
    prompt = model.tokenizer.encode(text).ids
    ids = [model.tokenizer.token_to_id(t) for t in path]
    out = []
    for step in range(max(1, len(ids))):
        prefix = prompt + [i for i in ids[:step] if i is not None]
        candidates = model._candidates(model.last_logits(prefix), k)
        chosen = path[step] if step < len(path) else ""
        out.append(StepDistribution(step, model.tokenizer.decode(ids[:step]), chosen,
                                    [(c.word, c.probability) for c in candidates]))
    return out


# -- 5. word neighbours --------------------------------------------------------------------------------------
@dataclass
class Projection:
    words: list[str]
    coordinates: np.ndarray  # [N, 2]
    explained: tuple[float, float]  # fraction of the variance each axis keeps
    missing: list[str]


class VectorSpace:
    """Unit-length word vectors with cosine neighbours and a PCA projection."""

    def __init__(self, words: Sequence[str], vectors: np.ndarray, source: str,
                 lookup: Callable[[str], np.ndarray | None] | None = None,
                 normalize: Callable[[str], str] | None = None):
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self.words = list(words)
        self.vectors = vectors / np.where(norms > 0, norms, 1.0)
        self.index = {w: i for i, w in enumerate(self.words)}
        self.source = source
        self._lookup = lookup  # vectors for words outside the list (fastText builds them from character n-grams)
        self._normalize = normalize or (lambda w: w)

    def __len__(self) -> int:
        return len(self.words)

    @property
    def dimensions(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def vector(self, word: str) -> np.ndarray | None:
        for candidate in dict.fromkeys((word, self._normalize(word), word.lower())):
            if candidate in self.index:
                return self.vectors[self.index[candidate]]
        if self._lookup is not None:
            found = self._lookup(word)
            if found is not None:
                norm = np.linalg.norm(found)
                return found / norm if norm > 0 else None
        return None

    def neighbours(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        if k < 1:
            raise InputError("k must be at least 1")
        word = word.strip()
        vector = self.vector(word)
        if vector is None:
            raise InputError(f"{word!r} is not in the vocabulary of {self.source}")
        similarity = self.vectors @ vector
        own = {word, self._normalize(word), word.lower()}
        order = np.argsort(-similarity)
        out = []
        for i in order:
            if self.words[i] not in own:
                out.append((self.words[i], float(similarity[i])))
                if len(out) == k:
                    break
        return out

    def project(self, words: Sequence[str]) -> Projection:
        """2-D principal-component projection of ``words`` (PCA by SVD of the centred unit vectors)."""
        found, rows, missing = [], [], []
        for word in dict.fromkeys(w.strip() for w in words if w.strip()):
            vector = self.vector(word)
            if vector is None:
                missing.append(word)
            else:
                found.append(word)
                rows.append(vector)
        if len(found) < 2:
            raise InputError("give at least two words this vocabulary knows to draw a projection"
                             + (f" (unknown: {', '.join(missing)})" if missing else ""))
        matrix = np.stack(rows).astype(np.float64)
        centred = matrix - matrix.mean(axis=0)
        u, s, _ = np.linalg.svd(centred, full_matrices=False)
        coordinates = np.zeros((len(found), 2))
        width = min(2, len(s))
        coordinates[:, :width] = u[:, :width] * s[:width]
        variance = s ** 2
        total = float(variance.sum()) or 1.0
        explained = tuple(float(variance[i] / total) if i < len(s) else 0.0 for i in range(2))
        return Projection(found, coordinates, explained, missing)


def model_vectors(model: LoadedModel) -> VectorSpace:
    """The embedding space of any model with an ``nn.Embedding`` (special tokens left out)."""
    embedding = getattr(model.module, "embedding", None)
    if not isinstance(embedding, nn.Embedding):
        embedding = next((m for m in model.module.modules() if isinstance(m, nn.Embedding)), None)
    if embedding is None:
        raise InputError(f"model {model.name!r} has no embedding layer")
    weights = embedding.weight.detach().float().cpu().numpy()
    tokenizer = model.tokenizer
    keep = [i for i in range(min(len(weights), tokenizer.vocab_size)) if tokenizer.id_to_token(i) not in SPECIAL_TOKENS]

    def normalize(word: str) -> str:
        ids = tokenizer.encode(word).ids
        return tokenizer.id_to_token(ids[0]) if len(ids) == 1 else word

    return VectorSpace([tokenizer.id_to_token(i) for i in keep], weights[keep], f"model {model.name}",
                       normalize=normalize)


def detect_vector_format(path: Path) -> str:
    """fastText ``.bin`` by its magic number; otherwise binary word2vec, or text with (word2vec) or without
    (GloVe) the ``count dimensions`` header line."""
    from sentido.engine.embeddings import require_gensim

    require_gensim()
    from gensim import utils

    with open(path, "rb") as handle:
        head = handle.read(4)
    if len(head) == 4 and struct.unpack("<i", head)[0] == FASTTEXT_MAGIC:
        return "fasttext"
    with utils.open(str(path), "rb") as handle:  # reads .gz/.bz2 transparently
        first_line = handle.readline(4096)
        sample = first_line + handle.read(4096)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the end of the sample
            return "word2vec-binary"
    parts = first_line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return "word2vec"
    return "glove"


def load_word_vectors(path: Path | str, *, format: str = "auto", limit: int | None = None) -> VectorSpace:
    """Read a word-vector file with gensim (never unpickling): word2vec text or binary, GloVe text (no header),
    fastText ``.vec`` (word2vec text) or ``.bin``. ``limit`` keeps the first (most frequent) words only."""
    from sentido.engine.embeddings import require_gensim

    require_gensim()
    from gensim.models import KeyedVectors
    from gensim.models.fasttext import load_facebook_vectors

    path = Path(path)
    if format not in VECTOR_FORMATS:
        raise InputError(f"unknown word-vector format {format!r}; valid: {', '.join(VECTOR_FORMATS)}")
    if not path.is_file():
        raise InputError(f"{path}: no such word-vector file")
    try:
        kind = detect_vector_format(path) if format == "auto" else format
        if kind == "fasttext":
            vectors = load_facebook_vectors(str(path))
            words = vectors.index_to_key[:limit] if limit else vectors.index_to_key
            matrix = vectors.vectors[: len(words)]

            def lookup(word: str) -> np.ndarray | None:
                return np.asarray(vectors.get_vector(word), dtype=np.float32)

            return VectorSpace(words, matrix, path.name, lookup=lookup)
        vectors = KeyedVectors.load_word2vec_format(
            str(path), binary=kind == "word2vec-binary", no_header=kind == "glove", limit=limit,
        )
    except (OSError, ValueError, EOFError, UnicodeDecodeError, NotImplementedError, struct.error, KeyError) as exc:
        raise InputError(f"{path}: cannot read it as {format if format != 'auto' else 'word vectors'} "
                         f"({type(exc).__name__}: {exc})") from None
    if not len(vectors.index_to_key):
        raise InputError(f"{path}: the file holds no word vectors")
    return VectorSpace(vectors.index_to_key, vectors.vectors, path.name)
