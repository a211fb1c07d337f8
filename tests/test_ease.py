"""EASE: the closed form, its weighting, the choice of reg and the catalogue limit."""

from __future__ import annotations

import numpy as np
import pytest
from planted import N_ITEMS, planted, training_query

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.base import Query
from moviepick.models.ease import EASE, REG_PATH
from moviepick.training.events import FitEvent


def small_interactions() -> Interactions:
    """Five users, six movies; movie 5 is never rated."""
    users = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4], dtype=np.int32)
    items = np.array([0, 1, 2, 0, 1, 1, 2, 3, 3, 4, 0, 2, 4], dtype=np.int32)
    ratings = np.array([5, 4, 1, 5, 3, 2, 4, 5, 4, 4, 1, 5, 3], dtype=np.float32)
    return Interactions(users, items, ratings, np.arange(len(users), dtype=np.int64), 5, 6)


def steck_weights(matrix: np.ndarray, reg: float) -> np.ndarray:
    """The closed form of the paper, in float64."""
    inverse = np.linalg.inv(matrix.T @ matrix + reg * np.eye(matrix.shape[1]))
    weights = np.eye(matrix.shape[1]) - inverse / np.diag(inverse)
    np.fill_diagonal(weights, 0.0)
    return weights


def fitted(train: Interactions, **params: object) -> EASE:
    model = EASE(**params)
    model.fit(train)
    return model


def test_binary_weights_are_the_closed_form_of_the_paper() -> None:
    train = small_interactions()
    model = fitted(train, reg=2.0, weights="binary")
    binary = (train.by_user.toarray() > 0).astype(np.float64)[:, :5]
    np.testing.assert_allclose(model.item_weights, steck_weights(binary, 2.0), atol=1e-5)
    np.testing.assert_array_equal(model.active, np.arange(5))
    assert np.all(np.diag(model.item_weights) == 0)


def test_star_weights_are_stars_over_their_root_mean_square() -> None:
    train = small_interactions()
    model = fitted(train, reg=2.0)
    stars = train.by_user.toarray().astype(np.float64)[:, :5]
    stars /= np.sqrt(np.mean(np.square(train.ratings)))
    np.testing.assert_allclose(model.item_weights, steck_weights(stars, 2.0), atol=1e-5)


def test_a_new_person_is_scored_by_their_vector_times_b() -> None:
    model = fitted(small_interactions(), reg=2.0, weights="binary")
    scores = model.score_query(Query(ratings={0: 1.0}, sequence=[3]))
    np.testing.assert_allclose(scores[:5], model.item_weights[0] + model.item_weights[3])
    assert scores[5] == 0.0  # never rated: no column in B


def test_with_stars_a_dislike_weighs_less_than_a_like() -> None:
    model = fitted(small_interactions(), reg=2.0)
    liked = model.score_query(Query(ratings={0: 5.0}))
    disliked = model.score_query(Query(ratings={0: 1.0}))
    np.testing.assert_allclose(disliked, liked / 5, rtol=1e-5)
    binary = fitted(small_interactions(), reg=2.0, weights="binary")
    np.testing.assert_array_equal(
        binary.score_query(Query(ratings={0: 5.0})), binary.score_query(Query(ratings={0: 1.0}))
    )


def test_a_watched_movie_without_stars_weighs_the_mean_rating() -> None:
    train = small_interactions()
    model = fitted(train, reg=2.0)
    np.testing.assert_allclose(
        model.score_query(Query(sequence=[1])),
        model.score_query(Query(ratings={1: train.global_mean})),
        rtol=1e-6,
    )


def test_reg_is_chosen_on_held_out_interactions_and_reported() -> None:
    events: list[FitEvent] = []
    model = EASE()
    model.fit(planted().train, progress=events.append)
    assert model.reg in REG_PATH
    selection = [event.metrics["reg"] for event in events[:-1]]
    assert selection == list(REG_PATH[: len(selection)])
    assert all("selection Recall@20" in event.metrics for event in events[:-1])
    assert events[-1].step == events[-1].total == len(REG_PATH) + 1
    assert events[-1].metrics["reg"] == model.reg


def test_the_validation_set_chooses_reg_and_is_reported() -> None:
    data = planted()
    train, valid = data.train.select(slice(20, None)), data.train.select(slice(0, 20))
    events: list[FitEvent] = []
    EASE().fit(train, valid=valid, progress=events.append)
    assert 0.0 <= events[-1].metrics["valid Recall@20"] <= 1.0


def test_a_given_reg_fits_in_one_step() -> None:
    events: list[FitEvent] = []
    EASE(reg=50.0).fit(planted().train, progress=events.append)
    assert [(event.step, event.total) for event in events] == [(1, 1)]
    assert events[0].metrics == {"reg": 50.0}


def test_training_users_are_scored_like_new_people_after_loading(tmp_path) -> None:
    from moviepick.store import load_model, save_model

    model = fitted(planted().train)
    save_model(model, tmp_path / "ease", dataset="planted", fingerprint="planted:0")
    loaded = load_model(tmp_path / "ease")
    users = np.array([0, 20])
    np.testing.assert_array_equal(
        loaded.score_users(users, planted().train), model.score_users(users, planted().train)
    )
    query = training_query(planted().train, 0)
    np.testing.assert_array_equal(loaded.score_query(query), model.score_query(query))
    assert loaded.reg == model.reg and loaded.n_items == N_ITEMS


def test_a_catalogue_over_the_limit_is_refused_in_one_line() -> None:
    with pytest.raises(
        ModelError, match="over --max-items 5; raise --max-items or train als"
    ) as error:
        EASE(max_items=5, reg=1.0).fit(planted().train)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("params", [{"reg": 0.0}, {"reg": -1.0}, {"max_items": 0}])
def test_bad_parameters_are_refused(params: dict[str, float]) -> None:
    with pytest.raises(ModelError, match="ease needs"):
        EASE(**params)


def test_no_interactions_is_refused() -> None:
    empty = small_interactions().select(np.zeros(13, dtype=bool))
    with pytest.raises(ModelError, match="at least one interaction"):
        EASE(reg=1.0).fit(empty)
