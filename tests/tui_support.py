"""A tiny MovieLens folder with planted tastes, and helpers to drive the app in Pilot tests."""

from __future__ import annotations

import contextlib
import csv
import shutil
from pathlib import Path

import numpy as np
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerState

from moviepick import paths
from moviepick.config import Config
from moviepick.data.loader import load_dataset
from moviepick.services.saved_models import default_model_name, train_and_save
from moviepick.store import ModelStore
from moviepick.tui.app import MoviepickApp
from moviepick.tui.widgets.movie_table import MovieTable

SCI_FI = [
    (1, "Matrix, The (1999)", "Action|Sci-Fi"),
    (2, "Alien (1979)", "Horror|Sci-Fi"),
    (3, "Blade Runner (1982)", "Sci-Fi|Thriller"),
    (4, "Terminator, The (1984)", "Action|Sci-Fi"),
    (5, "Star Wars (1977)", "Action|Adventure|Sci-Fi"),
    (6, "Solaris (1972)", "Drama|Sci-Fi"),
    (7, "Gattaca (1997)", "Drama|Sci-Fi"),
    (8, "Seven (a.k.a. Se7en) (1995)", "Mystery|Thriller"),
]
ROMANCE = [
    (11, "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)", "Comedy|Romance"),
    (12, "Casablanca (1942)", "Drama|Romance"),
    (13, "Notting Hill (1999)", "Comedy|Romance"),
    (14, "Titanic (1997)", "Drama|Romance"),
    (15, "Before Sunrise (1995)", "Drama|Romance"),
    (16, "Roman Holiday (1953)", "Comedy|Romance"),
    (17, "Love Actually (2003)", "Comedy|Drama|Romance"),
    (18, "Pretty Woman (1990)", "Comedy|Romance"),
]
SCI_FI_IDS = {movie_id for movie_id, _, _ in SCI_FI}


def write_tiny_movielens(folder: Path, seed: int = 0, half_stars: bool = True) -> Path:
    """An ml-latest-small style folder: 40 users, half love sci-fi, half love romance."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "movies.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["movieId", "title", "genres"])
        writer.writerows([*SCI_FI, *ROMANCE])
    rows = []
    for user in range(1, 41):
        loves_sci_fi = user <= 20
        for movie_id, _, _ in [*SCI_FI, *ROMANCE]:
            if rng.random() < 0.3:
                continue
            liked = (movie_id in SCI_FI_IDS) == loves_sci_fi
            stars = rng.choice([4.0, 4.5, 5.0] if liked else [1.0, 1.5, 2.0])
            if not half_stars:
                stars = float(np.ceil(stars))
            rows.append([user, movie_id, stars, 1_000_000_000 + len(rows)])
    with (folder / "ratings.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["userId", "movieId", "rating", "timestamp"])
        writer.writerows(rows)
    return folder


def train_tiny_model(folder: Path, models: Path, model: str = "als") -> Path:
    """Train ``model`` (the app's default: als) on ``folder`` into ``models``; returns its
    directory."""
    dataset = load_dataset(folder, use_cache=False)
    _, info = train_and_save(dataset, model, store=ModelStore(models))
    assert info.name == default_model_name(model, dataset)
    return info.path


def install_model(model: Path) -> None:
    """Copy a trained model into the current moviepick home, as if the app had trained it."""
    shutil.copytree(model, paths.models_dir() / model.name)


def tiny_app(data: Path | None) -> MoviepickApp:
    return MoviepickApp(str(data) if data else None, Config(model="als"))


async def settle(pilot: Pilot) -> None:
    """Wait until no worker runs, including those started by the messages of finished ones."""
    for _ in range(50):
        for worker in list(pilot.app.workers):
            with contextlib.suppress(WorkerCancelled):  # replaced by a newer job of its group
                await worker.wait()
        await pilot.pause()
        busy = [
            w for w in pilot.app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        if not busy:
            return
    raise AssertionError("workers did not settle")


def table(pilot: Pilot, table_id: str) -> MovieTable:
    """A movie table of the screen showing now."""
    return pilot.app.screen.query_one(f"#{table_id}", MovieTable)


def titles(pilot: Pilot, table_id: str) -> list[str]:
    shown = table(pilot, table_id)
    catalog = pilot.app.library.dataset.catalog
    return [catalog.titles[item] for item in shown.items]


def my_ratings(pilot: Pilot) -> dict[str, float]:
    catalog = pilot.app.library.dataset.catalog
    return {catalog.titles[item]: stars for item, stars in pilot.app.my_stars.items()}
