"""Training in a child process that streams its events as JSON lines.

A fit in a thread of the app competes with the interface for the GIL, cannot be stopped in the
middle of an operation and takes the app down when it crashes. :class:`TrainProcess` runs
``moviepick train MODEL ... --events`` instead (the code path of the command line) and turns the
lines it prints into :class:`FitEvent`, :class:`Saved` and :class:`Failed`; cancel stops the
child at once, and a crash of the child becomes a :class:`Failed`.

The child writes one JSON object a line on stdout (the ``*_record`` functions build them):
``{"type": "progress", ...}`` with the fields of a ``FitEvent``, then ``{"type": "saved",
"name", "path", "metrics"}`` or ``{"type": "error", "message"}``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from moviepick.store import ModelInfo
from moviepick.training.events import FitEvent

# How long a cancelled child has to leave (its save's staging folder removed) before it is killed.
CANCEL_GRACE_SECONDS = 1.0
# A heartbeat only repeats the last event; more than a few a second would flood the reader.
HEARTBEAT_INTERVAL = 0.25


@dataclass(frozen=True)
class Saved:
    """The child saved the trained model."""

    name: str
    path: Path
    metrics: dict[str, float]


@dataclass(frozen=True)
class Failed:
    """The training failed: a refused input, or the child died; ``message`` is one line."""

    message: str


TrainEvent = FitEvent | Saved | Failed


def progress_record(event: FitEvent) -> dict[str, Any]:
    return {"type": "progress", **dataclasses.asdict(event), "metrics": dict(event.metrics)}


def saved_record(info: ModelInfo) -> dict[str, Any]:
    return {"type": "saved", "name": info.name, "path": str(info.path), "metrics": info.metrics}


def error_record(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}


def parse_record(line: str) -> TrainEvent:
    """The event a line of the child says; ValueError when it is none."""
    try:
        record = json.loads(line)
        kind = record.pop("type")
        if kind == "progress":
            return FitEvent(**record)
        if kind == "saved":
            return Saved(record["name"], Path(record["path"]), dict(record["metrics"]))
        if kind == "error":
            return Failed(str(record["message"]))
    except (json.JSONDecodeError, AttributeError, KeyError, TypeError) as error:
        raise ValueError(f"not an event: {line.strip()[:80]!r}") from error
    raise ValueError(f"unknown event type {kind!r}")


class EventWriter:
    """The child's side: writes records to ``stream`` one a line, flushed. Called with a
    ``FitEvent`` it is a ``Progress``; heartbeats closer than ``HEARTBEAT_INTERVAL`` to the
    last line are left out."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._last_line = 0.0

    def __call__(self, event: FitEvent) -> None:
        if event.heartbeat and time.monotonic() - self._last_line < HEARTBEAT_INTERVAL:
            return
        self.write(progress_record(event))

    def write(self, record: Mapping[str, Any]) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.stream.flush()
        self._last_line = time.monotonic()


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


class TrainProcess:
    """``moviepick train`` in a child process; :meth:`events` yields what it reports.

    Iterate :meth:`events` in one thread (it blocks on the child's output) and call
    :meth:`cancel` from any other. The child inherits the environment (``MOVIEPICK_HOME`` and
    the rest) with ``env`` laid over it.
    """

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
        self.command = train_command(
            model, data, params, save_as=save_as, valid_fraction=valid_fraction
        )
        self.env = {**os.environ, **(env or {})}
        self._process: subprocess.Popen[str] | None = None
        self._stderr_tail: deque[str] = deque(maxlen=20)
        self._stderr_reader: threading.Thread | None = None
        self._cancelled = False
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def start(self) -> None:
        with self._lock:
            if self._process is not None:
                return
            self._process = subprocess.Popen(
                self.command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=self.env,
            )
            # Read stderr as it comes: a full pipe would block the child.
            self._stderr_reader = threading.Thread(
                target=self._read_stderr, args=(self._process.stderr,), daemon=True
            )
            self._stderr_reader.start()

    def events(self) -> Iterator[TrainEvent]:
        """The child's events up to the last, which is a ``Saved`` or a ``Failed``; nothing more
        once cancelled. Starts the child if :meth:`start` has not."""
        if self._cancelled:
            return
        self.start()
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            if self._cancelled:
                break
            if not line.strip():
                continue
            try:
                event = parse_record(line)
            except ValueError as error:
                self._stop()
                yield Failed(self._last_stderr_line() or f"training process: {error}")
                return
            yield event
            if isinstance(event, (Saved, Failed)):
                process.wait()
                return
        code = process.wait()
        if self._cancelled:
            return
        reason = "ended without saving the model" if code == 0 else f"exited with code {code}"
        yield Failed(self._last_stderr_line() or f"training process {reason}")

    def cancel(self) -> None:
        """Stop the child now: terminate, then kill after a grace period. The child's save is
        atomic, so no half-written model is left."""
        self._cancelled = True
        self._stop()

    def _stop(self) -> None:
        with self._lock:
            process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(CANCEL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _read_stderr(self, stream: IO[str]) -> None:
        with contextlib.suppress(ValueError, OSError):  # closed under us
            for line in stream:
                if line.strip():
                    self._stderr_tail.append(line.strip())

    def _last_stderr_line(self) -> str | None:
        if self._stderr_reader is not None:
            self._stderr_reader.join(timeout=1.0)  # the child is gone: its stderr ends soon
        return self._stderr_tail[-1] if self._stderr_tail else None
