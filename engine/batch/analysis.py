"""The models as a batch run uses them: int8, float16 (GPU) or bfloat16 (CPU) copies, tokenisation of whole
chunks, and texts longer than the model's window read in windows.

A text longer than a model's window (``ModelSpec.max_length`` tokens) is cut into consecutive windows that are
analysed like separate texts; the document's probabilities are the token-weighted mean of its windows'
(a 40-token tail counts 40/512 as much as a full window), and its label and score follow from that mean.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence
from concurrent.futures import Executor

import torch
from torch import nn

from sentido.engine.errors import InputError
from sentido.engine.inference import LoadedModel

def prepare_model(loaded: LoadedModel, options) -> LoadedModel:
    """The model as the run uses it: int8-quantized or half-precision copies leave the engine's cached one as is."""
    loaded._require("classification")
    if options.quantize and options.half:
        raise InputError("choose quantize (CPU) or half precision (GPU), not both")
    if options.quantize:
        if loaded.device.type != "cpu":
            raise InputError(f"int8 quantization runs on the CPU; the engine uses {loaded.device} (use half precision there)")
        # nn.RNN has no dynamic int8 kernel; its Linear layers are still quantized.
        with warnings.catch_warnings():  # torch flags its int8 tensor API as deprecated; the kernels still run
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            module = torch.ao.quantization.quantize_dynamic(loaded.module, {nn.LSTM, nn.GRU, nn.Linear}, dtype=torch.qint8)
    elif options.half:
        module = copy.deepcopy(loaded.module).to(half_dtype(loaded.device))
    else:
        return loaded
    return LoadedModel(loaded.name, loaded.spec, module.eval(), loaded.tokenizer, loaded.device)


def half_dtype(device: torch.device) -> torch.dtype:
    """float16 on a GPU; bfloat16 on a CPU with native bfloat16 instructions (AVX512-BF16 or AMX), where oneDNN's
    recurrent kernels run about 1.8x faster than in float32 (measured on this project's AMD EPYC); else an error."""
    if device.type != "cpu":
        return torch.float16
    if not cpu_has_bf16():
        raise InputError("half precision on the CPU needs bfloat16 instructions (AVX512-BF16 or AMX), which this "
                         "CPU lacks; use quantize (int8) instead")
    return torch.bfloat16


def cpu_has_bf16() -> bool:
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


# A recurrent layer computes its input gates for the whole batch at once: batch x length x gates x hidden floats.
# Past a few million floats they fall out of the cache and every step waits on memory: measured on this project's
# machine in batch runs (one torch thread per batch), the 256-unit LSTM read 423 IMDB reviews/s in batches of 64
# and 650 in batches of 8-16; short sentences want large batches, and get them (the budget is in tokens). Only
# batch runs use it: analyze(), with torch splitting each operation over threads, parallelises better over larger
# batches (accuracy.py's docs/s fell 10-20% with it).
GATE_FLOATS = 4_000_000


def token_budget(module: torch.nn.Module) -> int | None:
    """Tokens per batch that keep the widest recurrent layer's gate inputs within ``GATE_FLOATS``; None when the
    model has no recurrent layer torch names (``mode`` and ``hidden_size``: nn.LSTM/GRU/RNN and their int8 forms)."""
    gates = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
    widths = [gates.get(getattr(m, "mode", ""), 0) * m.hidden_size * (2 if getattr(m, "bidirectional", False) else 1)
              for m in module.modules() if hasattr(m, "hidden_size") and hasattr(m, "mode")]
    width = max(widths, default=0)
    return max(512, GATE_FLOATS // width) if width else None


def length_batches(order: Sequence[int], lengths: Sequence[int], batch_size: int, budget: int | None) -> list[list[int]]:
    """``order`` (indices sorted by length) cut into batches of at most ``batch_size`` texts and, with a budget,
    at most ``budget`` tokens counted as texts x the longest one (what the padded batch holds)."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        if current and (len(current) >= batch_size or (budget and (len(current) + 1) * lengths[index] > budget)):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def token_ids(model: LoadedModel, texts: Sequence[str]) -> list[list[int]]:
    """Token ids of many texts, without the character offsets batch output never shows (see ``ids_batch``)."""
    return model.tokenizer.ids_batch(texts)


def classify(model: LoadedModel, ids: Sequence[Sequence[int]], batch_size: int,
             pool: Executor | None = None) -> tuple[list[torch.Tensor | None], list[int]]:
    """Per text (as token ids): combined label probabilities (None without tokens) and token count.

    See the module docstring for the windows. The windows are sorted by length and cut into batches of
    ``batch_size``, so a batch's texts have almost the same length and little work goes to padding (which never
    changes a result: see ``RecurrentTextModel.text_features``); with a ``pool`` the batches run side by side on its
    threads (torch releases the GIL inside each layer).
    """
    window = model.spec.max_length
    pieces, owners, weights = [], [], []
    for owner, seq in enumerate(ids):
        for start in range(0, len(seq), window):
            pieces.append(seq[start : start + window])
            owners.append(owner)
            weights.append(len(pieces[-1]))
    lengths = [len(seq) for seq in ids]
    if not pieces:
        return [None] * len(ids), lengths
    order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
    batches = length_batches(order, [len(p) for p in pieces], batch_size, token_budget(model.module))

    def run(batch: list[int]) -> tuple[list[int], torch.Tensor]:
        return batch, model.probabilities([pieces[i] for i in batch], len(batch))

    probs = torch.empty(len(pieces), len(model.labels))
    for batch, batch_probs in (pool.map(run, batches) if pool is not None else map(run, batches)):
        probs[batch] = batch_probs
    owner_index = torch.tensor(owners)
    weight = torch.tensor(weights, dtype=probs.dtype)
    combined = torch.zeros(len(ids), probs.size(1)).index_add_(0, owner_index, probs * weight[:, None])
    totals = torch.zeros(len(ids)).index_add_(0, owner_index, weight)
    return [combined[i] / totals[i] if lengths[i] else None for i in range(len(ids))], lengths
