"""Progress of an evaluation: the training events of a fit, and the ranking of test users."""

from __future__ import annotations

from dataclasses import dataclass

from moviepick.training.events import FitEvent


@dataclass(frozen=True)
class EvaluationEvent:
    """``event`` happened in ``stage``: "fit", "fold 2/5" or "ranking" (one step per chunk)."""

    stage: str
    event: FitEvent
