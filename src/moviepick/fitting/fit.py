"""Fit a registered model: :func:`fit_model` returns the fitted model, its time and its curve."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from threadpoolctl import threadpool_limits

from moviepick.data.catalog import Catalog
from moviepick.data.interactions import Interactions
from moviepick.errors import MoviepickError
from moviepick.models.base import Recommender
from moviepick.models.registry import create_model
from moviepick.training.events import FitEvent, Progress

StopCheck = Callable[[], bool]


class Cancelled(MoviepickError):
    """The stop check asked to stop before the fit finished; the model is incomplete."""


@dataclass(frozen=True)
class FitResult:
    model: Recommender
    fit_seconds: float
    curve: tuple[FitEvent, ...]  # every step fit reported, heartbeats left out

    @property
    def metrics(self) -> dict[str, float]:
        """The last value of every metric reported along the curve."""
        last: dict[str, float] = {}
        for event in self.curve:
            last.update(event.metrics)
        return last


def fit_model(
    model_name: str,
    catalog: Catalog,
    train: Interactions,
    valid: Interactions | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    should_stop: StopCheck | None = None,
) -> FitResult:
    """A fresh ``model_name`` with ``params``, prepared with ``catalog`` and fitted on ``train``
    (early-stopping on ``valid`` where the model does).

    The fit runs with the BLAS threads its model asks for (``Recommender.blas_threads``).
    Every fit event goes to ``progress``; after each, ``should_stop()`` is asked, and a True
    answer raises :class:`Cancelled` out of the fit (between batches for the torch models).
    """
    model = create_model(model_name, **dict(params or {}))
    model.prepare(catalog)
    curve: list[FitEvent] = []

    def report(event: FitEvent) -> None:
        if not event.heartbeat:
            curve.append(event)
        if progress is not None:
            progress(event)
        if should_stop is not None and should_stop():
            raise Cancelled(f"fitting {model_name} was cancelled")

    started = time.perf_counter()
    with threadpool_limits(limits=blas_thread_count(model.blas_threads), user_api="blas"):
        model.fit(train, valid=valid, progress=report)
    return FitResult(model, time.perf_counter() - started, tuple(curve))


def blas_thread_count(wanted: Literal["one", "all"]) -> int:
    """1, or every CPU this process may run on."""
    if wanted == "one":
        return 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
