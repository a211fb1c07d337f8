"""The torch modules of the sequential recommenders (imported only when one is fitted or loaded).

Item ``n_items`` is padding; :class:`SASRecNet` also reads item ``n_items + 1``, the token that
starts every watch history, so an empty history has a learned next-item distribution too.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

# a left-out movie's logit: its softmax weight underflows to exactly 0 in float32, as with -inf,
# whose exp() takes a slow path on the CPU (a third more time in the loss)
LEFT_OUT = -1e4


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


def watched_mask(
    tokens: torch.Tensor, earlier: torch.Tensor, candidates: torch.Tensor | None = None
) -> torch.Tensor:
    """``(batch, L, K)`` bool: whether each row's person has watched each candidate movie (every
    movie when ``candidates`` is None) by each position, i.e. it is among the row's tokens up to
    there or in ``earlier`` (``(batch, n_items)`` bool, what they watched before the row)."""
    batch, length = tokens.shape
    n_items = earlier.shape[1]
    positions = torch.arange(length, device=tokens.device)
    # the position where each movie first appears in the row; ``length`` for none
    first = torch.full((batch, n_items + 2), length, dtype=torch.long, device=tokens.device)
    first.scatter_reduce_(1, tokens, positions.expand(batch, length), reduce="amin")
    first = first[:, :n_items].masked_fill(earlier, 0)
    if candidates is not None:
        first = first[:, candidates]
    return first[:, None, :] <= positions[None, :, None]


def full_softmax_loss(
    net: SASRecNet,
    hidden: torch.Tensor,
    targets: torch.Tensor,
    watched: torch.Tensor | None = None,
) -> torch.Tensor:
    """Cross-entropy of the next movie over the whole catalogue, less the ``(rows, n_items)``
    ``watched`` movies when given (a row's own target always counts)."""
    logits = net.logits(hidden).float()
    if watched is not None:
        watched = watched.clone()
        watched[torch.arange(len(targets), device=targets.device), targets] = False
        logits = logits.masked_fill(watched, LEFT_OUT)
    return F.cross_entropy(logits, targets)


def sampled_softmax_loss(
    net: SASRecNet,
    hidden: torch.Tensor,
    targets: torch.Tensor,
    drawn: torch.Tensor,
    watched: torch.Tensor | None = None,
) -> torch.Tensor:
    """Cross-entropy of the next movie against the ``drawn`` movies (shared by the batch); a
    drawn movie that is a row's own target, or among its ``(rows, len(drawn))`` ``watched``
    ones when given, does not count against it."""
    embeddings = net.items.weight
    positive = (hidden * embeddings[targets]).sum(dim=-1, keepdim=True)
    negative = hidden @ embeddings[drawn].T
    excluded = drawn[None, :] == targets[:, None]
    if watched is not None:
        excluded = excluded | watched
    negative = negative.masked_fill(excluded, LEFT_OUT)
    logits = torch.cat([positive, negative], dim=1).float()
    return F.cross_entropy(
        logits, torch.zeros(len(targets), dtype=torch.long, device=hidden.device)
    )
