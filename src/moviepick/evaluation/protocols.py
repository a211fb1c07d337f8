"""The evaluation protocols: their names, metrics and which models take part; the one place
each protocol's name is written.

| protocol | split | metrics (the first ranks the leaderboard) |
|---|---|---|
| rating-90-10 | seeded random 90/10 of the ratings | RMSE, MAE |
| ml100k-folds | ml-100k's official u1..u5 folds | RMSE, MAE |
| top-n | per user, seeded random 80/20 | Recall@20, NDCG@10, HR@10, coverage |
| next-item | leave-last-out by timestamp | HR@10, NDCG@10, MRR, genre-Jaccard, coverage |

:func:`moviepick.evaluation.evaluate.evaluate` runs one; the rating protocols are in
:mod:`rating`, the ranking ones in :mod:`ranking`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from moviepick.errors import MoviepickError
from moviepick.models.base import Recommender
from moviepick.models.registry import create_model, model_class, model_names

RATING_90_10 = "rating-90-10"
ML100K_FOLDS = "ml100k-folds"
TOP_N = "top-n"
NEXT_ITEM = "next-item"


@dataclass(frozen=True)
class Protocol:
    name: str
    description: str
    metrics: tuple[str, ...]  # the table's columns; the first ranks the leaderboard
    lower_is_better: bool
    needs_ratings: bool  # only models that predict ratings take part
    only_on: str | None = None  # the one dataset whose files define the split

    @property
    def main_metric(self) -> str:
        return self.metrics[0]


PROTOCOLS = {
    protocol.name: protocol
    for protocol in (
        Protocol(RATING_90_10, "seeded random 90/10 of the ratings", ("RMSE", "MAE"), True, True),
        Protocol(ML100K_FOLDS, "the official u1..u5 folds", ("RMSE", "MAE"), True, True, "ml-100k"),
        Protocol(
            TOP_N,
            "per user random 80/20, full ranking",
            ("Recall@20", "NDCG@10", "HR@10", "coverage"),
            False,
            False,
        ),
        Protocol(
            NEXT_ITEM,
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


def protocols_for(dataset_name: str) -> list[str]:
    """Every protocol that applies to the dataset (the official folds only on ml-100k)."""
    return [spec.name for spec in PROTOCOLS.values() if spec.only_on in (None, dataset_name)]


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
