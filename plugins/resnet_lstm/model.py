"""ResNet+LSTM: residual 1-D convolution blocks over the embeddings, then an LSTM.

The convolutions are causal (each position sees only itself and the ``kernel_size - 1`` words before it, per
layer), so the model still reads left to right: padding on the right never leaks into a text, and typing can be
handled incrementally by keeping the last ``receptive_field`` embeddings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from sentido.engine.modeling import RecurrentConfig, RecurrentTextModel


@dataclass
class ResNetLSTMConfig(RecurrentConfig):
    conv_blocks: int = 2
    kernel_size: int = 3

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.conv_blocks < 1 or self.kernel_size < 2:
            raise ValueError("conv_blocks must be >= 1 and kernel_size >= 2")


class ResidualBlock(nn.Module):
    """``x + conv(relu(conv(norm(x))))`` with causal (left-only) padding."""

    def __init__(self, channels: int, kernel_size: int, dropout: float):
        super().__init__()
        self.pad = kernel_size - 1
        self.norm = nn.LayerNorm(channels)
        self.conv1 = nn.Conv1d(channels, channels, kernel_size)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:  # x: [B, T, C]
        y = self.norm(x).transpose(1, 2)
        y = F.relu(self.conv1(F.pad(y, (self.pad, 0))))
        y = self.conv2(F.pad(self.dropout(y), (self.pad, 0)))
        return x + y.transpose(1, 2)


class ResNetLSTMModel(RecurrentTextModel):
    config_class = ResNetLSTMConfig
    cell = "lstm"

    def __init__(self, config: ResNetLSTMConfig):
        super().__init__(config)
        self.blocks = nn.Sequential(
            *[ResidualBlock(config.embedding_dim, config.kernel_size, config.dropout) for _ in range(config.conv_blocks)]
        )
        self.receptive_field = 2 * config.conv_blocks * (config.kernel_size - 1)

    def front(self, embedded: Tensor) -> Tensor:
        return self.blocks(embedded)

    def init_state(self, batch_size: int = 1) -> Any:
        tail = self.embedding.weight.new_zeros(batch_size, 0, self.config.embedding_dim)
        return tail, super().init_state(batch_size)

    def select_state(self, state: Any, index: Tensor) -> Any:
        tail, recurrent = state
        return tail.index_select(0, index), super().select_state(recurrent, index)

    def step(self, ids: Tensor, state: Any) -> tuple[Tensor, Any]:
        tail, recurrent = state
        embedded = torch.cat([tail, self.embedding_dropout(self.embedding(ids))], dim=1)
        # Positions in the tail only serve as left context; their own outputs were produced earlier.
        features = self.blocks(embedded)[:, -ids.size(1):]
        output, recurrent = self.encoder(features, recurrent)
        return output, (embedded[:, -self.receptive_field:], recurrent)
