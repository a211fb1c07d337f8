"""Snapshots of the Stats screen's panes on ml-100k at 80x24 and 120x35 (update with
``pytest --snapshot-update`` and look at the SVGs before committing them).

As in test_tui_snapshots: the data dir, the moviepick home and the model are temporary, the
clocks that reach the screen are fixed and the time zone is UTC. The map is of an ALS model
trained once for the module.
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.pilot import Pilot
from tui_support import settle

from moviepick import paths, profile, store
from moviepick.config import Config
from moviepick.data.loader import load_dataset
from moviepick.services.saved_models import train_and_save
from moviepick.tui.app import MoviepickApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 35), id="120x35")]
NOON = 1_767_268_800.0  # 2026-01-01 12:00 UTC
RATED = [  # (title, year, stars)
    ("Star Wars", 1977, 5.0),
    ("Alien", 1979, 4.0),
    ("Fargo", 1996, 5.0),
    ("Toy Story", 1995, 3.0),
    ("Casablanca", 1942, 4.0),
]


def fixed_clock(start: float) -> SimpleNamespace:
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
def als_model(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    models = tmp_path_factory.mktemp("models")
    dataset = load_dataset(shared_data / "ml-100k", use_cache=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "time", fixed_clock(NOON))
        train_and_save(dataset, "als", store=store.ModelStore(models))
    return models


@pytest.fixture
def data(
    shared_data: Path, als_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path / "data" / "ml-100k"
    folder.mkdir(parents=True)
    for part in (shared_data / "ml-100k").iterdir():
        (folder / part.name).symlink_to(part)
    shutil.copytree(als_model, paths.models_dir(), dirs_exist_ok=True)
    monkeypatch.setattr(profile, "time", fixed_clock(NOON + 3600))
    return folder


def on_pane(key: str, *then: str):
    """Rate the movies above, open Stats, then the pane of ``key``, then press ``then``."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        app = pilot.app
        assert isinstance(app, MoviepickApp)
        catalog = app.library.dataset.catalog
        for title, year, stars in RATED:
            [item] = [
                index
                for index, name in enumerate(catalog.titles)
                if name == title and catalog.year(index) == year
            ]
            app.rate(item, stars)
        for key_pressed in ("alt+6", key, *then):
            await pilot.press(key_pressed)
            await settle(pilot)
        await pilot.pause()

    return run


def app_on(data: Path) -> MoviepickApp:
    return MoviepickApp(str(data), Config(model="als"))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("pane", ["d", "m", "s", "g", "t"])
def test_stats_pane(snap_compare, data: Path, size: tuple[int, int], pane: str):
    assert snap_compare(app_on(data), terminal_size=size, run_before=on_pane(pane))


@pytest.mark.parametrize("size", SIZES)
def test_stats_map_zoomed_with_a_movie_highlighted(snap_compare, data: Path, size):
    run = on_pane("p", "plus", "plus", "right_square_bracket")
    assert snap_compare(app_on(data), terminal_size=size, run_before=run)
