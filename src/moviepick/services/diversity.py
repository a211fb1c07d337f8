"""Diverse picks by maximal marginal relevance (MMR): each next pick is the candidate with the
best ``(1 - λ)·relevance − λ·(its highest similarity to a pick already chosen)``, so a list is
not ten near copies of one film."""

from __future__ import annotations

import numpy as np


def mmr_order(
    relevance: np.ndarray, similarity: np.ndarray, n: int, diversity: float
) -> np.ndarray:
    """Positions in the candidate pool, in pick order (at most ``n``).

    ``relevance`` is the model's score of each candidate, min-max scaled here to [0, 1] so that
    ``diversity`` (λ, 0..1) means the same trade-off for every model; ``similarity`` is the
    candidates' square similarity matrix. With λ = 0 this is the plain ranking.
    """
    relevance = np.asarray(relevance, dtype=np.float64)
    n = min(n, len(relevance))
    if n == 0:
        return np.empty(0, dtype=np.int64)
    low, high = relevance.min(), relevance.max()
    scaled = (relevance - low) / (high - low) if high > low else np.ones_like(relevance)
    closest = np.zeros(len(relevance))  # highest similarity to a chosen pick
    free = np.ones(len(relevance), dtype=bool)
    chosen = np.empty(n, dtype=np.int64)
    for rank in range(n):
        value = np.where(free, (1 - diversity) * scaled - diversity * closest, -np.inf)
        pick = int(np.argmax(value))  # ties: the better-ranked candidate, as the pool is sorted
        chosen[rank] = pick
        free[pick] = False
        closest = np.maximum(closest, similarity[pick])
    return chosen
