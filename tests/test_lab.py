"""The Lab screen, driven by its keys: trainings and evaluations run in child processes, one
after another, while the previous model keeps giving picks."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, SelectionList
from tui_support import install_model, settle, tiny_app

from moviepick import paths
from moviepick.services.child_process import ChildProcess
from moviepick.services.train_process import TrainProcess
from moviepick.tui import jobs
from moviepick.tui.job_queue import TrainRequest
from moviepick.tui.screens.confirm import ConfirmScreen
from moviepick.tui.screens.lab_dialogs import EvaluateScreen, RenameScreen
from moviepick.tui.widgets.leaderboard_view import LeaderboardView
from moviepick.tui.widgets.params_form import ParamsForm

SIZE = (120, 35)
INSTALLED = "als-ml-tiny"


@pytest.fixture
def data(tiny_trained: tuple[Path, Path], moviepick_home: Path) -> Path:
    folder, model = tiny_trained
    install_model(model)
    return folder


async def wait_for(pilot: Pilot, ready: Callable[[], object], what: str, seconds=60.0) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


async def open_lab(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("alt+5")
    await wait_for(pilot, lambda: pilot.app.current_mode == "lab", "the lab")
    await pilot.pause()


def models_table(pilot: Pilot) -> DataTable:
    return pilot.app.screen.query_one("#lab-models-table", DataTable)


def row_keys(pilot: Pilot) -> list[str]:
    return [str(key.value) for key in models_table(pilot).rows]


async def highlight(pilot: Pilot, key: str) -> None:
    table = models_table(pilot)
    table.focus()
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()


def saved_names() -> list[str]:
    return sorted(path.name for path in paths.models_dir().iterdir())


def statuses(pilot: Pilot) -> list[tuple[str, str]]:
    return [(job.title, job.status) for job in pilot.app.lab_jobs]


async def test_train_a_model_from_the_form_and_it_appears_active(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_lab(pilot)
        assert row_keys(pilot)[0] == INSTALLED
        await highlight(pilot, "type:autoencoder")
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.query(ParamsForm), "the form")
        form = app.screen.query_one(ParamsForm)
        assert form.model.name == "autoencoder"
        assert app.screen.query_one("#train-model", Select).value == "autoencoder"
        app.screen.query_one("#param-epochs", Input).focus()
        await pilot.press("3", "tab")
        app.screen.query_one("#train-name", Input).value = "ae-three"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.active_model.name == "ae-three", "the new model")
        await wait_for(pilot, lambda: app.lab_jobs[0].finished, "the job's end")
        [job] = app.lab_jobs
        assert (job.title, job.status) == ("train ae-three", "done")
        assert [event.step for event in job.curve] == [1, 2, 3]
        assert job.curve[-1].total == 3
        await settle(pilot)
        assert row_keys(pilot)[:2] in (["ae-three", INSTALLED], [INSTALLED, "ae-three"])
        assert app.saved_models[0].name == "ae-three"
        assert app.saved_models[0].params["epochs"] == 3
        assert "type:autoencoder" not in row_keys(pilot)
        assert app.picks  # from the new model


async def test_a_box_the_type_cannot_read_is_said_and_nothing_starts(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_lab(pilot)
        await highlight(pilot, "type:ease")
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.query(ParamsForm), "the form")
        app.screen.query_one("#param-reg", Input).value = "lots"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.lab_jobs == ()
        assert [n.message for n in app._notifications][-1] == "reg must be a number, not 'lots'"


async def test_cancel_keeps_the_previous_model_and_leaves_no_folder(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_lab(pilot)
        app.enqueue(TrainRequest("autoencoder", {"epochs": 100_000, "patience": 0}))
        await wait_for(pilot, lambda: app.lab_jobs[0].step >= 1, "the first epoch", seconds=60)
        queue = str(app.screen.query_one("#lab-queue").render())
        assert queue.startswith("▶ train autoencoder")
        assert "left" in queue  # the ETA
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: app.lab_jobs[0].finished, "the cancel", seconds=10)
        assert app.lab_jobs[0].status == "cancelled"
        await settle(pilot)
        assert app.active_model.name == INSTALLED
        assert saved_names() == [INSTALLED]  # no staging folder either


async def test_a_crashing_training_is_a_notification_and_the_queue_goes_on(
    data: Path, monkeypatch: pytest.MonkeyPatch
):
    real = jobs.lab_process

    def crashing_first(request, source) -> ChildProcess[object]:
        if isinstance(request, TrainRequest) and request.model == "autoencoder":
            crash = "import sys; sys.stderr.write('RuntimeError: planted crash\\n'); sys.exit(1)"
            process = TrainProcess.__new__(TrainProcess)
            ChildProcess.__init__(process, [sys.executable, "-c", crash])
            return process
        return real(request, source)

    monkeypatch.setattr(jobs, "lab_process", crashing_first)
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_lab(pilot)
        app.enqueue(TrainRequest("autoencoder"))
        app.enqueue(TrainRequest("popularity"))
        assert statuses(pilot)[1] == ("train popularity", "queued")
        await wait_for(pilot, lambda: all(job.finished for job in app.lab_jobs), "both jobs")
        assert statuses(pilot) == [("train autoencoder", "failed"), ("train popularity", "done")]
        [note] = [n for n in app._notifications if n.severity == "error"]
        assert (note.title, note.message) == (
            "Could not train autoencoder",
            "RuntimeError: planted crash",
        )
        assert app.return_code is None


async def test_evaluate_two_models_and_see_the_leaderboard(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_lab(pilot)
        await highlight(pilot, INSTALLED)
        await pilot.press("space")  # als marked, the cursor on the next row
        await highlight(pilot, "type:popularity")
        await pilot.press("space", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, EvaluateScreen), "the dialog")
        dialog = app.screen
        assert dialog.models == ("als", "popularity")
        assert dialog.query_one(SelectionList).selected == ["top-n"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.lab_jobs and app.lab_jobs[0].finished, "the job", 90)
        assert statuses(pilot) == [("evaluate als, popularity on top-n", "done")]
        await settle(pilot)
        await pilot.press("b")
        board = app.screen.query_one(LeaderboardView)
        assert board.protocol == "top-n"
        rows = board.query_one("#leaderboard-table", DataTable)
        shown = {str(rows.get_row_at(index)[0]) for index in range(rows.row_count)}
        assert shown == {"als", "popularity"}


async def test_rename_then_delete_with_confirmation(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_lab(pilot)
        app.enqueue(TrainRequest("popularity"))
        await wait_for(pilot, lambda: app.active_model.name == "popularity-ml-tiny", "training")
        await settle(pilot)
        await highlight(pilot, INSTALLED)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, RenameScreen), "the rename box")
        app.screen.query_one(Input).value = "als-first"
        await pilot.press("enter")
        await settle(pilot)
        assert "als-first" in row_keys(pilot) and INSTALLED not in row_keys(pilot)
        await highlight(pilot, "als-first")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")
        assert "als-first" in saved_names()
        await pilot.press("d", "y")
        await settle(pilot)
        assert saved_names() == ["popularity-ml-tiny"]
        assert row_keys(pilot)[0] == "popularity-ml-tiny"
        # the active model is refused
        await highlight(pilot, "popularity-ml-tiny")
        await pilot.press("d", "y")
        await settle(pilot)
        assert saved_names() == ["popularity-ml-tiny"]


async def test_compare_two_models_on_your_taste(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_lab(pilot)
        for item in (0, 1, 2, 5):
            app.rate(item, 5.0 if item < 3 else 2.0)
        app.enqueue(TrainRequest("popularity"))
        await wait_for(pilot, lambda: app.active_model.name == "popularity-ml-tiny", "training")
        await settle(pilot)
        await highlight(pilot, INSTALLED)
        await pilot.press("c")  # the highlighted one beside the active one
        await settle(pilot)
        comparison = app.taste_comparison
        assert comparison is not None
        assert (comparison.a.name, comparison.b.name) == ("popularity-ml-tiny", INSTALLED)
        assert len(comparison.rows) == 4
        assert comparison.b.rmse is not None
        assert app.screen.query_one("#lab-tabs").active == "lab-compare"


async def test_resume_an_interrupted_training_from_its_last_checkpoint(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_lab(pilot)
        app.enqueue(TrainRequest("neumf", {"epochs": 2, "patience": 0}))
        await wait_for(pilot, lambda: app.lab_jobs[0].finished, "the first run", 90)
        await settle(pilot)
        await highlight(pilot, "neumf-ml-tiny")
        await pilot.press("R")
        await wait_for(pilot, lambda: app.screen.query("#param-resume"), "the form")
        box = app.screen.query_one("#param-resume", Input)
        await wait_for(pilot, lambda: box.value, "the checkpoint in the form")
        assert box.value == str(paths.data_dir() / "checkpoints" / "neumf")
        app.screen.query_one("#param-epochs", Input).value = "4"
        app.screen.query_one("#param-patience", Input).value = "0"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(app.lab_jobs) == 2 and app.lab_jobs[1].finished, "it")
        resumed = app.lab_jobs[1]
        assert (resumed.title, resumed.status) == ("train neumf (resumed)", "done")
        assert [event.step for event in resumed.curve] == [3, 4]
