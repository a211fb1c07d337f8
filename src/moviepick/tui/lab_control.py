"""The app's side of the model lab: the queue of jobs, each run in a child process, and the
saved models it changes (activate, rename, delete).

:class:`LabControl` is a part of :class:`moviepick.tui.app.MoviepickApp`: it starts the next
queued job once the one before has ended, turns what each child reports into the job's record
(``lab_jobs``), takes picks from a model once it is trained, and reads the saved models again
after a job or a change. A cancel stops the child at once (in a thread: the child is given a
moment to leave), and a child that fails becomes a notification; the active model stays.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import TYPE_CHECKING

from moviepick.errors import MoviepickError
from moviepick.tui import jobs
from moviepick.tui.job_queue import (
    LabJob,
    Request,
    ended,
    next_queued,
    progressed,
    pruned,
    replaced,
    running,
    said,
    started,
)
from moviepick.tui.messages import LabJobEnded, LabJobEvent, SavedModelsRead, TasteCompared
from moviepick.tui.state import Activity

if TYPE_CHECKING:
    from moviepick.services.child_process import ChildProcess
    from moviepick.tui.app import MoviepickApp


class LabControl:
    """The lab's jobs and saved-model changes, as methods of the app."""

    _lab_child: ChildProcess[object] | None = None
    _last_job_id = 0

    def enqueue(self: MoviepickApp, request: Request) -> LabJob | None:
        """Queue ``request``; it starts once the jobs before it have ended."""
        if self.library is None:
            return None
        self._last_job_id += 1
        job = LabJob(self._last_job_id, request)
        self.lab_jobs = pruned((*self.lab_jobs, job))
        busy = running(self.lab_jobs)
        if busy is not None:
            self.notify(f"{job.title}: queued after {busy.title}", timeout=4)
        self._start_next_job()
        return job

    def cancel_job(self: MoviepickApp, job_id: int) -> None:
        """Stop the job ``job_id``: a queued one never starts, a running one's child is
        stopped now (whatever it saved before stays; a half-done save is removed)."""
        job = self._lab_job(job_id)
        if job is None or job.finished:
            return
        if job.status == "queued":
            self.lab_jobs = replaced(self.lab_jobs, ended(job, "cancelled", time.monotonic()))
            return
        child = self._lab_child
        if child is not None:
            self.lab_jobs = replaced(self.lab_jobs, said(job, "cancelling…"))
            threading.Thread(target=child.cancel, name="cancel lab job", daemon=True).start()

    def _start_next_job(self: MoviepickApp) -> None:
        if self.library is None or running(self.lab_jobs) is not None:
            return
        job = next_queued(self.lab_jobs)
        if job is None:
            return
        child = jobs.lab_process(job.request, self.library.dataset.source)
        self._lab_child = child
        self.lab_jobs = replaced(self.lab_jobs, started(job, time.monotonic()))
        self._run(jobs.run_lab_job, job.id, child, group=f"lab-{job.id}")

    def _lab_job(self: MoviepickApp, job_id: int) -> LabJob | None:
        return next((job for job in self.lab_jobs if job.id == job_id), None)

    def on_lab_job_event(self: MoviepickApp, message: LabJobEvent) -> None:
        from moviepick.services.child_process import Failed
        from moviepick.services.evaluate_process import (
            Done,
            Evaluated,
            EvaluationProgress,
            Skipped,
        )
        from moviepick.services.train_process import Saved
        from moviepick.training.events import FitEvent

        job, event = self._lab_job(message.job_id), message.event
        if job is None or job.finished:
            return
        if isinstance(event, FitEvent):
            job = progressed(job, event)
        elif isinstance(event, EvaluationProgress):
            job = progressed(job, event.event, f"{event.model} {event.protocol} {event.stage}")
        elif isinstance(event, Saved):
            job = said(job, f"saved {event.name}")
            self._models.pop(event.name, None)  # a model saved again under its name
            self.use_model(event.name)
            self.refresh_saved_models()
        elif isinstance(event, Evaluated):
            job = said(job, _result_line(event.record))
            self.refresh_saved_models()
        elif isinstance(event, Skipped):
            job = said(job, f"{event.model} skipped on {event.protocol}: {event.message}")
        elif isinstance(event, Done):
            job = said(job, "done")
        elif isinstance(event, Failed):
            job = ended(job, "failed", time.monotonic(), event.message)
            self.notify(event.message, title=f"Could not {job.title}", severity="error", timeout=15)
        self.lab_jobs = replaced(self.lab_jobs, job)

    def on_lab_job_ended(self: MoviepickApp, message: LabJobEnded) -> None:
        job = self._lab_job(message.job_id)
        self._lab_child = None
        if job is not None and not job.finished:
            status = "cancelled" if message.cancelled else "done"
            line = "cancelled; nothing half-written was kept" if message.cancelled else None
            self.lab_jobs = replaced(self.lab_jobs, ended(job, status, time.monotonic(), line))
        self._start_next_job()

    def refresh_saved_models(self: MoviepickApp) -> None:
        if self.library is not None:
            self._run(jobs.read_saved_models, self.library.dataset, group="saved")

    def on_saved_models_read(self: MoviepickApp, message: SavedModelsRead) -> None:
        self.leaderboards = message.leaderboards
        for problem in message.leaderboards.problems:
            self.notify(problem, title="Leaderboard left out", severity="warning", timeout=15)
        self.saved_models = tuple(message.saved)
        active = self.active_model
        if active is not None:
            fresh = next((info for info in message.saved if info.name == active.name), None)
            if fresh is not None:
                self.active_model = dataclasses.replace(active, info=fresh)

    def compare_on_taste(self: MoviepickApp, name_a: str, name_b: str) -> None:
        """Compare the saved models ``name_a`` and ``name_b`` on the profile's taste."""
        if self.library is None:
            return
        loaded = {name: self._models.get(name) for name in (name_a, name_b)}
        self.activity = Activity(f"Comparing {name_a} and {name_b} on your taste…")
        self._run(jobs.compare_on_taste, self.library.picker, loaded, group="taste")

    def on_taste_compared(self: MoviepickApp, message: TasteCompared) -> None:
        self.activity = None
        self.taste_comparison = message.comparison

    def rename_model(self: MoviepickApp, name: str, new_name: str) -> None:
        """Give the saved model ``name`` the name ``new_name``; the choice of model follows."""
        from moviepick.store import ModelStore, read_info

        try:
            path = ModelStore().rename(name, new_name)
        except MoviepickError as error:
            self.notify(str(error), title="Not renamed", severity="error", timeout=15)
            return
        cached = self._models.pop(name, None)
        info = read_info(path)
        if cached is not None:
            self._remember(cached[0], info)
        active = self.active_model
        if active is not None and active.name == name:
            self.active_model = dataclasses.replace(active, info=info)
            self._remember_choice(info)
        self.notify(f"{name} is now {new_name}", timeout=4)
        self.refresh_saved_models()

    def delete_model(self: MoviepickApp, name: str) -> None:
        """Delete the saved model ``name``; the active model is refused (choose another
        first)."""
        from moviepick.store import ModelStore

        if self.active_model is not None and self.active_model.name == name:
            self.notify(
                f"{name} gives your picks now; activate another model first",
                title="Not deleted",
                severity="warning",
            )
            return
        try:
            ModelStore().delete(name)
        except (MoviepickError, OSError) as error:
            self.notify(str(error), title="Not deleted", severity="error", timeout=15)
            return
        self._models.pop(name, None)
        self.notify(f"{name} deleted", timeout=4)
        self.refresh_saved_models()

    def stop_lab(self) -> None:
        """Stop every child still running (the app is quitting)."""
        from moviepick.services.child_process import stop_all_children

        stop_all_children()


def _result_line(record: dict[str, object]) -> str:
    from moviepick.evaluation.protocols import protocol

    spec = protocol(str(record["protocol"]))
    value = record.get(spec.main_metric)
    figure = f"{value:.4f}" if isinstance(value, float) else str(value)
    return f"{record['model']} on {spec.name}: {spec.main_metric} {figure}"
