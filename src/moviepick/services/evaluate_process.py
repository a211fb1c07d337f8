"""``moviepick evaluate MODELS ... --events`` in a child process (:mod:`child_process`).

:class:`EvaluateProcess` turns the lines the child prints into events: ``{"type": "progress",
"model", "protocol", "stage", ...}`` with the fields of a ``FitEvent`` for each step of a
model's fit and ranking, ``{"type": "result", "record"}`` for each model evaluated (the record
``evaluate --json`` prints), ``{"type": "skipped", "model", "protocol", "message"}`` for a model
``--all`` passes over, then ``{"type": "done"}`` or ``{"type": "error", "message"}``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moviepick.services.child_process import ChildProcess, Failed, parse_line
from moviepick.training.events import FitEvent, event_from_record


@dataclass(frozen=True)
class EvaluationProgress:
    """A step of evaluating ``model`` on ``protocol``."""

    model: str
    protocol: str
    stage: str  # "fit", "fold 2/5" or "ranking"
    event: FitEvent


@dataclass(frozen=True)
class Evaluated:
    """A model's result, as ``moviepick evaluate --json`` prints it (and the leaderboard
    stores it, with ``reused`` added: whether a stored result was reused)."""

    record: dict[str, Any]


@dataclass(frozen=True)
class Skipped:
    """``--all`` passed over a model that refuses the data."""

    model: str
    protocol: str
    message: str


@dataclass(frozen=True)
class Done:
    """Every model asked for was evaluated (or skipped)."""


EvaluateEvent = EvaluationProgress | Evaluated | Skipped | Done | Failed


def result_record(record: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "result", "record": dict(record)}


def skipped_record(model: str, protocol: str, message: str) -> dict[str, Any]:
    return {"type": "skipped", "model": model, "protocol": protocol, "message": message}


def done_record() -> dict[str, Any]:
    return {"type": "done"}


def parse_evaluation_record(line: str) -> EvaluateEvent:
    """The event a line of the child says; ValueError when it is none."""
    return parse_line(
        line,
        {
            "progress": lambda record: EvaluationProgress(
                record["model"], record["protocol"], record["stage"], event_from_record(record)
            ),
            "result": lambda record: Evaluated(dict(record["record"])),
            "skipped": lambda record: Skipped(
                record["model"], record["protocol"], str(record["message"])
            ),
            "done": lambda record: Done(),
        },
    )


def evaluate_command(
    models: Sequence[str],
    data: str | Path,
    protocols: Sequence[str] = (),
    *,
    seed: int = 0,
    retrain: bool = False,
) -> list[str]:
    command = [sys.executable, "-m", "moviepick", "evaluate", *(models or ["--all"])]
    command += ["--data", str(data), "--seed", str(seed)]
    for name in protocols:
        command += ["--protocol", name]
    if retrain:
        command.append("--retrain")
    return [*command, "--events"]


class EvaluateProcess(ChildProcess[EvaluateEvent]):
    """``moviepick evaluate`` in a child process: ``models`` (none: every model that takes part)
    on ``protocols`` (none: every protocol that applies to the data). :meth:`events` yields
    progress, a result per model, then ``Done`` or a ``Failed``. The child stores each result in
    its leaderboard as it comes, atomically: a cancel keeps the results already given."""

    label = "evaluation process"
    unfinished = "ended before it was done"
    last_events = (Done,)

    def __init__(
        self,
        models: Sequence[str],
        data: str | Path,
        protocols: Sequence[str] = (),
        *,
        seed: int = 0,
        retrain: bool = False,
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(evaluate_command(models, data, protocols, seed=seed, retrain=retrain), env)

    def parse(self, line: str) -> EvaluateEvent:
        return parse_evaluation_record(line)
