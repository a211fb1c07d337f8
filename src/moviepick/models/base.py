"""The interface every recommender implements, whatever its architecture.

A model is fitted on :class:`Interactions` and then answers for any person described by a
:class:`Query`: the local user is never in the training data, so every model scores a new person
(fold-in for factor models, an encoder for autoencoders, the sequence for sequential models).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

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

    @abstractmethod
    def get_state(self) -> dict[str, np.ndarray]:
        """The fitted arrays, to be saved with ``np.savez``."""

    @abstractmethod
    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        """Restore the fitted arrays written by ``get_state``."""
