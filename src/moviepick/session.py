"""What the CLI and the TUI share: open a dataset, get a model for it, recommend for the profile."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moviepick.config import Config, load_config
from moviepick.data.dataset import Dataset
from moviepick.errors import ModelError, MoviepickError
from moviepick.matching import TitleIndex, profile_query
from moviepick.models.base import Recommender
from moviepick.models.registry import create_model
from moviepick.profile import Profile, ProfileRating
from moviepick.store import ModelInfo, ModelStore, read_info
from moviepick.training.events import FitEvent, Progress


class TrainingCancelled(MoviepickError):
    """Training was stopped before it finished; nothing was saved."""


def open_dataset(data: str | None, config: Config | None = None) -> Dataset:
    """The dataset named by ``--data``, the environment, the config or the default, loaded."""
    from moviepick.data.loader import load_dataset
    from moviepick.data.resolve import resolve_source

    return load_dataset(resolve_source(data, config or load_config()))


def default_model_name(model: str, dataset: Dataset) -> str:
    return f"{model}-{dataset.name}"


def train_model(
    dataset: Dataset,
    model_name: str,
    params: dict[str, Any] | None = None,
    *,
    store: ModelStore | None = None,
    save_as: str | None = None,
    valid_fraction: float = 0.1,
    seed: int = 0,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Recommender, ModelInfo]:
    """Fit ``model_name`` on the dataset and save it.

    With ``valid_fraction`` > 0, a seeded random share of the ratings is held out to report
    validation figures while training; the saved model is fitted on the rest.
    """
    from moviepick.evaluation.splits import random_split

    store = store or ModelStore()
    model = create_model(model_name, **(params or {}))
    model.prepare(dataset.catalog)
    interactions = dataset.interactions
    train, valid = (
        random_split(interactions, test_fraction=valid_fraction, seed=seed)
        if valid_fraction > 0
        else (interactions, None)
    )
    last: dict[str, float] = {}

    def report(event: FitEvent) -> None:
        last.update(event.metrics)
        if progress is not None:
            progress(event)
        if should_stop is not None and should_stop():
            raise TrainingCancelled(f"training {model_name} was cancelled")

    started = time.perf_counter()
    model.fit(train, valid=valid, progress=report)
    metrics = {**last, "fit seconds": round(time.perf_counter() - started, 3)}
    name = save_as or default_model_name(model_name, dataset)
    path = store.save(
        model, name, dataset=dataset.name, fingerprint=dataset.fingerprint, metrics=metrics
    )
    return model, read_info(path)


_TITLE_WITH_YEAR = re.compile(r"^(?P<title>.*\S)\s*\((?P<year>\d{4})\)$")


def find_movie(picker: Picker, text: str) -> int:
    """The movie a person means by ``text``: an exact title ("The Matrix (1999)"), else fuzzy."""
    from moviepick.search import MovieSearch

    if match := _TITLE_WITH_YEAR.match(text.strip()):
        item = picker.index.find(match["title"], int(match["year"]))
    else:
        item = picker.index.lookup(text)
    if item is None:
        found = MovieSearch(picker.dataset.catalog).search(text, limit=1)
        item = found[0] if found else None
    if item is None:
        raise MoviepickError(f"no movie in {picker.dataset.name} matches {text!r}")
    return item


@dataclass(frozen=True)
class RatedItem:
    """A profile rating and the item it matches in the loaded dataset (None if absent)."""

    item: int | None
    entry: ProfileRating


@dataclass(frozen=True)
class Pick:
    item: int
    score: float


class Picker:
    """One person's ratings, one dataset and the model that recommends from it."""

    def __init__(self, dataset: Dataset, profile: Profile, store: ModelStore | None = None) -> None:
        self.dataset = dataset
        self.profile = profile
        self.store = store or ModelStore()
        self.index = TitleIndex(dataset.catalog)
        self.model: Recommender | None = None
        self.model_info: ModelInfo | None = None

    def ensure_model(
        self,
        name: str | None = None,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
        default: str = "als",
    ) -> ModelInfo:
        """Load the saved model ``name`` (or the newest for this dataset), else train one.

        A registry name with no saved model is trained and saved; with no name at all,
        ``default`` is trained.
        """
        dataset = self.dataset
        info = self.store.find(name, dataset.fingerprint, dataset.name)
        if info is not None:
            model = self.store.load(info, dataset.fingerprint)
        else:
            model, info = train_model(
                dataset,
                name or default,
                store=self.store,
                progress=progress,
                should_stop=should_stop,
            )
        self.model, self.model_info = model, info
        return info

    def rate(self, item: int, stars: float) -> None:
        catalog = self.dataset.catalog
        self.profile.set_rating(
            int(catalog.movie_ids[item]), catalog.titles[item], catalog.year(item), stars
        )

    def unrate(self, item: int) -> None:
        self.profile.remove_rating(int(self.dataset.catalog.movie_ids[item]))

    def rating_of(self, item: int) -> float | None:
        return self.profile.rating(int(self.dataset.catalog.movie_ids[item]))

    def my_ratings(self) -> list[RatedItem]:
        return [
            RatedItem(self.index.match(entry.movie_id, entry.title, entry.year), entry)
            for entry in self.profile.ratings()
        ]

    def recommend(self, n: int = 20) -> list[Pick]:
        if self.model is None:
            raise ModelError("no model is loaded yet")
        query = profile_query(self.profile.ratings(), self.index).query
        ranked = self.model.recommend(query, n)
        return [
            Pick(int(item), float(score))
            for item, score in zip(ranked.items, ranked.scores, strict=True)
        ]
