"""EASE: a closed-form item-item model (Steck 2019, "Embarrassingly Shallow Autoencoders").

Each movie's column is predicted from the others by ridge regression with a zero diagonal, which
has the closed form ``B = I - P / diag(P)`` (column ``j`` divided by ``P[j, j]``) with
``P = (X^T X + reg I)^-1`` and ``diag(B) = 0``. A person with interaction vector ``x`` is scored
``x @ B``: the same formula for a training user and a new person, so folding in is exact and
costs one vector-matrix product.

``X`` is the users x movies matrix of interactions weighted by ``weights``:

- ``"stars"`` (the default): the stars over their root mean square in the training data, so a
  1-star rating counts a fifth of a 5-star one and ``reg`` keeps the scale of the binary case;
  a watched movie without stars (in a query's sequence) weighs the mean rating;
- ``"binary"``: every interaction is a 1, as in Steck's paper; a 1-star rating then pulls similar
  movies up as much as a 5-star one, so it fails the shared planted-taste test.

On ml-100k the two rank within noise of each other (top-n Recall@20 0.451 vs 0.455; next-item
HR@10 0.138 vs 0.147), so the default is the one that respects dislikes.

Only movies with a training interaction take part; the others score 0 (their columns of ``B``
would be zero anyway). ``B`` is dense, ``n x n`` float32, and the inverse needs a few more such
matrices while it is computed, so catalogues over ``max_items`` rated movies are refused.
``np.linalg.inv`` releases the GIL (scipy's faster Cholesky inverse does not), so a fit in a
worker thread leaves the UI responsive.

The reasons for picks are exact at any size (a pick's score is a sum over the person's movies,
:meth:`EASE._contributions`). The model has no item vectors: the rows of ``B`` place movies
well (on ml-latest-small Toy Story's nearest are Shrek and Toy Story 2, against Independence
Day and Jurassic Park by co-occurrence), but they are as large as ``B`` (n x n float32, 380 MB
on ml-latest-small), and a caller ranking neighbours normalises every row each time, so
similarity falls back on co-occurrence.

``reg`` (lambda): the best value grows with the data, though not in proportion to any simple
count (about 200 for half of ml-100k's users, 400 for all of them, 800 for all users with half
their ratings; Steck reports 500 on ML-20M). With ``reg=None`` (the default) it is chosen on
held-out interactions: ``valid`` when fit gets one, else a seeded random
:data:`SELECTION_SHARE` of the training interactions. The candidates of :data:`REG_PATH` are
tried from strong to weak until Recall@20 falls past its best. Each try solves the problem for
the :data:`SELECTION_ITEMS` most-interacted movies only, which costs a fraction of the full
solve on large catalogues and picks the same value (on ml-100k's 800 most rated movies as on all
1,682; on ml-latest-small 150 with the 2,000 most rated and with all 9,724).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.metrics.ranking import recall_at, top_items
from moviepick.models.base import Query, Recommender
from moviepick.models.hyperparams import Count, Positive, Seed
from moviepick.training.events import FitEvent, Progress

REG_PATH = (1600.0, 800.0, 400.0, 200.0, 100.0, 50.0)  # strong to weak, a factor 2 apart
SELECTION_ITEMS = 2000  # the most-interacted movies the choice of reg is made on
SELECTION_USERS = 2000  # held-out users ranked per candidate, at most
SELECTION_SHARE = 0.1  # of the training interactions, held out when fit gets no valid
SELECTION_CUTOFF = 20


class EASE(Recommender):
    name = "ease"
    description = "Closed-form item-item model (EASE, Steck 2019); strong for top-N picks"
    blas_threads = "all"  # one dense inversion of the item-item Gram matrix

    @dataclass
    class Params:
        reg: Positive | None = None  # lambda; chosen on held-out interactions when unset
        weights: Literal["stars", "binary"] = "stars"  # a rating counts its stars, or 1
        max_items: Count = 20_000  # refuse more rated movies: B alone takes max_items² x 4 bytes
        seed: Seed = 0

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.item_weights = np.zeros((0, 0), dtype=np.float32)  # B over the active movies
        self.active = np.zeros(0, dtype=np.int64)  # the movies with training interactions
        self.position = np.zeros(0, dtype=np.int64)  # movie -> row of B, -1 when inactive
        self.reg = 0.0
        self.star_scale = 1.0  # 1 / root mean square of the training stars ("stars")
        self.mean_rating = 0.0  # the stars of a watched movie without a rating ("stars")

    def _fit(
        self, train: Interactions, valid: Interactions | None, progress: Progress | None
    ) -> None:
        started = time.perf_counter()
        active = np.flatnonzero(np.bincount(train.items, minlength=train.n_items))
        if len(active) > self.params.max_items:
            gigabytes = 3 * len(active) ** 2 * 4 / 1e9
            raise ModelError(
                f"ease would invert a dense {len(active):,} x {len(active):,} matrix "
                f"(~{gigabytes:.0f} GB), over --max-items {self.params.max_items:,}; "
                "raise --max-items or train als"
            )
        total = 1 if self.params.reg is not None else len(REG_PATH) + 1

        def report(step: int, metrics: dict[str, float]) -> None:
            if progress is not None:
                progress(FitEvent(step, total, None, metrics, time.perf_counter() - started))

        self.n_items = train.n_items
        self.mean_rating = train.global_mean
        self.star_scale = float(1.0 / np.sqrt(np.mean(np.square(train.ratings, dtype=np.float64))))
        if self.params.reg is None:
            self.reg = self._choose_reg(train, valid, report)
        else:
            self.reg = float(self.params.reg)
        matrix = self._interaction_matrix(train.by_user)
        self.item_weights = _item_weights(matrix[:, active], self.reg)
        self._set_active(active)
        metrics = {"reg": self.reg}
        if progress is not None and valid is not None and len(valid):
            checking = self._interaction_matrix(valid.by_user)[:, active]
            metrics["valid Recall@20"] = _held_out_recall(
                matrix[:, active], checking, self.item_weights, self.params.seed
            )
        report(total, metrics)

    def _choose_reg(
        self,
        train: Interactions,
        valid: Interactions | None,
        report: Callable[[int, dict[str, float]], None],
    ) -> float:
        """The candidate of :data:`REG_PATH` with the best held-out Recall@20."""
        if valid is None or len(valid) == 0:
            held_out = np.random.default_rng(self.params.seed).random(len(train)) < SELECTION_SHARE
            train, valid = train.select(~held_out), train.select(held_out)
        fitting = self._interaction_matrix(train.by_user)
        checking = self._interaction_matrix(valid.by_user)
        counts = np.bincount(train.items, minlength=train.n_items)
        items = np.argsort(-counts, kind="stable")[: min(SELECTION_ITEMS, int((counts > 0).sum()))]
        fitting, checking = fitting[:, items], checking[:, items]
        recalls: list[float] = []
        for step, reg in enumerate(REG_PATH, start=1):
            weights = _item_weights(fitting, reg)
            recalls.append(_held_out_recall(fitting, checking, weights, self.params.seed))
            report(step, {"reg": reg, "selection Recall@20": recalls[-1]})
            if step - 1 > int(np.argmax(recalls)):  # past the best: recall only falls further
                break
        return REG_PATH[int(np.argmax(recalls))]

    def _interaction_matrix(self, by_user: sp.csr_matrix) -> sp.csr_matrix:
        """Rows of stars as the model weighs them: 1 per interaction, or the scaled stars."""
        if self.params.weights == "binary":
            data = np.ones_like(by_user.data)
        else:
            data = by_user.data * np.float32(self.star_scale)
        return sp.csr_matrix((data, by_user.indices, by_user.indptr), shape=by_user.shape)

    def _set_active(self, active: np.ndarray) -> None:
        self.active = np.asarray(active, dtype=np.int64)
        self.position = np.full(self.n_items, -1, dtype=np.int64)
        self.position[self.active] = np.arange(len(self.active))

    def score_query(self, query: Query) -> np.ndarray:
        rows, values = self._query_weights(query)
        scores = np.zeros(self.n_items, dtype=np.float32)
        scores[self.active] = values @ self.item_weights[rows]
        return scores

    def _query_weights(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """The rows of ``B`` a person's movies select and their entries of ``x``: the scaled
        stars (or 1), a movie of the sequence without stars at the mean rating; movies outside
        the catalogue or without training interactions select nothing."""
        stars = {**dict.fromkeys(query.sequence, self.mean_rating), **query.ratings}
        items = np.fromiter(stars, dtype=np.int64, count=len(stars))
        if self.params.weights == "binary":
            values = np.ones(len(items), dtype=np.float32)
        else:
            values = np.fromiter(stars.values(), dtype=np.float32, count=len(stars))
            values *= np.float32(self.star_scale)
        known = (items >= 0) & (items < self.n_items)
        rows = self.position[items[known]]
        return rows[rows >= 0], values[known][rows >= 0]

    def _contributions(self, query: Query, inputs: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Exact at any size: the score ``x @ B`` is linear in ``x``, so input ``j`` gives item
        ``i`` exactly ``x_j * B[j, i]``, and removing ``j`` takes away just that."""
        rows, values = self._query_weights(query)
        weight_of = dict(zip(rows.tolist(), values.tolist(), strict=True))
        input_rows = self.position[inputs]
        item_rows = self.position[items]
        x = np.array([weight_of.get(row, 0.0) for row in input_rows.tolist()], dtype=np.float64)
        drops = np.zeros((len(inputs), len(items)))
        active_inputs, active_items = input_rows >= 0, item_rows >= 0
        block = self.item_weights[np.ix_(input_rows[active_inputs], item_rows[active_items])]
        drops[np.ix_(active_inputs, active_items)] = x[active_inputs, None] * block
        return drops

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        """``x @ B`` for each user's rows of ``train``, in one product: equal to ``score_query``."""
        matrix = self._interaction_matrix(train.by_user[np.asarray(users, dtype=np.int64)])
        scores = np.zeros((matrix.shape[0], self.n_items), dtype=np.float32)
        scores[:, self.active] = matrix[:, self.active] @ self.item_weights
        return scores

    def get_state(self) -> dict[str, np.ndarray]:
        return {
            "item_weights": self.item_weights,
            "active": self.active,
            "n_items": np.array(self.n_items),
            "reg": np.array(self.reg),
            "star_scale": np.array(self.star_scale),
            "mean_rating": np.array(self.mean_rating),
        }

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.item_weights = np.asarray(arrays["item_weights"], dtype=np.float32)
        self.n_items = int(arrays["n_items"])
        self.reg = float(arrays["reg"])
        self.star_scale = float(arrays["star_scale"])
        self.mean_rating = float(arrays["mean_rating"])
        self._set_active(arrays["active"])


def _item_weights(matrix: sp.csr_matrix, reg: float) -> np.ndarray:
    """EASE's ``B`` for the columns of ``matrix``: ``I - P / diag(P)``, zero diagonal."""
    gram = (matrix.T @ matrix).toarray().astype(np.float32, copy=False)
    gram[np.diag_indices_from(gram)] += reg
    weights = np.linalg.inv(gram)
    del gram
    weights /= -np.diag(weights).copy()
    np.fill_diagonal(weights, 0.0)
    return weights


def _held_out_recall(
    fitting: sp.csr_matrix, checking: sp.csr_matrix, weights: np.ndarray, seed: int
) -> float:
    """Mean Recall@20 of the ``checking`` items, ranked from the ``fitting`` rows by ``weights``.

    Only rows with items in both count, at most :data:`SELECTION_USERS` of them (a seeded
    sample). 0 when there is no such row.
    """
    rows = np.flatnonzero((np.diff(fitting.indptr) > 0) & (np.diff(checking.indptr) > 0))
    if len(rows) == 0:
        return 0.0
    if len(rows) > SELECTION_USERS:
        rows = np.sort(np.random.default_rng(seed).choice(rows, SELECTION_USERS, replace=False))
    seen, wanted = fitting[rows], checking[rows]
    scores = np.asarray(seen @ weights, dtype=np.float32)
    scores[seen.nonzero()] = -np.inf
    top, real = top_items(scores, SELECTION_CUTOFF)
    hits = np.take_along_axis(wanted.toarray() != 0, top, axis=1) & real
    return float(recall_at(hits, np.diff(wanted.indptr), SELECTION_CUTOFF).mean())
