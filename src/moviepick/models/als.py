"""Biased matrix factorisation with genre factors, fitted by alternating least squares.

A rating is predicted as ``global mean + user bias + item bias + p_u . v_i`` where the item vector
``v_i = q_i + mean of the genre vectors of the item``. Genres come from the catalogue through
:meth:`ALS.prepare`; a model fitted without it is plain biased matrix factorisation. The genre
part gives a movie with few ratings a vector near its genres' instead of near zero.

Every step is a batch of ridge regressions (:mod:`moviepick.models.normal_equations`):

- items: ``(q_i, b_i)`` for all items given the user vectors and biases, by a few conjugate
  gradient steps warm-started from the last sweep (:data:`CG_STEPS`): as accurate here as exact
  solves, which cost one LAPACK call per movie;
- genres: the genre vectors jointly, given everything else (one ``G*k`` system);
- users: ``(p_u, b_u)`` for all users given the item vectors and biases, solved exactly.

The user step comes last, so a training user's fitted vector is exactly their fold-in, and a new
person is scored by the same step (:meth:`ALS.score_query`). A vector fitted to ``n`` ratings is
regularised by ``reg * (n + prior_count)`` (see ``ALS._vector_reg``); biases get a fixed
``bias_reg``. With ``reg=None`` (the default) the model chooses ``reg`` on a held-out share of
the training ratings before fitting (see ``ALS._choose_reg``), which makes the fit about 1.6
times as long as with ``reg`` given. Each fit event's ``loss`` is the regularised objective per
rating, which never rises.

Every numpy call on the fitting path releases the GIL while it computes (scipy.linalg's LAPACK
wrappers would not), so a fit in a worker thread leaves the UI thread responsive.

With ``feedback="implicit"`` the model instead factorises who rated what, whatever the stars
(:mod:`moviepick.models.implicit_factors`, without biases or genre vectors), which ranks the
movies a person will pick far better than predicted stars do, but predicts no stars. The ranking
protocols evaluate ``als`` this way (:attr:`ALS.ranking_params`); its defaults (``alpha`` 5,
``reg`` 50) were chosen on ml-latest-small's top-n split.

Items outside ``[0, n_items)`` in a query are ignored, as :meth:`Recommender.recommend` ignores
them when excluding seen items. A query without ratings is folded in from its sequence, each
movie at the top of the rating scale (the implicit model reads rated and sequence movies alike).
The reasons for picks (:meth:`ALS.explain`) are exact removals at any size, and the item vectors
are the movies' factors with their genre part.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

from moviepick.data.catalog import Catalog
from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models import implicit_factors
from moviepick.models.base import (
    Query,
    Recommender,
    check_same_catalogue,
    query_inputs,
    rated_or_watched,
    read_only,
    without,
)
from moviepick.models.hyperparams import Count, Positive, Seed
from moviepick.models.normal_equations import conjugate_gradient, grams
from moviepick.training.events import FitEvent, Progress
from moviepick.training.validation import valid_hit_rate

# Candidate ``reg`` values when the model chooses its own, strong to weak, a factor 2 apart; the
# choice is refined between the best one and its neighbours.
REG_PATH = tuple(0.2 / 2**step for step in range(5))
SWEEPS_PER_REG = 3
SELECTION_STEPS = len(REG_PATH) * SWEEPS_PER_REG
SELECTION_SHARE = 0.1  # of the training ratings, held out to choose reg
PREDICT_CHUNK = 1 << 20
CG_STEPS = 3  # per item and sweep; 2 fit as well on ml-100k and ml-latest-small
IMPLICIT_REG = 50.0  # the implicit model's reg when none is given
VALID_CUTOFF = 10  # the implicit model reports valid HR@10
SCORE_BATCH = 1024  # users scored at once for the implicit model's validation


class ALS(Recommender):
    name = "als"
    description = "Biased matrix factorisation with genre factors (alternating least squares)"
    predicts_ratings = True
    ranking_params = {"feedback": "implicit"}

    @dataclass
    class Params:
        factors: Count = 32
        iters: Count = 15
        feedback: Literal["explicit", "implicit"] = "explicit"  # implicit: who rated what
        alpha: Positive = 5.0  # implicit: a rated cell weighs 1 + alpha, an unrated one 1
        # explicit: a vector fitted to n ratings gets reg * (n + prior_count), chosen on held-out
        # ratings when unset; implicit: the ridge of every vector, 50 when unset
        reg: Positive | None = None
        prior_count: Positive = 20.0  # the rarely rated are shrunk as if by this many more ratings
        genre_reg: Positive = 0.3  # genre vectors get genre_reg * reg * (ratings of their items)
        bias_reg: Positive = 2.0  # not weighted by the number of ratings
        genre_factors: bool = True  # False: plain biased matrix factorisation
        seed: Seed = 0

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        # (n_items, n_genres) bool, set by prepare() (or directly, without a catalogue)
        self.item_genres: np.ndarray | None = None
        self.reg = 0.0
        self.global_mean = 0.0
        self.rating_range = (1.0, 5.0)
        self.user_factors = np.empty((0, 0), dtype=np.float32)
        self.user_bias = np.empty(0, dtype=np.float32)
        self.item_factors = np.empty((0, 0), dtype=np.float32)
        self.item_bias = np.empty(0, dtype=np.float32)
        self.genre_weights = np.empty((0, 0), dtype=np.float32)
        self.genre_factors = np.empty((0, 0), dtype=np.float32)
        self.combined_factors = np.empty((0, 0), dtype=np.float32)  # item factors + genre part

    def prepare(self, catalog: Catalog) -> None:
        super().prepare(catalog)
        self.item_genres = np.asarray(catalog.genres, dtype=bool)

    def _fit(
        self, train: Interactions, valid: Interactions | None, progress: Progress | None
    ) -> None:
        started = time.perf_counter()
        self.n_items = train.n_items
        if self.implicit:
            self._fit_implicit(train, valid, progress, started)
            return
        self.genre_weights = self._genre_weights(train.n_items)
        genre_pairs = _genre_pairs(self.genre_weights)
        selection_steps = SELECTION_STEPS if self.params.reg is None else 0
        total = selection_steps + self.params.iters

        def report(step: int, metrics: dict[str, float], loss: float | None = None) -> None:
            if progress is not None:
                elapsed = time.perf_counter() - started
                progress(FitEvent(step, total, loss, metrics, elapsed))

        if self.params.reg is None:
            self.reg = self._choose_reg(train, genre_pairs, report)
        else:
            self.reg = self.params.reg
        self._initialise(train)
        for step in range(selection_steps + 1, total + 1):
            squared_error = self._sweep(train, genre_pairs)
            if progress is None:
                continue
            metrics = {"train RMSE": float(np.sqrt(squared_error / len(train)))}
            if valid is not None and len(valid):
                metrics["valid RMSE"] = self._rmse(valid)
            report(step, metrics, (squared_error + self._penalty(train)) / len(train))

    @property
    def implicit(self) -> bool:
        return self.params.feedback == "implicit"

    @property
    def gives_stars(self) -> bool:
        return not self.implicit

    def _fit_implicit(
        self,
        train: Interactions,
        valid: Interactions | None,
        progress: Progress | None,
        started: float,
    ) -> None:
        """Factors of who rated what; no biases or genre vectors (kept empty for the state)."""
        p = self.params
        self.reg = IMPLICIT_REG if p.reg is None else p.reg
        self.global_mean = train.global_mean
        self.rating_range = (float(train.ratings.min()), float(train.ratings.max()))
        self.genre_weights = np.zeros((train.n_items, 0), dtype=np.float32)
        self.genre_factors = np.zeros((0, p.factors), dtype=np.float32)
        self.item_bias = np.zeros(train.n_items, dtype=np.float32)
        self.user_bias = np.zeros(train.n_users, dtype=np.float32)
        by_user = implicit_factors.binary(train.by_user)
        by_item = implicit_factors.binary(train.by_item)
        rng = np.random.default_rng(p.seed)
        self.user_factors = (0.01 * rng.standard_normal((train.n_users, p.factors))).astype(
            np.float32
        )
        for step in range(1, p.iters + 1):
            self.item_factors = implicit_factors.half_step(
                by_item, self.user_factors, self.reg, p.alpha
            )
            self._update_combined_factors()
            self.user_factors = implicit_factors.half_step(
                by_user, self.item_factors, self.reg, p.alpha
            )
            if progress is None:
                continue
            metrics = {}
            if valid is not None and len(valid):
                # the user step comes last, so the fitted user factors are the fold-in
                metrics[f"valid HR@{VALID_CUTOFF}"] = valid_hit_rate(
                    lambda users: self.user_factors[users] @ self.item_factors.T,
                    train,
                    valid,
                    VALID_CUTOFF,
                    SCORE_BATCH,
                )
            objective = implicit_factors.loss(
                by_user, self.user_factors, self.item_factors, self.reg, p.alpha
            )
            elapsed = time.perf_counter() - started
            progress(FitEvent(step, p.iters, objective, metrics, elapsed))

    def _choose_reg(
        self,
        train: Interactions,
        genre_pairs: sp.csr_matrix,
        report: Callable[[int, dict[str, float]], None],
    ) -> float:
        """The ``reg`` with the lowest RMSE on a held-out share of ``train``.

        Walks :data:`REG_PATH` from strong to weak regularisation, a few sweeps per value, each
        warm-started from the last, until the error rises past its minimum; then refines between
        the best value and its neighbours. When it stops early, the next progress step jumps to
        the start of the fit proper. Fewer sweeps per value would cost less but choose too weak a
        ``reg`` (overfitting shows only after a few sweeps), and the error rises much faster on
        the weak side of the minimum than on the strong side.

        The best value depends on the amount and density of the data (and on ``factors``), so a
        fixed default tuned on ml-100k would be wrong for the larger sets.
        """
        held_out = np.random.default_rng(self.params.seed).random(len(train)) < SELECTION_SHARE
        fitting, checking = train.select(~held_out), train.select(held_out)
        if len(checking) == 0 or len(fitting) == 0:
            return REG_PATH[len(REG_PATH) // 2]
        self._initialise(fitting)
        errors: list[float] = []
        for index, reg in enumerate(REG_PATH):
            self.reg = reg
            for _ in range(SWEEPS_PER_REG):
                self._sweep(fitting, genre_pairs)
            errors.append(self._rmse(checking))
            report((index + 1) * SWEEPS_PER_REG, {"reg": reg, "selection RMSE": errors[-1]})
            if index > int(np.argmin(errors)):  # past the minimum: the error only rises
                break
        return _refined_minimum(REG_PATH[: len(errors)], errors)

    def _penalty(self, train: Interactions) -> float:
        """The regularisation term of the objective, which every step decreases with the error."""
        item_counts = np.diff(train.by_item.indptr)
        genre_reg = self._vector_reg(self.genre_weights.T @ item_counts, self.params.genre_reg)
        vectors = (
            self._vector_reg(np.diff(train.by_user.indptr)) @ _squared_norms(self.user_factors)
            + self._vector_reg(item_counts) @ _squared_norms(self.item_factors)
            + genre_reg @ _squared_norms(self.genre_factors)
        )
        biases = np.square(self.user_bias).sum() + np.square(self.item_bias).sum()
        return float(vectors + self.params.bias_reg * biases)

    def _vector_reg(self, counts: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """The ridge penalty of vectors fitted to ``counts`` ratings: ``reg * (n + prior_count)``.

        Weighting by ``n`` (ALS-WR) suits well-rated rows, but leaves a movie or person with one
        or two ratings almost unregularised: its vector fits those few residuals with a large
        norm and scores far off for everyone else. The prior count shrinks such vectors as if
        they had ``prior_count`` more ratings of zero residual, and barely changes the others.
        """
        return scale * self.reg * (np.asarray(counts, dtype=np.float64) + self.params.prior_count)

    def _rmse(self, ratings: Interactions) -> float:
        predicted = self.predict(ratings.users, ratings.items)
        return float(np.sqrt(np.mean(np.square(predicted - ratings.ratings, dtype=np.float64))))

    def _genre_weights(self, n_items: int) -> np.ndarray:
        """Each item's genres as weights summing to one (rows of zeros without genres)."""
        if not self.params.genre_factors or self.item_genres is None:
            return np.zeros((n_items, 0), dtype=np.float32)
        check_same_catalogue(len(self.item_genres), n_items)
        genres = self.item_genres.astype(np.float32)
        return genres / np.maximum(genres.sum(axis=1, keepdims=True), 1.0)

    def _initialise(self, train: Interactions) -> None:
        k = self.params.factors
        rng = np.random.default_rng(self.params.seed)
        self.global_mean = train.global_mean
        self.rating_range = (float(train.ratings.min()), float(train.ratings.max()))
        self.user_factors = (0.1 * rng.standard_normal((train.n_users, k))).astype(np.float32)
        self.user_bias = np.zeros(train.n_users, dtype=np.float32)
        self.item_factors = np.zeros((train.n_items, k), dtype=np.float32)
        self.item_bias = np.zeros(train.n_items, dtype=np.float32)
        self.genre_factors = np.zeros((self.genre_weights.shape[1], k), dtype=np.float32)
        self._update_combined_factors()

    def _update_combined_factors(self) -> None:
        self.combined_factors = self.item_factors + self.genre_weights @ self.genre_factors

    def _sweep(self, train: Interactions, genre_pairs: sp.csr_matrix) -> float:
        """One iteration: items, genres, then users; returns the training squared error."""
        self._item_step(train.by_item, genre_pairs)
        self.user_factors, self.user_bias, squared_error = self._fold_in(train.by_user)
        return squared_error

    def _ridge_systems(self, gram: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """``gram + diag(vector reg, ..., bias_reg)``: the ridge systems of ``(vector, bias)``."""
        k = self.params.factors
        diagonal = np.arange(k + 1)
        systems = gram.copy()
        systems[:, diagonal[:k], diagonal[:k]] += self._vector_reg(counts)[:, None]
        systems[:, k, k] += self.params.bias_reg
        return systems

    def _fold_in(self, matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, float]:
        """Vectors, biases and squared training error of the rows of a user x item matrix."""
        k = self.params.factors
        features = np.hstack([self.combined_factors, np.ones((self.n_items, 1), dtype=np.float32)])
        targets = matrix.data - self.global_mean - self.item_bias[matrix.indices]
        rhs = _with_data(matrix, targets) @ features
        counts = np.diff(matrix.indptr)
        theta = np.zeros((matrix.shape[0], k + 1), dtype=np.float32)
        squared_error = float(np.sum(np.square(targets, dtype=np.float64)))
        for rows, gram in grams(matrix.indptr, matrix.indices, features):
            systems = self._ridge_systems(gram, counts[rows])
            solution = np.linalg.solve(systems, rhs[rows, :, None])[..., 0]
            theta[rows] = solution
            # sum (y - x.theta)^2 = y.y - 2 theta.b + theta' A theta, summed over the batch
            fitted = np.einsum("na,nab,nb->", solution, gram, solution, dtype=np.float64)
            squared_error += fitted - 2 * float(np.sum(solution * rhs[rows], dtype=np.float64))
        return theta[:, :k], theta[:, k], squared_error

    def _item_step(self, by_item: sp.csr_matrix, genre_pairs: sp.csr_matrix) -> None:
        """Item factors and biases given the users (warm-started), then the genre vectors."""
        k = self.params.factors
        n_genres = self.genre_weights.shape[1]
        users = by_item.indices
        features = np.hstack(
            [self.user_factors, np.ones((len(self.user_factors), 1), dtype=np.float32)]
        )
        known = by_item.data - self.global_mean - self.user_bias[users]
        rhs = _with_data(by_item, known) @ features
        genre_part = self.genre_weights @ self.genre_factors
        counts = np.diff(by_item.indptr)
        coupling = np.zeros((n_genres * n_genres, k * k))
        genre_rhs = np.zeros((self.n_items, k))
        for rows, gram in grams(by_item.indptr, by_item.indices, features):
            # the genre part of v_i is fixed here: move p_u . g_i to the known side
            shifted = rhs[rows] - np.einsum("nab,nb->na", gram[:, :, :k], genre_part[rows])
            start = np.column_stack([self.item_factors[rows], self.item_bias[rows]])
            systems = self._ridge_systems(gram, counts[rows])
            solution = conjugate_gradient(systems, shifted, start, CG_STEPS)
            self.item_factors[rows] = solution[:, :k]
            self.item_bias[rows] = solution[:, k]
            if n_genres:
                # sum over the item's raters of p_u times what q_i and b_i leave of the rating
                genre_rhs[rows] = rhs[rows, :k] - np.einsum("nab,nb->na", gram[:, :k], solution)
                # the genre system couples g and h through sum_i w_ig w_ih S_i
                user_gram = gram[:, :k, :k].reshape(len(rows), k * k)
                coupling += genre_pairs[rows].T @ user_gram
        if n_genres:
            self._genre_step(coupling, genre_rhs, counts)
        self._update_combined_factors()

    def _genre_step(self, coupling: np.ndarray, genre_rhs: np.ndarray, counts: np.ndarray) -> None:
        """Solve all genre vectors jointly given user vectors, biases and item factors."""
        n_genres, k = self.genre_factors.shape
        rhs = (self.genre_weights.T @ genre_rhs).reshape(-1)
        blocks = coupling.reshape(n_genres, n_genres, k, k)
        system = blocks.transpose(0, 2, 1, 3).reshape(n_genres * k, n_genres * k)
        genre_reg = self._vector_reg(self.genre_weights.T @ counts, self.params.genre_reg)
        system[np.diag_indices_from(system)] += np.repeat(genre_reg, k)
        # np.linalg releases the GIL while it solves; scipy.linalg's Cholesky held it (up to 1 s)
        solution = np.linalg.solve(system, rhs)
        self.genre_factors = solution.reshape(n_genres, k).astype(np.float32)

    def score_query(self, query: Query) -> np.ndarray:
        items, stars = self._query_ratings(query)
        matrix = sp.csr_matrix((stars, items, np.array([0, len(items)])), shape=(1, self.n_items))
        return self._scores(matrix)[0]

    def _query_ratings(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """The movies (sorted) and stars a person is folded in from: for the implicit model every
        movie they gave, rated or only in their sequence (it counts who watched what); for the
        explicit one their ratings, or their sequence at the top of the scale when they rated
        nothing (:func:`moviepick.models.base.rated_or_watched`)."""
        if self.implicit:
            items = np.sort(query_inputs(query, self.n_items))
            return items, np.ones(len(items), dtype=np.float32)
        return rated_or_watched(query, self.n_items, self.rating_range[1])

    def _contributions(self, query: Query, inputs: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Exact at any number of inputs: removing a movie from the fold-in is a rank-one
        downdate of the person's ridge system (and one rating fewer in the explicit model's
        ``reg * (n + prior_count)``), so every removal is solved in one batch of small systems.
        The one removal that changes what is read, the explicit model's only rating beside a
        sequence (which is then read in its place), is scored again instead."""
        read, stars = self._query_ratings(query)
        drops = np.zeros((len(inputs), len(items)))
        removed = np.isin(inputs, read)
        if self.implicit:
            person, reduced = self._implicit_downdates(read, inputs[removed])
            features = self.item_factors[items].astype(np.float64)
        else:
            person, reduced = self._explicit_downdates(read, stars, inputs[removed])
            features = np.hstack([self.combined_factors[items], np.ones((len(items), 1))])
        drops[removed] = (person[None, :] - reduced) @ features.T
        if not self.implicit and len(read) == 1:
            alone = np.flatnonzero(inputs == read[0])
            if len(self._query_ratings(without(query, int(read[0])))[0]):
                drops[alone] = self._leave_one_out(query, inputs[alone], items)
        return drops

    def _explicit_downdates(
        self, items: np.ndarray, stars: np.ndarray, removed: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The person's ``[vector, bias]`` folded in from ``items`` (sorted) rated ``stars``,
        and ``(len(removed), k + 1)`` the same without each of ``removed`` in turn."""
        k = self.params.factors
        features = np.hstack([self.combined_factors[items], np.ones((len(items), 1))])
        targets = stars - self.global_mean - self.item_bias[items]
        system = features.T @ features
        diagonal = np.arange(k)
        system[diagonal, diagonal] += self._vector_reg(len(items))
        system[k, k] += self.params.bias_reg
        rhs = features.T @ targets
        positions = np.searchsorted(items, removed)
        out = features[positions]
        systems = system[None] - out[:, :, None] * out[:, None, :]
        systems[:, diagonal, diagonal] -= self.reg  # one rating fewer
        reduced_rhs = rhs[None] - targets[positions, None] * out
        reduced = np.linalg.solve(systems, reduced_rhs[..., None])[..., 0]
        return np.linalg.solve(system, rhs), reduced

    def _implicit_downdates(
        self, items: np.ndarray, removed: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The person's factors from the watched ``items`` (:func:`implicit_factors.half_step`),
        and ``(len(removed), k)`` the same without each of ``removed`` in turn."""
        alpha = self.params.alpha
        factors = self.item_factors.astype(np.float64)
        watched, out = factors[items], factors[removed]
        system = factors.T @ factors + alpha * watched.T @ watched
        system[np.diag_indices_from(system)] += self.reg
        rhs = (1.0 + alpha) * watched.sum(axis=0)
        systems = system[None] - alpha * out[:, :, None] * out[:, None, :]
        reduced_rhs = rhs[None] - (1.0 + alpha) * out
        reduced = np.linalg.solve(systems, reduced_rhs[..., None])[..., 0]
        return np.linalg.solve(system, rhs), reduced

    def item_vectors(self) -> np.ndarray:
        """The movies' factors (with their genre part): what every person's vector meets. A
        rarely rated movie's vector is mostly its genres', so it sits near its genres' movies."""
        return read_only(self.combined_factors)

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        """Fold-in of each user's rows of ``train``, in one batch: equal to ``score_query``."""
        return self._scores(train.by_user[np.asarray(users, dtype=np.int64)])

    def _scores(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Predicted stars for every item, for people folded in from their rows of ratings (the
        implicit model: how strongly each item belongs with the ones they rated)."""
        if self.implicit:
            watched = implicit_factors.binary(matrix)
            vectors = implicit_factors.half_step(
                watched, self.item_factors, self.reg, self.params.alpha
            )
            return vectors @ self.item_factors.T
        vectors, biases, _ = self._fold_in(matrix)
        scores = vectors @ self.combined_factors.T
        scores += (self.global_mean + self.item_bias)[None, :]
        scores += biases[:, None]
        return scores

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Stars for (user, item) pairs, clipped to the range of the training ratings."""
        if self.implicit:
            raise ModelError("als with feedback=implicit ranks movies but predicts no stars")
        users, items = np.asarray(users), np.asarray(items)
        raw = self.global_mean + self.user_bias[users] + self.item_bias[items]
        for start in range(0, len(users), PREDICT_CHUNK):  # bounds the gathered vectors' memory
            chunk = slice(start, start + PREDICT_CHUNK)
            vectors = self.user_factors[users[chunk]], self.combined_factors[items[chunk]]
            raw[chunk] += np.einsum("nk,nk->n", *vectors)
        return np.clip(raw, *self.rating_range).astype(np.float32)

    def get_state(self) -> dict[str, np.ndarray]:
        return {
            "user_factors": self.user_factors,
            "user_bias": self.user_bias,
            "item_factors": self.item_factors,
            "item_bias": self.item_bias,
            "genre_weights": self.genre_weights,
            "genre_factors": self.genre_factors,
            "global_mean": np.array(self.global_mean),
            "rating_range": np.array(self.rating_range),
            "reg": np.array(self.reg),
        }

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.user_factors = np.asarray(arrays["user_factors"], dtype=np.float32)
        self.user_bias = np.asarray(arrays["user_bias"], dtype=np.float32)
        self.item_factors = np.asarray(arrays["item_factors"], dtype=np.float32)
        self.item_bias = np.asarray(arrays["item_bias"], dtype=np.float32)
        self.genre_weights = np.asarray(arrays["genre_weights"], dtype=np.float32)
        self.genre_factors = np.asarray(arrays["genre_factors"], dtype=np.float32)
        self.global_mean = float(arrays["global_mean"])
        low, high = (float(value) for value in arrays["rating_range"])
        self.rating_range = (low, high)
        self.reg = float(arrays["reg"])
        self.n_items = len(self.item_bias)
        self._update_combined_factors()


def _refined_minimum(path: tuple[float, ...], errors: list[float]) -> float:
    """The minimum of a parabola in log space through the best point of a geometric path and
    its two neighbours (the best point itself at either end of the path)."""
    best = int(np.argmin(errors))
    if best in (0, len(path) - 1):
        return path[best]
    left, middle, right = errors[best - 1 : best + 2]
    curvature = left - 2 * middle + right
    offset = 0.5 * (left - right) / curvature if curvature > 0 else 0.0  # within +-0.5 steps
    return float(path[best] * (path[best + 1] / path[best]) ** offset)


def _squared_norms(vectors: np.ndarray) -> np.ndarray:
    return np.square(vectors, dtype=np.float64).sum(axis=1)


def _with_data(matrix: sp.csr_matrix, data: np.ndarray) -> sp.csr_matrix:
    """``matrix``'s sparsity pattern holding ``data`` instead of its values."""
    return sp.csr_matrix((data.astype(np.float32), matrix.indices, matrix.indptr), matrix.shape)


def _genre_pairs(weights: np.ndarray) -> sp.csr_matrix:
    """``(n_items, G * G)``: row ``i`` holds ``w_ig * w_ih`` in column ``g * G + h``."""
    n_items, n_genres = weights.shape
    items, genres = np.nonzero(weights)
    per_item = np.bincount(items, minlength=n_items)
    item_start = np.cumsum(per_item) - per_item
    # pair every (item, genre) entry with each entry of the same item, itself included
    partners = per_item[items]
    first = np.repeat(np.arange(len(items)), partners)
    within = np.arange(len(first)) - np.repeat(np.cumsum(partners) - partners, partners)
    second = item_start[items[first]] + within
    values = weights[items[first], genres[first]] * weights[items[second], genres[second]]
    columns = genres[first] * n_genres + genres[second]
    return sp.csr_matrix((values, (items[first], columns)), shape=(n_items, n_genres * n_genres))
