"""``moviepick train MODEL ... --events`` in a child process (:mod:`child_process`).

:class:`TrainProcess` turns the lines the child prints into :class:`FitEvent`, :class:`Saved`
and :class:`Failed`: ``{"type": "progress", ...}`` with the fields of a ``FitEvent``, then
``{"type": "saved", "name", "path", "metrics"}`` or ``{"type": "error", "message"}``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moviepick.errors import ModelError
from moviepick.fitting.fit import Cancelled
from moviepick.services.child_process import ChildProcess, Failed, parse_line
from moviepick.store import ModelInfo
from moviepick.training.events import FitEvent, event_from_record


@dataclass(frozen=True)
class Saved:
    """The child saved the trained model."""

    name: str
    path: Path
    metrics: dict[str, float]


TrainEvent = FitEvent | Saved | Failed


def saved_record(info: ModelInfo) -> dict[str, Any]:
    return {"type": "saved", "name": info.name, "path": str(info.path), "metrics": info.metrics}


def parse_record(line: str) -> TrainEvent:
    """The event a line of the child says; ValueError when it is none."""
    return parse_line(
        line,
        {
            "progress": event_from_record,
            "saved": lambda record: Saved(
                record["name"], Path(record["path"]), dict(record["metrics"])
            ),
        },
    )


def param_flags(params: Mapping[str, Any]) -> list[str]:
    """The ``moviepick train`` flags that give ``params`` (None: the model's default)."""
    flags: list[str] = []
    for name, value in params.items():
        flag = "--" + name.replace("_", "-")
        if value is None:
            continue
        if isinstance(value, bool):
            flags.append(flag if value else "--no-" + flag.removeprefix("--"))
        else:
            flags += [flag, str(value)]
    return flags


def train_command(
    model: str,
    data: str | Path,
    params: Mapping[str, Any] | None = None,
    *,
    save_as: str | None = None,
    valid_fraction: float | None = None,
) -> list[str]:
    command = [sys.executable, "-m", "moviepick", "train", model, "--data", str(data)]
    command += param_flags(params or {})
    if save_as is not None:
        command += ["--name", save_as]
    if valid_fraction is not None:
        command += ["--valid-fraction", str(valid_fraction)]
    return [*command, "--events"]


class TrainProcess(ChildProcess[TrainEvent]):
    """``moviepick train`` in a child process; :meth:`events` yields its ``FitEvent``s, then a
    ``Saved`` or a ``Failed``. The child's save is atomic: a cancel leaves no half-written
    model."""

    label = "training process"
    unfinished = "ended without saving the model"
    last_events = (Saved,)

    def __init__(
        self,
        model: str,
        data: str | Path,
        params: Mapping[str, Any] | None = None,
        *,
        save_as: str | None = None,
        valid_fraction: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        command = train_command(model, data, params, save_as=save_as, valid_fraction=valid_fraction)
        super().__init__(command, env)

    def parse(self, line: str) -> TrainEvent:
        return parse_record(line)


def train_in_child(
    model: str,
    data: str | Path,
    params: Mapping[str, Any] | None = None,
    *,
    progress: Callable[[FitEvent], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Path:
    """Train and save ``model`` on ``data`` in a child process, from the calling thread;
    the saved model's path. ``progress`` gets each of the child's events; once ``should_stop``
    says so (it is asked at each event, heartbeats included) the child is stopped and
    :class:`Cancelled` raised. A failure of the child is a ModelError of its one line."""
    process = TrainProcess(model, data, params)
    for event in process.events():
        if should_stop is not None and should_stop():
            process.cancel()
            break
        if isinstance(event, Saved):
            return event.path
        if isinstance(event, Failed):
            raise ModelError(event.message)
        if progress is not None:
            progress(event)
    raise Cancelled(f"training {model} was cancelled")
