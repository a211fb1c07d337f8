"""The rating protocols: fit on each training split, report RMSE and MAE on its test ratings.

``rating-90-10`` holds out a seeded random 10% of the ratings; ``ml100k-folds`` uses ml-100k's
official five folds (``u1`` .. ``u5``). Predictions are clipped to the dataset's rating scale. A
test user or movie without training ratings is in the same index space, so every rating model
answers for it (factor models fall back to biases and the global mean).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError, MoviepickError
from moviepick.evaluation.protocols import ML100K_FOLDS, RATING_90_10
from moviepick.evaluation.splits import ml100k_folds, random_split
from moviepick.fitting.fit import StopCheck, fit_model
from moviepick.metrics.rating import mae, rmse
from moviepick.models.registry import model_class
from moviepick.training.events import FitEvent


@dataclass(frozen=True)
class FoldResult:
    rmse: float
    mae: float
    fit_seconds: float
    n_test: int


@dataclass(frozen=True)
class RatingResult:
    model: str
    dataset: str
    protocol: str
    params: dict[str, Any]
    folds: list[FoldResult] = field(default_factory=list)

    @property
    def rmse(self) -> float:
        return float(np.mean([fold.rmse for fold in self.folds]))

    @property
    def mae(self) -> float:
        return float(np.mean([fold.mae for fold in self.folds]))

    @property
    def fit_seconds(self) -> float:
        """Mean fit time per fold."""
        return float(np.mean([fold.fit_seconds for fold in self.folds]))

    def as_record(self) -> dict[str, Any]:
        """Plain data for JSON output and the leaderboard."""
        return {
            "model": self.model,
            "dataset": self.dataset,
            "protocol": self.protocol,
            "params": self.params,
            "rmse": self.rmse,
            "mae": self.mae,
            "fit_seconds": self.fit_seconds,
            "folds": [vars(fold) for fold in self.folds],
        }


@dataclass(frozen=True)
class FoldEvent:
    """A training event of one fold: ``fold`` of ``folds`` (1-based)."""

    fold: int
    folds: int
    event: FitEvent


def rating_splits(
    dataset: Dataset, protocol: str, seed: int = 0
) -> list[tuple[Interactions, Interactions]]:
    if protocol == RATING_90_10:
        return [random_split(dataset.interactions, test_fraction=0.1, seed=seed)]
    if protocol == ML100K_FOLDS:
        return ml100k_folds(dataset)
    raise MoviepickError(
        f"unknown rating protocol {protocol!r}; known: {RATING_90_10}, {ML100K_FOLDS}"
    )


def evaluate_rating(
    model_name: str,
    dataset: Dataset,
    protocol: str = RATING_90_10,
    params: dict[str, Any] | None = None,
    progress: Callable[[FoldEvent], None] | None = None,
    seed: int = 0,
    should_stop: StopCheck | None = None,
) -> RatingResult:
    """Fit a fresh ``model_name`` on every training split of ``protocol`` and score its test."""
    params = dict(params or {})
    if not model_class(model_name).predicts_ratings:
        raise ModelError(f"{model_name} does not predict ratings, so it has no RMSE")
    splits = rating_splits(dataset, protocol, seed)
    folds = []
    for fold, (train, test) in enumerate(splits, start=1):

        def report(event: FitEvent, fold: int = fold) -> None:
            if progress is not None:
                progress(FoldEvent(fold, len(splits), event))

        fitted = fit_model(
            model_name,
            dataset.catalog,
            train,
            params=params,
            progress=report,
            should_stop=should_stop,
        )
        predicted = fitted.model.predict(test.users, test.items)
        predicted = np.clip(predicted, *dataset.rating_scale)
        folds.append(
            FoldResult(
                rmse(predicted, test.ratings),
                mae(predicted, test.ratings),
                fitted.fit_seconds,
                len(test),
            )
        )
    return RatingResult(model_name, dataset.name, protocol, params, folds)
