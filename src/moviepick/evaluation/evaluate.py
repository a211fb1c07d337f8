"""One entry point for every protocol: ``evaluate(model, dataset, protocol)`` fits a fresh model
on the protocol's split(s) and measures it (protocols in :mod:`protocols`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moviepick.data.dataset import Dataset
from moviepick.evaluation.events import EvaluationEvent
from moviepick.evaluation.protocols import protocol, protocol_params, resolved_params
from moviepick.evaluation.ranking import evaluate_ranking
from moviepick.evaluation.rating import FoldEvent, evaluate_rating
from moviepick.fitting.fit import StopCheck

FIT_SECONDS = "fit seconds"


@dataclass(frozen=True)
class EvaluationResult:
    model: str
    dataset: str
    fingerprint: str
    protocol: str
    seed: int
    params: dict[str, Any]  # every hyper-parameter, defaults included
    metrics: dict[str, float]  # named as the leaderboard shows them
    fit_seconds: float  # per fit (the mean over folds)
    folds: int
    test_size: int  # test ratings (rating protocols) or test users (ranking protocols)
    created: float  # when it was measured, seconds since the epoch

    def as_record(self) -> dict[str, Any]:
        """Plain data for JSON output and the stored leaderboard."""
        return {
            "model": self.model,
            "dataset": self.dataset,
            "fingerprint": self.fingerprint,
            "protocol": self.protocol,
            "seed": self.seed,
            "params": self.params,
            **self.metrics,
            FIT_SECONDS: self.fit_seconds,
            "folds": self.folds,
            "test size": self.test_size,
            "created": self.created,
        }


def evaluate(
    model_name: str,
    dataset: Dataset,
    protocol_name: str,
    params: dict[str, Any] | None = None,
    progress: Callable[[EvaluationEvent], None] | None = None,
    seed: int = 0,
    should_stop: StopCheck | None = None,
) -> EvaluationResult:
    """Fit a fresh ``model_name`` on the split(s) of ``protocol_name`` and measure it, with
    ``params`` over the model's ``ranking_params`` on a ranking protocol.

    ``should_stop`` is asked after every fit event and ranked chunk of test users; True raises
    :class:`moviepick.fitting.fit.Cancelled`."""
    spec = protocol(protocol_name)
    resolved = resolved_params(model_name, spec.name, params)
    params = protocol_params(model_name, spec.name, params)
    if spec.needs_ratings:
        metrics, fit_seconds, folds, test_size = _rating(
            model_name, dataset, spec.name, params, progress, seed, should_stop
        )
    else:
        ranking = evaluate_ranking(
            model_name, dataset, spec.name, params, progress, seed, should_stop
        )
        metrics, fit_seconds = ranking.metrics, ranking.fit_seconds
        folds, test_size = 1, ranking.n_users
    return EvaluationResult(
        model=model_name,
        dataset=dataset.name,
        fingerprint=dataset.fingerprint,
        protocol=spec.name,
        seed=seed,
        params=resolved,
        metrics={name: metrics[name] for name in spec.metrics},
        fit_seconds=fit_seconds,
        folds=folds,
        test_size=test_size,
        created=time.time(),
    )


def _rating(
    model_name: str,
    dataset: Dataset,
    protocol_name: str,
    params: dict[str, Any] | None,
    progress: Callable[[EvaluationEvent], None] | None,
    seed: int,
    should_stop: StopCheck | None,
) -> tuple[dict[str, float], float, int, int]:
    def on_fold(event: FoldEvent) -> None:
        if progress is not None:
            progress(EvaluationEvent(f"fold {event.fold}/{event.folds}", event.event))

    result = evaluate_rating(model_name, dataset, protocol_name, params, on_fold, seed, should_stop)
    test_size = sum(fold.n_test for fold in result.folds)
    metrics = {"RMSE": result.rmse, "MAE": result.mae}
    return metrics, result.fit_seconds, len(result.folds), test_size
