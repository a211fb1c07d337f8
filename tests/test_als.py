"""ALS specifics: fold-in, convergence, the chosen regularisation, genre vectors, cold movies
and sparse people, accuracy."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from planted import BLOCK, N_ITEMS, USERS_PER_GROUP, Planted, planted, training_query

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.metrics.rating import rmse
from moviepick.models.als import ALS, REG_PATH, SELECTION_STEPS, SWEEPS_PER_REG
from moviepick.models.base import Query
from moviepick.models.registry import create_model
from moviepick.training.events import FitEvent

TASTE_USERS, TASTE_MOVIES, RATED_EACH = 150, 60, 25
FLOP = TASTE_MOVIES  # one more movie, rated once: 1 star by user 0


def fitted(**params: object) -> tuple[ALS, list[FitEvent]]:
    model = ALS(**params)
    model.prepare(planted().catalog)
    events: list[FitEvent] = []
    model.fit(planted().train, progress=events.append)
    return model, events


def test_fold_in_of_a_training_user_reproduces_their_fitted_predictions() -> None:
    model, _ = fitted(reg=0.1)
    every_item = np.arange(N_ITEMS)
    for user in (0, 4, 20):
        folded_in = np.clip(model.score_query(training_query(planted().train, user)), 1, 5)
        fitted_stars = model.predict(np.full(N_ITEMS, user), every_item)
        np.testing.assert_allclose(folded_in, fitted_stars, atol=1e-4)


def test_every_iteration_lowers_the_regularised_loss() -> None:
    _, events = fitted(reg=0.05, iters=8)
    losses = np.array([event.loss for event in events])
    assert len(losses) == 8
    assert np.all(np.diff(losses) <= 1e-5 * losses[:-1])


def test_without_a_reg_one_is_chosen_on_held_out_ratings_and_kept() -> None:
    model, events = fitted(iters=4)
    selection = [event.step for event in events if "selection RMSE" in event.metrics]
    assert selection == list(range(SWEEPS_PER_REG, selection[-1] + 1, SWEEPS_PER_REG))
    assert selection[-1] <= SELECTION_STEPS
    fitting = [event.step for event in events if "train RMSE" in event.metrics]
    assert fitting == list(range(SELECTION_STEPS + 1, SELECTION_STEPS + 5))
    assert events[-1].total == SELECTION_STEPS + 4
    assert min(REG_PATH) <= model.reg <= max(REG_PATH)
    restored = ALS(iters=4)
    restored.set_state(model.get_state())
    assert restored.reg == model.reg


def test_genre_vectors_place_an_unrated_movie_with_its_genre() -> None:
    likes_alpha = Query(ratings=dict.fromkeys(range(6), 5.0))
    cold_alpha, cold_beta = Planted.cold_items()
    scores = fitted(reg=0.1)[0].score_query(likes_alpha)
    assert scores[cold_alpha] > scores[cold_beta] + 0.1
    plain = fitted(reg=0.1, genre_factors=False)[0].score_query(likes_alpha)
    assert plain[cold_alpha] == pytest.approx(plain[cold_beta], abs=1e-5)


def test_an_empty_query_ranks_by_item_bias() -> None:
    model, _ = fitted(reg=0.1)
    np.testing.assert_allclose(model.score_query(Query()), model.global_mean + model.item_bias)


def test_a_catalogue_of_another_size_is_refused() -> None:
    model = ALS(reg=0.1)
    model.prepare(planted().catalog)
    train = planted().train
    other = Interactions(
        train.users, train.items, train.ratings, train.timestamps, train.n_users, N_ITEMS + BLOCK
    )
    with pytest.raises(ModelError, match="catalogue has 24 movies"):
        model.fit(other)


@cache
def tastes_with_a_flop() -> Interactions:
    """Ratings from a rank-3 taste model about as noisy as MovieLens (tastes spread the stars by
    about 0.5, noise by 0.9), and :data:`FLOP`, a movie that one person rated 1 star."""
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(TASTE_USERS), RATED_EACH)
    movies = np.concatenate(
        [rng.choice(TASTE_MOVIES, RATED_EACH, replace=False) for _ in range(TASTE_USERS)]
    )
    tastes, traits = rng.standard_normal((TASTE_USERS, 3)), rng.standard_normal((TASTE_MOVIES, 3))
    affinity = np.einsum("nk,nk->n", tastes[users], traits[movies])
    stars = np.clip(np.rint(3.5 + 0.3 * affinity + 0.9 * rng.standard_normal(len(users))), 1, 5)
    return Interactions(
        users=np.append(users, 0).astype(np.int32),
        items=np.append(movies, FLOP).astype(np.int32),
        ratings=np.append(stars, 1.0).astype(np.float32),
        timestamps=np.zeros(len(users) + 1, dtype=np.int64),
        n_users=TASTE_USERS,
        n_items=TASTE_MOVIES + 1,
    )


def test_a_movie_with_one_very_low_rating_is_recommended_to_nobody() -> None:
    train = tastes_with_a_flop()
    model = ALS()
    model.fit(train)
    users = np.arange(TASTE_USERS)
    # generous raters rate every movie above the global mean; the flop itself must count against
    flop_effect = model.predict(users, np.full(TASTE_USERS, FLOP)) - model.user_bias
    assert np.all(flop_effect < model.global_mean)
    scores = model.score_users(users, train)
    scores[train.users, train.items] = -np.inf
    assert not np.any(np.argsort(-scores, axis=1)[:, :20] == FLOP)
    # new people who rate the flop's rater's movies the other way round (6 - stars) are the
    # ones an unregularised flop vector would point at
    rated = (train.users == 0) & (train.items != FLOP)
    movies, opposite = train.items[rated].tolist(), (6 - train.ratings[rated]).tolist()
    for first in range(0, 20, 4):
        four = slice(first, first + 4)
        person = Query(ratings=dict(zip(movies[four], opposite[four], strict=True)))
        assert model.score_query(person)[FLOP] < model.global_mean
        assert FLOP not in model.recommend(person, 20).items


@pytest.mark.parametrize(
    "params",
    [
        {"factors": 0},
        {"iters": 0},
        {"reg": -1.0},
        {"bias_reg": 0.0},
        {"prior_count": 0.0},
        {"speed": 2},
        {"feedback": "stars"},
        {"alpha": 0.0},
    ],
)
def test_bad_parameters_are_refused(params: dict[str, object]) -> None:
    with pytest.raises(ModelError):
        create_model("als", **params)


def test_implicit_feedback_ranks_a_users_own_block_above_the_other() -> None:
    """Each user also rated two random movies of the other block (1 star, which the implicit
    model reads as picked): the unrated movies of their own block still come out ahead."""
    model, events = fitted(feedback="implicit", factors=2, reg=1.0, iters=6)
    data = planted()
    losses = np.array([event.loss for event in events])
    assert len(losses) == 6 and np.all(np.diff(losses) <= 1e-5 * losses[:-1])
    for user in range(2 * USERS_PER_GROUP):
        scores = model.score_query(training_query(data.train, user))
        rated = data.train.items[data.train.users == user]
        unrated = np.setdiff1d(np.arange(N_ITEMS), [*rated, *Planted.cold_items()])
        own_block = np.isin(unrated, Planted.block_of(user))
        own, other = unrated[own_block], unrated[~own_block]
        assert scores[own].mean() > scores[other].mean()
        assert scores[data.held_out[user]] > np.median(scores[other])


def test_implicit_fold_in_reproduces_the_fitted_user_vectors() -> None:
    model, _ = fitted(feedback="implicit", iters=3)
    users = np.arange(5)
    np.testing.assert_allclose(
        model.score_users(users, planted().train),
        model.user_factors[users] @ model.item_factors.T,
        atol=1e-4,
    )


def test_implicit_feedback_reports_valid_hit_rate_and_predicts_no_stars() -> None:
    model = ALS(feedback="implicit", iters=2)
    events: list[FitEvent] = []
    model.fit(planted().train, valid=planted().train.select(slice(0, 30)), progress=events.append)
    assert all(0.0 <= event.metrics["valid HR@10"] <= 1.0 for event in events)
    with pytest.raises(ModelError, match="predicts no stars"):
        model.predict(np.array([0]), np.array([0]))


def test_ml100k_first_official_fold_rmse_with_defaults(shared_data) -> None:
    from moviepick.data.loader import load_dataset
    from moviepick.evaluation.splits import ml100k_folds

    dataset = load_dataset(shared_data / "ml-100k")
    train, test = ml100k_folds(dataset)[0]
    model = ALS()
    model.prepare(dataset.catalog)
    events: list[FitEvent] = []
    model.fit(train, valid=test, progress=events.append)
    fitting = [event.metrics for event in events if "train RMSE" in event.metrics]
    assert fitting[-1]["train RMSE"] < fitting[0]["train RMSE"]
    assert fitting[-1]["valid RMSE"] < fitting[0]["valid RMSE"]
    assert rmse(model.predict(test.users, test.items), test.ratings) < 0.92


def test_a_person_with_four_ratings_gets_picks_that_many_people_rated(shared_data) -> None:
    """The Matrix 5, The Godfather 4.5, Toy Story 2, Alien 5 on ml-latest-small, where a third
    of the movies have a single rating: such a movie once topped this person's picks."""
    from moviepick.data.loader import load_dataset

    dataset = load_dataset(shared_data / "ml-latest-small")
    catalog = dataset.catalog
    stars = {2571: 5.0, 858: 4.5, 1: 2.0, 1214: 5.0}  # MovieLens movie ids
    person = Query(ratings={catalog.index_of(movie): star for movie, star in stars.items()})
    model = ALS()
    model.prepare(catalog)
    model.fit(dataset.interactions)
    picks = model.recommend(person, 20)
    assert len(picks) == 20
    assert catalog.rating_count[picks.items].min() >= 5
