"""Snapshots of the Stats screen's panes on ml-100k at 80x24 and 120x35 (update with
``pytest --snapshot-update`` and look at the SVGs before committing them).

As in test_tui_snapshots: the data dir, the moviepick home and the model are temporary, the
clocks that reach the screen are fixed and the time zone is UTC. The map is of an ALS model
trained once for the module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_support import SIZES, ml_100k_beside, train_at_noon
from textual.pilot import Pilot
from tui_support import settle

from moviepick.config import Config
from moviepick.tui.app import MoviepickApp

pytestmark = pytest.mark.usefixtures("utc")

RATED = [  # (title, year, stars)
    ("Star Wars", 1977, 5.0),
    ("Alien", 1979, 4.0),
    ("Fargo", 1996, 5.0),
    ("Toy Story", 1995, 3.0),
    ("Casablanca", 1942, 4.0),
]


@pytest.fixture(scope="module")
def als_model(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_at_noon(shared_data, tmp_path_factory.mktemp("models"), ("als",))


@pytest.fixture
def data(
    shared_data: Path, als_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    return ml_100k_beside(shared_data, als_model, tmp_path, monkeypatch)


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
