"""Snapshots of every screen on ml-100k at 80x24 and 120x35 (update with
``pytest --snapshot-update`` and look at the SVGs before committing them).

The data dir, the moviepick home and the models are temporary. The clocks that reach the screen
(when a movie was rated, when a model was trained) are fixed, and the time zone is UTC, so a
snapshot depends on nothing but the code.
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import settle

from moviepick import paths, profile, store
from moviepick.config import Config
from moviepick.data.loader import load_dataset
from moviepick.evaluation.evaluate import FIT_SECONDS, evaluate
from moviepick.evaluation.leaderboard import store_record
from moviepick.services.saved_models import train_and_save
from moviepick.tui.app import MoviepickApp
from moviepick.tui.job_queue import TrainRequest

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 35), id="120x35")]
NOON = 1_767_268_800.0  # 2026-01-01 12:00 UTC

RATED = [
    ("Star Wars", 1977, 5.0),
    ("The Empire Strikes Back", 1980, 4.5),
    ("Alien", 1979, 4.0),
    ("Fargo", 1996, 5.0),
    ("Toy Story", 1995, 3.0),
]
WATCHED = [("Alien", 1979), ("Aliens", 1986), ("Star Wars", 1977)]

Steps = Callable[[Pilot], Awaitable[None]]


def fixed_clock(start: float) -> SimpleNamespace:
    """A stand-in for the ``time`` module of one moviepick module: a second passes per call."""
    seconds = itertools.count()
    return SimpleNamespace(time=lambda: start + next(seconds))


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def ml_100k_models(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """EASE and popularity trained on ml-100k once for the module, at a fixed time."""
    models = tmp_path_factory.mktemp("models")
    dataset = load_dataset(shared_data / "ml-100k", use_cache=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "time", fixed_clock(NOON))
        for name in ("ease", "popularity"):
            _, info = train_and_save(dataset, name, store=store.ModelStore(models))
            store.update_metrics(info.path, {FIT_SECONDS: 1.25})  # the clock's, not the code's
    return models


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
    folder = tmp_path / "data" / "ml-100k"
    folder.mkdir(parents=True)
    for part in (shared_data / "ml-100k").iterdir():
        (folder / part.name).symlink_to(part)
    shutil.copytree(ml_100k_models, paths.models_dir(), dirs_exist_ok=True)
    monkeypatch.setattr(profile, "time", fixed_clock(NOON + 3600))
    return folder


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
