"""The movies of one dataset: dense item index <-> MovieLens movieId, titles, genres, popularity."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(eq=False)
class Catalog:
    movie_ids: np.ndarray  # int64, dense index -> MovieLens movieId
    raw_titles: list[str]  # as the dataset spells them: "Matrix, The (1999)"
    titles: list[str]  # display titles: "The Matrix"
    years: np.ndarray  # int16, 0 where the title has no year
    aliases: list[tuple[str, ...]]  # alternate titles, for search: ("Se7en",)
    genre_names: tuple[str, ...]
    genres: np.ndarray  # bool, (n_items, n_genres)
    imdb_ids: np.ndarray  # int64, 0 where unknown
    tmdb_ids: np.ndarray  # int64, 0 where unknown
    rating_count: np.ndarray  # int32
    rating_mean: np.ndarray  # float32, 0 where unrated
    score: np.ndarray  # float32, Bayesian average rating

    def __len__(self) -> int:
        return len(self.movie_ids)

    @cached_property
    def _index(self) -> dict[int, int]:
        return {int(movie_id): index for index, movie_id in enumerate(self.movie_ids)}

    def index_of(self, movie_id: int) -> int | None:
        return self._index.get(int(movie_id))

    def year(self, item: int) -> int | None:
        year = int(self.years[item])
        return year or None

    def label(self, item: int) -> str:
        """Display title with the year: "The Matrix (1999)"."""
        year = self.year(item)
        return f"{self.titles[item]} ({year})" if year else self.titles[item]

    @cached_property
    def ratings_per_genre(self) -> np.ndarray:
        """int64, (n_genres,): the ratings of the movies of each genre."""
        return self.rating_count.astype(np.int64) @ self.genres

    def genres_of(self, item: int) -> list[str]:
        return [self.genre_names[g] for g in np.flatnonzero(self.genres[item])]
