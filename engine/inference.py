"""Inference on a loaded model: analysis, next words, continuations, and the incremental typing session."""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor, nn

from sentido.engine import suggestions
from sentido.engine.errors import InputError
from sentido.engine.manifest import ModelSpec
from sentido.engine.tokenization import TextTokenizer, Token


# Limits that keep one request's memory bounded whatever it asks for (docs/security.md lists them all).
MAX_BEAM_WIDTH = 64
MAX_CONTINUATION_WORDS = 200
MAX_SUGGESTIONS = 100
CONTEXT_CHARS = 20_000  # a language model reads only the end of a text: the next word depends on the last ones


def context_tail(text: str, limit: int = CONTEXT_CHARS) -> str:
    """The last ``limit`` characters of ``text``, cut at a whitespace so no word is split (the whole text when
    shorter): what next-word prediction and continuation read, so a 10 MB text costs what 20,000 characters do."""
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    cut = next((i for i, ch in enumerate(tail) if ch.isspace()), 0)
    return tail[cut:]


@dataclass
class Analysis:
    """One text's sentiment (or other label): ``label`` is ``None`` for a text with no tokens."""

    text: str
    model: str
    label: str | None
    probabilities: dict[str, float]
    score: float
    tokens: list[Token]

    @property
    def confidence(self) -> float:
        return max(self.probabilities.values(), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "model": self.model,
            "label": self.label,
            "confidence": self.confidence,
            "score": self.score,
            "probabilities": self.probabilities,
            "tokens": [{"text": t.text, "start": t.start, "end": t.end} for t in self.tokens],
        }


@dataclass
class WordCandidate:
    word: str
    probability: float
    token_id: int

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "probability": self.probability}


@dataclass
class Continuation:
    text: str
    token_ids: list[int]
    log_probability: float

    @property
    def mean_log_probability(self) -> float:
        return self.log_probability / max(1, len(self.token_ids))

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "log_probability": self.log_probability, "mean_log_probability": self.mean_log_probability}


@dataclass
class BeamStep:
    """One step of beam search: every candidate considered, with its parent and whether the beam kept it."""

    candidates: list[dict[str, Any]] = field(default_factory=list)


def label_valence(spec: ModelSpec) -> list[float]:
    """Signed value of each label: the manifest's ``label_scores``, else positive/negative, else star numbers."""
    labels = spec.labels
    if spec.label_scores:
        return [float(spec.label_scores.get(label, 0.0)) for label in labels]
    lowered = [label.lower() for label in labels]
    if "positive" in lowered or "negative" in lowered:
        return [1.0 if l == "positive" else -1.0 if l == "negative" else 0.0 for l in lowered]
    try:
        numbers = [float(label) for label in labels]
    except ValueError:
        return [0.0] * len(labels)
    low, high = min(numbers), max(numbers)
    return [0.0 if high == low else 2 * (n - low) / (high - low) - 1 for n in numbers]


class LoadedModel:
    """A model ready to run: module in eval mode on its device, its tokenizer and manifest entry."""

    def __init__(self, name: str, spec: ModelSpec, module: nn.Module, tokenizer: TextTokenizer, device: torch.device):
        self.name, self.spec, self.module, self.tokenizer, self.device = name, spec, module, tokenizer, device
        self.labels = list(spec.labels)
        self._valence = torch.tensor(label_valence(spec)) if spec.labels else None
        banned = [tokenizer.pad_id, tokenizer.unk_id]
        self._punctuation: Tensor | None = None
        if spec.task == "language-model":  # corpus markup is never offered nor generated (engine/suggestions.py)
            vocab = tokenizer.vocab()
            banned += suggestions.markup_ids(vocab)
            self._punctuation = torch.tensor(suggestions.punctuation_ids(vocab), dtype=torch.long, device=device)
        self._banned = torch.tensor(sorted({i for i in banned if i is not None}), dtype=torch.long, device=device)

    @property
    def task(self) -> str:
        return self.spec.task

    @property
    def supports_step(self) -> bool:
        return hasattr(self.module, "step") and getattr(self.module, "supports_step", True)

    def _require(self, task: str) -> None:
        if self.task != task:
            raise InputError(f"model {self.name!r} is a {self.task} model; this needs a {task} model")

    def _batch(self, ids: Sequence[Sequence[int]]) -> tuple[Tensor, Tensor]:
        lengths = torch.tensor([max(1, len(x)) for x in ids])
        batch = torch.full((len(ids), int(lengths.max())), self.tokenizer.pad_id, dtype=torch.long)
        for row, seq in enumerate(ids):
            batch[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        return batch.to(self.device), lengths.to(self.device)

    # -- classification -------------------------------------------------------------------------------------
    @torch.inference_mode()
    def probabilities(self, ids: Sequence[Sequence[int]], batch_size: int = 64) -> Tensor:
        """Label probabilities ``[N, L]`` for token-id lists, batched by length (padding is exact)."""
        self._require("classification")
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = torch.empty(len(ids), len(self.labels))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            batch, lengths = self._batch([ids[i] for i in chunk])
            out[chunk] = torch.softmax(self.module(batch, lengths).float(), dim=-1).cpu()
        return out

    def make_analysis(self, text: str, tokens: list[Token], probs: Tensor | None) -> Analysis:
        if probs is None:
            return Analysis(text, self.name, None, {}, 0.0, tokens)
        index = int(probs.argmax())
        score = float((probs * self._valence).sum()) if self._valence is not None else 0.0
        return Analysis(text, self.name, self.labels[index], {l: float(p) for l, p in zip(self.labels, probs)}, score, tokens)

    def analyze(self, texts: Sequence[str], batch_size: int = 64) -> list[Analysis]:
        if isinstance(texts, str):
            raise InputError("analyze() takes a list of texts; wrap a single text in a list")
        for text in texts:
            if not isinstance(text, str):
                raise InputError(f"analyze() takes texts (str); got a {type(text).__name__}")
        encoded = self.tokenizer.encode_batch(list(texts))
        nonempty = [i for i, e in enumerate(encoded) if e.ids]
        window = self.spec.max_length
        if any(len(encoded[i].ids) > window for i in nonempty):
            # The same window rule as batch analysis (one rule, one score per text, memory bounded by the window).
            from sentido.engine.batch.analysis import classify

            combined, _ = classify(self, [encoded[i].ids for i in nonempty], batch_size)
            probs = torch.stack(combined) if combined else None
        else:
            probs = self.probabilities([encoded[i].ids for i in nonempty], batch_size) if nonempty else None
        row = {i: n for n, i in enumerate(nonempty)}
        return [
            self.make_analysis(text, enc.tokens, probs[row[i]] if i in row else None)
            for i, (text, enc) in enumerate(zip(texts, encoded))
        ]

    # -- language model -------------------------------------------------------------------------------------
    def _candidates(self, logits: Tensor, k: int, prefix: str = "") -> list[WordCandidate]:
        logits = logits.float().clone()
        logits[self._banned] = float("-inf")
        if self._punctuation is not None and self._punctuation.numel() and suggestions.word_expected(prefix):
            logits[self._punctuation] = float("-inf")  # a word, not a lone '"', after a full stop or at the start
        if self.tokenizer.eos_id is not None:
            logits[self.tokenizer.eos_id] = float("-inf")
        probs = torch.softmax(logits, dim=-1)
        top = torch.topk(probs, min(k, probs.numel()))
        return [
            WordCandidate(self.tokenizer.id_to_token(int(i)), float(p), int(i))
            for p, i in zip(top.values.cpu(), top.indices.cpu())
        ]

    @torch.inference_mode()
    def last_logits(self, ids: list[int]) -> Tensor:
        batch, lengths = self._batch([ids or [self.tokenizer.eos_id or self.tokenizer.pad_id]])
        return self.module(batch, lengths)[0, int(lengths[0]) - 1]

    def next_words(self, text: str, k: int = 5) -> list[WordCandidate]:
        self._require("language-model")
        if not 1 <= k <= MAX_SUGGESTIONS:
            raise InputError(f"k must be between 1 and {MAX_SUGGESTIONS}")
        tail = context_tail(text)
        return self._candidates(self.last_logits(self.tokenizer.encode(tail).ids), k, tail)

    @torch.inference_mode()
    def continue_text(
        self,
        text: str,
        *,
        beam_width: int = 4,
        max_words: int = 8,
        strategy: str = "beam",
        temperature: float = 1.0,
        top_k: int = 0,
        num_results: int | None = None,
        seed: int | None = None,
        tree: list[BeamStep] | None = None,
    ) -> list[Continuation]:
        """Continue ``text`` by beam search (``strategy="beam"``), greedy decoding, or top-k sampling.

        Scores are summed log-probabilities of the generated tokens. Pass a list as ``tree`` to receive every
        beam step (kept and pruned hypotheses), for drawing the search.
        """
        self._require("language-model")
        if strategy not in ("beam", "greedy", "sample"):
            raise InputError(f"unknown strategy {strategy!r}; valid: beam, greedy, sample")
        if not 1 <= beam_width <= MAX_BEAM_WIDTH:
            raise InputError(f"beam width must be between 1 and {MAX_BEAM_WIDTH}")
        if not 1 <= max_words <= MAX_CONTINUATION_WORDS:
            raise InputError(f"length must be between 1 and {MAX_CONTINUATION_WORDS} words")
        if not (temperature > 0 and math.isfinite(temperature)):
            raise InputError("temperature must be a finite number > 0")
        if seed is not None and not 0 <= seed < 2**63:
            raise InputError("seed must be a whole number from 0 to 2**63 - 1")
        runner = _LMRunner(self)
        logits, state = runner.start(self.tokenizer.encode(context_tail(text)).ids)
        if strategy == "sample":
            return self._sample(runner, logits, state, max_words, temperature, top_k, num_results or beam_width, seed)
        width = 1 if strategy == "greedy" else beam_width
        return self._beam(runner, logits, state, width, max_words, tree)[: num_results or width]

    def _log_probs(self, logits: Tensor, temperature: float = 1.0) -> Tensor:
        logits = logits.float() / temperature
        logits[..., self._banned] = float("-inf")
        return torch.log_softmax(logits, dim=-1)

    def _beam(self, runner, logits, state, width, max_words, tree) -> list[Continuation]:
        eos = self.tokenizer.eos_id
        live: list[tuple[list[int], float]] = [([], 0.0)]
        finished: list[tuple[list[int], float]] = []
        for step in range(max_words):
            log_probs = self._log_probs(logits)  # [H, V]
            if step == 0 and eos is not None:
                log_probs[..., eos] = float("-inf")  # a continuation has at least one word
            top = torch.topk(log_probs, min(width, log_probs.size(-1)), dim=-1)
            pool = []
            for h, (tokens, score) in enumerate(live):
                for lp, tok in zip(top.values[h].tolist(), top.indices[h].tolist()):
                    pool.append((score + lp, h, tok))
            pool.sort(key=lambda c: c[0], reverse=True)
            kept = pool[:width]
            if tree is not None:
                chosen = {(h, t) for _, h, t in kept}
                tree.append(BeamStep([
                    {"parent": h, "token": self.tokenizer.id_to_token(t), "score": s, "kept": (h, t) in chosen}
                    for s, h, t in pool
                ]))
            next_live, parents, tokens_in = [], [], []
            for score, h, tok in kept:
                seq = live[h][0] + [tok]
                if eos is not None and tok == eos:
                    finished.append((seq[:-1], score))
                else:
                    next_live.append((seq, score))
                    parents.append(h)
                    tokens_in.append(tok)
            if not next_live:
                break
            live = next_live
            logits, state = runner.advance(state, parents, tokens_in, [seq for seq, _ in live])
        ranked = sorted(finished + live, key=lambda c: c[1], reverse=True)
        return [Continuation(self.tokenizer.decode(seq), seq, score) for seq, score in ranked]

    def _sample(self, runner, logits, state, max_words, temperature, top_k, count, seed) -> list[Continuation]:
        generator = torch.Generator().manual_seed(seed) if seed is not None else None
        eos = self.tokenizer.eos_id
        logits = logits.expand(count, -1)
        state = runner.select(state, [0] * count)
        seqs: list[list[int]] = [[] for _ in range(count)]
        scores = [0.0] * count
        done = [False] * count
        for _ in range(max_words):
            log_probs = self._log_probs(logits, temperature).cpu()
            if top_k > 0:
                cutoff = torch.topk(log_probs, min(top_k, log_probs.size(-1)), dim=-1).values[:, -1:]
                log_probs = log_probs.masked_fill(log_probs < cutoff, float("-inf"))
            picks = torch.multinomial(log_probs.exp(), 1, generator=generator).squeeze(1).tolist()
            for i, tok in enumerate(picks):
                if not done[i]:
                    if eos is not None and tok == eos:
                        done[i] = True
                    else:
                        seqs[i].append(tok)
                        scores[i] += float(log_probs[i, tok])
            if all(done):
                break
            logits, state = runner.advance(state, list(range(count)), picks, seqs)
        return [Continuation(self.tokenizer.decode(s), s, sc) for s, sc in zip(seqs, scores)]

    def incremental(self, keep: int = 64) -> "IncrementalSession":
        return IncrementalSession(self, keep)


class _LMRunner:
    """Feeds tokens to a language model, reusing the recurrent state when the architecture can step."""

    def __init__(self, model: LoadedModel):
        self.model = model
        self.module = model.module
        self.can_step = model.supports_step

    def start(self, ids: list[int]) -> tuple[Tensor, Any]:
        ids = ids or [self.model.tokenizer.eos_id or self.model.tokenizer.pad_id]
        if not self.can_step:
            return self.model.last_logits(ids).unsqueeze(0), [ids]
        features, state = self.module.step(torch.tensor([ids], device=self.model.device), self.module.init_state(1))
        return self.module.lm_head(features[:, -1]), (state, [ids])

    def select(self, state: Any, index: list[int]) -> Any:
        if not self.can_step:
            return [list(state[i]) for i in index]
        inner, prefixes = state
        return self.module.select_state(inner, torch.tensor(index, device=self.model.device)), [prefixes[i] for i in index]

    def advance(self, state: Any, parents: list[int], tokens: list[int], seqs: list[list[int]]) -> tuple[Tensor, Any]:
        if not self.can_step:
            full = [state[p] + [t] for p, t in zip(parents, tokens)]
            batch, lengths = self.model._batch(full)
            logits = self.module(batch, lengths)
            return logits[torch.arange(len(full)), lengths - 1], full
        inner, prefixes = self.select(state, parents)
        features, inner = self.module.step(torch.tensor(tokens, device=self.model.device).unsqueeze(1), inner)
        return self.module.lm_head(features[:, -1]), (inner, prefixes)


class IncrementalSession:
    """Analysis while typing: only tokens after the first changed one are fed to the network.

    The recurrent state after each of the last ``keep`` tokens is remembered, so editing the last word (which
    changes the last token or two) steps back a little instead of re-reading the text. Architectures without
    ``step`` (bidirectional ones, most third-party ones) fall back to a full re-run, with identical results.
    """

    def __init__(self, model: LoadedModel, keep: int = 64):
        self.model = model
        self.keep = keep
        self.text = ""
        self.ids: list[int] = []
        self.tokens: list[Token] = []
        self._states: OrderedDict[int, Any] = OrderedDict()  # position -> state after that many tokens
        self.fed_tokens = 0  # tokens fed to the network by the last update (for tests and benchmarks)
        self._encoded: tuple[str, list[int], list[Token]] = ("", [], [])  # the last text and its tokens, together
        # The recurrent stack's outputs [T, D] live in a buffer that grows by doubling, so a keystroke writes only its
        # new rows; with Sentido's own mean/max/last pooling, a running sum and maximum make pooling O(1).
        self._rows = _GrowingRows(_prefix_pooling(model))

    @property
    def _features(self) -> Tensor | None:
        return self._rows.features

    def reset(self) -> None:
        self.text, self.ids, self.tokens = "", [], []
        self._encoded = ("", [], [])
        self._states.clear()
        self._rows = _GrowingRows(self._rows.pooling)  # let a long text's buffer go

    def _encode(self, text: str) -> tuple[list[int], list[Token]]:
        """Tokenise ``text``, re-reading only from a little before where it differs from the last text.

        Re-encoding a 10,000-word text on every keystroke costs more than the network does (and the tokenizer
        holds the GIL, freezing the window). Tokens never cross whitespace, so the text is re-encoded from a
        whitespace gap some way before the first changed character; a few tokens of overlap must come out
        exactly as before, otherwise (a ``<br />`` or a combining mark across the seam) the whole text is encoded.
        """
        tokenizer = self.model.tokenizer
        old_text, old_ids, old_tokens = self._encoded
        if len(old_tokens) >= _RETOKENIZE_MIN_TOKENS:
            same = _common_prefix_length(old_text, text)
            start = bisect.bisect_left(old_tokens, same - _RETOKENIZE_MARGIN_CHARS, key=lambda t: t.end)
            seam = max(0, start - _RETOKENIZE_OVERLAP)
            while seam > 0 and not text[old_tokens[seam].start - 1].isspace():
                seam -= 1
            if seam > 0:
                offset = old_tokens[seam].start
                tail = tokenizer.encode(text[offset:])
                shifted = [Token(t.text, t.start + offset, t.end + offset) for t in tail.tokens]
                overlap = start - seam
                if shifted[:overlap] == old_tokens[seam:start] and tail.ids[:overlap] == old_ids[seam:start]:
                    return old_ids[:seam] + tail.ids, old_tokens[:seam] + shifted
        encoded = tokenizer.encode(text)
        return encoded.ids, encoded.tokens

    @torch.inference_mode()
    def update(self, text: str) -> "IncrementalSession":
        ids, tokens = self._encode(text)
        self._encoded = (text, ids, tokens)
        self.text, self.tokens = text, tokens
        if not self.model.supports_step:
            self.ids, self.fed_tokens = ids, len(ids)
            return self
        common = _common_prefix_length(self.ids, ids)
        module = self.model.module
        # Step back to the newest remembered state at or before the first changed token.
        usable = [p for p in self._states if p <= common]
        start = max(usable) if usable else 0
        if start == 0:
            state = module.init_state(1)
            self._states.clear()
        else:
            state = self._states[start]
        self._rows.truncate(start)
        for pos in [p for p in self._states if p > start]:
            del self._states[pos]
        new = ids[start:]
        self.fed_tokens = len(new)
        device = self.model.device
        # Feed a long paste in one call, then the last `keep` tokens one by one to remember their states.
        bulk = max(0, len(new) - self.keep)
        pieces = [new[:bulk]] if bulk else []
        pieces += [[t] for t in new[bulk:]]
        position = start
        for piece in pieces:
            features, state = module.step(torch.tensor([piece], device=device), state)
            self._rows.append(features[0])
            position += len(piece)
            self._states[position] = state
            while len(self._states) > self.keep:
                self._states.popitem(last=False)
        self._rows.keep_marks(self._states)
        self.ids = ids
        return self

    @torch.inference_mode()
    def analysis(self) -> Analysis:
        model = self.model
        model._require("classification")
        if not self.ids:
            return model.make_analysis(self.text, self.tokens, None)
        if not model.supports_step:  # re-run the network on the ids update() already has
            return model.make_analysis(self.text, self.tokens, model.probabilities([self.ids])[0])
        pooled = self._rows.pooled()
        if pooled is None:
            lengths = torch.tensor([len(self.ids)], device=model.device)
            pooled, _ = model.module.pool(self._features.unsqueeze(0), lengths)
        probs = torch.softmax(model.module.head(pooled).float(), dim=-1)[0].cpu()
        return model.make_analysis(self.text, self.tokens, probs)

    @torch.inference_mode()
    def next_words(self, k: int = 5) -> list[WordCandidate]:
        model = self.model
        model._require("language-model")
        if not model.supports_step or not self.ids:
            return model._candidates(model.last_logits(self.ids), k, self.text)
        return model._candidates(model.module.lm_head(self._features[-1]), k, self.text)


_RETOKENIZE_MIN_TOKENS = 256  # shorter texts are simply encoded again
_RETOKENIZE_MARGIN_CHARS = 64  # re-read at least this far before the first changed character
_RETOKENIZE_OVERLAP = 4  # tokens that must re-encode identically at the seam


def _prefix_pooling(model: LoadedModel) -> str | None:
    """The pooling kind when the session can pool from running sums and maxima: Sentido's own ``Pooling`` of a
    one-directional classifier, by mean, max, mean+max or last position; else None (pool the whole features)."""
    from sentido.engine.modeling import Pooling

    pooling = getattr(model.module, "pooling", None)
    if model.task != "classification" or type(pooling) is not Pooling or pooling.bidirectional:
        return None
    return pooling.kind if pooling.kind in ("mean", "max", "mean_max", "last") else None


class _GrowingRows:
    """Rows ``[T, D]`` appended a few at a time into a buffer that doubles when full, and, for mean/max pooling,
    the running sum and maximum of all rows so far, also kept at marked positions (the session's remembered states,
    the only places it ever steps back to), so that stepping back is O(1) too. The sum is float64 where the device
    has it (ten thousand rows then add up as exactly as one sum over them all), else float32 (Apple's MPS)."""

    def __init__(self, pooling: str | None):
        self.pooling = pooling if pooling in ("mean", "max", "mean_max", "last") else None
        self.length = 0
        self._rows: Tensor | None = None
        self._pool: tuple[Tensor, Tensor] | None = None  # (sum, max) of the rows [0, length)
        self._marks: dict[int, tuple[Tensor, Tensor]] = {}

    @property
    def features(self) -> Tensor | None:
        return None if self._rows is None or not self.length else self._rows[: self.length]

    def truncate(self, length: int) -> None:
        if length >= self.length:
            return
        self.length = length
        if self.pooling is None or self.pooling == "last":
            return
        if length == 0:
            self._pool = None
        elif length in self._marks:
            self._pool = self._marks[length]
        else:  # not a marked position (does not happen in a session): pool the rows again
            self._pool = self._summarise(self._rows[:length], None)
        self._marks = {p: v for p, v in self._marks.items() if p <= length}

    def append(self, rows: Tensor, mark: bool = True) -> None:
        end = self.length + rows.size(0)
        if self._rows is None or end > self._rows.size(0):
            grown = rows.new_empty((max(64, 2 * end), rows.size(1)))
            if self._rows is not None and self.length:
                grown[: self.length] = self._rows[: self.length]
            self._rows = grown
        self._rows[self.length:end] = rows
        self.length = end
        if self.pooling in ("mean", "max", "mean_max"):
            self._pool = self._summarise(rows, self._pool)
            if mark:
                self._marks[end] = self._pool

    def keep_marks(self, positions) -> None:
        self._marks = {p: self._marks[p] for p in positions if p in self._marks}

    @staticmethod
    def _summarise(rows: Tensor, before: tuple[Tensor, Tensor] | None) -> tuple[Tensor, Tensor]:
        wide = torch.float32 if rows.device.type == "mps" else torch.float64
        total, top = rows.to(wide).sum(0), rows.amax(0)
        if before is not None:
            total, top = total + before[0], torch.maximum(top, before[1])
        return total, top

    def pooled(self) -> Tensor | None:
        """``[1, D']`` as ``Pooling`` gives it for all the rows, or None when the pooling is not one of these."""
        if self.pooling is None or not self.length:
            return None
        if self.pooling == "last":
            return self._rows[self.length - 1:self.length]
        total, top = self._pool
        mean = (total / self.length).to(self._rows.dtype)
        if self.pooling == "mean":
            return mean.unsqueeze(0)
        if self.pooling == "max":
            return top.unsqueeze(0)
        return torch.cat([mean, top]).unsqueeze(0)


def _common_prefix_length(a: Sequence, b: Sequence) -> int:
    """Length of the common prefix of two strings or lists, by binary search over slice comparisons (done in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def perplexity_from_loss(loss: float) -> float:
    return math.exp(min(loss, 50.0))
