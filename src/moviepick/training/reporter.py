"""Fit events for the caller: one per epoch, and heartbeats between batches.

The caller's ``progress`` callback may raise to cancel training (the fit path,
:func:`moviepick.fitting.fit.fit_model`, raises ``Cancelled`` from it). Epochs can be long, so
the loop also calls :meth:`FitReporter.heartbeat` after every batch; at most every
``heartbeat_seconds`` that repeats the last event with ``heartbeat=True``, giving the callback
its chance to raise mid-epoch.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping

from moviepick.training.events import FitEvent, Progress

HEARTBEAT_SECONDS = 0.2


class FitReporter:
    """Numbers the epochs of one ``fit`` (across all its stages) and times them from its start."""

    def __init__(
        self,
        progress: Progress | None,
        total: int,
        *,
        done: int = 0,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        """``total`` steps are planned; ``done`` of them were done before (a resumed run)."""
        self.progress = progress
        self.total = total
        self.step = done
        self.heartbeat_seconds = heartbeat_seconds
        self._started = time.perf_counter()
        self._last_beat = self._started
        self._last: FitEvent | None = None

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    def epoch(self, loss: float | None, metrics: Mapping[str, float]) -> None:
        """Report the next step."""
        self.step += 1
        self._last = FitEvent(self.step, self.total, loss, dict(metrics), self.elapsed)
        self._last_beat = time.perf_counter()
        if self.progress is not None:
            self.progress(self._last)

    def skip(self, steps: int) -> None:
        """Plan ``steps`` fewer steps (training stopped early), so the last event ends the bar."""
        self.total -= steps

    def heartbeat(self) -> None:
        """A cancel point between batches; cheap when it is not yet time to report."""
        if self.progress is None:
            return
        now = time.perf_counter()
        if now - self._last_beat < self.heartbeat_seconds:
            return
        self._last_beat = now
        last = self._last or FitEvent(self.step, self.total)
        self.progress(
            dataclasses.replace(last, total=self.total, elapsed=self.elapsed, heartbeat=True)
        )
