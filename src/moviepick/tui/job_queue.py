"""The lab's jobs: trainings and evaluations, run one after another, each in a child process.

A :class:`LabJob` is a record of one request and how far it got; the app holds the queue as a
tuple of them (``MoviepickApp.lab_jobs``) and replaces a job's record as its child reports.
The functions here make the new records; they touch neither the app nor a process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from moviepick.training.events import FitEvent

Status = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: frozenset[Status] = frozenset({"done", "failed", "cancelled"})
KEPT_FINISHED = 5  # finished jobs still listed, newest first, under those to come


@dataclass(frozen=True)
class TrainRequest:
    """Train ``model`` with ``params`` (only those given; the rest are its defaults), save it
    as ``save_as`` (None: ``<model>-<dataset>``) and, once saved, take picks from it."""

    model: str
    params: dict[str, Any] = field(default_factory=dict)
    save_as: str | None = None

    @property
    def title(self) -> str:
        resumed = " (resumed)" if self.params.get("resume") else ""
        return f"train {self.save_as or self.model}{resumed}"


@dataclass(frozen=True)
class EvaluateRequest:
    """Evaluate ``models`` (model types) on ``protocols``; ``retrain`` evaluates again where a
    result is stored."""

    models: tuple[str, ...]
    protocols: tuple[str, ...]
    retrain: bool = False

    @property
    def title(self) -> str:
        again = "re-evaluate" if self.retrain else "evaluate"
        return f"{again} {', '.join(self.models)} on {', '.join(self.protocols)}"


Request = TrainRequest | EvaluateRequest


@dataclass(frozen=True)
class LabJob:
    id: int
    request: Request
    status: Status = "queued"
    step: float = 0
    total: float | None = None
    started: float | None = None  # time.monotonic() when its child started
    ended: float | None = None
    curve: tuple[FitEvent, ...] = ()  # a training's epochs (heartbeats left out)
    line: str = ""  # what it says now: the figures of its last step, or why it failed

    @property
    def title(self) -> str:
        return self.request.title

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def elapsed(self, now: float) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or now) - self.started

    def eta(self, now: float) -> float | None:
        """Seconds left, from the pace so far; None before the first step or when unknown."""
        if self.status != "running" or not self.total or self.step <= 0:
            return None
        return self.elapsed(now) * (self.total - self.step) / self.step


def started(job: LabJob, now: float) -> LabJob:
    return dataclasses.replace(job, status="running", started=now, line="starting…")


def metric_figures(event: FitEvent) -> str:
    """The metrics of a fit step in a line: "train RMSE 0.8123  valid RMSE 0.9012"."""
    return "  ".join(f"{name} {value:.4f}" for name, value in event.metrics.items())


def progressed(job: LabJob, event: FitEvent, stage: str = "") -> LabJob:
    """``job`` after its child reported ``event`` (of ``stage``: "fit als", say)."""
    figures = metric_figures(event)
    loss = f"loss {event.loss:.4f}" if event.loss is not None else ""
    line = "  ".join(part for part in (stage, f"{event.step}/{event.total}", loss, figures) if part)
    curve = job.curve if event.heartbeat or stage else (*job.curve, event)
    return dataclasses.replace(job, step=event.step, total=event.total, line=line, curve=curve)


def said(job: LabJob, line: str) -> LabJob:
    return dataclasses.replace(job, line=line)


def ended(job: LabJob, status: Status, now: float, line: str | None = None) -> LabJob:
    return dataclasses.replace(
        job, status=status, ended=now, line=job.line if line is None else line
    )


def replaced(jobs: Iterable[LabJob], job: LabJob) -> tuple[LabJob, ...]:
    """``jobs`` with the job of ``job.id`` replaced by ``job``."""
    return tuple(job if other.id == job.id else other for other in jobs)


def next_queued(jobs: Iterable[LabJob]) -> LabJob | None:
    return next((job for job in jobs if job.status == "queued"), None)


def running(jobs: Iterable[LabJob]) -> LabJob | None:
    return next((job for job in jobs if job.status == "running"), None)


def pruned(jobs: Iterable[LabJob]) -> tuple[LabJob, ...]:
    """The jobs to come, and the newest ``KEPT_FINISHED`` finished ones."""
    jobs = tuple(jobs)
    finished = [job for job in jobs if job.finished][-KEPT_FINISHED:]
    return tuple(job for job in jobs if not job.finished or job in finished)
