"""What ``fit`` reports while it trains: one :class:`FitEvent` per iteration or epoch."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FitEvent:
    """One step of training, reported through ``fit(progress=...)``."""

    step: int  # 1-based iteration or epoch
    total: int  # planned steps
    loss: float | None = None
    metrics: Mapping[str, float] = field(
        default_factory=dict
    )  # e.g. {"train RMSE": .., "valid RMSE": ..}
    elapsed: float = 0.0  # seconds since fit started
    # A tick between batches that repeats the last event: it gives the caller a chance to cancel
    # (by raising) mid-epoch. Displays may show it like any event; curves should skip it.
    heartbeat: bool = False


Progress = Callable[[FitEvent], None]


def event_record(event: FitEvent) -> dict[str, Any]:
    """``event`` as JSON data (numpy numbers made plain floats), as a training process streams
    it and a saved model keeps its curve."""
    return {
        "step": int(event.step),
        "total": int(event.total),
        "loss": None if event.loss is None else float(event.loss),
        "metrics": {str(name): float(value) for name, value in event.metrics.items()},
        "elapsed": float(event.elapsed),
        "heartbeat": bool(event.heartbeat),
    }


def event_from_record(record: Mapping[str, Any]) -> FitEvent:
    """The event :func:`event_record` wrote (KeyError, TypeError or ValueError when it is
    not one)."""
    loss, metrics = record.get("loss"), dict(record.get("metrics", {}))
    return FitEvent(
        step=int(record["step"]),
        total=int(record["total"]),
        loss=None if loss is None else float(loss),
        metrics={str(name): float(value) for name, value in metrics.items()},
        elapsed=float(record.get("elapsed", 0.0)),
        heartbeat=bool(record.get("heartbeat", False)),
    )
