"""A model's map of the movies: its item vectors projected to two dimensions, for the Stats
screen and ``moviepick stats --plot``.

PCA is built in (numpy's SVD). t-SNE, which keeps neighbourhoods rather than spread and so
shows clusters better, is used when scikit-learn is installed; it is optional, never a
dependency. It runs in a child process: scikit-learn's t-SNE holds the GIL for seconds, and in
the app's thread it froze the interface (a pane switch took 2.2 s instead of 0.2).

Only the most rated movies are mapped: a rarely rated movie's vector says little, and
thousands of points are what a terminal plot can draw quickly and a person can read.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Literal

import numpy as np

from moviepick.data.dataset import Dataset
from moviepick.errors import MoviepickError
from moviepick.models.base import Recommender

Method = Literal["pca", "tsne"]
MAP_LIMIT = 3000  # movies on a PCA map, the most rated
TSNE_LIMIT = 2000  # movies on a t-SNE map: its cost grows faster than PCA's
MIN_RATINGS = 5  # a movie needs this many ratings to be mapped
TSNE_INPUT_DIM = 50  # wider vectors go through PCA first, as t-SNE's authors advise
# The registry's models whose class gives item vectors (a test checks it against the classes).
MAPPABLE = ("als", "neumf", "genre-embed", "autoencoder", "autorec", "seq-mean", "sasrec")


class NoItemVectors(MoviepickError):
    """The model holds no vector per movie (popularity, EASE), so there is nothing to map."""


class TsneUnavailable(MoviepickError):
    """t-SNE was asked for but scikit-learn is not installed."""


class MapStopped(MoviepickError):
    """The map was no longer wanted (``should_stop``) before its t-SNE was done."""


@dataclass(frozen=True, eq=False)
class EmbeddingMap:
    """One point per mapped movie, most rated first."""

    model: str  # the model's registry name
    method: Method
    items: np.ndarray  # int64, the dataset's dense item indices
    x: np.ndarray  # float64
    y: np.ndarray  # float64
    genres: tuple[str, ...]  # each movie's primary genre ("" for a movie without any)
    rated: np.ndarray  # bool: you rated it
    titles: tuple[str, ...]  # "The Matrix (1999)"

    def __len__(self) -> int:
        return len(self.items)


def tsne_available() -> bool:
    return importlib.util.find_spec("sklearn") is not None


def embedding_map(
    dataset: Dataset,
    model: Recommender,
    rated: Collection[int] = (),
    *,
    method: Method = "pca",
    limit: int | None = None,
    min_ratings: int = MIN_RATINGS,
    seed: int = 0,
    should_stop: Callable[[], bool] = lambda: False,
) -> EmbeddingMap:
    """``model``'s movies in two dimensions: the ``limit`` most rated movies with at least
    ``min_ratings`` ratings (the limit defaults to MAP_LIMIT, TSNE_LIMIT for t-SNE), ``rated``
    (item indices) marked. NoItemVectors for a model without vectors, TsneUnavailable when
    t-SNE is asked for without scikit-learn, MapStopped when ``should_stop`` says so while
    t-SNE runs."""
    vectors = model.item_vectors()
    if vectors is None:
        raise NoItemVectors(
            f"{model.name} has no item vectors to map; try {', '.join(MAPPABLE[:-1])} "
            f"or {MAPPABLE[-1]}"
        )
    if method == "tsne" and not tsne_available():
        raise TsneUnavailable("t-SNE needs scikit-learn: pip install scikit-learn")
    cap = limit if limit is not None else TSNE_LIMIT if method == "tsne" else MAP_LIMIT
    items = most_rated(dataset, cap, min_ratings)
    chosen = np.asarray(vectors, dtype=np.float64)[items]
    points = tsne_in_child(chosen, seed, should_stop) if method == "tsne" else pca(chosen)
    catalog = dataset.catalog
    return EmbeddingMap(
        model=model.name,
        method=method,
        items=items,
        x=points[:, 0],
        y=points[:, 1],
        genres=primary_genres(dataset, items),
        rated=_marked(items, rated),
        titles=tuple(catalog.label(int(item)) for item in items),
    )


def with_rated(points: EmbeddingMap, rated: Collection[int]) -> EmbeddingMap:
    """``points`` with ``rated`` marked instead: a rating changes no point, and a t-SNE map
    takes seconds to make again."""
    return replace(points, rated=_marked(points.items, rated))


def _marked(items: np.ndarray, rated: Collection[int]) -> np.ndarray:
    return np.isin(items, np.fromiter(rated, dtype=np.int64, count=len(rated)))


def most_rated(dataset: Dataset, limit: int, min_ratings: int) -> np.ndarray:
    """The ``limit`` most rated movies with at least ``min_ratings`` ratings, most rated first
    (ties by the lower index, so the choice is the same on every run)."""
    counts = dataset.catalog.rating_count.astype(np.int64)
    order = np.lexsort((np.arange(len(counts)), -counts))
    kept = order[counts[order] >= max(min_ratings, 1)]
    return kept[:limit].astype(np.int64)


def pca(vectors: np.ndarray, dims: int = 2) -> np.ndarray:
    """The ``dims`` principal components of ``vectors`` (rows), as coordinates. Each axis is
    turned so that its largest loading is positive: an SVD may flip a sign from one run (or
    one BLAS) to another, and the map would mirror. Missing components (fewer movies or
    dimensions than ``dims``) are zeros."""
    n, d = vectors.shape
    points = np.zeros((n, dims))
    if n < 2 or d == 0:
        return points
    centered = vectors - vectors.mean(axis=0)
    u, s, vt = np.linalg.svd(centered, full_matrices=False)
    k = min(dims, len(s))
    signs = np.sign(vt[np.arange(k), np.argmax(np.abs(vt[:k]), axis=1)])
    signs[signs == 0] = 1.0
    points[:, :k] = u[:, :k] * s[:k] * signs
    return points


def tsne(vectors: np.ndarray, seed: int) -> np.ndarray:
    """scikit-learn's t-SNE of ``vectors``, seeded, started from their PCA (stabler and
    faster than a random start)."""
    from sklearn.manifold import TSNE

    n = len(vectors)
    if n < 3:
        return pca(vectors)
    if vectors.shape[1] > TSNE_INPUT_DIM:
        vectors = pca(vectors, TSNE_INPUT_DIM)
    perplexity = min(30.0, (n - 1) / 3)
    model = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
    return np.asarray(model.fit_transform(vectors), dtype=np.float64)


def tsne_in_child(
    vectors: np.ndarray, seed: int, should_stop: Callable[[], bool] = lambda: False
) -> np.ndarray:
    """:func:`tsne` in a child process, which is ended if ``should_stop`` turns true."""
    context = multiprocessing.get_context("spawn")  # a fork of a threaded app may deadlock
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_tsne_child, args=(vectors, seed, sender), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            if should_stop():
                raise MapStopped("the map was no longer wanted")
            if receiver.poll(0.1):
                break
            if not child.is_alive():
                raise MoviepickError(f"t-SNE stopped with exit code {child.exitcode}")
        outcome, value = receiver.recv()
    except EOFError:  # it died before it sent anything
        child.join()
        raise MoviepickError(f"t-SNE stopped with exit code {child.exitcode}") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()
    if outcome == "error":
        raise MoviepickError(f"t-SNE failed: {value}")
    return value


def _tsne_child(vectors: np.ndarray, seed: int, sender: Connection) -> None:
    try:
        sender.send(("points", tsne(vectors, seed)))
    except Exception as error:  # the parent says what failed; a traceback here says nothing
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def primary_genres(dataset: Dataset, items: np.ndarray) -> tuple[str, ...]:
    """Each movie's most telling genre: of its genres, the one fewest catalogue movies have
    (a "Drama|Romance" reads as Romance, "Action|Sci-Fi" as Sci-Fi), ties by genre order."""
    catalog = dataset.catalog
    if not catalog.genre_names:
        return ("",) * len(items)
    flags = catalog.genres[items]
    sizes = catalog.genres.sum(axis=0).astype(np.float64)
    rarity = np.where(flags, sizes, np.inf)
    best = np.argmin(rarity, axis=1)
    return tuple(
        catalog.genre_names[g] if flags[row, g] else "" for row, g in enumerate(best.tolist())
    )
