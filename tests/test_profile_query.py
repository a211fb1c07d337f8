"""The order a model reads the profile in: the watch sequence oldest first, else the ratings in
the order they were made (not the newest-first order the profile lists them in).

Pinned for every registered model that says it reads the order (``reads_order``), and those are
checked to be exactly the ones whose scores change when only the sequence order changes.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from planted import FAST_PARAMS, planted, planted_dataset

from moviepick.models.base import Query, Recommender, top_n
from moviepick.models.registry import create_model, model_class, model_names
from moviepick.profile import Profile
from moviepick.services.picks import Picker

RATED = [0, 3, 5, 1, 7, 2]  # rated in this order; longer than seq-mean's test window of 4
STARS = dict.fromkeys(RATED, 4.0)
WATCHED = [7, 0, 4, 0, 6]  # a watch sequence, with a movie watched twice


@cache
def fitted(name: str) -> Recommender:
    model = create_model(name, **FAST_PARAMS.get(name, {}))
    model.prepare(planted().catalog)
    model.fit(planted().train)
    return model


def scores_change_with_order(name: str) -> bool:
    model = fitted(name)
    forward = model.score_query(Query(ratings=STARS, sequence=RATED))
    backward = model.score_query(Query(ratings=STARS, sequence=RATED[::-1]))
    return not np.allclose(forward, backward, rtol=1e-4, atol=1e-4)


ORDER_READERS = [name for name in model_names() if model_class(name).reads_order]


@pytest.fixture
def picker(tmp_path, monkeypatch):
    ticks = iter(range(1_000, 10_000))  # one second a write, so the rating order is certain
    monkeypatch.setattr("moviepick.profile.time.time", lambda: float(next(ticks)))
    with Profile(tmp_path / "profile.db") as profile:
        yield Picker(planted_dataset(), profile)


def test_the_models_that_say_they_read_the_order_are_the_ones_that_do():
    assert {"sasrec", "seq-mean"} <= set(ORDER_READERS)
    assert [name for name in model_names() if scores_change_with_order(name)] == ORDER_READERS


def recorded_queries(model: Recommender, monkeypatch: pytest.MonkeyPatch) -> list[Query]:
    """Every query ``model`` is asked to score from now on."""
    queries: list[Query] = []
    score = model.score_query

    def spy(query: Query) -> np.ndarray:
        queries.append(query)
        return score(query)

    monkeypatch.setattr(model, "score_query", spy)
    return queries


def expected_scores(model: Recommender, query: Query, n: int) -> list[float]:
    return top_n(model.score_query(query), n, query.seen).scores.tolist()


@pytest.mark.parametrize("name", ORDER_READERS)
def test_rated_movies_reach_the_model_oldest_first(picker, monkeypatch, name):
    model = fitted(name)
    for item in RATED:
        picker.rate(item, STARS[item])
    expected = Query(ratings=STARS, sequence=RATED)
    wanted = expected_scores(model, expected, 5)
    queries = recorded_queries(model, monkeypatch)
    picks = picker.recommend(model, 5, explain=False)  # explaining scores more queries
    assert [list(query.sequence) for query in queries] == [RATED]
    assert [pick.score for pick in picks] == pytest.approx(wanted)


@pytest.mark.parametrize("name", ORDER_READERS)
def test_the_watch_sequence_reaches_the_model_as_it_is(picker, monkeypatch, name):
    model = fitted(name)
    for item in RATED:
        picker.rate(item, STARS[item])
    for item in WATCHED:
        picker.append_to_sequence(item)
    expected = Query(ratings=STARS, sequence=WATCHED)
    wanted = expected_scores(model, expected, 5)
    queries = recorded_queries(model, monkeypatch)
    picks = picker.recommend(model, 5, explain=False)  # explaining scores more queries
    assert [list(query.sequence) for query in queries] == [WATCHED]
    assert [pick.score for pick in picks] == pytest.approx(wanted)
