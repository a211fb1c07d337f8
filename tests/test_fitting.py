"""The one fit path: a fitted model, its time and curve; a stop check that cancels it."""

from __future__ import annotations

import pytest
from tui_support import write_tiny_movielens

from moviepick.data.loader import load_dataset
from moviepick.evaluation.evaluate import evaluate
from moviepick.fitting.fit import Cancelled, fit_model
from moviepick.models.als import ALS
from moviepick.services.saved_models import load_or_train, train_and_save
from moviepick.store import ModelStore
from moviepick.training.events import FitEvent

FAST_ALS = {"factors": 4, "iters": 3, "reg": 0.1}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = write_tiny_movielens(tmp_path_factory.mktemp("data") / "ml-tiny")
    return load_dataset(folder, use_cache=False)


def test_fit_model_returns_the_fitted_model_its_time_and_curve(tiny):
    seen: list[FitEvent] = []
    fitted = fit_model(
        "als", tiny.catalog, tiny.interactions, params=FAST_ALS, progress=seen.append
    )
    assert isinstance(fitted.model, ALS)
    assert fitted.model.item_genres is not None  # prepared with the catalogue
    assert fitted.fit_seconds > 0
    assert [event.step for event in fitted.curve] == [1, 2, 3]
    assert list(fitted.curve) == [event for event in seen if not event.heartbeat]
    assert fitted.metrics == dict(fitted.curve[-1].metrics)


def test_the_curve_leaves_out_heartbeats_and_metrics_keep_their_last_values(tiny, monkeypatch):
    events = [
        FitEvent(1, 2, 1.0, {"valid RMSE": 1.2}),
        FitEvent(1, 2, 1.0, {"valid RMSE": 1.2}, heartbeat=True),
        FitEvent(2, 2, 0.9, {"train RMSE": 0.8}),
    ]

    def scripted_fit(self, train, *, valid=None, progress=None):
        for event in events:
            progress(event)

    monkeypatch.setattr(ALS, "fit", scripted_fit)
    fitted = fit_model("als", tiny.catalog, tiny.interactions)
    assert fitted.curve == (events[0], events[2])
    assert fitted.metrics == {"valid RMSE": 1.2, "train RMSE": 0.8}


def test_a_stop_check_cancels_the_fit_after_the_event_that_asked(tiny):
    steps: list[int] = []
    with pytest.raises(Cancelled, match="fitting als was cancelled"):
        fit_model(
            "als",
            tiny.catalog,
            tiny.interactions,
            params=FAST_ALS,
            progress=lambda event: steps.append(event.step),
            should_stop=lambda: len(steps) >= 2,
        )
    assert steps == [1, 2]


@pytest.mark.parametrize(
    ("model", "protocol", "stop_after"),
    [
        ("als", "rating-90-10", "fold 1/1"),
        ("ease", "top-n", "fit"),
        ("ease", "top-n", "ranking"),
        ("ease", "next-item", "ranking"),
    ],
)
def test_an_evaluation_can_be_cancelled_while_fitting_or_ranking(tiny, model, protocol, stop_after):
    stages: list[str] = []
    with pytest.raises(Cancelled):
        evaluate(
            model,
            tiny,
            protocol,
            FAST_ALS if model == "als" else {"reg": 5.0},
            progress=lambda event: stages.append(event.stage),
            should_stop=lambda: stop_after in stages,
        )
    assert stages[-1] == stop_after


def test_a_cancelled_training_saves_nothing(tiny):
    store = ModelStore()
    with pytest.raises(Cancelled):
        train_and_save(tiny, "als", FAST_ALS, store=store, should_stop=lambda: True)
    assert store.list() == []


def test_load_or_train_trains_the_default_once_then_loads_it(tiny):
    trained = []
    model, info = load_or_train(tiny, None, "popularity", progress=trained.append)
    assert info.model == "popularity" and trained
    trained.clear()
    again, same = load_or_train(tiny, None, "als", progress=trained.append)
    assert same == info and again.name == "popularity" and not trained


def held_out_by_train_and_save(tiny, model: str, monkeypatch) -> tuple:
    """The ``(train, valid)`` that ``train_and_save`` hands the fit, the fit itself skipped."""
    from moviepick.services import saved_models

    handed: list[tuple] = []

    def recording_fit(name, catalog, train, valid, **_):
        handed.append((train, valid))
        raise Cancelled("recorded")

    monkeypatch.setattr(saved_models, "fit_model", recording_fit)
    with pytest.raises(Cancelled):
        train_and_save(tiny, model)
    return handed[0]


@pytest.mark.parametrize("model", ["sasrec", "seq-mean"])
def test_a_model_of_the_order_is_validated_on_each_persons_latest_movie(tiny, model, monkeypatch):
    train, valid = held_out_by_train_and_save(tiny, model, monkeypatch)
    interactions = tiny.interactions
    assert len(train) + len(valid) == len(interactions)
    assert sorted(valid.users.tolist()) == sorted(set(interactions.users.tolist()))
    for user, when in zip(valid.users, valid.timestamps, strict=True):
        assert when >= interactions.timestamps[interactions.users == user].max()


def test_other_models_are_validated_on_a_random_share(tiny, monkeypatch):
    train, valid = held_out_by_train_and_save(tiny, "als", monkeypatch)
    assert len(valid) == round(0.1 * len(tiny.interactions))
    assert len(train) + len(valid) == len(tiny.interactions)
