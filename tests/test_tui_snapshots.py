"""Snapshots of every screen on ml-100k at 80x24 and 120x35 (update with
``pytest --snapshot-update`` and look at the SVGs before committing them).

The data dir, the moviepick home and the models are temporary. The clocks that reach the screen
(when a movie was rated, when a model was trained) are fixed, and the time zone is UTC, so a
snapshot depends on nothing but the code.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from snapshot_support import NOON, SIZES, ml_100k_beside, train_at_noon
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import settle

from moviepick.config import Config
from moviepick.data.loader import load_dataset
from moviepick.evaluation.evaluate import FIT_SECONDS, evaluate
from moviepick.evaluation.leaderboard import store_record
from moviepick.tui.app import MoviepickApp
from moviepick.tui.job_queue import TrainRequest

pytestmark = pytest.mark.usefixtures("utc")

RATED = [
    ("Star Wars", 1977, 5.0),
    ("The Empire Strikes Back", 1980, 4.5),
    ("Alien", 1979, 4.0),
    ("Fargo", 1996, 5.0),
    ("Toy Story", 1995, 3.0),
]
WATCHED = [("Alien", 1979), ("Aliens", 1986), ("Star Wars", 1977)]

Steps = Callable[[Pilot], Awaitable[None]]


@pytest.fixture(scope="module")
def ml_100k_models(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """EASE and popularity trained on ml-100k once for the module, at a fixed time."""
    return train_at_noon(shared_data, tmp_path_factory.mktemp("models"), ("ease", "popularity"))


@pytest.fixture(scope="module")
def ml_100k_results(shared_data: Path) -> list[dict[str, object]]:
    """EASE and popularity evaluated on top-n, once for the module, at a fixed fit time."""
    dataset = load_dataset(shared_data / "ml-100k", use_cache=False)
    records = [evaluate(name, dataset, "top-n").as_record() for name in ("ease", "popularity")]
    return [{**record, FIT_SECONDS: 2.5, "created": NOON} for record in records]


@pytest.fixture
def data(
    shared_data: Path, ml_100k_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """ml-100k in a temporary data dir, the models in the home, the profile's clock fixed."""
    return ml_100k_beside(shared_data, ml_100k_models, tmp_path, monkeypatch)


def app_on(data: Path) -> MoviepickApp:
    return MoviepickApp(str(data), Config(model="ease"))


def item(app: MoviepickApp, title: str, year: int) -> int:
    catalog = app.library.dataset.catalog
    matches = [
        index
        for index, name in enumerate(catalog.titles)
        if name == title and catalog.year(index) == year
    ]
    assert len(matches) == 1, f"{title} ({year}) is in ml-100k once"
    return matches[0]


async def steady(pilot: Pilot) -> None:
    await settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def steps(*keys: str, rate: bool = False, watch: bool = False) -> Steps:
    """Wait for the dataset, rate and watch the movies above if asked, then press ``keys``."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        app = pilot.app
        assert isinstance(app, MoviepickApp)
        for title, year, stars in RATED if rate else []:
            app.rate(item(app, title, year), stars)
        for title, year in WATCHED if watch else []:
            app.append_to_sequence(item(app, title, year))
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await steady(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_discover(snap_compare, data: Path, size: tuple[int, int]):
    run = steps(*"star wars", rate=True)
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_sequence_with_what_next(snap_compare, data: Path, size: tuple[int, int]):
    run = steps("alt+2", "n", rate=True, watch=True)
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_ratings(snap_compare, data: Path, size: tuple[int, int]):
    run = steps("alt+3", rate=True)
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_picks_with_reasons(snap_compare, data: Path, size: tuple[int, int]):
    run = steps("alt+4", rate=True, watch=True)
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_picks_compared(snap_compare, data: Path, size: tuple[int, int]):
    run = steps("alt+4", "c", rate=True)
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_movie_page(snap_compare, data: Path, size: tuple[int, int]):
    run = steps(*"empire strikes", "down", "enter", rate=True)
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, data: Path, size: tuple[int, int]):
    run = steps("escape", "f1")
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_no_dataset(snap_compare, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]):
    # Shown on screen, so it must not depend on the temporary folder; nothing is written there.
    monkeypatch.setenv("MOVIEPICK_DATA_DIR", "/home/you/.local/share/moviepick")
    assert snap_compare(MoviepickApp(None, Config()), terminal_size=size, run_before=steady)


@pytest.fixture
def evaluated(data: Path, ml_100k_results: list[dict[str, object]]) -> Path:
    """As ``data``, with the top-n results stored (and merged into the saved models)."""
    for record in ml_100k_results:
        store_record(dict(record))
    return data


@pytest.mark.parametrize("size", SIZES)
def test_lab_models(snap_compare, evaluated: Path, size: tuple[int, int]):
    run = steps("alt+5")
    assert snap_compare(app_on(evaluated), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_lab_leaderboard(snap_compare, evaluated: Path, size: tuple[int, int]):
    run = steps("alt+5", "b")
    assert snap_compare(app_on(evaluated), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_lab_versus(snap_compare, data: Path, size: tuple[int, int]):
    run = steps("alt+5", "c", rate=True)
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_lab_training_curve(snap_compare, data: Path, size: tuple[int, int]):
    async def run(pilot: Pilot) -> None:
        await steps("alt+5")(pilot)
        app = pilot.app
        assert isinstance(app, MoviepickApp)
        app.enqueue(TrainRequest("als", {"iters": 6, "reg": 0.1, "factors": 16}))
        deadline = time.monotonic() + 120
        while not app.lab_jobs[0].finished and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert app.lab_jobs[0].status == "done"
        await steps("t")(pilot)

    assert snap_compare(app_on(data), terminal_size=size, run_before=run)
