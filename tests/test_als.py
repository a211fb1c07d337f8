"""ALS specifics: fold-in, convergence, the chosen regularisation, genre vectors, accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from planted import BLOCK, N_ITEMS, Planted, planted, training_query

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.evaluation.metrics import rmse
from moviepick.models.als import ALS, REG_PATH, SELECTION_STEPS, SWEEPS_PER_REG
from moviepick.models.base import FitEvent, Query
from moviepick.models.registry import create_model


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


@pytest.mark.parametrize(
    "params", [{"factors": 0}, {"iters": 0}, {"reg": -1.0}, {"bias_reg": 0.0}, {"speed": 2}]
)
def test_bad_parameters_are_refused(params: dict[str, object]) -> None:
    with pytest.raises(ModelError):
        create_model("als", **params)


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
