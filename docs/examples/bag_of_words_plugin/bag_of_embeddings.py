"""A complete Sentido architecture in one file: a bag-of-embeddings classifier.

The contract (see docs/plugins.md): a dataclass ``config_class`` with ``task``, ``vocab_size`` and ``num_labels``
fields (the engine fills those three), ``__init__(config)``, and ``forward(ids, lengths)`` returning logits
``[batch, num_labels]``. It has no ``step`` method, so Sentido's typing view simply re-runs it on each change.
"""

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class BagConfig:
    task: str = "classification"
    vocab_size: int = 0
    num_labels: int = 2
    embedding_dim: int = 64
    dropout: float = 0.1

    def __post_init__(self):
        if self.task != "classification":
            raise ValueError("bag_of_embeddings only does classification")


class BagOfEmbeddings(nn.Module):
    config_class = BagConfig

    def __init__(self, config: BagConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim, padding_idx=0)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(config.embedding_dim, config.num_labels)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = (torch.arange(ids.size(1), device=ids.device)[None, :] < lengths[:, None]).unsqueeze(-1)
        summed = (self.embedding(ids) * mask).sum(1)
        mean = summed / lengths.clamp(min=1).unsqueeze(-1).to(summed.dtype)
        return self.classifier(self.dropout(mean))
