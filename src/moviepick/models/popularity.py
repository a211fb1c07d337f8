"""The most popular movies, the same for everyone: a baseline every other model must beat.

``by="score"`` ranks by Bayesian-average rating (an item's mean shrunk towards the global mean,
:func:`moviepick.data.build.rating_stats`), ``by="count"`` by number of ratings. A person is
served the best-ranked movies they have not seen. Predicted stars are the Bayesian average in
both cases, which makes it the RMSE baseline; an item without training ratings gets the global
mean. The ranking protocols rank by count (:attr:`Popularity.ranking_params`): what most people
rated is what a person most likely rates next, so it is the baseline to beat there.

Nothing of a person changes their picks, so no movie of theirs is a reason for one
(``explains`` is False) and the model holds no movies alike (no item vectors).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from moviepick.data.build import rating_stats
from moviepick.data.interactions import Interactions
from moviepick.models.base import Query, Recommender
from moviepick.training.events import FitEvent, Progress


class Popularity(Recommender):
    name = "popularity"
    description = "Most popular movies by Bayesian-average rating or by number of ratings"
    predicts_ratings = True
    ranking_params = {"by": "count"}
    explains = False

    @dataclass
    class Params:
        by: Literal["score", "count"] = "score"  # Bayesian-average rating, or number of ratings

    @property
    def gives_stars(self) -> bool:
        return self.params.by == "score"

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.counts = np.zeros(0, dtype=np.int32)
        self.bayesian_average = np.zeros(0, dtype=np.float32)

    def _fit(
        self, train: Interactions, valid: Interactions | None, progress: Progress | None
    ) -> None:
        self.counts, _, self.bayesian_average = rating_stats(train)
        self.n_items = train.n_items
        if progress is not None:
            metrics = {}
            if valid is not None and len(valid):
                error = self.predict(valid.users, valid.items) - valid.ratings
                metrics["valid RMSE"] = float(np.sqrt(np.mean(np.square(error, dtype=np.float64))))
            progress(FitEvent(1, 1, metrics=metrics))

    def _ranking_scores(self) -> np.ndarray:
        if self.params.by == "count":
            return self.counts.astype(np.float32)
        return self.bayesian_average

    def score_query(self, query: Query) -> np.ndarray:
        return self._ranking_scores().copy()

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        return np.tile(self._ranking_scores(), (len(users), 1))

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        return self.bayesian_average[np.asarray(items)]

    def get_state(self) -> dict[str, np.ndarray]:
        return {"counts": self.counts, "bayesian_average": self.bayesian_average}

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.counts = np.asarray(arrays["counts"], dtype=np.int32)
        self.bayesian_average = np.asarray(arrays["bayesian_average"], dtype=np.float32)
        self.n_items = len(self.counts)
