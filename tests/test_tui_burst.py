"""Key bursts while a model trains in the app's worker: each key acts on the row the cursor is
on and in the widget the focus is in once the keys before it have acted, as if typed slowly.

The training is the app's own (a model type trained from the command palette, or the first
start's model) in its child process, stretched to enough epochs that it runs for seconds, and
its job held once the child has saved until the bursts are over, so it is under way through
them whatever the machine's speed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import Worker, WorkerState
from tui_support import install_model, my_ratings, settle, table, tiny_app, titles

from moviepick.config import Config
from moviepick.tui.app import MoviepickApp

SIZE = (120, 35)
TRAINED = "autoencoder"  # a torch model; ml-tiny has no saved one, so the palette offers it
EPOCHS = 30  # seconds of real training on ml-tiny, in the child, while the app handles bursts
GENERATIONS = 6  # rounds of message handling after a burst (2 were needed, measured)
KEY_GAP = 0.01  # seconds between keys typed while the event loop stands still

# On Discover: "19" is typed into the box (the query lists Casablanca, Seven, Titanic,
# The Matrix, ...); on the results the digits rate, "a" appends to the sequence, "w" puts on the
# watchlist. On Sequence: The Matrix moves above Casablanca, then Titanic goes. On Ratings (newest
# first: Titanic, The Matrix, Casablanca): Titanic gets 3 stars, The Matrix loses its rating.
# Back on Discover, "/" returns to the box, where q, w, a, x and digits are text.
DISCOVER = ["1", "9", "down", "4", "a", "down", "down", "down", "5", "a", "up", "a", "w", "2"]
SEQUENCE = ["alt+2", "shift+down", "down", "backspace"]
RATINGS = ["alt+3", "3", "down", "0"]
SEARCH = ["alt+1", "slash", *"q1wax"]


@dataclass(frozen=True)
class Step:
    keys: list[str]
    mode: str
    stars: dict[str, float]
    sequence: list[str]


STEPS = [
    Step(
        DISCOVER,
        "discover",
        {"Casablanca": 4.0, "The Matrix": 5.0, "Titanic": 2.0},
        ["Casablanca", "The Matrix", "Titanic"],
    ),
    Step(
        SEQUENCE,
        "sequence",
        {"Casablanca": 4.0, "The Matrix": 5.0, "Titanic": 2.0},
        ["The Matrix", "Casablanca"],
    ),
    Step(RATINGS, "ratings", {"Casablanca": 4.0, "Titanic": 3.0}, ["The Matrix", "Casablanca"]),
    Step(SEARCH, "discover", {"Casablanca": 4.0, "Titanic": 3.0}, ["The Matrix", "Casablanca"]),
]
CHARACTERS = {"slash": "/"}


@dataclass
class HeldTraining:
    """What the app's training reported, and the switch that lets its job end."""

    release: threading.Event = field(default_factory=threading.Event)  # the job may end
    epoch: int = 0  # the last epoch reported, written by the job's thread


@pytest.fixture
def data(tiny_trained: tuple[Path, Path], moviepick_home: Path) -> Path:
    folder, model = tiny_trained
    install_model(model)
    return folder


@pytest.fixture
def held_training(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldTraining]:
    """Every training the app starts runs EPOCHS epochs in its child process, as the app runs
    it; once the child has saved the model, the job waits for ``release`` (or for the app to
    cancel it) before it reports, so it is under way through the bursts however fast the
    machine."""
    from moviepick.services import train_process

    train_in_child = train_process.train_in_child
    held = HeldTraining()

    def stretched(model: str, data: Any, params: Any = None, **options: Any) -> Any:
        progress, should_stop = options.pop("progress"), options.pop("should_stop")

        def report(event: Any) -> None:
            progress(event)
            held.epoch = event.step

        params = {**(params or {}), "epochs": EPOCHS, "patience": 0}
        path = train_in_child(model, data, params, progress=report, should_stop=should_stop)
        while not held.release.wait(0.05) and not should_stop():
            pass
        return path

    monkeypatch.setattr(train_process, "train_in_child", stretched)
    yield held
    held.release.set()


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key``: a printable key carries its character."""
    return events.Key(key, key if len(key) == 1 else CHARACTERS.get(key))


async def drain(pilot: Pilot) -> None:
    """Let every message the keys caused be handled: each pause waits for the messages queued
    before it on the app and the screen's widgets, whose handlers queue the next ones."""
    for _ in range(GENERATIONS):
        await pilot.pause(0)


async def wait_for(pilot: Pilot, ready: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + 30
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


async def model_worker(pilot: Pilot) -> Worker[None]:
    """The app's worker that loads or trains the model, once it has started."""

    def started() -> list[Worker[None]]:
        return [worker for worker in pilot.app.workers if worker.group == "model"]

    await wait_for(pilot, started, "the model's worker")
    [worker] = started()
    return worker


async def train_from_the_palette(pilot: Pilot, model: str) -> Worker[None]:
    """Choose "Train model <model>" in the command palette; the app's worker that trains it."""
    command = f"Train model {model}"
    await pilot.press("ctrl+p", *model)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    hits = palette.query_one(CommandList)

    def highlighted() -> str | None:
        if hits.highlighted is None:
            return None
        option = hits.get_option_at_index(hits.highlighted)
        return option.hit.text if isinstance(option, Command) else None

    await wait_for(pilot, lambda: highlighted() == command, f"the hit {command!r}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, CommandPalette), "the close")
    return await model_worker(pilot)


async def training_under_way(pilot: Pilot, held: HeldTraining, worker: Worker[None]) -> None:
    await wait_for(pilot, lambda: held.epoch >= 1, "the first epoch")
    assert worker.state is WorkerState.RUNNING


def names(pilot: Pilot, entries: tuple[Any, ...]) -> list[str]:
    catalog = pilot.app.library.dataset.catalog
    return [catalog.titles[entry.item] for entry in entries]


def errors(app: MoviepickApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def assert_the_end(pilot: Pilot) -> None:
    app = pilot.app
    last = STEPS[-1]
    assert my_ratings(pilot) == last.stars
    assert names(pilot, app.sequence) == last.sequence
    assert names(pilot, app.watchlist) == ["Titanic"]
    assert app.current_mode == "discover"
    search = app.screen.query_one("#search", Input)
    assert search.has_focus
    assert search.value == "q1wax"
    assert app.return_code is None


async def finish(pilot: Pilot, held: HeldTraining, worker: Worker[None]) -> None:
    held.release.set()
    await settle(pilot)
    assert worker.state is WorkerState.SUCCESS
    assert pilot.app.active_model.name == f"{TRAINED}-ml-tiny"
    assert errors(pilot.app) == []


async def run_the_steps(
    pilot: Pilot, training: Worker[None], type_keys: Callable[[list[str]], None]
) -> None:
    """Each step's keys in one burst, then the state once the app has handled them."""
    app = pilot.app
    for step in STEPS:
        type_keys(step.keys)
        await drain(pilot)
        assert training.state is WorkerState.RUNNING
        assert (app.current_mode, my_ratings(pilot)) == (step.mode, step.stars)
        assert names(pilot, app.sequence) == step.sequence
    assert_the_end(pilot)


async def test_bursts_across_screens_while_a_model_trains_from_the_palette(
    data: Path, held_training: HeldTraining
):
    app = tiny_app(data)

    def post_at_once(keys: list[str]) -> None:
        for key in keys:
            app.post_message(key_event(key))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        training = await train_from_the_palette(pilot, TRAINED)
        await training_under_way(pilot, held_training, training)
        await run_the_steps(pilot, training, post_at_once)
        await finish(pilot, held_training, training)


def type_blind(app: MoviepickApp, keys: list[str]) -> None:
    """Post ``keys`` from another thread, as the terminal driver does, one every KEY_GAP."""
    for key in keys:
        app.post_message(key_event(key))
        time.sleep(KEY_GAP)


async def test_bursts_queued_behind_a_stalled_event_loop_during_the_first_training(
    tiny_trained: tuple[Path, Path], held_training: HeldTraining
):
    folder, _ = tiny_trained
    app = MoviepickApp(str(folder), Config(model=TRAINED))

    def type_while_the_loop_stalls(keys: list[str]) -> None:
        typist = threading.Thread(target=type_blind, args=(app, keys))
        typist.start()
        # Joined on the event loop, which stands still meanwhile: the keys queue up, between
        # the training's progress messages, before the app handles the first of them.
        typist.join()

    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.current_mode == "discover", "the dataset")
        training = await model_worker(pilot)
        await training_under_way(pilot, held_training, training)
        await run_the_steps(pilot, training, type_while_the_loop_stalls)
        await finish(pilot, held_training, training)


async def test_a_digit_after_an_unrating_rates_the_row_the_cursor_moved_to(data: Path):
    """On Ratings, "0" takes the highlighted movie off the list and the cursor to the next
    row; a digit queued right behind it must rate that row, as when typed slowly. (No training
    here: it is what makes keys queue, and the posted burst queues them as well.)"""
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "9", "down", "4", "down", "down", "down", "5", "alt+3")
        assert my_ratings(pilot) == {"Casablanca": 4.0, "The Matrix": 5.0}
        assert titles(pilot, "mine") == ["The Matrix", "Casablanca"]  # newest first
        assert table(pilot, "mine").cursor_row == 0
        for key in ["0", "2"]:
            app.post_message(key_event(key))
        await drain(pilot)
        assert my_ratings(pilot) == {"Casablanca": 2.0}
