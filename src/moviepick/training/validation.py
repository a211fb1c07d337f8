"""Validation for early stopping: the ratings to stop on when ``fit`` is given none (a seeded
share of ``train``), and the hit rate of the ranking models on them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from moviepick.data.interactions import Interactions
from moviepick.metrics.ranking import exclude_seen, held_out_hit_rate

HELD_OUT_SHARE = 0.05  # the usual share held out of the training ratings


def validation_split(
    train: Interactions, valid: Interactions | None, share: float, seed: int
) -> tuple[Interactions, Interactions | None, bool]:
    """``(ratings to train on, ratings to stop early on, whether those were held out of train)``.

    A non-empty ``valid`` is used as it is. Otherwise a seeded random ``share`` of ``train`` is
    held out, unless that would leave one side empty (or ``share`` is 0): then nothing is.
    """
    if valid is not None and len(valid):
        return train, valid, False
    held_out = np.random.default_rng(seed).random(len(train)) < share
    if not 0 < held_out.sum() < len(train):
        return train, None, False
    return train.select(~held_out), train.select(held_out), True


def valid_hit_rate(
    score_users: Callable[[np.ndarray], np.ndarray],
    train: Interactions,
    valid: Interactions,
    k: int,
    batch_size: int,
) -> float:
    """Share of ``valid``'s users with a held-out movie in their top ``k``, their ``train``
    movies excluded; ``score_users(users)`` scores every movie for a batch of users."""
    users = np.unique(valid.users)
    hits = []
    for start in range(0, len(users), batch_size):
        batch = users[start : start + batch_size]
        scores = score_users(batch)
        exclude_seen(scores, train.by_user[batch])
        hits.append(held_out_hit_rate(scores, valid.by_user[batch].toarray() != 0, k))
    return float(np.concatenate(hits).mean())
