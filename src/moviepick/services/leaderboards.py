"""The stored leaderboards of one dataset, as a front end shows them: each protocol's records
for this very data, the best value of each metric, and a model's label.

Records of another dataset with the same name (another fingerprint: a different copy or size)
are left out, since their figures were measured on other data. A leaderboard file this version
cannot read is no reason to hide the others: it is skipped and its error kept to be shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from moviepick.data.dataset import Dataset
from moviepick.errors import ModelError, MoviepickError
from moviepick.evaluation.leaderboard import read_leaderboard
from moviepick.evaluation.protocols import changed_params, protocol, protocols_for

Record = dict[str, Any]


@dataclass(frozen=True)
class Leaderboards:
    """Every protocol's records for one dataset, best first, and the files that failed."""

    dataset: str
    tables: dict[str, list[Record]] = field(default_factory=dict)  # protocol -> records
    problems: list[str] = field(default_factory=list)  # one line per unreadable leaderboard

    @property
    def filled(self) -> list[str]:
        """The protocols with at least one record, in the order of ``tables``."""
        return [name for name, records in self.tables.items() if records]


def stored_leaderboards(dataset: Dataset) -> Leaderboards:
    """The stored records of every protocol that applies to ``dataset`` (an empty list where
    none is stored), only those measured on this dataset's fingerprint."""
    tables: dict[str, list[Record]] = {}
    problems: list[str] = []
    for name in protocols_for(dataset.name):
        try:
            records = read_leaderboard(dataset.name, name)
        except MoviepickError as error:
            problems.append(str(error))
            continue
        tables[name] = [r for r in records if r.get("fingerprint") == dataset.fingerprint]
    return Leaderboards(dataset.name, tables, problems)


def best_per_metric(records: list[Record], protocol_name: str) -> dict[str, float]:
    """For each metric of the protocol that some record has, its best value: the lowest for
    the error metrics of the rating protocols, the highest for the ranking ones (the rule that
    ranks the leaderboard, :func:`moviepick.evaluation.leaderboard.rank_records`)."""
    spec = protocol(protocol_name)
    choose = min if spec.lower_is_better else max
    best: dict[str, float] = {}
    for metric in spec.metrics:
        values = [record.get(metric) for record in records]
        measured = [float(v) for v in values if isinstance(v, int | float) and not math.isnan(v)]
        if measured:
            best[metric] = choose(measured)
    return best


def params_summary(record: Record) -> str:
    """The hyper-parameters a record was evaluated with that differ from its model's defaults,
    e.g. ``feedback=implicit`` (every one for a model this version no longer knows)."""
    params = record.get("params") or {}
    try:
        shown = changed_params(record["model"], params)
    except ModelError:
        shown = params
    return ", ".join(f"{name}={value}" for name, value in shown.items())


def model_label(record: Record) -> str:
    """The model's name with :func:`params_summary`, e.g. ``als (feedback=implicit)``."""
    settings = params_summary(record)
    return f"{record['model']} ({settings})" if settings else record["model"]
