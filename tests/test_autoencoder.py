"""Autoencoder specifics: the ridge fold-in, training people scored like new people, early
stopping, seeds, the sparse batch path, loading I-AutoRec without torch, and bad parameters."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

import numpy as np
import pytest
import scipy.sparse as sp
import test_models_contract as contract
from planted import N_ITEMS, N_USERS, planted, training_query

from moviepick.errors import ModelError
from moviepick.models import _autoencoder_torch
from moviepick.models.autoencoder import AutoRec, StackedAutoencoder
from moviepick.models.base import Query
from moviepick.models.ridge_fold_in import fold_in
from moviepick.store import save_model
from moviepick.training.events import FitEvent

# The shared contract suite runs the default variant (I-AutoRec); these run all three.
SMALL = {
    "autorec-item": (AutoRec, {"variant": "item", "dim": 16, "epochs": 30, "batch_size": 16}),
    "autorec-user": (AutoRec, {"variant": "user", "dim": 16, "epochs": 30, "batch_size": 16}),
    "autoencoder": (StackedAutoencoder, {"epochs": 20, "lr": 0.05, "batch_size": 4}),
}
COMMON = {"lr": 0.02, "weight_decay": 0.01, "valid_share": 0.0, "device": "cpu"}


def build(kind: str, **overrides: object) -> AutoRec | StackedAutoencoder:
    cls, params = SMALL[kind]
    model = cls(**{**COMMON, **params, **overrides})
    model.prepare(planted().catalog)
    return model


@cache
def fitted(kind: str) -> AutoRec | StackedAutoencoder:
    model = build(kind)
    model.fit(planted().train)
    return model


def direct_ridge(
    codes: np.ndarray, items: np.ndarray, targets: np.ndarray, prior: np.ndarray, reg: float
) -> np.ndarray:
    features = np.hstack([codes[items], np.ones((len(items), 1))])
    system = features.T @ features + reg * np.eye(features.shape[1])
    return np.linalg.solve(system, features.T @ targets + reg * prior)


@pytest.mark.parametrize("rated", [0, 3, 40])  # no ratings, the dual form, the primal form
def test_fold_in_solves_each_persons_ridge_regression(rated: int) -> None:
    rng = np.random.default_rng(rated)
    codes = rng.random((60, 8)).astype(np.float32)
    prior, reg = rng.standard_normal(9), 0.3
    items = np.sort(rng.choice(60, rated, replace=False))
    targets = rng.random(rated)
    ratings = sp.csr_matrix(
        (np.concatenate([targets, targets]), np.concatenate([items, items]), [0, rated, 2 * rated]),
        shape=(2, 60),
    )
    rows = fold_in(ratings, codes, prior, reg)
    expected = direct_ridge(codes, items, targets, prior, reg)
    np.testing.assert_allclose(rows, np.vstack([expected, expected]), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", list(SMALL))
def test_every_variant_finds_the_planted_tastes(kind: str) -> None:
    contract.test_held_out_movies_rank_among_a_users_own_block(fitted(kind))
    contract.test_a_new_person_like_a_group_gets_that_groups_movies(fitted(kind))


@pytest.mark.parametrize("kind", list(SMALL))
def test_a_training_user_scores_like_a_new_person_with_their_ratings(kind: str) -> None:
    model = fitted(kind)
    every_item = np.arange(N_ITEMS)
    for user in (0, 17, N_USERS - 1):
        as_new_person = np.clip(model.score_query(training_query(planted().train, user)), 1, 5)
        predicted = model.predict(np.full(N_ITEMS, user), every_item)
        np.testing.assert_allclose(predicted, as_new_person, atol=1e-4)


def epoch_events(model: AutoRec | StackedAutoencoder, **fit: object) -> list[FitEvent]:
    events: list[FitEvent] = []
    model.fit(planted().train, progress=events.append, **fit)
    return [event for event in events if not event.heartbeat]


@pytest.mark.parametrize("kind", list(SMALL))
def test_events_carry_the_loss_and_with_valid_the_validation_rmse(kind: str) -> None:
    events = epoch_events(build(kind, epochs=3), valid=planted().train.select(slice(0, 30)))
    assert [event.step for event in events] == [1, 2, 3]
    assert all(event.loss is not None and event.loss > 0 for event in events)
    assert all(0 < event.metrics["valid RMSE"] < 5 for event in events)


def test_without_valid_a_share_of_the_ratings_is_held_out_to_validate() -> None:
    held_out = epoch_events(build("autorec-user", epochs=2, valid_share=0.1))
    assert all("valid RMSE" in event.metrics for event in held_out)
    assert all(not event.metrics for event in epoch_events(build("autorec-user", epochs=2)))


def test_early_stopping_restores_the_best_epochs_weights() -> None:
    valid = planted().train.select(slice(0, 30))
    model = build("autorec-user", epochs=200, lr=0.2, patience=2)
    events = epoch_events(model, valid=valid)
    assert len(events) < 200 and events[-1].step == events[-1].total
    best = min(event.metrics["valid RMSE"] for event in events)
    assert events[-1].metrics["best valid RMSE"] == pytest.approx(best)
    predicted = model.predict(valid.users, valid.items)
    assert np.sqrt(np.mean((predicted - valid.ratings) ** 2)) == pytest.approx(best, rel=1e-4)


@pytest.mark.parametrize("kind", list(SMALL))
def test_the_same_seed_trains_the_same_model(kind: str) -> None:
    query = training_query(planted().train, 3)
    first, second = build(kind, epochs=3), build(kind, epochs=3)
    first.fit(planted().train)
    second.fit(planted().train)
    np.testing.assert_array_equal(first.score_query(query), second.score_query(query))


def test_sparse_batches_train_like_the_dense_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_autoencoder_torch, "DENSE_CELLS", 0)
    sparse = build("autorec-item")
    sparse.fit(planted().train)
    query = training_query(planted().train, 5)
    np.testing.assert_allclose(
        sparse.score_query(query), fitted("autorec-item").score_query(query), atol=1e-5
    )


def test_a_cancel_raised_from_progress_stops_training() -> None:
    class Cancelled(Exception):
        pass

    def cancel(event: FitEvent) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        build("autoencoder", epochs=50).fit(planted().train, progress=cancel)


def test_a_saved_i_autorec_recommends_without_importing_torch(tmp_path) -> None:
    save_model(fitted("autorec-item"), tmp_path / "model", dataset="planted", fingerprint="p")
    script = (
        "import json, sys; from moviepick.store import load_model; "
        "from moviepick.models.base import Query; "
        "model = load_model(sys.argv[1]); ranked = model.recommend(Query(ratings={0: 5.0}), 3); "
        "print(json.dumps([ranked.items.tolist(), 'torch' in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "model")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    items, torch_loaded = json.loads(result.stdout)
    expected = fitted("autorec-item").recommend(Query(ratings={0: 5.0}), 3)
    assert items == expected.items.tolist() and not torch_loaded


def test_the_device_used_is_recorded() -> None:
    assert fitted("autorec-item").device_used == "cpu"


@pytest.mark.parametrize(
    ("cls", "params", "message"),
    [
        (AutoRec, {"variant": "both"}, "variant"),
        (AutoRec, {"epochs": 0}, "epochs"),
        (AutoRec, {"lr": 0.0}, "lr"),
        (AutoRec, {"weight_decay": 0.0}, "weight_decay"),
        (StackedAutoencoder, {"hidden": 0}, "hidden"),
        (StackedAutoencoder, {"weight_decay": -1.0}, "weight_decay"),
    ],
)
def test_bad_parameters_are_one_clear_error(cls, params, message) -> None:
    with pytest.raises(ModelError, match=message):
        cls(**params)


def test_an_absent_device_is_one_clear_error() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelError, match="cuda"):
        build("autorec-item", device="cuda").fit(planted().train)


def test_fitting_no_ratings_is_one_clear_error() -> None:
    empty = planted().train.select(np.zeros(len(planted().train), dtype=bool))
    with pytest.raises(ModelError, match="at least one rating"):
        build("autoencoder").fit(empty)
