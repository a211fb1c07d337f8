"""The interface every recommender implements, whatever its architecture.

A model is fitted on :class:`Interactions` and then answers for any person described by a
:class:`Query`: the local user is never in the training data, so every model scores a new person
(fold-in for factor models, an encoder for autoencoders, the sequence for sequential models).

A model also says why it picks a movie (:meth:`Recommender.explain`: the input movie whose
removal from the query lowers the pick's score most) and, where it has them, which movies it
holds alike (:meth:`Recommender.item_vectors`).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from moviepick.data.catalog import Catalog
from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.hyperparams import check_params
from moviepick.training.events import Progress


@dataclass(frozen=True)
class Query:
    """What we know of one person, in the dataset's dense item indices."""

    ratings: Mapping[int, float] = field(default_factory=dict)  # item -> stars
    sequence: Sequence[int] = ()  # items in the order watched, oldest first
    exclude: frozenset[int] = frozenset()  # never recommend these

    @property
    def seen(self) -> frozenset[int]:
        return frozenset(self.ratings) | frozenset(self.sequence) | self.exclude


@dataclass(frozen=True)
class Contribution:
    """Why a movie is picked: the input movie of the query that raises its score most."""

    source: int  # an input item of the query (from query.ratings or query.sequence)
    weight: float  # how much the pick's score drops when `source` is removed from the query (> 0)


# Distinct inputs up to which the default explain removes each in turn and scores again.
EXACT_EXPLAIN_INPUTS = 40
# A contribution at or below this is no reason: float32 noise on scores of a few units.
NEGLIGIBLE_CONTRIBUTION = 1e-5


def query_inputs(query: Query, n_items: int) -> np.ndarray:
    """The distinct movies a query gives, rated ones first, then the sequence's; only those
    inside the catalogue, which are the only ones a model reads."""
    items = np.fromiter(dict.fromkeys([*query.ratings, *query.sequence]), dtype=np.int64)
    return items[(items >= 0) & (items < n_items)]


def without(query: Query, item: int) -> Query:
    """``query`` with ``item`` gone from its ratings and from every place in its sequence; the
    exclusions stay, as they decide what is shown, not how it scores."""
    return Query(
        ratings={key: stars for key, stars in query.ratings.items() if key != item},
        sequence=[watched for watched in query.sequence if watched != item],
        exclude=query.exclude,
    )


def rated_or_watched(
    query: Query, n_items: int, watched_stars: float
) -> tuple[np.ndarray, np.ndarray]:
    """What a model that reads stars folds a person in from: their rated movies inside the
    catalogue and the stars, sorted by movie; when they rated none of them, every movie of their
    sequence at ``watched_stars``.

    A sequence alone says the person chose those movies, not how they liked them; rating models
    take it as liking them (their callers pass the top of the rating scale), so that "what next"
    after a sequence differs from the picks for nobody.
    """
    items = np.fromiter(query.ratings, dtype=np.int64, count=len(query.ratings))
    stars = np.fromiter(query.ratings.values(), dtype=np.float32, count=len(query.ratings))
    known = (items >= 0) & (items < n_items)
    items, stars = items[known], stars[known]
    if len(items) == 0:
        items = np.fromiter(dict.fromkeys(query.sequence), dtype=np.int64)
        items = items[(items >= 0) & (items < n_items)]
        stars = np.full(len(items), watched_stars, dtype=np.float32)
    order = np.argsort(items, kind="stable")
    return items[order], stars[order]


def liked_strengths(
    query: Query, inputs: np.ndarray, n_items: int, rating_range: tuple[float, float]
) -> np.ndarray:
    """How much each input counts towards a pick in a similarity explanation, for a model that
    reads stars: its stars above the middle of the scale, 0 at or below it and for inputs the
    model does not read (unrated ones beside ratings). Dislikes lower a similar pick's score,
    but "because you rated it one star" is no reason to pick a movie, so they name none."""
    low, high = rating_range
    items, stars = rated_or_watched(query, n_items, high)
    strengths = dict(zip(items.tolist(), np.maximum(stars - (low + high) / 2, 0.0), strict=True))
    return np.array([strengths.get(item, 0.0) for item in inputs.tolist()], dtype=np.float64)


@dataclass(frozen=True)
class Ranked:
    """Recommended items, best first, with the model's scores."""

    items: np.ndarray  # int64
    scores: np.ndarray  # float32

    def __len__(self) -> int:
        return len(self.items)


def top_n(scores: np.ndarray, n: int, exclude: frozenset[int] | set[int] = frozenset()) -> Ranked:
    """The ``n`` best-scored items, ties broken by the lower index, skipping ``exclude``."""
    scores = np.asarray(scores, dtype=np.float32).copy()
    if exclude:
        scores[np.fromiter(exclude, dtype=np.int64)] = -np.inf
    available = int(np.isfinite(scores).sum())
    n = max(0, min(n, available))
    if n == 0:
        return Ranked(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32))
    candidates = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    items = candidates[order].astype(np.int64)
    return Ranked(items, scores[items])


def user_query(train: Interactions, user: int) -> Query:
    """A training user as a new person: their ratings and their items oldest first."""
    rows = train.user_rows(user)
    order = rows[np.argsort(train.timestamps[rows], kind="stable")]
    items = train.items[order].tolist()
    return Query(
        ratings=dict(zip(items, train.ratings[order].tolist(), strict=True)), sequence=items
    )


def check_same_catalogue(n_catalogue: int, n_items: int) -> None:
    """A ModelError unless the catalogue a model was prepared with indexes the ratings' items."""
    if n_catalogue != n_items:
        raise ModelError(
            f"the catalogue has {n_catalogue} movies but the ratings index {n_items}: "
            "prepare the model with the same dataset"
        )


class Recommender(ABC):
    """Base class of every model.

    Subclasses set ``name``, ``description`` and a ``Params`` dataclass of hyper-parameters,
    whose field types say what each accepts (:mod:`moviepick.models.hyperparams`), and implement
    ``_fit``, ``score_query``, ``get_state`` and ``set_state``. Saving and loading go through
    :mod:`moviepick.store`, which writes ``config.json`` and the arrays of ``get_state`` to
    ``.npz`` (loaded without pickle).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    predicts_ratings: ClassVar[bool] = False
    # Hyper-parameters the ranking protocols (top-n, next-item) use unless others are given:
    # for a model whose default serves a person (stars they would give) but which has a mode
    # that ranks what people pick better, so the leaderboard compares every model at its best.
    ranking_params: ClassVar[dict[str, Any]] = {}
    # Whether explain names reasons: False for models that rank alike for everyone.
    explains: ClassVar[bool] = True
    # Whether the scores depend on the order of ``Query.sequence``.
    reads_order: ClassVar[bool] = False
    # Distinct inputs up to which the default explain is exact leave-one-out.
    explain_exact_up_to: ClassVar[int] = EXACT_EXPLAIN_INPUTS
    # BLAS threads during fit (fitting.fit_model sets them): "one" where the work is many
    # small solves, which threads only slow down on a busy machine, "all" where a large dense
    # solve profits. On ml-latest-small, 2 cores, one of them busy (benchmarks/blas_threads.py):
    # ALS 2.0 s with one thread, 4.6-6.9 s with two; EASE 51-60 s with one, 43 s with two.
    blas_threads: ClassVar[Literal["one", "all"]] = "one"

    @dataclass
    class Params:
        """Hyper-parameters: each model defines its own fields."""

    def __init__(self, **params: Any) -> None:
        names = {f.name for f in dataclasses.fields(self.Params)}
        unknown = sorted(set(params) - names)
        if unknown:
            raise TypeError(f"{self.name} has no parameter(s) {', '.join(unknown)}")
        self.params = self.Params(**params)
        check_params(self.name, self.params)
        problem = self._params_problem()
        if problem:
            raise ModelError(f"{self.name} needs {problem}")
        self.n_items = 0

    @property
    def gives_stars(self) -> bool:
        """Whether :meth:`score_query` answers in stars: a model that predicts ratings, in the
        setting it was made with (a mode that ranks by counts does not)."""
        return self.predicts_ratings

    def _params_problem(self) -> str | None:
        """What is wrong with hyper-parameters that each pass their own field's check but not
        together (a size that must divide another, say), worded to follow "<model> needs"."""
        return None

    def prepare(self, catalog: Catalog) -> None:
        """Take side information (genres) from the catalogue before ``fit``.

        Models that use none keep this default, which only records the catalogue size.
        """
        self.n_items = len(catalog)

    def fit(
        self,
        train: Interactions,
        *,
        valid: Interactions | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Train on ``train``, reporting each step to ``progress``; models that validate use
        ``valid`` (an empty one counts as none). A ModelError when ``train`` is empty."""
        if len(train) == 0:
            unit = "rating" if self.predicts_ratings else "interaction"
            raise ModelError(f"{self.name} needs at least one {unit} to fit")
        self._fit(train, valid, progress)

    @abstractmethod
    def _fit(
        self, train: Interactions, valid: Interactions | None, progress: Progress | None
    ) -> None:
        """What ``fit`` does once it has checked that ``train`` is not empty."""

    @abstractmethod
    def score_query(self, query: Query) -> np.ndarray:
        """A score for every item for one person (higher is better)."""

    def recommend(self, query: Query, n: int = 20) -> Ranked:
        """The ``n`` best items for ``query``, never one it has seen or excludes."""
        seen = {item for item in query.seen if 0 <= item < self.n_items}
        return top_n(self.score_query(query), n, seen)

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        """Scores ``(len(users), n_items)`` for training users; ranks exactly like ``recommend``.

        The default scores each user's query from ``train``: their ratings, and their items in
        time order as the sequence. Models override it where a batch is faster.
        """
        rows = [self.score_query(user_query(train, user)) for user in users]
        return np.vstack(rows) if rows else np.empty((0, self.n_items), dtype=np.float32)

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Predicted stars for training users; only for models with ``predicts_ratings``."""
        raise NotImplementedError(f"{self.name} does not predict ratings")

    def explain(self, query: Query, items: Sequence[int]) -> list[Contribution | None]:
        """For each of ``items`` (usually the picks), the input movie of ``query`` that
        contributes most to its score; None where no input contributes positively (or the model
        does not explain).

        A contribution is what the pick's score loses when that input leaves the query (from its
        ratings and its whole sequence, :func:`without`). By default that is computed exactly,
        one scoring per distinct input, up to :attr:`explain_exact_up_to` inputs; above that the
        default estimates it from item similarity (:meth:`_similarity_contributions`), so the
        removal guarantee holds only up to that size. Models with a cheaper exact form
        (a linear score, a ridge fold-in, a window of recent movies) override
        :meth:`_contributions` and are exact at any size.
        """
        picks = np.asarray(items, dtype=np.int64).reshape(-1)
        reasons: list[Contribution | None] = [None] * len(picks)
        inputs = query_inputs(query, self.n_items)
        known = np.flatnonzero((picks >= 0) & (picks < self.n_items))
        if not self.explains or len(inputs) == 0 or len(known) == 0:
            return reasons
        contributions = self._contributions(query, inputs, picks[known])
        strongest = np.argmax(contributions, axis=0)
        weights = contributions[strongest, np.arange(len(known))]
        for position, source, weight in zip(known, strongest, weights, strict=True):
            if weight > NEGLIGIBLE_CONTRIBUTION:
                reasons[position] = Contribution(int(inputs[source]), float(weight))
        return reasons

    def _contributions(self, query: Query, inputs: np.ndarray, items: np.ndarray) -> np.ndarray:
        """``(len(inputs), len(items))``: what each item's score owes to each input."""
        if len(inputs) > self.explain_exact_up_to:
            estimate = self._similarity_contributions(query, inputs, items)
            if estimate is not None:
                return estimate
        return self._leave_one_out(query, inputs, items)

    def _leave_one_out(self, query: Query, inputs: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Exact contributions: the full query's scores less those without each input, all
        scored in one batch so that both sides go through the same arithmetic."""
        queries = [query, *(without(query, int(item)) for item in inputs)]
        scores = self._query_scores(queries, items).astype(np.float64)
        return scores[0] - scores[1:]

    def _query_scores(self, queries: Sequence[Query], items: np.ndarray) -> np.ndarray:
        """``(len(queries), len(items))``: each query's scores of ``items``, as ``score_query``
        gives them. Models override it where a batch is faster than one query at a time."""
        return np.vstack([self.score_query(query)[items] for query in queries])

    def _similarity_contributions(
        self, query: Query, inputs: np.ndarray, items: np.ndarray
    ) -> np.ndarray | None:
        """Estimated contributions: the cosine of each input's and each item's vector, times
        the input's strength (:meth:`_input_strengths`); None without item vectors."""
        vectors = self.item_vectors()
        if vectors is None:
            return None
        unit = _unit_rows(np.asarray(vectors, dtype=np.float64)[np.concatenate([inputs, items])])
        similarity = unit[: len(inputs)] @ unit[len(inputs) :].T
        return self._input_strengths(query, inputs)[:, None] * similarity

    def _input_strengths(self, query: Query, inputs: np.ndarray) -> np.ndarray:
        """How much each input counts in a similarity estimate: every input alike (a model that
        reads what was watched, not the stars); rating models weigh by stars."""
        return np.ones(len(inputs), dtype=np.float64)

    def item_vectors(self) -> np.ndarray | None:
        """(n_items, d) float32 vectors whose cosine says which movies the model holds alike;
        None when it has none."""
        return None

    @abstractmethod
    def get_state(self) -> dict[str, np.ndarray]:
        """The fitted arrays, to be saved with ``np.savez``."""

    @abstractmethod
    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        """Restore the fitted arrays written by ``get_state``."""


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row over its norm; a zero row stays zero (it is like nothing)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def read_only(array: np.ndarray) -> np.ndarray:
    """A view of a model's own array that callers cannot write through."""
    view = array.view()
    view.flags.writeable = False
    return view
