"""How long the torch models take to recommend for a new person on an ml-1m-sized catalogue.

    python benchmarks/neural_recommend_latency.py [--ratings 50] [--queries 30]

Fits ``neumf`` (both variants) and ``genre-embed`` briefly on synthetic ratings over 3,706 movies
(ml-1m's count) with 18 genres, then times ``recommend(query, 20)`` for new people with
``--ratings`` ratings each (the fold-in plus full scoring). Latency does not depend on how long
the models trained. Prints the median and the worst per model, and the BLAS and torch thread
counts (from ``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from moviepick.data.interactions import Interactions
from moviepick.models.base import Query, Recommender
from moviepick.models.genre_embedding import GenreEmbedding
from moviepick.models.neumf import NeuMF

N_MOVIES, N_USERS, N_RATINGS, N_GENRES = 3_706, 2_000, 100_000, 18


def synthetic(seed: int = 0) -> tuple[Interactions, np.ndarray]:
    """Skewed random ratings and a random genre matrix (one to three genres a movie)."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, N_MOVIES + 1) ** 0.8
    pairs = np.unique(
        rng.integers(0, N_USERS, N_RATINGS) * N_MOVIES
        + rng.choice(N_MOVIES, N_RATINGS, p=popularity / popularity.sum())
    )
    genres = np.zeros((N_MOVIES, N_GENRES), dtype=bool)
    for share in (1.0, 0.4, 0.2):  # every movie has a genre, some a second and a third
        chosen = np.flatnonzero(rng.random(N_MOVIES) < share)
        genres[chosen, rng.integers(0, N_GENRES, len(chosen))] = True
    train = Interactions(
        users=(pairs // N_MOVIES).astype(np.int32),
        items=(pairs % N_MOVIES).astype(np.int32),
        ratings=rng.integers(1, 6, len(pairs)).astype(np.float32),
        timestamps=np.arange(len(pairs), dtype=np.int64),
        n_users=N_USERS,
        n_items=N_MOVIES,
    )
    return train, genres


def latencies(model: Recommender, n_ratings: int, n_queries: int) -> list[float]:
    rng = np.random.default_rng(1)
    model.recommend(Query(ratings={0: 4.0}), 20)  # first call: imports and caches
    seconds = []
    for _ in range(n_queries):
        items = rng.choice(N_MOVIES, n_ratings, replace=False).tolist()
        query = Query(ratings=dict.fromkeys(items, 4.0), sequence=items)
        started = time.perf_counter()
        model.recommend(query, 20)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=50, help="ratings per new person")
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    train, genres = synthetic()
    threads = {
        name: os.environ.get(name, "unset") for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    }
    print(f"{len(train):,} ratings, {N_MOVIES:,} movies; threads {threads}")
    with tempfile.TemporaryDirectory() as checkpoints:
        models: list[tuple[str, Recommender]] = [
            ("neumf gmf", NeuMF(variant="gmf", epochs=1, device="cpu", checkpoint_dir=checkpoints)),
            ("neumf", NeuMF(epochs=1, device="cpu", checkpoint_dir=checkpoints)),
            ("genre-embed", GenreEmbedding(genre_epochs=2, epochs=1, device="cpu")),
        ]
        for label, model in models:
            if isinstance(model, GenreEmbedding):
                model.item_genres = genres
            model.fit(train)
            seconds = latencies(model, args.ratings, args.queries)
            print(
                f"{label:12} recommend median {1000 * statistics.median(seconds):6.1f} ms"
                f"  worst {1000 * max(seconds):6.1f} ms"
            )


if __name__ == "__main__":
    main()
