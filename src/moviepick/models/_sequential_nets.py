"""The torch modules of the sequential recommenders (imported only when one is fitted or loaded).

Item ``n_items`` is padding; :class:`SASRecNet` also reads item ``n_items + 1``, the token that
starts every watch history, so an empty history has a learned next-item distribution too.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


class MeanOfLast(nn.Module):
    """seq-mean: the mean embedding of the last watched movies, dropout, a linear layer that
    scores every movie. An empty history scores by the layer's bias alone."""

    def __init__(self, n_items: int, dim: int, dropout: float) -> None:
        super().__init__()
        self.embedding = nn.EmbeddingBag(n_items + 1, dim, mode="mean", padding_idx=n_items)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(dim, n_items)

    def forward(self, histories: torch.Tensor) -> torch.Tensor:
        """``(batch, L)`` padded histories -> ``(batch, n_items)`` next-movie logits."""
        return self.output(self.dropout(self.embedding(histories)))


class SASRecNet(nn.Module):
    """SASRec (Kang & McAuley 2018): item plus learned position embeddings, pre-norm causal
    self-attention blocks, a final layer norm; logits are dot products with the item embeddings.

    Sequences are right-padded, so with the causal mask no real position ever sees padding.
    """

    def __init__(
        self, n_items: int, max_len: int, dim: int, heads: int, blocks: int, dropout: float
    ) -> None:
        super().__init__()
        self.n_items = n_items
        self.items = nn.Embedding(n_items + 2, dim, padding_idx=n_items)
        self.positions = nn.Embedding(max_len, dim)
        self.dropout = nn.Dropout(dropout)
        block = nn.TransformerEncoderLayer(
            dim,
            heads,
            dim_feedforward=dim,
            dropout=dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.blocks = nn.TransformerEncoder(
            block, blocks, norm=nn.LayerNorm(dim), enable_nested_tensor=False
        )
        self.scale = math.sqrt(dim)
        nn.init.normal_(self.items.weight, std=dim**-0.5)
        with torch.no_grad():
            self.items.weight[n_items].zero_()

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """``(batch, L)`` right-padded tokens -> ``(batch, L, dim)`` hidden states."""
        length = tokens.shape[1]
        x = self.items(tokens) * self.scale + self.positions.weight[:length]
        causal = nn.Transformer.generate_square_subsequent_mask(length, device=tokens.device)
        return self.blocks(self.dropout(x), mask=causal, is_causal=True)

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Hidden states ``(..., dim)`` -> scores of every movie ``(..., n_items)``."""
        return hidden @ self.items.weight[: self.n_items].T


def full_softmax_loss(net: SASRecNet, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the next movie over the whole catalogue."""
    return F.cross_entropy(net.logits(hidden).float(), targets)


def sampled_softmax_loss(
    net: SASRecNet, hidden: torch.Tensor, targets: torch.Tensor, negatives: int
) -> torch.Tensor:
    """Cross-entropy of the next movie against ``negatives`` movies drawn uniformly (shared by
    the batch); a drawn movie that is a row's own target does not count against it."""
    drawn = torch.randint(net.n_items, (negatives,), device=hidden.device)
    embeddings = net.items.weight
    positive = (hidden * embeddings[targets]).sum(dim=-1, keepdim=True)
    negative = hidden @ embeddings[drawn].T
    negative = negative.masked_fill(drawn[None, :] == targets[:, None], float("-inf"))
    logits = torch.cat([positive, negative], dim=1).float()
    return F.cross_entropy(
        logits, torch.zeros(len(targets), dtype=torch.long, device=hidden.device)
    )
