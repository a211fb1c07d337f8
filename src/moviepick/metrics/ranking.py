"""Top-N ranking metrics, vectorised over a batch of users.

Every function takes one row per user. ``hits`` is a boolean ``(users, k)`` array: whether the
item at each rank (best first) is one of the user's test items. Ranks are 1-based in the text.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def top_items(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best items of every row, best first, and which of them are real picks.

    Ties are broken by the lower item index, exactly as :func:`moviepick.models.base.top_n`
    does. Excluded items carry ``-inf``; where a row has fewer than ``k`` finite scores, the
    second array is False at the ranks filled with excluded items.
    """
    n_rows, n_items = scores.shape
    k = min(k, n_items)
    if k < n_items:
        candidates = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        candidates = np.broadcast_to(np.arange(n_items), (n_rows, n_items))
    candidate_scores = np.take_along_axis(scores, candidates, axis=1)
    order = np.lexsort((candidates, -candidate_scores), axis=-1)
    top = np.take_along_axis(candidates, order, axis=1)
    # Where items tie with the k-th score outside the candidates, argpartition chose among them
    # arbitrarily: those rows (rare) get a full stable sort.
    kth = candidate_scores.min(axis=1, initial=np.inf)
    ambiguous = (scores >= kth[:, None]).sum(axis=1) > k
    if ambiguous.any():
        top[ambiguous] = np.argsort(-scores[ambiguous], axis=1, kind="stable")[:, :k]
    return top, np.isfinite(np.take_along_axis(scores, top, axis=1))


def recall_at(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    """Test items in the top ``k`` over ``min(k, test items)``, so a perfect ranking scores 1.

    The cap (as in Liang et al. 2018 and Steck 2019) keeps a user with more than ``k`` test
    items from lowering the mean for a ranking no list of ``k`` could beat.
    """
    return hits[:, :k].sum(axis=1) / np.minimum(n_relevant, k)


def ndcg_at(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    """Binary-relevance NDCG: gain ``1 / log2(rank + 1)``, over the best possible for the user."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    gained = (hits[:, :k] * discounts[: hits[:, :k].shape[1]]).sum(axis=1)
    ideal = np.cumsum(discounts)[np.minimum(n_relevant, k) - 1]
    return gained / ideal


def hit_rate_at(hits: np.ndarray, k: int) -> np.ndarray:
    """1 where at least one test item is in the top ``k``, else 0."""
    return hits[:, :k].any(axis=1).astype(np.float64)


def exclude_seen(scores: np.ndarray, seen: sp.csr_matrix) -> None:
    """Set each row's scores of the items in the same row of ``seen`` to ``-inf``."""
    rows = np.repeat(np.arange(seen.shape[0]), np.diff(seen.indptr))
    scores[rows, seen.indices] = -np.inf


def held_out_hit_rate(scores: np.ndarray, held_out: np.ndarray, k: int) -> np.ndarray:
    """:func:`hit_rate_at` of each row of ``scores`` against its boolean ``held_out`` items;
    items a row must not count (its training items) carry ``-inf``."""
    top, real = top_items(scores, k)
    return hit_rate_at(np.take_along_axis(held_out, top, axis=1) & real, k)


def reciprocal_rank(scores: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """``1 / rank`` of each row's one target item in the full ranking of that row.

    The rank counts the items scored higher, and the tied items of lower index (the tie-break of
    :func:`top_items`). A target without a finite score gets 0.
    """
    rows = np.arange(len(targets))
    target_scores = scores[rows, targets][:, None]
    above = (scores > target_scores).sum(axis=1)
    tied_before = ((scores == target_scores) & (np.arange(scores.shape[1]) < targets[:, None])).sum(
        axis=1
    )
    ranks = 1 + above + tied_before
    return np.where(np.isfinite(target_scores[:, 0]), 1.0 / ranks, 0.0)


def jaccard(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Row-wise Jaccard similarity of two boolean set matrices; 1 where both sets are empty."""
    union = (left | right).sum(axis=1)
    shared = (left & right).sum(axis=1)
    return np.where(union > 0, shared / np.maximum(union, 1), 1.0)
