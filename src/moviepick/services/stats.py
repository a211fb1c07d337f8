"""Statistics of a loaded dataset, and of one person's ratings against it: the figures behind
``moviepick stats`` and the app's Stats screen, as plain values computed with numpy."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from moviepick.data.dataset import Dataset
from moviepick.data.summary import DatasetSummary, summarize
from moviepick.services.movies import star_counts

TOP_MOVIES = 10  # rows of the most popular and top rated tables
MIN_RATINGS = 20  # a movie needs this many ratings to be top rated
HEAD_FRACTION = 0.1  # the long tail is told by the share of ratings of the busiest tenth
MONTHLY_UP_TO = 24  # ratings over time go by month when they span at most this many months


@dataclass(frozen=True)
class Bars:
    """A histogram: one count per labelled bin, in the bins' order."""

    labels: tuple[str, ...]
    counts: tuple[int, ...]

    def as_record(self) -> dict[str, int]:
        return dict(zip(self.labels, self.counts, strict=True))


@dataclass(frozen=True)
class CountSpread:
    """How ratings spread over users (or over movies): each one's number of ratings."""

    minimum: int
    median: float
    mean: float
    maximum: int
    head_share: float  # share of all ratings that the busiest HEAD_FRACTION of them hold
    buckets: Bars  # how many have 1, 2-4, 5-9, 10-19, ... ratings


@dataclass(frozen=True)
class MovieStat:
    item: int
    movie_id: int
    title: str
    year: int | None
    n_ratings: int
    mean: float
    score: float  # the catalogue's Bayesian average


@dataclass(frozen=True)
class GenreStat:
    genre: str
    n_movies: int  # in the catalogue, rated or not
    n_ratings: int
    mean: float  # 0 when unrated


@dataclass(frozen=True)
class DatasetStats:
    summary: DatasetSummary
    per_user: CountSpread
    per_movie: CountSpread  # over the rated movies
    most_popular: tuple[MovieStat, ...]
    top_rated: tuple[MovieStat, ...]  # by Bayesian average, among movies with min_ratings
    min_ratings: int
    rating_histogram: Bars  # one bin per step of the rating scale
    genres: tuple[GenreStat, ...]  # most rated first
    release_decades: Bars  # ratings of the movies of each decade, movies without a year left out
    over_time: Bars  # ratings given in each period, oldest first
    period: str  # "month" or "year"

    def as_record(self) -> dict[str, Any]:
        """JSON-ready values."""
        record = asdict(self)
        record["summary"] = self.summary.as_record()
        for field in ("rating_histogram", "release_decades", "over_time"):
            record[field] = getattr(self, field).as_record()
        for spread in ("per_user", "per_movie"):
            record[spread]["buckets"] = getattr(self, spread).buckets.as_record()
        return record


@dataclass(frozen=True)
class GenreShare:
    genre: str
    mine: float  # share of your ratings that are of movies of this genre
    everyone: float  # the same share of the dataset's ratings


@dataclass(frozen=True)
class Taste:
    """A person's ratings against the dataset's."""

    n_ratings: int
    my_mean: float
    everyone_mean: float  # of every rating in the dataset
    same_movies_mean: float  # of the dataset's ratings of the movies you rated (0: none rated)
    genres: tuple[GenreShare, ...]  # your most rated genres first

    def as_record(self) -> dict[str, Any]:
        return asdict(self)


def dataset_stats(
    dataset: Dataset, *, n: int = TOP_MOVIES, min_ratings: int = MIN_RATINGS
) -> DatasetStats:
    """The figures of every panel: ``n`` movies a top table, and the top rated only among
    movies with at least ``min_ratings`` ratings (a high average of few ratings says little)."""
    interactions, catalog = dataset.interactions, dataset.catalog
    user_counts = np.bincount(interactions.users, minlength=interactions.n_users)
    movie_counts = catalog.rating_count.astype(np.int64)
    popular = np.lexsort((-catalog.score, -movie_counts))
    by_score = np.lexsort((-movie_counts, -catalog.score))
    over_time, period = _over_time(interactions.timestamps)
    return DatasetStats(
        summary=summarize(dataset),
        per_user=_spread(user_counts),
        per_movie=_spread(movie_counts[movie_counts > 0]),
        most_popular=_movies(dataset, popular[movie_counts[popular] > 0][:n]),
        top_rated=_movies(dataset, by_score[movie_counts[by_score] >= max(min_ratings, 1)][:n]),
        min_ratings=min_ratings,
        rating_histogram=_rating_histogram(dataset),
        genres=_genres(dataset),
        release_decades=_release_decades(catalog.years, movie_counts),
        over_time=over_time,
        period=period,
    )


def taste(dataset: Dataset, my_ratings: Mapping[int, float]) -> Taste | None:
    """``my_ratings`` (item -> stars, a profile's ratings matched to the dataset, as in
    ``Picker.query().ratings``) against everyone's; None without any."""
    if not my_ratings:
        return None
    catalog, interactions = dataset.catalog, dataset.interactions
    items = np.fromiter(my_ratings, dtype=np.int64, count=len(my_ratings))
    stars = np.fromiter(my_ratings.values(), dtype=np.float64, count=len(my_ratings))
    counts = catalog.rating_count[items].astype(np.float64)
    totals = counts * catalog.rating_mean[items]
    mine = catalog.genres[items].sum(axis=0) / len(items)
    everyone = dataset.catalog.ratings_per_genre / max(len(interactions), 1)
    order = np.lexsort((-everyone, -mine))
    return Taste(
        n_ratings=len(items),
        my_mean=float(stars.mean()),
        everyone_mean=interactions.global_mean,
        same_movies_mean=float(totals.sum() / counts.sum()) if counts.sum() else 0.0,
        genres=tuple(
            GenreShare(catalog.genre_names[g], float(mine[g]), float(everyone[g]))
            for g in order
            if mine[g] or everyone[g]
        ),
    )


def _spread(counts: np.ndarray) -> CountSpread:
    if not len(counts):
        return CountSpread(0, 0.0, 0.0, 0, 0.0, Bars((), ()))
    descending = np.sort(counts)[::-1]
    head = int(np.ceil(HEAD_FRACTION * len(counts)))
    return CountSpread(
        minimum=int(descending[-1]),
        median=float(np.median(counts)),
        mean=float(counts.mean()),
        maximum=int(descending[0]),
        head_share=float(descending[:head].sum() / descending.sum()),
        buckets=_count_buckets(counts),
    )


def _count_buckets(counts: np.ndarray) -> Bars:
    """Counts in bins 1, 2-4, 5-9, 10-19, 20-49, ... from the bin of the least to the most."""
    largest = int(counts.max())
    edges = [m * 10**k for k in range(len(str(largest)) + 1) for m in (1, 2, 5)]
    edges = edges[: bisect_right(edges, largest) + 1]  # the last edge is above the largest
    histogram, _ = np.histogram(counts, bins=edges)
    first = int(np.searchsorted(edges, counts.min(), side="right")) - 1
    labels = [
        str(low) if high - low == 1 else f"{low}-{high - 1}"
        for low, high in zip(edges[:-1], edges[1:], strict=True)
    ]
    return Bars(tuple(labels[first:]), tuple(int(c) for c in histogram[first:]))


def _movies(dataset: Dataset, items: np.ndarray) -> tuple[MovieStat, ...]:
    catalog = dataset.catalog
    return tuple(
        MovieStat(
            item=int(item),
            movie_id=int(catalog.movie_ids[item]),
            title=catalog.titles[item],
            year=catalog.year(item),
            n_ratings=int(catalog.rating_count[item]),
            mean=float(catalog.rating_mean[item]),
            score=float(catalog.score[item]),
        )
        for item in items
    )


def _rating_histogram(dataset: Dataset) -> Bars:
    counts = star_counts(dataset.interactions.ratings, dataset)
    return Bars(tuple(f"{stars:g}" for stars in counts), tuple(counts.values()))


def _genres(dataset: Dataset) -> tuple[GenreStat, ...]:
    catalog = dataset.catalog
    n_ratings = dataset.catalog.ratings_per_genre
    totals = (catalog.rating_count * catalog.rating_mean.astype(np.float64)) @ catalog.genres
    n_movies = catalog.genres.sum(axis=0)
    order = np.argsort(-n_ratings, kind="stable")
    return tuple(
        GenreStat(
            genre=catalog.genre_names[g],
            n_movies=int(n_movies[g]),
            n_ratings=int(n_ratings[g]),
            mean=float(totals[g] / n_ratings[g]) if n_ratings[g] else 0.0,
        )
        for g in order
        if n_movies[g]
    )


def _release_decades(years: np.ndarray, movie_counts: np.ndarray) -> Bars:
    dated = years > 0
    if not dated.any():
        return Bars((), ())
    decades = years[dated].astype(np.int64) // 10
    first = int(decades.min())
    counts = np.bincount(decades - first, weights=movie_counts[dated])
    labels = tuple(f"{(first + k) * 10}s" for k in range(len(counts)))
    return Bars(labels, tuple(int(c) for c in counts))


def _over_time(timestamps: np.ndarray) -> tuple[Bars, str]:
    """Ratings per month when they span at most MONTHLY_UP_TO months, else per year."""
    if not len(timestamps):
        return Bars((), ()), "year"
    months = timestamps.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    first, last = int(months.min()), int(months.max())
    if last - first < MONTHLY_UP_TO:
        counts = np.bincount(months - first)
        labels = [str(np.datetime64(first + k, "M")) for k in range(len(counts))]
        return Bars(tuple(labels), tuple(int(c) for c in counts)), "month"
    years = months // 12
    counts = np.bincount(years - first // 12)
    labels = [str(1970 + first // 12 + k) for k in range(len(counts))]
    return Bars(tuple(labels), tuple(int(c) for c in counts)), "year"
