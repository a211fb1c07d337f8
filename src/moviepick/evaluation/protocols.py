"""One entry point for the four protocols: ``evaluate(model, dataset, protocol)``.

| protocol | split | metrics (the first ranks the leaderboard) |
|---|---|---|
| rating-90-10 | seeded random 90/10 of the ratings | RMSE, MAE |
| ml100k-folds | ml-100k's official u1..u5 folds | RMSE, MAE |
| top-n | per user, seeded random 80/20 | Recall@20, NDCG@10, HR@10, coverage |
| next-item | leave-last-out by timestamp | HR@10, NDCG@10, MRR, genre-Jaccard, coverage |

The rating protocols come from :mod:`rating`, the ranking ones from :mod:`ranking`.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moviepick.data.dataset import Dataset
from moviepick.errors import MoviepickError
from moviepick.evaluation.events import EvaluationEvent
from moviepick.models.base import Recommender
from moviepick.models.registry import create_model, model_class, model_names

FIT_SECONDS = "fit seconds"


@dataclass(frozen=True)
class Protocol:
    name: str
    description: str
    metrics: tuple[str, ...]  # the table's columns; the first ranks the leaderboard
    lower_is_better: bool
    needs_ratings: bool  # only models that predict ratings take part

    @property
    def main_metric(self) -> str:
        return self.metrics[0]


PROTOCOLS = {
    protocol.name: protocol
    for protocol in (
        Protocol("rating-90-10", "seeded random 90/10 of the ratings", ("RMSE", "MAE"), True, True),
        Protocol("ml100k-folds", "the official u1..u5 folds", ("RMSE", "MAE"), True, True),
        Protocol(
            "top-n",
            "per user random 80/20, full ranking",
            ("Recall@20", "NDCG@10", "HR@10", "coverage"),
            False,
            False,
        ),
        Protocol(
            "next-item",
            "leave-last-out by time, full ranking",
            ("HR@10", "NDCG@10", "MRR", "genre-Jaccard", "coverage"),
            False,
            False,
        ),
    )
}


def protocol(name: str) -> Protocol:
    try:
        return PROTOCOLS[name]
    except KeyError:
        known = ", ".join(PROTOCOLS)
        raise MoviepickError(f"unknown protocol {name!r}; known: {known}") from None


def supports(model_name: str, protocol_name: str) -> bool:
    """Whether ``model_name`` takes part in ``protocol_name`` (rating protocols need ratings)."""
    return model_class(model_name).predicts_ratings or not protocol(protocol_name).needs_ratings


def models_for(protocol_name: str) -> list[str]:
    """Every registered model that takes part in ``protocol_name``, in registry order."""
    return [name for name in model_names() if supports(name, protocol_name)]


def protocol_params(
    model_name: str, protocol_name: str, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``params`` over the model's ``ranking_params`` for a ranking protocol, else ``params``."""
    given = dict(params or {})
    if protocol(protocol_name).needs_ratings:
        return given
    return {**model_class(model_name).ranking_params, **given}


def resolved_params(
    model_name: str, protocol_name: str, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every hyper-parameter ``model_name`` is evaluated with on ``protocol_name``, given
    ``params``, as plain JSON data."""
    model = create_model(model_name, **protocol_params(model_name, protocol_name, params))
    return _plain_params(model)


def changed_params(model_name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The entries of a record's ``params`` that differ from the model's defaults."""
    defaults = _plain_params(create_model(model_name))
    return {name: value for name, value in params.items() if defaults.get(name) != value}


def _plain_params(model: Recommender) -> dict[str, Any]:
    """The model's hyper-parameters as JSON data, as records store them."""
    return json.loads(json.dumps(dataclasses.asdict(model.params)))


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
) -> EvaluationResult:
    """Fit a fresh ``model_name`` on the split(s) of ``protocol_name`` and measure it, with
    ``params`` over the model's ``ranking_params`` on a ranking protocol."""
    spec = protocol(protocol_name)
    resolved = resolved_params(model_name, spec.name, params)
    params = protocol_params(model_name, spec.name, params)
    if spec.needs_ratings:
        metrics, fit_seconds, folds, test_size = _rating(
            model_name, dataset, spec.name, params, progress, seed
        )
    else:
        from moviepick.evaluation.ranking import evaluate_ranking

        ranking = evaluate_ranking(model_name, dataset, spec.name, params, progress, seed)
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
) -> tuple[dict[str, float], float, int, int]:
    from moviepick.evaluation.rating import FoldEvent, evaluate_rating

    def on_fold(event: FoldEvent) -> None:
        if progress is not None:
            progress(EvaluationEvent(f"fold {event.fold}/{event.folds}", event.event))

    result = evaluate_rating(model_name, dataset, protocol_name, params, on_fold, seed)
    test_size = sum(fold.n_test for fold in result.folds)
    metrics = {"RMSE": result.rmse, "MAE": result.mae}
    return metrics, result.fit_seconds, len(result.folds), test_size
