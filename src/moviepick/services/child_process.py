"""A moviepick command in a child process that streams its events as JSON lines.

Work in a thread of the app competes with the interface for the GIL, cannot be stopped in the
middle of an operation and takes the app down when it crashes. A long job runs its command line
(``moviepick train ... --events``, ``moviepick evaluate ... --events``) in a child instead: the
child writes one JSON object a line on stdout (:class:`EventWriter`), ``{"type": "progress",
...}`` with the fields of a ``FitEvent``, and a last record, ``{"type": "error", "message"}``
when it fails. :class:`ChildProcess` reads them; cancel stops the child at once, and a crash of
the child becomes a :class:`Failed`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, ClassVar, Generic, TypeVar

from moviepick.errors import MoviepickError
from moviepick.training.events import FitEvent, event_record

EventT = TypeVar("EventT")
# How long a cancelled child has to leave (a save's staging folder removed) before it is killed.
CANCEL_GRACE_SECONDS = 1.0
# A heartbeat only repeats the last event; more than a few a second would flood the reader.
HEARTBEAT_INTERVAL = 0.25
# A child yields the cores to the front end that started it: keys and frames come first. Where
# the system has it, the child runs under SCHED_IDLE, only on a core nothing else wants (at nice
# 10 a SASRec training still stalled the app's loop for up to 105 ms on two cores, under
# SCHED_IDLE 61 ms, and it trained as fast); elsewhere this much nicer.
CHILD_NICENESS = 10
# The children started and not yet ended, so that a front end that quits can stop them all.
_LIVE: set[ChildProcess[Any]] = set()
_LIVE_LOCK = threading.Lock()


def stop_all_children() -> None:
    """Cancel every child still running (the app calls this as it quits)."""
    with _LIVE_LOCK:
        children = list(_LIVE)
    for child in children:
        child.cancel()


@dataclass(frozen=True)
class Failed:
    """The job failed: a refused input, or the child died; ``message`` is one line."""

    message: str


def progress_record(event: FitEvent, **context: str) -> dict[str, Any]:
    return {"type": "progress", **context, **event_record(event)}


def error_record(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}


def parse_line(
    line: str, builders: Mapping[str, Callable[[dict[str, Any]], EventT]]
) -> EventT | Failed:
    """The event a line of a child says: its record's ``type`` picks the builder of
    ``builders`` that makes it, an error record is a ``Failed``; ValueError when the line is no
    event."""
    try:
        record = json.loads(line)
        kind = record.pop("type")
        if kind == "error":
            return Failed(str(record["message"]))
        if kind in builders:
            return builders[kind](record)
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
        self.progress(event)

    def progress(self, event: FitEvent, **context: str) -> None:
        """A progress record of ``event``, with ``context`` (which model, say) beside its fields."""
        if event.heartbeat and time.monotonic() - self._last_line < HEARTBEAT_INTERVAL:
            return
        self.write(progress_record(event, **context))

    def write(self, record: Mapping[str, Any]) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.stream.flush()
        self._last_line = time.monotonic()


def serve_events(job: Callable[[EventWriter], Mapping[str, Any]]) -> int:
    """The child's side of a command run ``--events``: ``job`` writes its progress to the
    writer on stdout and returns its last record, which is written after it; a MoviepickError
    becomes an error record. The exit status: 0, or 1 after an error."""
    # Cancel terminates the child: raised as KeyboardInterrupt, it lets a write under way
    # remove its staging folder on the way out.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    writer = EventWriter(sys.stdout)
    try:
        last = job(writer)
    except MoviepickError as error:
        writer.write(error_record(str(error)))
        return 1
    writer.write(last)
    return 0


def _lower_priority() -> None:
    """Run in the child before its command: lower its scheduling priority."""
    if hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return
        except OSError:
            pass
    os.nice(CHILD_NICENESS)


class ChildProcess(Generic[EventT]):
    """A command in a child process; :meth:`events` yields what it reports.

    A subclass says how a line becomes an event (:meth:`parse`, a ``Failed`` for an error
    record) and which events end the stream (``last_events``). Iterate :meth:`events` in one
    thread (it blocks on the child's output) and call :meth:`cancel` from any other. The child
    inherits the environment (``MOVIEPICK_HOME`` and the rest) with ``env`` laid over it.
    """

    # How a failure names the child, as in "training process exited with code 1".
    label: ClassVar[str]
    # What a child that exits 0 before a last event failed to do, after ``label``.
    unfinished: ClassVar[str]
    last_events: ClassVar[tuple[type, ...]]

    def __init__(self, command: Sequence[str], env: Mapping[str, str] | None = None) -> None:
        self.command = list(command)
        self.env = {**os.environ, **(env or {})}
        self._process: subprocess.Popen[str] | None = None
        self._stderr_tail: deque[str] = deque(maxlen=20)
        self._stderr_reader: threading.Thread | None = None
        self._cancelled = False
        self._lock = threading.Lock()

    def parse(self, line: str) -> EventT | Failed:
        """The event a line of the child says; ValueError when it is none."""
        raise NotImplementedError

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
                preexec_fn=_lower_priority if hasattr(os, "nice") else None,
            )
            with _LIVE_LOCK:
                _LIVE.add(self)
            # Read stderr as it comes: a full pipe would block the child.
            self._stderr_reader = threading.Thread(
                target=self._read_stderr, args=(self._process.stderr,), daemon=True
            )
            self._stderr_reader.start()

    def events(self) -> Iterator[EventT | Failed]:
        """The child's events up to the last (one of ``last_events`` or a ``Failed``); nothing
        more once cancelled. Starts the child if :meth:`start` has not."""
        if self._cancelled:
            return
        self.start()
        try:
            yield from self._read_events()
        finally:
            with _LIVE_LOCK:
                _LIVE.discard(self)

    def _read_events(self) -> Iterator[EventT | Failed]:
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            if self._cancelled:
                break
            if not line.strip():
                continue
            try:
                event = self.parse(line)
            except ValueError as error:
                self._stop()
                yield Failed(self._last_stderr_line() or f"{self.label}: {error}")
                return
            yield event
            if isinstance(event, (*self.last_events, Failed)):
                process.wait()
                return
        code = process.wait()
        if self._cancelled:
            return
        reason = self.unfinished if code == 0 else f"exited with code {code}"
        yield Failed(self._last_stderr_line() or f"{self.label} {reason}")

    def cancel(self) -> None:
        """Stop the child now: terminate, then kill after a grace period. The child's writes
        are atomic, so nothing half-written is left."""
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
