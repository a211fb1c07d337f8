"""The ranking protocols: fit on the training part, rank the whole catalogue for each test user.

Every test user is scored through ``model.score_users(users, history)`` in chunks of bounded
memory, where ``history`` is what the protocol lets the model see of them (top-n: their training
interactions; next-item: training and validation, i.e. everything before the test item). Those
items are excluded from the ranking; there are no sampled negatives.

Metrics (means over the test users; definitions in :mod:`moviepick.metrics.ranking`):

- top-n: Recall@20, NDCG@10, HR@10 and coverage;
- next-item: HR@10, NDCG@10, MRR (over the full ranking), genre-Jaccard and coverage.

``coverage`` is the share of the catalogue's movies that appear in at least one test user's top
10. ``genre-Jaccard`` is the Jaccard similarity between the union of the genres of the user's
last :data:`GENRE_WINDOW` history items and the union of the genres of their top 10.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.errors import DatasetError, ModelError
from moviepick.evaluation.events import EvaluationEvent
from moviepick.evaluation.holdout import Holdout, ranking_holdout
from moviepick.evaluation.protocols import protocol as protocol_spec
from moviepick.fitting.fit import Cancelled, StopCheck, fit_model
from moviepick.metrics import ranking as metrics
from moviepick.models.base import Recommender
from moviepick.training.events import FitEvent

RECALL_CUTOFF = 20
CUTOFF = 10
GENRE_WINDOW = 10
SCORE_BUDGET = 1 << 25  # scores held at once while ranking (128 MB of float32)


@dataclass(frozen=True)
class RankingResult:
    metrics: dict[str, float]
    fit_seconds: float
    n_users: int  # test users ranked for


def evaluate_ranking(
    model_name: str,
    dataset: Dataset,
    protocol: str,
    params: dict[str, Any] | None = None,
    progress: Callable[[EvaluationEvent], None] | None = None,
    seed: int = 0,
    should_stop: StopCheck | None = None,
) -> RankingResult:
    """Fit a fresh ``model_name`` on the ``protocol`` split of ``dataset`` and rank for its test."""
    holdout = ranking_holdout(dataset, protocol, seed)

    def report(event: FitEvent) -> None:
        if progress is not None:
            progress(EvaluationEvent("fit", event))

    fitted = fit_model(
        model_name,
        dataset.catalog,
        holdout.train,
        holdout.valid,
        params=params,
        progress=report,
        should_stop=should_stop,
    )
    means, n_users = rank_test_users(
        fitted.model, holdout, dataset.catalog.genres, protocol, progress, should_stop
    )
    return RankingResult(means, fitted.fit_seconds, n_users)


def rank_test_users(
    model: Recommender,
    holdout: Holdout,
    item_genres: np.ndarray,
    protocol: str,
    progress: Callable[[EvaluationEvent], None] | None = None,
    should_stop: StopCheck | None = None,
) -> tuple[dict[str, float], int]:
    """The protocol's mean metrics over the test users of ``holdout``, and how many there are.

    Users are scored a bounded chunk at a time; per-user values are kept until the end. After
    each chunk ``should_stop()`` is asked; True raises :class:`Cancelled`.
    """
    wanted_metrics = protocol_spec(protocol).metrics
    test, history = holdout.test, holdout.history
    n_items = test.n_items
    users = np.unique(test.users)
    if len(users) == 0:
        raise DatasetError(f"{protocol}: no user has enough interactions to hold one out")
    relevant = _binary(test.by_user)
    seen = history.by_user
    recent_genres = (
        _recent_genres(history, item_genres) if "genre-Jaccard" in wanted_metrics else None
    )
    chunk = max(1, SCORE_BUDGET // max(n_items, 1))
    chunks = [users[start : start + chunk] for start in range(0, len(users), chunk)]
    per_user: dict[str, list[np.ndarray]] = {}
    covered = np.zeros(n_items, dtype=bool)
    started = time.perf_counter()
    for step, batch in enumerate(chunks, start=1):
        scores = _scores(model, batch, history, n_items)
        metrics.exclude_seen(scores, seen[batch])
        top, real = metrics.top_items(scores, RECALL_CUTOFF)
        wanted = relevant[batch]
        hits = np.take_along_axis(wanted.toarray(), top, axis=1) & real
        n_relevant = np.diff(wanted.indptr)
        values = {
            "HR@10": metrics.hit_rate_at(hits, CUTOFF),
            "NDCG@10": metrics.ndcg_at(hits, n_relevant, CUTOFF),
        }
        if "Recall@20" in wanted_metrics:
            values["Recall@20"] = metrics.recall_at(hits, n_relevant, RECALL_CUTOFF)
        if recent_genres is not None:
            values["MRR"] = metrics.reciprocal_rank(scores, wanted.indices[wanted.indptr[:-1]])
            top_genres = (item_genres[top[:, :CUTOFF]] & real[:, :CUTOFF, None]).any(axis=1)
            values["genre-Jaccard"] = metrics.jaccard(recent_genres[batch], top_genres)
        for name, value in values.items():
            per_user.setdefault(name, []).append(value)
        covered[top[:, :CUTOFF][real[:, :CUTOFF]]] = True
        if progress is not None:
            event = FitEvent(step, len(chunks), elapsed=time.perf_counter() - started)
            progress(EvaluationEvent("ranking", event))
        if should_stop is not None and should_stop():
            raise Cancelled(f"evaluating {model.name} on {protocol} was cancelled")
    means = {name: float(np.concatenate(parts).mean()) for name, parts in per_user.items()}
    return {**means, "coverage": float(covered.mean())}, len(users)


def _scores(
    model: Recommender, users: np.ndarray, history: Interactions, n_items: int
) -> np.ndarray:
    scores = np.array(model.score_users(users, history), dtype=np.float32)
    if scores.shape != (len(users), n_items):
        raise ModelError(
            f"{model.name} scored {scores.shape} for {len(users)} users, "
            f"not ({len(users)}, {n_items})"
        )
    return scores


def _binary(matrix: sp.csr_matrix) -> sp.csr_matrix:
    ones = np.ones(len(matrix.indices), dtype=bool)
    return sp.csr_matrix((ones, matrix.indices, matrix.indptr), shape=matrix.shape)


def _recent_genres(history: Interactions, item_genres: np.ndarray) -> np.ndarray:
    """``(n_users, n_genres)``: the genres of each user's last :data:`GENRE_WINDOW` items."""
    order = np.lexsort((history.timestamps, history.users))
    users = history.users[order]
    ends = np.searchsorted(users, users, side="right")
    recent = order[ends - np.arange(len(users)) <= GENRE_WINDOW]
    window = sp.csr_matrix(
        (np.ones(len(recent), dtype=np.float32), (history.users[recent], history.items[recent])),
        shape=(history.n_users, history.n_items),
    )
    return (window @ item_genres.astype(np.float32)) > 0
