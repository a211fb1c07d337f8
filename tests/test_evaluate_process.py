"""Evaluation in a child process (`moviepick evaluate ... --events`) read by EvaluateProcess."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest
from tui_support import write_tiny_movielens

from moviepick.cli import main
from moviepick.errors import ModelError
from moviepick.evaluation.leaderboard import leaderboard_path, read_leaderboard
from moviepick.services.child_process import Failed
from moviepick.services.evaluate_process import (
    Done,
    Evaluated,
    EvaluateEvent,
    EvaluateProcess,
    EvaluationProgress,
    Skipped,
    parse_evaluation_record,
)


def phases(events: list[EvaluateEvent]) -> list[tuple[str, str]]:
    """Each run of events of one model and kind: (model, "progress" or "result")."""
    runs: list[tuple[str, str]] = []
    for event in events:
        if isinstance(event, EvaluationProgress):
            run = (event.model, "progress")
        else:
            assert isinstance(event, Evaluated)
            run = (event.record["model"], "result")
        if not runs or runs[-1] != run:
            runs.append(run)
    return runs


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny_movielens(tmp_path / "ml-tiny")


def test_two_models_stream_progress_then_their_results_then_done(tiny: Path) -> None:
    events = list(EvaluateProcess(["popularity", "ease"], tiny, ["top-n"]).events())

    *streamed, last = events
    assert last == Done()
    assert phases(streamed) == [
        ("popularity", "progress"),
        ("popularity", "result"),
        ("ease", "progress"),
        ("ease", "result"),
    ]
    progress = [event for event in streamed if isinstance(event, EvaluationProgress)]
    assert {event.protocol for event in progress} == {"top-n"}
    assert [event.stage for event in progress if event.model == "popularity"] == ["fit", "ranking"]
    results = [event.record for event in streamed if isinstance(event, Evaluated)]
    assert all(record["protocol"] == "top-n" and not record["reused"] for record in results)
    assert all(0.0 <= record["Recall@20"] <= 1.0 for record in results)

    stored = read_leaderboard("ml-tiny", "top-n")
    assert sorted(record["model"] for record in stored) == ["ease", "popularity"]
    by_model = {record["model"]: record for record in stored}
    for record in results:
        assert by_model[record["model"]] == {k: v for k, v in record.items() if k != "reused"}


def test_a_stored_result_comes_back_as_reused(tiny: Path) -> None:
    list(EvaluateProcess(["popularity"], tiny, ["top-n"]).events())

    events = list(EvaluateProcess(["popularity"], tiny, ["top-n"]).events())

    [result, done] = events
    assert isinstance(result, Evaluated) and result.record["reused"] and done == Done()


def test_cancel_stops_a_long_run_at_once_and_keeps_the_results_given(tiny: Path) -> None:
    process = EvaluateProcess([], tiny, ["top-n"])  # every model: seconds on the tiny data
    events = process.events()
    seen = []
    for event in events:
        seen.append(event)
        if isinstance(event, EvaluationProgress) and event.model == "als":
            break

    started = time.perf_counter()
    process.cancel()
    assert time.perf_counter() - started < 2.0
    assert list(events) == []
    assert [event.record["model"] for event in seen if isinstance(event, Evaluated)] == [
        "popularity"
    ]
    stored = {record["model"] for record in read_leaderboard("ml-tiny", "top-n")}
    assert "popularity" in stored and "sasrec" not in stored  # the last model never ran


def test_an_unknown_model_fails_with_one_line(tiny: Path) -> None:
    [event] = list(EvaluateProcess(["popularity", "nosuch"], tiny, ["top-n"]).events())

    assert isinstance(event, Failed)
    assert event.message.startswith("unknown model 'nosuch'; known models: popularity")


def test_a_corrupt_leaderboard_fails_with_its_path(tiny: Path) -> None:
    path = leaderboard_path("ml-tiny", "top-n")
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")

    [event] = list(EvaluateProcess(["popularity"], tiny, ["top-n"]).events())

    assert isinstance(event, Failed)
    assert "\n" not in event.message
    assert event.message.startswith(f"unreadable leaderboard {path}")


def test_a_crash_of_the_child_fails_with_the_last_line_of_its_traceback() -> None:
    process = EvaluateProcess(["popularity"], "unused")
    process.command = [sys.executable, "-c", "raise MemoryError('no room for the scores')"]

    assert list(process.events()) == [Failed("MemoryError: no room for the scores")]


def test_a_model_that_refuses_the_data_is_a_skipped_line_under_all(
    tiny: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from moviepick.models.ease import EASE

    def refuse(*args: object, **kwargs: object) -> None:
        raise ModelError("ease would invert a dense matrix over --max-items")

    monkeypatch.setattr(
        "moviepick.evaluation.protocols.model_names", lambda: ["popularity", "ease"]
    )
    monkeypatch.setattr(EASE, "fit", refuse)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # this is no child to cancel

    code = main(["evaluate", "--all", "--protocol", "top-n", "--data", str(tiny), "--events"])

    events = [parse_evaluation_record(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [event.record["model"] for event in events if isinstance(event, Evaluated)] == [
        "popularity"
    ]
    assert events[-2:] == [
        Skipped("ease", "top-n", "ease would invert a dense matrix over --max-items"),
        Done(),
    ]
