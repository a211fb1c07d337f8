"""Models for a dataset: fit one and save it, or load the saved one a person asks for."""

from __future__ import annotations

from typing import Any

from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.fitting.fit import StopCheck, fit_model
from moviepick.models.base import Recommender
from moviepick.models.registry import model_class
from moviepick.store import ModelInfo, ModelStore, read_info
from moviepick.training.events import Progress


def default_model_name(model: str, dataset: Dataset) -> str:
    return f"{model}-{dataset.name}"


def train_and_save(
    dataset: Dataset,
    model_name: str,
    params: dict[str, Any] | None = None,
    *,
    store: ModelStore | None = None,
    save_as: str | None = None,
    valid_fraction: float = 0.1,
    seed: int = 0,
    progress: Progress | None = None,
    should_stop: StopCheck | None = None,
) -> tuple[Recommender, ModelInfo]:
    """Fit ``model_name`` on the dataset and save it.

    With ``valid_fraction`` > 0, ratings are held out to report validation figures (and stop
    early) while training: for a model that reads the order, each person's latest movie;
    otherwise a seeded random share. The saved model is fitted on the rest. A cancelled fit
    (``should_stop``) saves nothing.
    """
    store = store or ModelStore()
    train, valid = _validation_split(model_name, dataset.interactions, valid_fraction, seed)
    fitted = fit_model(
        model_name,
        dataset.catalog,
        train,
        valid,
        params=params,
        progress=progress,
        should_stop=should_stop,
    )
    metrics = {**fitted.metrics, "fit seconds": round(fitted.fit_seconds, 3)}
    path = store.save(
        fitted.model,
        save_as or default_model_name(model_name, dataset),
        dataset=dataset.name,
        fingerprint=dataset.fingerprint,
        metrics=metrics,
        curve=fitted.curve,
        device=getattr(fitted.model, "device_used", ""),
    )
    return fitted.model, read_info(path)


def _validation_split(
    model_name: str, interactions: Interactions, valid_fraction: float, seed: int
) -> tuple[Interactions, Interactions | None]:
    """A random share of the ratings says little of a model of the order: what comes next is
    what it is for, and random holes in the sequences it learns from blur the order. So an
    order-reading model is validated on each person's latest movie, as the next-item protocol
    tests it."""
    from moviepick.evaluation.holdout import TEST, leave_last_out_labels
    from moviepick.evaluation.splits import random_split

    if valid_fraction <= 0:
        return interactions, None
    if model_class(model_name).reads_order:
        latest = leave_last_out_labels(interactions) == TEST
        return interactions.select(~latest), interactions.select(latest)
    return random_split(interactions, test_fraction=valid_fraction, seed=seed)


def load_saved(
    dataset: Dataset, name: str | None, store: ModelStore | None = None
) -> tuple[Recommender, ModelInfo] | None:
    """The saved model ``name`` (a saved name, or a model type: its ``<type>-<dataset>``; None:
    the newest for the dataset), loaded; None when there is none."""
    store = store or ModelStore()
    info = store.find(name, dataset.fingerprint, dataset.name)
    if info is None:
        return None
    return store.load(info, dataset.fingerprint), info


def load_or_train(
    dataset: Dataset,
    name: str | None,
    default: str,
    *,
    store: ModelStore | None = None,
    progress: Progress | None = None,
    should_stop: StopCheck | None = None,
) -> tuple[Recommender, ModelInfo]:
    """The saved model ``name`` (or the newest for this dataset), else a freshly trained one.

    A registry name with no saved model is trained and saved; with no name at all, ``default``
    is trained.
    """
    store = store or ModelStore()
    loaded = load_saved(dataset, name, store)
    if loaded is not None:
        return loaded
    return train_and_save(
        dataset, name or default, store=store, progress=progress, should_stop=should_stop
    )
