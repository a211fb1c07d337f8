"""The stored leaderboards of a dataset as the Lab shows them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from planted import planted

from moviepick.data.dataset import Dataset
from moviepick.evaluation.leaderboard import LEADERBOARD_FORMAT, leaderboard_path
from moviepick.evaluation.protocols import ML100K_FOLDS, RATING_90_10, TOP_N, protocols_for
from moviepick.services.leaderboards import (
    best_per_metric,
    model_label,
    params_summary,
    stored_leaderboards,
)


def dataset(name: str, users: int = 31) -> Dataset:
    """The planted data under ``name``; another ``users`` count gives another fingerprint."""
    data = planted()
    return Dataset(
        name=name,
        source=Path(name),
        catalog=data.catalog,
        interactions=data.train,
        user_ids=np.arange(users, dtype=np.int64),
        rating_step=1.0,
    )


def record(data: Dataset, protocol: str, model: str, **metrics: float) -> dict[str, Any]:
    return {
        "model": model,
        "dataset": data.name,
        "fingerprint": data.fingerprint,
        "protocol": protocol,
        "seed": 0,
        "params": {},
        **metrics,
        "fit seconds": 1.5,
        "folds": 1,
        "test size": 100,
        "created": 0.0,
    }


def store(*records: dict[str, Any]) -> None:
    """Write ``records`` as their leaderboard files hold them."""
    boards: dict[Path, list[dict[str, Any]]] = {}
    for one in records:
        boards.setdefault(leaderboard_path(one["dataset"], one["protocol"]), []).append(one)
    for path, content in boards.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"format": LEADERBOARD_FORMAT, "records": content}))


def test_each_protocol_of_the_dataset_has_its_records_best_first():
    data = dataset("ml-100k")
    store(
        record(data, RATING_90_10, "als", RMSE=0.95, MAE=0.75),
        record(data, RATING_90_10, "popularity", RMSE=0.91, MAE=0.8),
        record(data, TOP_N, "ease", **{"Recall@20": 0.3}),
    )
    boards = stored_leaderboards(data)
    assert list(boards.tables) == protocols_for("ml-100k")
    assert ML100K_FOLDS in boards.tables and boards.tables[ML100K_FOLDS] == []
    assert [r["model"] for r in boards.tables[RATING_90_10]] == ["popularity", "als"]
    assert boards.filled == [RATING_90_10, TOP_N]
    assert boards.problems == [] and boards.dataset == "ml-100k"


def test_records_of_other_data_with_the_same_name_are_left_out():
    data, other = dataset("ml-latest-small"), dataset("ml-latest-small", users=40)
    assert data.fingerprint != other.fingerprint
    store(
        record(data, TOP_N, "ease", **{"Recall@20": 0.3}),
        record(other, TOP_N, "als", **{"Recall@20": 0.2}),
    )
    boards = stored_leaderboards(data)
    assert ML100K_FOLDS not in boards.tables
    assert [r["model"] for r in boards.tables[TOP_N]] == ["ease"]


def test_a_corrupt_leaderboard_is_skipped_and_named():
    data = dataset("ml-latest-small")
    store(record(data, RATING_90_10, "als", RMSE=0.9, MAE=0.7))
    path = leaderboard_path(data.name, TOP_N)
    path.write_text("{not json", encoding="utf-8")
    boards = stored_leaderboards(data)
    assert TOP_N not in boards.tables and len(boards.tables[RATING_90_10]) == 1
    [problem] = boards.problems
    assert str(path) in problem


def test_the_best_value_is_the_lowest_error_or_the_highest_ranking_figure():
    data = dataset("ml-latest-small")
    rating = [
        record(data, RATING_90_10, "als", RMSE=0.9, MAE=0.72),
        record(data, RATING_90_10, "neumf", RMSE=0.93, MAE=0.7),
        record(data, RATING_90_10, "autorec", RMSE=math.nan, MAE=0.8),
    ]
    assert best_per_metric(rating, RATING_90_10) == {"RMSE": 0.9, "MAE": 0.7}
    ranking = [
        record(data, TOP_N, "ease", **{"Recall@20": 0.3, "coverage": 0.1}),
        record(data, TOP_N, "popularity", **{"Recall@20": 0.1, "coverage": 0.02}),
    ]
    best = best_per_metric(ranking, TOP_N)
    assert best == {"Recall@20": 0.3, "coverage": 0.1}  # the others are measured by neither
    assert best_per_metric([], TOP_N) == {}


def test_a_label_names_the_parameters_that_differ_from_the_defaults():
    data = dataset("ml-latest-small")
    plain = record(data, TOP_N, "als")
    implicit = {**plain, "params": {"feedback": "implicit", "factors": 32}}
    assert model_label(plain) == "als" and params_summary(plain) == ""
    assert "feedback=implicit" in model_label(implicit)
    unknown = {**plain, "model": "retired", "params": {"size": 3}}
    assert model_label(unknown) == "retired (size=3)"
