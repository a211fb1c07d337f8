"""The popularity baseline: one ranking for everyone, minus what they have seen."""

from __future__ import annotations

import numpy as np
import pytest

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.base import Query
from moviepick.models.popularity import Popularity


def ratings(rows: list[tuple[int, int, float]], n_users: int = 6, n_items: int = 5) -> Interactions:
    users, items, stars = (np.array(column) for column in zip(*rows, strict=True))
    return Interactions(
        users.astype(np.int32),
        items.astype(np.int32),
        stars.astype(np.float32),
        np.arange(len(rows), dtype=np.int64),
        n_users,
        n_items,
    )


# movie 0: everyone's middling rating; movie 1: two perfect ratings; movie 2: everyone's good
# rating; movie 3: one bad rating; movie 4: never rated
TRAIN = ratings(
    [(user, 0, 3.0) for user in range(6)]
    + [(0, 1, 5.0), (1, 1, 5.0)]
    + [(user, 2, 4.5) for user in range(6)]
    + [(5, 3, 1.0)]
)


def fitted(by: str) -> Popularity:
    model = Popularity(by=by)
    model.fit(TRAIN)
    return model


def test_by_count_serves_the_most_rated_unseen_movie_first() -> None:
    model = fitted("count")
    assert model.recommend(Query(), 3).items.tolist() == [0, 2, 1]
    assert model.recommend(Query(ratings={0: 2.0}), 1).items.tolist() == [2]


def test_by_score_prefers_many_good_ratings_to_a_few_perfect_ones() -> None:
    model = fitted("score")
    assert model.recommend(Query(), 2).items.tolist() == [2, 1]
    assert model.recommend(Query(sequence=[2]), 1).items.tolist() == [1]


def test_predictions_are_shrunk_item_means_and_the_global_mean_for_unrated_movies() -> None:
    predicted = fitted("count").predict(np.array([0, 0, 0]), np.array([1, 3, 4]))
    assert TRAIN.global_mean < predicted[0] < 5.0
    assert 1.0 < predicted[1] < TRAIN.global_mean
    assert predicted[2] == pytest.approx(TRAIN.global_mean)


def test_valid_rmse_is_reported() -> None:
    events = []
    Popularity().fit(TRAIN, valid=TRAIN, progress=events.append)
    assert [event.step for event in events] == [1]
    assert 0.0 < events[0].metrics["valid RMSE"] < 2.0


def test_an_unknown_ranking_is_refused() -> None:
    with pytest.raises(ModelError, match="score, count"):
        Popularity(by="stars")
