"""Stored evaluation results: one JSON leaderboard per dataset and protocol.

``<data dir>/leaderboards/<dataset>-<protocol>.json`` holds one record per model, dataset
fingerprint, seed and set of hyper-parameters (:meth:`EvaluationResult.as_record`); a new result
replaces the record with the same key. Files are written atomically. A result is also merged
into the metrics of every saved model with the same class, hyper-parameters and dataset, as
``"<protocol> <metric>"`` (for example ``"top-n Recall@20"``), so the app can show it.

:func:`evaluate_or_reuse` is what the CLI and the app call: it returns the stored record when
there is one for the same key, else evaluates and stores. A stored record is reused whatever
moviepick version made it; pass ``retrain=True`` after changing a model's code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moviepick import atomic, paths
from moviepick.data.dataset import Dataset
from moviepick.errors import MoviepickError
from moviepick.evaluation.evaluate import evaluate
from moviepick.evaluation.events import EvaluationEvent
from moviepick.evaluation.protocols import protocol, resolved_params
from moviepick.fitting.fit import StopCheck
from moviepick.store import ModelStore, update_metrics

LEADERBOARD_FORMAT = 1
_KEY_FIELDS = ("model", "fingerprint", "seed", "params")


def leaderboard_path(dataset_name: str, protocol_name: str) -> Path:
    return paths.data_dir() / "leaderboards" / f"{dataset_name}-{protocol_name}.json"


def read_leaderboard(dataset_name: str, protocol_name: str) -> list[dict[str, Any]]:
    """The stored records for a dataset and protocol, best first; none when nothing is stored.

    Raises MoviepickError naming the file when it is not a leaderboard this version can read.
    """
    path = leaderboard_path(dataset_name, protocol_name)
    if not path.exists():
        return []
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        records = content["records"]
        if content["format"] != LEADERBOARD_FORMAT or not isinstance(records, list):
            raise ValueError(f"not format {LEADERBOARD_FORMAT}")
        complete = (isinstance(r, dict) and all(f in r for f in _KEY_FIELDS) for r in records)
        if not all(complete):
            raise ValueError("a record lacks its model, fingerprint, seed or params")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MoviepickError(f"unreadable leaderboard {path}: {error}; move it away") from None
    return rank_records(records, protocol_name)


def rank_records(records: list[dict[str, Any]], protocol_name: str) -> list[dict[str, Any]]:
    """``records`` best first by the protocol's main metric; missing or NaN values last."""
    spec = protocol(protocol_name)
    sign = 1.0 if spec.lower_is_better else -1.0

    def order(record: dict[str, Any]) -> tuple[bool, float]:
        value = record.get(spec.main_metric)
        missing = not isinstance(value, int | float) or math.isnan(value)
        return missing, 0.0 if missing else sign * value

    return sorted(records, key=order)


def stored_record(
    dataset: Dataset, protocol_name: str, key: dict[str, Any]
) -> dict[str, Any] | None:
    for record in read_leaderboard(dataset.name, protocol_name):
        if _key(record) == _key(key):
            return record
    return None


def store_record(record: dict[str, Any]) -> None:
    """Add ``record`` to its leaderboard (replacing one with the same key) and to saved models."""
    others = [
        stored
        for stored in read_leaderboard(record["dataset"], record["protocol"])
        if _key(stored) != _key(record)
    ]
    content = {"format": LEADERBOARD_FORMAT, "records": [*others, record]}
    path = leaderboard_path(record["dataset"], record["protocol"])
    atomic.write_text(path, json.dumps(content, indent=2, ensure_ascii=False))
    _merge_into_saved_models(record)


def _merge_into_saved_models(record: dict[str, Any]) -> None:
    metrics = {
        f"{record['protocol']} {name}": record[name]
        for name in protocol(record["protocol"]).metrics
    }
    for info in ModelStore().list():
        same_data = info.fingerprint == record["fingerprint"]
        if info.model == record["model"] and same_data and info.params == record["params"]:
            update_metrics(info.path, metrics)


def evaluate_or_reuse(
    model_name: str,
    dataset: Dataset,
    protocol_name: str,
    *,
    params: dict[str, Any] | None = None,
    retrain: bool = False,
    progress: Callable[[EvaluationEvent], None] | None = None,
    seed: int = 0,
    should_stop: StopCheck | None = None,
) -> tuple[dict[str, Any], bool]:
    """The record of ``model_name`` on ``protocol_name``, and whether it was reused.

    Reused when a stored record has the same model, dataset fingerprint, seed and resolved
    hyper-parameters and ``retrain`` is False; otherwise evaluated now and stored.
    """
    key = {
        "model": model_name,
        "fingerprint": dataset.fingerprint,
        "seed": seed,
        "params": resolved_params(model_name, protocol_name, params),
    }
    if not retrain and (record := stored_record(dataset, protocol_name, key)) is not None:
        return record, True
    result = evaluate(model_name, dataset, protocol_name, params, progress, seed, should_stop)
    record = result.as_record()
    store_record(record)
    return record, False


def _key(record: dict[str, Any]) -> str:
    return json.dumps([record.get(field) for field in _KEY_FIELDS], sort_keys=True)
