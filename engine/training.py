"""Training Sentido's models: classifiers (any label set) and next-word language models.

Long work as a plain function with a progress callback and a cancel state (no Qt): ``train_classifier`` and
``train_language_model`` run epochs of length-bucketed batches, validate after each epoch, stop early, keep the best
weights, and checkpoint as data (safetensors + JSON, never pickles) so that an interrupted run continues with
``resume=True`` and ends exactly where an uninterrupted one would: the batch order of an epoch depends only on
(seed, epoch), and the torch random state (dropout) is re-seeded from (seed, step) before every step.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import Tensor, nn

from sentido.engine.bundle import load_weights, unique_state
from sentido.engine.errors import CancelledError, InputError
from sentido.engine.tokenization import TextTokenizer

Progress = Callable[[dict[str, Any]], None]


@dataclass
class TrainOptions:
    """How to train (not what to build: the architecture's config holds that)."""

    epochs: int = 8
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 0.0
    clip: float = 1.0
    patience: int = 2  # epochs without improvement before stopping
    lr_decay: float = 0.5  # multiply the learning rate by this after an epoch without improvement
    epoch_lr_decay: float = 1.0  # and by this after every epoch that improved
    seed: int = 13
    max_tokens: int = 400  # classification: longer texts keep their first and last max_tokens/2 tokens
    bptt: int = 35  # language model: truncated back-propagation length
    freeze_embeddings_epochs: int = 0  # pretrained embeddings stay fixed this many epochs first
    checkpoint_every: int = 200  # steps between mid-epoch checkpoints
    max_minutes: float = 0.0  # stop at the end of the epoch that passes this wall-clock budget (0: none)
    average_final: bool = False  # try the mean of the best and the final weights; keep it if validation is better
    average_from_epoch: int = 0  # language model: from this epoch on, validate and keep the running mean of the weights
    amp: bool = True  # mixed precision on CUDA


class CancelState:
    """What the GUI or a test sets to stop training between steps."""

    cancelled: bool = False


@dataclass
class TrainResult:
    module: nn.Module
    history: list[dict[str, Any]] = field(default_factory=list)
    best_epoch: int = 0
    best_metric: float = 0.0
    seconds: float = 0.0
    steps: int = 0
    stopped: str = ""
    averaged: dict[str, Any] | None = None  # set when the kept weights average the best and final epochs


def hardware_summary(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA), torch {torch.__version__}"
    from sentido.engine.device import cpu_name

    return f"{cpu_name()}, {torch.get_num_threads()} thread(s) of {os.cpu_count()} CPUs, torch {torch.__version__}"


def print_progress(event: dict[str, Any]) -> None:
    """The default progress display: one line per report."""
    kind = event["event"]
    if kind == "step":
        eta = event.get("eta_seconds")
        eta_text = f" ETA {_clock(eta)}" if eta is not None else ""
        print(f"epoch {event['epoch']}/{event['epochs']} step {event['step']}/{event['steps']} "
              f"loss {event['loss']:.4f} lr {event['lr']:.2g} {event['rate']:.0f} tok/s{eta_text}", flush=True)
    elif kind == "epoch":
        metrics = " ".join(f"{k} {v:.4f}" for k, v in event["metrics"].items())
        print(f"epoch {event['epoch']} done in {_clock(event['seconds'])}: {metrics}"
              f"{' (best)' if event['best'] else ''}", flush=True)
    elif kind == "message":
        print(event["text"], flush=True)


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


# -- checkpoints: safetensors for tensors, JSON for everything else ------------------------------------------
def _optimizer_tensors(optimizer: torch.optim.Optimizer) -> tuple[dict[str, Tensor], dict[str, Any]]:
    state = optimizer.state_dict()
    tensors, scalars = {}, {}
    for index, values in state["state"].items():
        for key, value in values.items():
            if isinstance(value, Tensor):
                tensors[f"{index}.{key}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{index}.{key}"] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def _restore_optimizer(optimizer: torch.optim.Optimizer, tensors: dict[str, Tensor], meta: dict[str, Any]) -> None:
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value
    for name, value in meta["scalars"].items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


class Checkpoint:
    """A folder with the run's identity, current and best weights, optimizer state and progress."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    @property
    def exists(self) -> bool:
        return (self.root / "progress.json").is_file()

    def start(self, identity: dict[str, Any], tokenizer: TextTokenizer, resume: bool) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        run_file = self.root / "run.json"
        if resume and run_file.is_file():
            saved = json.loads(run_file.read_text(encoding="utf-8"))
            wanted = json.loads(json.dumps(identity))
            # An option added to Sentido after the checkpoint was written matches when it is left at its default.
            wanted = {k: v for k, v in wanted.items() if k in saved or v not in (None, 0, False, "", [])}
            if saved != wanted:
                changed = sorted(k for k in set(saved) | set(wanted) if saved.get(k) != wanted.get(k))
                raise InputError(f"{self.root}: the checkpoint belongs to a different run (differs in: {', '.join(changed)}); "
                                 "use another --checkpoint folder or drop --resume")
            return
        for name in ("progress.json", "model.safetensors", "best.safetensors", "optimizer.safetensors"):
            (self.root / name).unlink(missing_ok=True)
        run_file.write_text(json.dumps(identity, indent=2), encoding="utf-8")
        tokenizer.save(self.root / "tokenizer.json")

    def tokenizer(self) -> TextTokenizer | None:
        path = self.root / "tokenizer.json"
        return TextTokenizer.from_file(path) if path.is_file() else None

    def save(self, module: nn.Module, optimizer: torch.optim.Optimizer, progress: dict[str, Any],
             extra: dict[str, Tensor] | None = None) -> None:
        tensors, meta = _optimizer_tensors(optimizer)
        weights = {k: v.detach().cpu().contiguous() for k, v in unique_state(module).items()}
        self._write(save_file, weights, "model.safetensors")
        self._write(save_file, {**tensors, **{f"extra.{k}": v.detach().cpu().contiguous() for k, v in (extra or {}).items()}},
                    "optimizer.safetensors")
        temp = self.root / "progress.json.tmp"
        temp.write_text(json.dumps({**progress, "optimizer": meta}, indent=1), encoding="utf-8")
        os.replace(temp, self.root / "progress.json")  # written last: a checkpoint is complete once it appears

    def save_best(self, module: nn.Module, weights: dict[str, Tensor] | None = None) -> None:
        """The best weights: the module's own, or ``weights`` (a state dict of it, e.g. averaged), each tensor once
        (tied tensors are stored under the one name ``unique_state`` keeps, as loading expects)."""
        names = unique_state(module).keys()
        source = weights if weights is not None else module.state_dict()
        self._write(save_file, {k: source[k].detach().cpu().contiguous() for k in names}, "best.safetensors")

    def _write(self, writer, tensors: dict[str, Tensor], name: str) -> None:
        temp = self.root / f"{name}.tmp"
        writer(tensors, str(temp))
        os.replace(temp, self.root / name)

    def load(self, module: nn.Module, optimizer: torch.optim.Optimizer) -> tuple[dict[str, Any], dict[str, Tensor]]:
        progress = json.loads((self.root / "progress.json").read_text(encoding="utf-8"))
        load_weights(module, self.root / "model.safetensors")
        tensors = load_file(str(self.root / "optimizer.safetensors"))
        extra = {k[6:]: v for k, v in tensors.items() if k.startswith("extra.")}
        _restore_optimizer(optimizer, {k: v for k, v in tensors.items() if not k.startswith("extra.")}, progress.pop("optimizer"))
        return progress, extra

    def load_best(self, module: nn.Module) -> None:
        if (self.root / "best.safetensors").is_file():
            load_weights(module, self.root / "best.safetensors")


# -- shared loop pieces -------------------------------------------------------------------------------------
def _seed_step(seed: int, step: int) -> None:
    torch.manual_seed(seed * 1_000_003 + step)


def _autocast(device: torch.device, enabled: bool):
    if enabled and device.type == "cuda":
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.autocast("cuda", dtype=dtype)
    return torch.autocast("cpu", enabled=False)


def _scaler(device: torch.device, enabled: bool):
    # bfloat16 needs no loss scaling; float16 does.
    use = enabled and device.type == "cuda" and not torch.cuda.is_bf16_supported()
    return torch.amp.GradScaler("cuda", enabled=use)


def _set_embedding_trainable(module: nn.Module, trainable: bool) -> None:
    module.embedding.weight.requires_grad_(trainable)


class _Loop:
    """Epoch/step bookkeeping shared by both trainers: checkpoints, early stopping, progress and ETA."""

    def __init__(self, module, options: TrainOptions, device, checkpoint: Checkpoint | None, progress: Progress | None,
                 cancel: CancelState | None, higher_is_better: bool):
        self.module, self.options, self.device = module, options, device
        self.checkpoint, self.report = checkpoint, progress or print_progress
        self.cancel = cancel
        self.higher = higher_is_better
        params = [p for p in module.parameters()]
        self.optimizer = torch.optim.Adam(params, lr=options.lr, weight_decay=options.weight_decay)
        self.scaler = _scaler(device, options.amp)
        self.state: dict[str, Any] = {"epoch": 0, "step_in_epoch": 0, "global_step": 0, "best_metric": None,
                                      "best_epoch": 0, "bad_epochs": 0, "history": [], "elapsed": 0.0,
                                      "lr": options.lr, "done": False, "stopped": ""}
        self.extra: dict[str, Tensor] = {}
        self.current_extra: Callable[[], dict[str, Tensor]] | None = None  # what a save now would keep besides weights
        self.best_state: dict[str, Tensor] | None = None

    def resume(self) -> bool:
        if self.checkpoint is None or not self.checkpoint.exists:
            return False
        self.state, self.extra = self.checkpoint.load(self.module, self.optimizer)
        self.module.to(self.device)
        for group in self.optimizer.param_groups:
            group["lr"] = self.state["lr"]
        if not self.state["done"] and self.state["step_in_epoch"] == 0 and self.state["epoch"] >= self.options.epochs:
            # --epochs lowered on resume to end a run at the last finished epoch
            self.state.update(done=True, stopped=f"finished {self.state['epoch']} epochs")
            self.report({"event": "message", "text": f"{self.checkpoint.root}: {self.state['stopped']}; nothing to train"})
            return True
        self.report({"event": "message", "text": f"resumed from {self.checkpoint.root}: epoch {self.state['epoch'] + 1}, "
                                                 f"step {self.state['step_in_epoch']}"})
        return True

    def save(self) -> None:
        if self.checkpoint is not None:
            self.checkpoint.save(self.module, self.optimizer, self.state, self.extra)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            if self.current_extra is not None:  # the carried state and averages as they are now, not at the last save
                self.extra = self.current_extra()
            self.save()
            raise CancelledError("training cancelled; the checkpoint keeps the progress (--resume continues)")

    def backward(self, loss: Tensor) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        if self.options.clip > 0:
            self.scaler.unscale_(self.optimizer)
            nn.utils.clip_grad_norm_(self.module.parameters(), self.options.clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()

    def end_epoch(self, metrics: dict[str, float], key: str, seconds: float,
                  weights: dict[str, Tensor] | None = None) -> bool:
        """Record an epoch; returns whether training should go on.

        ``weights`` are the weights that were validated when they are not the module's own (averaged weights).
        """
        value = metrics[key]
        best = self.state["best_metric"]
        improved = best is None or (value > best if self.higher else value < best)
        epoch = self.state["epoch"] + 1
        self.state["history"].append({"epoch": epoch, **metrics, "lr": self.state["lr"], "seconds": round(seconds, 1)})
        if improved:
            self.state.update(best_metric=value, best_epoch=epoch, bad_epochs=0)
            self.best_state = {k: v.detach().clone() for k, v in (weights or self.module.state_dict()).items()}
            if self.checkpoint is not None:
                self.checkpoint.save_best(self.module, self.best_state)
            self.state["lr"] *= self.options.epoch_lr_decay
        else:
            self.state["bad_epochs"] += 1
            self.state["lr"] *= self.options.lr_decay
        for group in self.optimizer.param_groups:
            group["lr"] = self.state["lr"]
        self.report({"event": "epoch", "epoch": epoch, "metrics": metrics, "seconds": seconds, "best": improved})
        self.state.update(epoch=epoch, step_in_epoch=0)
        go_on = True
        if self.state["bad_epochs"] >= self.options.patience:
            self.state["stopped"] = f"early stop: no improvement in {self.options.patience} epoch(s)"
            go_on = False
        elif epoch >= self.options.epochs:
            self.state["stopped"] = f"finished {epoch} epochs"
            go_on = False
        elif self.options.max_minutes and self.state["elapsed"] > self.options.max_minutes * 60:
            self.state["stopped"] = f"time budget of {self.options.max_minutes:g} minutes reached"
            go_on = False
        self.state["done"] = not go_on
        self.save()
        return go_on

    def restore_best(self) -> None:
        if self.best_state is not None:
            self.module.load_state_dict(self.best_state)
        elif self.checkpoint is not None:
            self.checkpoint.load_best(self.module)

    def average_with_final(self, score: Callable[[], float]) -> None:
        """Weight averaging of the best and the final epoch (a two-point SWA), kept only if validation improves.

        The module holds the final weights when this runs (also after a resumed, finished run).
        """
        history = self.state["history"]
        if not history or self.state["best_epoch"] == history[-1]["epoch"]:
            return  # the final weights are the best ones: nothing to average
        final = {k: v.detach().clone() for k, v in self.module.state_dict().items()}
        if self.best_state is None and self.checkpoint is not None:
            self.checkpoint.load_best(self.module)
            self.best_state = {k: v.detach().clone() for k, v in self.module.state_dict().items()}
        if self.best_state is None:
            return
        mean = {k: (v + final[k]) / 2 if v.is_floating_point() else v for k, v in self.best_state.items()}
        self.module.load_state_dict(mean)
        value = score()
        best = float(self.state["best_metric"])
        better = value > best if self.higher else value < best
        self.report({"event": "message", "text": f"average of epochs {self.state['best_epoch']} and {history[-1]['epoch']}: "
                                                 f"validation {value:.4f} vs best epoch {best:.4f} -> "
                                                 f"{'kept' if better else 'not kept'}"})
        if better:
            self.averaged = {"epochs": [self.state["best_epoch"], history[-1]["epoch"]], "validation": value,
                             "best_epoch_validation": best}
            self.best_state = mean

    def result(self) -> TrainResult:
        self.restore_best()
        self.module.eval()
        return TrainResult(self.module, self.state["history"], self.state["best_epoch"],
                           float(self.state["best_metric"] or 0.0), self.state["elapsed"], self.state["global_step"],
                           self.state["stopped"], getattr(self, "averaged", None))

    def step_report(self, steps: int, loss: float, tokens_per_s: float, epoch_started: float, step_started_at: int) -> None:
        done_here = self.state["step_in_epoch"] - step_started_at
        per_step = (time.monotonic() - epoch_started) / max(1, done_here)
        remaining_epochs = self.options.epochs - self.state["epoch"] - 1
        eta = per_step * ((steps - self.state["step_in_epoch"]) + remaining_epochs * steps)
        self.report({"event": "step", "epoch": self.state["epoch"] + 1, "epochs": self.options.epochs,
                     "step": self.state["step_in_epoch"], "steps": steps, "loss": loss, "lr": self.state["lr"],
                     "rate": tokens_per_s, "eta_seconds": eta})


class WeightAverage:
    """The running mean of a module's parameters, updated after every optimizer step.

    This is Polyak averaging, the "A" of the ASGD that AWD-LSTM language models train with: the mean of the weights
    along the last epochs generalises better than any single point of the noisy trajectory. ``swap`` exchanges the
    module's parameters with the mean (call it again to swap back), so validation can score the averaged weights.
    """

    def __init__(self, module: nn.Module, count: int = 0, mean: dict[str, Tensor] | None = None):
        self.count = count
        self.mean = {name: (mean[name] if mean and name in mean else p.detach().float().clone()).to(p.device)
                     for name, p in module.named_parameters()}

    @torch.no_grad()
    def update(self, module: nn.Module) -> None:
        self.count += 1
        for name, p in module.named_parameters():
            self.mean[name].add_(p.detach().float() - self.mean[name], alpha=1.0 / self.count)

    @torch.no_grad()
    def swap(self, module: nn.Module) -> None:
        for name, p in module.named_parameters():
            kept = p.detach().clone()
            p.copy_(self.mean[name].to(p.dtype))
            self.mean[name].copy_(kept.float())

    def tensors(self) -> dict[str, Tensor]:
        return {f"avg.{name}": t for name, t in self.mean.items()}

    @classmethod
    def from_tensors(cls, module: nn.Module, tensors: dict[str, Tensor], count: int) -> "WeightAverage":
        return cls(module, count, {k[4:]: v for k, v in tensors.items() if k.startswith("avg.")})


# -- classification -----------------------------------------------------------------------------------------
def truncate(ids: list[int], max_tokens: int) -> list[int]:
    """Keep the first and last ``max_tokens // 2`` tokens of a long text: reviews state their verdict at the ends."""
    if max_tokens <= 0 or len(ids) <= max_tokens:
        return ids
    head = max_tokens // 2
    return ids[:head] + ids[len(ids) - (max_tokens - head):]


def bucketed_batches(lengths: Sequence[int], batch_size: int, rng: random.Random, pool: int = 50) -> list[list[int]]:
    """Shuffle, sort within pools of ``pool`` batches by length (little padding), then shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    span = batch_size * pool
    for start in range(0, len(order), span):
        chunk = sorted(order[start:start + span], key=lambda i: lengths[i])
        batches.extend(chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[Tensor, Tensor]:
    lengths = torch.tensor([max(1, len(s)) for s in sequences])
    batch = torch.full((len(sequences), int(lengths.max())), pad_id, dtype=torch.long)
    for row, seq in enumerate(sequences):
        if seq:
            batch[row, :len(seq)] = torch.tensor(seq, dtype=torch.long)
    return batch, lengths


def classify_logits(module: nn.Module, ids: Tensor, lengths: Tensor) -> Tensor:
    """Logits for a right-padded batch. A unidirectional recurrent model skips packing: with right padding its
    features at real positions are exactly those of the unpadded text, and pooling masks the rest (several
    times faster on the CPU, GRU above all)."""
    config = getattr(module, "config", None)
    if config is not None and not config.bidirectional and hasattr(module, "pool") and hasattr(module, "encoder"):
        features, _ = module.encoder(module.embed(ids))
        return module.head(module.pool(features, lengths.to(features.device))[0])
    return module(ids, lengths)


@torch.inference_mode()
def predict_ids(module: nn.Module, ids: Sequence[Sequence[int]], device: torch.device, pad_id: int,
                batch_size: int = 128) -> Tensor:
    """Label probabilities ``[N, L]`` for token-id lists (sorted by length for speed, returned in input order)."""
    module.eval()
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = None
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        batch, lengths = pad_batch([ids[i] for i in chunk], pad_id)
        probs = torch.softmax(classify_logits(module, batch.to(device), lengths.to(device)).float(), dim=-1).cpu()
        if out is None:
            out = torch.empty(len(ids), probs.size(1))
        out[chunk] = probs
    return out if out is not None else torch.empty(0, 0)


def train_classifier(
    module: nn.Module,
    tokenizer: TextTokenizer,
    train_texts: Sequence[str],
    train_labels: Sequence[int],
    valid_texts: Sequence[str],
    valid_labels: Sequence[int],
    options: TrainOptions,
    *,
    device: torch.device | None = None,
    checkpoint: Checkpoint | None = None,
    identity: dict[str, Any] | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    cancel: CancelState | None = None,
) -> TrainResult:
    """Train ``module`` (already initialised, e.g. with pretrained embeddings) on labelled texts."""
    device = device or torch.device("cpu")
    if not train_texts or not valid_texts:
        raise InputError("training needs at least one training and one validation text")
    module.to(device)
    if checkpoint is not None:
        checkpoint.start(identity or {}, tokenizer, resume)
    train_ids = [truncate(x, options.max_tokens) for x in tokenizer.ids_batch(list(train_texts))]
    valid_ids = [truncate(x, options.max_tokens) for x in tokenizer.ids_batch(list(valid_texts))]
    labels = torch.tensor(list(train_labels))
    valid_y = torch.tensor(list(valid_labels))
    lengths = [len(x) for x in train_ids]
    loop = _Loop(module, options, device, checkpoint, progress, cancel, higher_is_better=True)
    if resume:
        loop.resume()
    report_every = max(1, min(50, options.checkpoint_every))
    while not loop.state["done"]:
        epoch = loop.state["epoch"]
        _set_embedding_trainable(module, epoch >= options.freeze_embeddings_epochs)
        batches = bucketed_batches(lengths, options.batch_size, random.Random(options.seed * 7919 + epoch))
        module.train()
        started, first_step, tokens, last = time.monotonic(), loop.state["step_in_epoch"], 0, time.monotonic()
        running = None
        for index in range(loop.state["step_in_epoch"], len(batches)):
            loop.check_cancel()
            _seed_step(options.seed, loop.state["global_step"])
            rows = batches[index]
            ids, lens = pad_batch([train_ids[i] for i in rows], tokenizer.pad_id)
            with _autocast(device, options.amp):
                logits = classify_logits(module, ids.to(device), lens.to(device))
                loss = nn.functional.cross_entropy(logits.float(), labels[rows].to(device))
            loop.backward(loss)
            value = float(loss.detach())
            running = value if running is None else 0.95 * running + 0.05 * value
            tokens += int(lens.sum())
            now = time.monotonic()
            loop.state["elapsed"] += now - last
            last = now
            loop.state["step_in_epoch"] = index + 1
            loop.state["global_step"] += 1
            if loop.state["step_in_epoch"] % report_every == 0:
                loop.step_report(len(batches), running, tokens / max(1e-9, now - started), started, first_step)
            if loop.state["step_in_epoch"] % options.checkpoint_every == 0:
                loop.save()
        probs = predict_ids(module, valid_ids, device, tokenizer.pad_id)
        predicted = probs.argmax(1)
        metrics = {
            "train_loss": float(running or 0.0),
            "valid_loss": float(nn.functional.nll_loss(probs.clamp_min(1e-12).log(), valid_y)),
            "valid_accuracy": float((predicted == valid_y).float().mean()),
        }
        loop.state["elapsed"] += time.monotonic() - last
        loop.end_epoch(metrics, "valid_accuracy", time.monotonic() - started)
    _set_embedding_trainable(module, True)
    if options.average_final:
        loop.average_with_final(
            lambda: float((predict_ids(module, valid_ids, device, tokenizer.pad_id).argmax(1) == valid_y).float().mean()))
    return loop.result()


# -- language model -----------------------------------------------------------------------------------------
WIKITEXT_JOINERS = {" @-@ ": "-", " @,@ ": ",", " @.@ ": "."}


def lm_stream(tokenizer: TextTokenizer, lines: Sequence[str], unk_marker: str = "<unk>") -> Tensor:
    """One long id stream: each line's tokens then ``<eos>``; ``unk_marker`` in the text maps to ``<unk>``.

    WikiText's split joiners (`` @-@ ``, `` @,@ ``, `` @.@ ``) are rejoined so the model sees text as people
    type it.
    """
    pieces: list[str] = []
    shape: list[int] = []  # pieces per line
    for line in lines:
        for joiner, plain in WIKITEXT_JOINERS.items():
            line = line.replace(joiner, plain)
        parts = line.split(unk_marker) if unk_marker else [line]
        pieces.extend(parts)
        shape.append(len(parts))
    encoded = tokenizer.ids_batch(pieces)
    eos = tokenizer.eos_id if tokenizer.eos_id is not None else tokenizer.pad_id
    out: list[int] = []
    cursor = 0
    for count in shape:
        for k in range(count):
            if k:
                out.append(tokenizer.unk_id)
            out.extend(encoded[cursor + k])
        cursor += count
        out.append(eos)
    return torch.tensor(out, dtype=torch.long)


def lm_texts_for_vocab(lines: Sequence[str], unk_marker: str = "<unk>") -> list[str]:
    """The text a language-model tokenizer learns its words from (markers removed, joiners rejoined)."""
    texts = []
    for line in lines:
        for joiner, plain in WIKITEXT_JOINERS.items():
            line = line.replace(joiner, plain)
        texts.append(line.replace(unk_marker, " ") if unk_marker else line)
    return texts


def batchify(stream: Tensor, batch_size: int) -> Tensor:
    """``[batch_size, N]``: the stream cut into ``batch_size`` contiguous rows (state carries along each row)."""
    n = stream.numel() // batch_size
    if n < 2:
        raise InputError(f"the text is too short for batch size {batch_size} ({stream.numel()} tokens)")
    return stream[: n * batch_size].view(batch_size, n)


def _detach(state: Any) -> Any:
    if isinstance(state, tuple):
        return tuple(_detach(s) for s in state)
    return state.detach()


def _state_tensors(state: Any, prefix: str = "state") -> dict[str, Tensor]:
    if isinstance(state, tuple):
        out = {}
        for i, s in enumerate(state):
            out.update(_state_tensors(s, f"{prefix}.{i}"))
        return out
    return {prefix: state}


def _state_from(tensors: dict[str, Tensor], template: Any, prefix: str = "state") -> Any:
    if isinstance(template, tuple):
        return tuple(_state_from(tensors, t, f"{prefix}.{i}") for i, t in enumerate(template))
    return tensors[prefix].to(template.device)


@torch.inference_mode()
def lm_loss_on(module: nn.Module, stream: Tensor, device: torch.device, batch_size: int = 10, bptt: int = 70) -> float:
    """Mean next-token cross-entropy of ``stream`` (perplexity = exp of it), carrying state across segments."""
    module.eval()
    data = batchify(stream, batch_size).to(device)
    state = module.init_state(batch_size)
    total, count = 0.0, 0
    for start in range(0, data.size(1) - 1, bptt):
        end = min(start + bptt, data.size(1) - 1)
        features, state = module.step(data[:, start:end], state)
        targets = data[:, start + 1:end + 1]
        loss = module.lm_loss(features.reshape(-1, features.size(-1)), targets.reshape(-1))
        total += float(loss) * targets.numel()
        count += targets.numel()
    return total / max(1, count)


def train_language_model(
    module: nn.Module,
    tokenizer: TextTokenizer,
    train_stream: Tensor,
    valid_stream: Tensor,
    options: TrainOptions,
    *,
    device: torch.device | None = None,
    checkpoint: Checkpoint | None = None,
    identity: dict[str, Any] | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    cancel: CancelState | None = None,
) -> TrainResult:
    """Truncated BPTT over one long stream, carrying (detached) state between batches; gradient clipping."""
    device = device or torch.device("cpu")
    module.to(device)
    if checkpoint is not None:
        checkpoint.start(identity or {}, tokenizer, resume)
    data = batchify(train_stream, options.batch_size).to(device)
    steps = math.ceil((data.size(1) - 1) / options.bptt)
    loop = _Loop(module, options, device, checkpoint, progress, cancel, higher_is_better=False)
    state = module.init_state(options.batch_size)
    average: WeightAverage | None = None
    if resume and loop.resume():
        if any(k.startswith("state") for k in loop.extra):
            state = _state_from(loop.extra, state)
        if "average_count" in loop.state:
            average = WeightAverage.from_tensors(module, loop.extra, loop.state["average_count"])
    report_every = max(1, min(100, options.checkpoint_every))

    def keep_average() -> dict[str, Tensor]:
        if average is None:
            return {}
        loop.state["average_count"] = average.count
        return average.tensors()

    loop.current_extra = lambda: {**_state_tensors(_detach(state)), **keep_average()}

    while not loop.state["done"]:
        epoch = loop.state["epoch"]
        if options.average_from_epoch and epoch + 1 >= options.average_from_epoch and average is None:
            average = WeightAverage(module)
            loop.report({"event": "message", "text": f"epoch {epoch + 1}: averaging the weights from here on"})
        _set_embedding_trainable(module, epoch >= options.freeze_embeddings_epochs)
        module.train()
        if loop.state["step_in_epoch"] == 0:
            state = module.init_state(options.batch_size)
        started, first_step, tokens, last = time.monotonic(), loop.state["step_in_epoch"], 0, time.monotonic()
        running = None
        for index in range(loop.state["step_in_epoch"], steps):
            loop.check_cancel()
            _seed_step(options.seed, loop.state["global_step"])
            start = index * options.bptt
            end = min(start + options.bptt, data.size(1) - 1)
            inputs, targets = data[:, start:end], data[:, start + 1:end + 1]
            state = _detach(state)
            with _autocast(device, options.amp):
                features, state = module.step(inputs, state)
                loss = module.lm_loss(features.reshape(-1, features.size(-1)).float(), targets.reshape(-1))
            loop.backward(loss)
            if average is not None:
                average.update(module)
            value = float(loss.detach())
            running = value if running is None else 0.98 * running + 0.02 * value
            tokens += targets.numel()
            now = time.monotonic()
            loop.state["elapsed"] += now - last
            last = now
            loop.state["step_in_epoch"] = index + 1
            loop.state["global_step"] += 1
            if loop.state["step_in_epoch"] % report_every == 0:
                loop.step_report(steps, running, tokens / max(1e-9, now - started), started, first_step)
            if loop.state["step_in_epoch"] % options.checkpoint_every == 0:
                loop.extra = loop.current_extra()
                loop.save()
        weights = None
        if average is not None:
            average.swap(module)  # validate (and keep, if best) the averaged weights
            valid_loss = lm_loss_on(module, valid_stream, device)
            weights = {k: v.detach().clone() for k, v in module.state_dict().items()}
            average.swap(module)
        else:
            valid_loss = lm_loss_on(module, valid_stream, device)
        metrics = {"train_loss": float(running or 0.0), "valid_loss": valid_loss,
                   "valid_perplexity": math.exp(min(valid_loss, 50.0))}
        loop.extra = keep_average()
        loop.state["elapsed"] += time.monotonic() - last
        loop.end_epoch(metrics, "valid_perplexity", time.monotonic() - started, weights)
    if options.average_final and not options.average_from_epoch:  # the kept weights are already a running mean
        loop.average_with_final(lambda: math.exp(min(lm_loss_on(module, valid_stream, device), 50.0)))
    return loop.result()


def copy_checkpoint_tokenizer(checkpoint: Checkpoint, out: Path) -> None:
    shutil.copy(checkpoint.root / "tokenizer.json", out)


def options_dict(options: TrainOptions) -> dict[str, Any]:
    return asdict(options)
