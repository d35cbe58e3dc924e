"""What an architecture is: a config dataclass plus a small ``nn.Module``.

Every architecture (built-in or a stranger's) follows one contract, checked by ``check_architecture``:

* ``config_class``: a dataclass with at least ``task``, ``vocab_size`` and ``num_labels`` fields; the engine fills
  those three from the bundle, the rest come from the manifest's ``[models.config]`` table.
* ``__init__(config)``.
* ``forward(ids, lengths)``: ``ids`` is a right-padded ``LongTensor[B, T]``, ``lengths`` a ``LongTensor[B]``.
  For ``task == "classification"`` it returns logits ``[B, num_labels]``; for ``"language-model"`` logits
  ``[B, T, vocab_size]`` (position t predicts token t + 1).
* Optional, for typing-speed incremental inference: ``init_state(batch_size)`` and
  ``step(ids, state) -> (features[B, T, D], state)``, with ``pool(features, lengths)`` and ``head(...)``.

The recurrent family below (RNN, LSTM, GRU, ResNet+LSTM) implements all of it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

TASKS = ("classification", "language-model")
POOLINGS = ("last", "mean", "max", "attention", "mean_max")


@dataclass
class RecurrentConfig:
    """Hyper-parameters shared by Sentido's recurrent architectures."""

    task: str = "classification"
    vocab_size: int = 0
    num_labels: int = 0
    embedding_dim: int = 128
    hidden_size: int = 128
    num_layers: int = 1
    dropout: float = 0.0
    embedding_dropout: float = 0.0
    bidirectional: bool = False
    pooling: str = "last"
    tie_weights: bool = False
    padding_idx: int = 0
    # Language models only: word-frequency cut-offs of an adaptive softmax (Grave et al., 2017). Empty means a
    # full softmax. Frequent words get the full hidden size, rare ones a smaller projection: several times
    # cheaper on a large vocabulary, for training and for typing alike.
    adaptive_cutoffs: tuple[int, ...] = ()
    adaptive_div_value: float = 4.0

    def __post_init__(self) -> None:
        _check_choice("task", self.task, TASKS)
        _check_choice("pooling", self.pooling, POOLINGS)
        for name in ("vocab_size", "embedding_dim", "hidden_size", "num_layers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0.0 <= self.dropout < 1.0 or not 0.0 <= self.embedding_dropout < 1.0:
            raise ValueError("dropout and embedding_dropout must be in [0, 1)")
        if self.task == "classification" and self.num_labels < 2:
            raise ValueError(f"a classifier needs num_labels >= 2, got {self.num_labels}")
        if self.task == "language-model" and self.bidirectional:
            raise ValueError("a language model cannot be bidirectional: it would see the word it predicts")
        if self.tie_weights and self.task != "language-model":
            raise ValueError("tie_weights applies to language models only")
        self.adaptive_cutoffs = tuple(int(c) for c in self.adaptive_cutoffs)
        if self.adaptive_cutoffs:
            cuts = self.adaptive_cutoffs
            if self.task != "language-model" or self.tie_weights:
                raise ValueError("adaptive_cutoffs applies to untied language models only")
            if list(cuts) != sorted(set(cuts)) or cuts[0] < 1 or cuts[-1] >= self.vocab_size:
                raise ValueError(f"adaptive_cutoffs must increase strictly within (0, vocab_size={self.vocab_size}), got {list(cuts)}")


def _check_choice(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; valid: {', '.join(valid)}")


def build_config(config_class: type, values: dict[str, Any]) -> Any:
    """Instantiate ``config_class`` from a manifest table; unknown keys name the valid ones."""
    fields = {f.name for f in dataclasses.fields(config_class)}
    unknown = sorted(set(values) - fields)
    if unknown:
        raise ValueError(f"unknown config key(s) {', '.join(unknown)}; valid: {', '.join(sorted(fields))}")
    return config_class(**values)


class Pooling(nn.Module):
    """Reduce per-step features ``[B, T, D]`` to one vector per text, ignoring padding exactly."""

    def __init__(self, kind: str, dim: int, bidirectional: bool):
        super().__init__()
        self.kind = kind
        self.bidirectional = bidirectional
        self.attention = nn.Linear(dim, 1) if kind == "attention" else None
        self.out_dim = 2 * dim if kind == "mean_max" else dim

    def forward(self, features: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor | None]:
        positions = torch.arange(features.size(1), device=features.device)
        mask = positions[None, :] < lengths[:, None].to(features.device)  # [B, T]
        if self.kind == "last":
            return self._last(features, lengths), None
        if self.kind == "attention":
            scores = self.attention(features).squeeze(-1).masked_fill(~mask, float("-inf"))
            weights = torch.softmax(scores, dim=1)
            return torch.bmm(weights.unsqueeze(1), features).squeeze(1), weights
        mean = (features * mask.unsqueeze(-1)).sum(1) / lengths.clamp(min=1).unsqueeze(-1).to(features.dtype)
        if self.kind == "mean":
            return mean, None
        maxed = features.masked_fill(~mask.unsqueeze(-1), float("-inf")).amax(1)
        maxed = torch.where(torch.isfinite(maxed), maxed, torch.zeros_like(maxed))  # empty text
        if self.kind == "max":
            return maxed, None
        return torch.cat([mean, maxed], dim=-1), None

    def _last(self, features: Tensor, lengths: Tensor) -> Tensor:
        index = (lengths.clamp(min=1) - 1).to(features.device)
        rows = torch.arange(features.size(0), device=features.device)
        last = features[rows, index]
        if self.bidirectional:  # the backward direction has read the whole text at position 0
            half = features.size(-1) // 2
            last = torch.cat([last[:, :half], features[:, 0, half:]], dim=-1)
        return last


class RecurrentTextModel(nn.Module):
    """Embedding -> (optional front end) -> stacked recurrent layers -> pooling + classifier, or LM head.

    ``h_t = f(W h_{t-1} + U x_t + b)`` with ``f`` given by ``cell``: ``nn.RNN`` (tanh), ``nn.LSTM``, ``nn.GRU``.
    """

    config_class = RecurrentConfig
    cell: str = "lstm"
    _CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

    def __init__(self, config: RecurrentConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim, padding_idx=config.padding_idx)
        self.embedding_dropout = nn.Dropout(config.embedding_dropout)
        self.encoder = self._CELLS[self.cell](
            input_size=self.encoder_input_size,
            hidden_size=config.hidden_size,
            num_layers=config.num_layers,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
            bidirectional=config.bidirectional,
            batch_first=True,
        )
        directions = 2 if config.bidirectional else 1
        self.feature_size = config.hidden_size * directions
        self.dropout = nn.Dropout(config.dropout)
        if config.task == "classification":
            self.pooling = Pooling(config.pooling, self.feature_size, config.bidirectional)
            self.classifier = nn.Linear(self.pooling.out_dim, config.num_labels)
        else:
            if config.tie_weights and config.hidden_size != config.embedding_dim:
                raise ValueError("tie_weights needs hidden_size == embedding_dim")
            if config.adaptive_cutoffs:
                self.adaptive = nn.AdaptiveLogSoftmaxWithLoss(
                    config.hidden_size, config.vocab_size, list(config.adaptive_cutoffs), div_value=config.adaptive_div_value
                )
            else:
                self.decoder = nn.Linear(config.hidden_size, config.vocab_size)
                if config.tie_weights:
                    self.decoder.weight = self.embedding.weight

    # -- pieces ---------------------------------------------------------------------------------------------
    @property
    def encoder_input_size(self) -> int:
        return self.config.embedding_dim

    def front(self, embedded: Tensor) -> Tensor:
        """Transform embeddings before the recurrent layers; identity here, convolutions in ResNet+LSTM."""
        return embedded

    def embed(self, ids: Tensor) -> Tensor:
        return self.front(self.embedding_dropout(self.embedding(ids)))

    def encode(self, ids: Tensor, lengths: Tensor, state: Any = None) -> tuple[Tensor, Any]:
        """Per-step features ``[B, T, D]`` for a right-padded batch; padding never changes a text's values."""
        inputs = self.embed(ids)
        packed = pack_padded_sequence(inputs, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False)
        output, state = self.encoder(packed, state)
        features, _ = pad_packed_sequence(output, batch_first=True, total_length=ids.size(1))
        return features, state

    def text_features(self, ids: Tensor, lengths: Tensor) -> Tensor:
        """Per-step features for whole texts (no state in or out), the fastest exact way.

        One-directional layers run on the padded batch as it is: the padding after a text comes later in time, so
        it never reaches the text's own positions, and pooling ignores the positions after it. Packing would sort,
        copy and unsort the batch around every layer, which costs as much as a small LSTM itself (measured on the
        batch benchmark). A backward direction reads the padding first, so bidirectional models pack.
        """
        if self.config.bidirectional:
            return self.encode(ids, lengths)[0]
        return self.encoder(self.embed(ids))[0]

    def pool(self, features: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor | None]:
        return self.pooling(features, lengths)

    def head(self, pooled: Tensor) -> Tensor:
        return self.classifier(self.dropout(pooled))

    def lm_head(self, features: Tensor) -> Tensor:
        """Next-token scores ``[..., vocab_size]`` (log-probabilities with an adaptive softmax: same softmax)."""
        features = self.dropout(features)
        if self.config.adaptive_cutoffs:
            flat = self.adaptive.log_prob(features.reshape(-1, features.size(-1)))
            return flat.view(*features.shape[:-1], -1)
        return self.decoder(features)

    def lm_loss(self, features: Tensor, targets: Tensor) -> Tensor:
        """Mean next-token cross-entropy of ``features [N, D]`` against ``targets [N]`` (for training).

        With an adaptive softmax only the clusters holding the targets are computed, which is what makes it cheap.
        """
        features = self.dropout(features)
        if self.config.adaptive_cutoffs:
            return self.adaptive(features, targets).loss
        return nn.functional.cross_entropy(self.decoder(features), targets)

    # -- the contract ---------------------------------------------------------------------------------------
    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        features = self.text_features(ids, lengths)
        if self.config.task == "classification":
            return self.head(self.pool(features, lengths)[0])
        return self.lm_head(features)

    def classify_with_attention(self, ids: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor | None]:
        features = self.text_features(ids, lengths)
        pooled, weights = self.pool(features, lengths)
        return self.head(pooled), weights

    def init_state(self, batch_size: int = 1) -> Any:
        """Zero recurrent state; hides LSTM's ``(h, c)`` against RNN/GRU's ``h``."""
        directions = 2 if self.config.bidirectional else 1
        weight = self.embedding.weight
        shape = (self.config.num_layers * directions, batch_size, self.config.hidden_size)
        h = weight.new_zeros(shape)
        return (h, weight.new_zeros(shape)) if self.cell == "lstm" else h

    @property
    def supports_step(self) -> bool:
        return not self.config.bidirectional

    def select_state(self, state: Any, index: Tensor) -> Any:
        """Pick batch rows ``index`` of a state from ``init_state``/``step`` (beam search reorders them)."""
        if isinstance(state, tuple):
            return tuple(s.index_select(1, index) for s in state)
        return state.index_select(1, index)

    def step(self, ids: Tensor, state: Any) -> tuple[Tensor, Any]:
        """Feed ``ids [B, T]`` (no padding) after ``state``; the unidirectional path used while typing."""
        features, state = self.encoder(self.embed(ids), state)
        return features, state

    # -- looking inside -------------------------------------------------------------------------------------
    def trace(self, ids: Tensor) -> dict[str, list[Tensor]]:
        """Per-layer hidden states and gate activations, for one text ``ids [T]``.

        Recomputed step by step from the same weights (only on request, so the normal path stays fast):
        LSTM gates ``input, forget, cell, output``; GRU ``reset, update, new``; RNN none. ``hidden[layer]`` is
        ``[T, hidden_size * directions]`` exactly as the fast path computes it; gates are the forward direction's.
        """
        x = self.embed(ids.unsqueeze(0)).squeeze(0)
        hidden: list[Tensor] = []
        gates: dict[str, list[Tensor]] = {}
        directions = ("", "_reverse") if self.config.bidirectional else ("",)
        for layer in range(self.config.num_layers):
            outputs = []
            for suffix in directions:
                steps, layer_gates = self._trace_direction(x.flip(0) if suffix else x, layer, suffix)
                outputs.append(steps.flip(0) if suffix else steps)
                if not suffix:
                    for name, values in layer_gates.items():
                        gates.setdefault(name, []).append(values)
            x = torch.cat(outputs, dim=-1)
            hidden.append(x)
        return {"hidden": hidden, **gates}

    def _trace_direction(self, x: Tensor, layer: int, suffix: str) -> tuple[Tensor, dict[str, Tensor]]:
        w_ih = getattr(self.encoder, f"weight_ih_l{layer}{suffix}")
        w_hh = getattr(self.encoder, f"weight_hh_l{layer}{suffix}")
        b_ih = getattr(self.encoder, f"bias_ih_l{layer}{suffix}")
        b_hh = getattr(self.encoder, f"bias_hh_l{layer}{suffix}")
        h = x.new_zeros(self.config.hidden_size)
        c = x.new_zeros(self.config.hidden_size)
        steps, records = [], {}
        for t in range(x.size(0)):
            gi, gh = x[t] @ w_ih.T + b_ih, h @ w_hh.T + b_hh
            if self.cell == "lstm":
                i, f, g, o = (gi + gh).chunk(4)
                i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
                c = f * c + i * g
                h = o * c.tanh()
                record = {"input": i, "forget": f, "cell": g, "output": o}
            elif self.cell == "gru":
                ir, iz, inn = gi.chunk(3)
                hr, hz, hn = gh.chunk(3)
                r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
                n = (inn + r * hn).tanh()
                h = (1 - z) * n + z * h
                record = {"reset": r, "update": z, "new": n}
            else:
                h = (gi + gh).tanh()
                record = {}
            steps.append(h)
            for name, value in record.items():
                records.setdefault(name, []).append(value)
        stacked = torch.stack(steps) if steps else x.new_zeros(0, self.config.hidden_size)
        return stacked, {name: torch.stack(values) for name, values in records.items()}


def check_architecture(cls: type) -> list[str]:
    """Problems that stop ``cls`` from serving as a Sentido architecture (empty when it is fine)."""
    problems = []
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        return [f"{cls!r} is not a torch.nn.Module subclass"]
    config_class = getattr(cls, "config_class", None)
    if config_class is None or not dataclasses.is_dataclass(config_class):
        problems.append(f"{cls.__name__}.config_class must be a dataclass")
    else:
        names = {f.name for f in dataclasses.fields(config_class)}
        for required in ("task", "vocab_size", "num_labels"):
            if required not in names:
                problems.append(f"{cls.__name__}.config_class has no field {required!r}")
    return problems
