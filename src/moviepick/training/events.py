"""What ``fit`` reports while it trains: one :class:`FitEvent` per iteration or epoch."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


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
