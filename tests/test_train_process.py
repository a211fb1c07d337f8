"""Training in a child process (`moviepick train ... --events`) read by TrainProcess."""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_info
from tui_support import write_tiny_movielens

from moviepick import paths
from moviepick.data.loader import load_dataset
from moviepick.errors import ModelError
from moviepick.fitting.fit import Cancelled, blas_thread_count, fit_model
from moviepick.services.child_process import EventWriter, stop_all_children
from moviepick.services.train_process import (
    Failed,
    Saved,
    TrainProcess,
    param_flags,
    parse_record,
    train_in_child,
)
from moviepick.store import load_model
from moviepick.training.events import FitEvent


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny_movielens(tmp_path / "ml-tiny")


def test_a_fast_fit_streams_progress_then_saved_and_the_model_loads(tiny: Path) -> None:
    events = list(TrainProcess("als", tiny, {"iters": 3, "reg": 0.1}).events())

    *progress, last = events
    assert progress and all(isinstance(event, FitEvent) for event in progress)
    assert [event.step for event in progress] == [1, 2, 3]
    assert "valid RMSE" in progress[-1].metrics
    assert isinstance(last, Saved)
    assert last.name == "als-ml-tiny"
    assert last.path == paths.models_dir() / "als-ml-tiny"  # the child used this test's home
    assert last.metrics["valid RMSE"] == progress[-1].metrics["valid RMSE"]
    model = load_model(last.path, load_dataset(tiny, use_cache=False).fingerprint)
    assert model.params.iters == 3


def test_cancel_stops_a_long_fit_at_once_and_leaves_no_model(tiny: Path) -> None:
    process = TrainProcess("autoencoder", tiny, {"epochs": 100_000, "patience": 0})
    events = process.events()
    first_epoch = next(event for event in events if isinstance(event, FitEvent) and event.step)
    assert first_epoch.total == 100_000

    started = time.perf_counter()
    process.cancel()
    assert time.perf_counter() - started < 2.0
    assert list(events) == []
    models = paths.models_dir()
    assert not models.exists() or list(models.iterdir()) == []  # no staging folder either


def test_a_refused_hyper_parameter_fails_with_one_line(tiny: Path) -> None:
    events = list(TrainProcess("als", tiny, {"factors": 0}).events())

    assert events == [Failed("als needs factors >= 1, not 0")]


def test_a_corrupt_dataset_fails_with_the_reason(tiny: Path) -> None:
    (tiny / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,four,0\n")

    [event] = list(TrainProcess("popularity", tiny).events())

    assert isinstance(event, Failed)
    assert "\n" not in event.message and "ratings.csv" in event.message


def child_running(code: str) -> TrainProcess:
    """A TrainProcess whose child is the Python ``code`` instead of moviepick."""
    process = TrainProcess("popularity", "unused")
    process.command = [sys.executable, "-c", code]
    return process


def test_a_crash_of_the_child_fails_with_the_last_line_of_its_traceback() -> None:
    process = child_running(
        "import json; print(json.dumps({'type': 'progress', 'step': 1, 'total': 2}), flush=True);"
        "raise RuntimeError('out of memory')"
    )

    assert list(process.events()) == [FitEvent(1, 2), Failed("RuntimeError: out of memory")]


def test_garbage_on_stdout_fails_and_stops_the_child() -> None:
    process = child_running("import time; print('hello', flush=True); time.sleep(60)")

    started = time.perf_counter()
    [event] = list(process.events())

    assert event == Failed("training process: not an event: 'hello'")
    assert time.perf_counter() - started < 5.0


def test_a_child_that_ends_without_a_result_fails() -> None:
    assert list(child_running("pass").events()) == [
        Failed("training process ended without saving the model")
    ]


def test_the_writer_leaves_out_heartbeats_that_come_too_soon() -> None:
    stream = io.StringIO()
    write = EventWriter(stream)
    epoch = FitEvent(1, 5, loss=0.5, metrics={"valid RMSE": 0.9}, elapsed=0.1)

    write(epoch)
    write(FitEvent(1, 5, heartbeat=True))  # right after a line: left out
    time.sleep(0.3)
    write(FitEvent(1, 5, heartbeat=True))

    lines = stream.getvalue().splitlines()
    assert [parse_record(line) for line in lines] == [epoch, FitEvent(1, 5, heartbeat=True)]


def test_an_event_with_numpy_figures_streams_and_reads_back_as_floats() -> None:
    stream = io.StringIO()
    EventWriter(stream)(FitEvent(2, 5, loss=np.float32(0.25), metrics={"HR@10": np.float32(0.5)}))

    assert parse_record(stream.getvalue()) == FitEvent(2, 5, loss=0.25, metrics={"HR@10": 0.5})


def test_param_flags_spell_the_train_options() -> None:
    params = {"factors": 8, "reg": 0.05, "fine_tune": False, "bias": True, "seed": None}

    assert param_flags(params) == ["--factors", "8", "--reg", "0.05", "--no-fine-tune", "--bias"]


@pytest.mark.parametrize("model_name", ["als", "ease"])
def test_a_fit_runs_with_the_blas_threads_its_model_asks_for(tiny: Path, model_name: str) -> None:
    dataset = load_dataset(tiny, use_cache=False)
    seen: list[int] = []

    def note_threads(event: FitEvent) -> None:
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")

    result = fit_model(model_name, dataset.catalog, dataset.interactions, progress=note_threads)

    assert seen and set(seen) == {blas_thread_count(result.model.blas_threads)}


def test_train_in_child_returns_the_saved_path_and_relays_progress(tiny: Path) -> None:
    seen: list[FitEvent] = []
    path = train_in_child("als", tiny, {"iters": 2, "reg": 0.1}, progress=seen.append)
    assert path == paths.models_dir() / "als-ml-tiny"
    assert [event.step for event in seen] == [1, 2]


def test_train_in_child_stops_the_child_when_asked_and_raises_cancelled(tiny: Path) -> None:
    with pytest.raises(Cancelled):
        train_in_child(
            "autoencoder", tiny, {"epochs": 100_000, "patience": 0}, should_stop=lambda: True
        )
    assert not (paths.models_dir() / "autoencoder-ml-tiny").exists()


def test_train_in_child_says_the_childs_error(tiny: Path) -> None:
    with pytest.raises(ModelError, match="factors"):
        train_in_child("als", tiny, {"factors": 0})


def test_stop_all_children_stops_every_running_child(tiny: Path) -> None:
    process = TrainProcess("autoencoder", tiny, {"epochs": 100_000, "patience": 0})
    events = process.events()
    next(event for event in events if isinstance(event, FitEvent) and event.step)
    stop_all_children()
    assert process.cancelled
    assert list(events) == []


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_a_child_runs_only_on_cores_nothing_else_wants() -> None:
    process = child_running(
        "import json, os; policy = os.sched_getscheduler(0);"
        "print(json.dumps({'type': 'error', 'message': str(policy)}), flush=True)"
    )

    assert list(process.events()) == [Failed(str(os.SCHED_IDLE))]
