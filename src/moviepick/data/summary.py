"""The facts about a loaded dataset that `moviepick data` and the TUI show."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from moviepick.data.dataset import Dataset


@dataclass(frozen=True)
class DatasetSummary:
    name: str
    source: Path
    n_ratings: int
    n_users: int
    n_movies: int  # in the catalogue, rated or not
    n_rated_movies: int
    rating_scale: tuple[float, float]
    rating_step: float
    density: float  # n_ratings / (n_users * n_rated_movies)
    first_rating: date | None  # UTC
    last_rating: date | None
    mean_rating: float
    top_genres: tuple[tuple[str, int], ...]  # (genre, number of ratings), most rated first

    def as_record(self) -> dict[str, Any]:
        """The summary as JSON-ready values: paths and dates as text, genres as a mapping."""
        record = asdict(self)
        record["source"] = str(self.source)
        record["rating_scale"] = list(self.rating_scale)
        for field in ("first_rating", "last_rating"):
            day = getattr(self, field)
            record[field] = day.isoformat() if day else None
        record["top_genres"] = dict(self.top_genres)
        return record


def summarize(dataset: Dataset, *, n_genres: int = 5) -> DatasetSummary:
    """Counts, scale, dates and the ``n_genres`` genres with most ratings (ties alphabetical)."""
    interactions, catalog = dataset.interactions, dataset.catalog
    n_ratings = len(interactions)
    n_rated_movies = int(np.count_nonzero(catalog.rating_count))
    cells = interactions.n_users * n_rated_movies
    ratings_per_genre = catalog.ratings_per_genre
    order = np.argsort(-ratings_per_genre, kind="stable")[:n_genres]
    return DatasetSummary(
        name=dataset.name,
        source=dataset.source,
        n_ratings=n_ratings,
        n_users=interactions.n_users,
        n_movies=len(catalog),
        n_rated_movies=n_rated_movies,
        rating_scale=dataset.rating_scale,
        rating_step=dataset.rating_step,
        density=n_ratings / cells if cells else 0.0,
        first_rating=_day(interactions.timestamps.min()) if n_ratings else None,
        last_rating=_day(interactions.timestamps.max()) if n_ratings else None,
        mean_rating=interactions.global_mean,
        top_genres=tuple(
            (catalog.genre_names[g], int(ratings_per_genre[g]))
            for g in order
            if ratings_per_genre[g]
        ),
    )


def _day(timestamp: np.integer) -> date:
    return datetime.fromtimestamp(int(timestamp), tz=timezone.utc).date()
