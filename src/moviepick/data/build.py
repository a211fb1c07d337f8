"""Assemble a Dataset from the tables a MovieLens layout yields: dense indices, catalogue, stats."""

from __future__ import annotations

import numpy as np

from moviepick.data.catalog import Catalog
from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.data.movielens import MovieTable, RatingTable, read_movies, read_ratings
from moviepick.data.registry import registry
from moviepick.data.sources import MovieLensFiles
from moviepick.data.titles import parse_title

# A rebuilt variant (ml-latest-small, ml-latest) is recognised within this share of its usual size.
_APPROX_SIZE_SHARE = 0.1
# An id lookup table is used instead of a sort when ids stay below this (or 4x the row count).
_TABLE_LIMIT = 1 << 22


def build_dataset(files: MovieLensFiles) -> Dataset:
    """Parse the files and assemble the Dataset (no cache involved)."""
    ratings = read_ratings(files)
    movies = read_movies(files)
    user_ids = _distinct(ratings.user_ids)
    movie_ids = _distinct(np.concatenate([movies.movie_ids, ratings.movie_ids]))
    half_stars = bool(np.any(ratings.ratings != np.floor(ratings.ratings)))
    interactions = Interactions(
        users=_positions(user_ids, ratings.user_ids).astype(np.int32),
        items=_positions(movie_ids, ratings.movie_ids).astype(np.int32),
        ratings=ratings.ratings.astype(np.float32, copy=False),
        timestamps=ratings.timestamps.astype(np.int64, copy=False),
        n_users=len(user_ids),
        n_items=len(movie_ids),
    )
    return Dataset(
        name=variant_name(files, ratings, half_stars),
        source=files.location,
        catalog=build_catalog(movie_ids, movies, interactions),
        interactions=interactions,
        user_ids=user_ids,
        rating_step=0.5 if half_stars else 1.0,
    )


def variant_name(files: MovieLensFiles, ratings: RatingTable, half_stars: bool) -> str:
    """The registry variant ("ml-100k", "ml-1m", ...): from the layout, the folder name, then
    the number of ratings; else the folder's own name."""
    if files.layout == "100k":
        return "ml-100k"
    specs = registry().values()
    folder = files.folder_name.lower()
    for spec in specs:
        if folder in (spec.name, spec.folder.lower()):
            return spec.name
    if files.layout == "dat":
        return "ml-10m" if half_stars else "ml-1m"
    csv_specs = [spec for spec in specs if spec.layout == "csv"]
    for spec in csv_specs:
        if not spec.counts_approx and spec.ratings == len(ratings):
            return spec.name
    for spec in csv_specs:
        if (
            spec.counts_approx
            and abs(len(ratings) - spec.ratings) <= _APPROX_SIZE_SHARE * spec.ratings
        ):
            return spec.name
    return files.folder_name


def build_catalog(movie_ids: np.ndarray, movies: MovieTable, interactions: Interactions) -> Catalog:
    """The catalogue over ``movie_ids`` (sorted): the listed movies plus any rated but unlisted.

    A movie listed twice keeps its first row.
    """
    listed_ids, first_rows = np.unique(movies.movie_ids, return_index=True)
    items = _positions(movie_ids, listed_ids)
    raw_titles = [""] * len(movie_ids)
    for item, row in zip(items.tolist(), first_rows.tolist(), strict=True):
        raw_titles[item] = movies.titles[row]
    parsed = [parse_title(raw) for raw in raw_titles]
    listed = np.zeros(len(movie_ids), dtype=bool)
    listed[items] = True
    titles = [
        title.title if is_listed else f"Movie {movie_id}"
        for title, is_listed, movie_id in zip(
            parsed, listed.tolist(), movie_ids.tolist(), strict=True
        )
    ]
    genres = np.zeros((len(movie_ids), len(movies.genre_names)), dtype=bool)
    genres[items] = movies.genres[first_rows]
    imdb_ids = np.zeros(len(movie_ids), dtype=np.int64)
    imdb_ids[items] = movies.imdb_ids[first_rows]
    tmdb_ids = np.zeros(len(movie_ids), dtype=np.int64)
    tmdb_ids[items] = movies.tmdb_ids[first_rows]
    count, mean, score = rating_stats(interactions)
    return Catalog(
        movie_ids=movie_ids.astype(np.int64, copy=False),
        raw_titles=raw_titles,
        titles=titles,
        years=np.array([title.year or 0 for title in parsed], dtype=np.int16),
        aliases=[title.aliases for title in parsed],
        genre_names=movies.genre_names,
        genres=genres,
        imdb_ids=imdb_ids,
        tmdb_ids=tmdb_ids,
        rating_count=count,
        rating_mean=mean,
        score=score,
    )


def rating_stats(interactions: Interactions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per item: rating count, mean rating (0 when unrated) and Bayesian-average score.

    The score is ``(m * C + sum of ratings) / (m + count)``: the item's mean shrunk towards the
    global mean ``C`` as if it had ``m`` extra ratings of ``C``. ``m`` is the median number of
    ratings of a rated item, so a typically-rated movie sits halfway between its own mean and
    ``C``, a movie with few ratings stays near ``C`` and a heavily-rated one keeps its own mean.
    An unrated item scores ``C``.
    """
    n_items = interactions.n_items
    count = np.bincount(interactions.items, minlength=n_items)
    total = np.bincount(interactions.items, weights=interactions.ratings, minlength=n_items)
    mean = np.divide(total, count, out=np.zeros(n_items), where=count > 0)
    rated = count[count > 0]
    m = max(float(np.median(rated)), 1.0) if len(rated) else 1.0
    score = (m * interactions.global_mean + total) / (m + count)
    return count.astype(np.int32), mean.astype(np.float32), score.astype(np.float32)


def _distinct(ids: np.ndarray) -> np.ndarray:
    """The sorted distinct ids; a presence table instead of a sort when the ids are small."""
    if _fits_table(ids):
        present = np.zeros(int(ids.max()) + 1, dtype=bool)
        present[ids] = True
        return np.flatnonzero(present).astype(np.int64)
    return np.unique(ids)


def _positions(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Index of each of ``ids`` in ``sorted_ids`` (every id is there)."""
    if _fits_table(sorted_ids):
        lookup = np.zeros(int(sorted_ids[-1]) + 1, dtype=np.int64)
        lookup[sorted_ids] = np.arange(len(sorted_ids))
        return lookup[ids]
    return np.searchsorted(sorted_ids, ids)


def _fits_table(ids: np.ndarray) -> bool:
    return bool(len(ids)) and ids.min() >= 0 and ids.max() < max(_TABLE_LIMIT, 4 * len(ids))
