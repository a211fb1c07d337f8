"""How long every model takes to recommend for a new person on a 4,000-movie catalogue.

    python benchmarks/recommend_latency.py [--ratings 20 200 1000] [--queries 30]

Fits every registered model (and the variants that score differently: ``als --feedback
implicit``, ``neumf --variant gmf``, ``autorec --variant user``) briefly on synthetic ratings over
4,000 movies with 18 genres, then times ``recommend(query, 20)`` for new people with each
``--ratings`` count (the fold-in, encoding or sequence pass, plus scoring every movie). Latency
depends on the shapes, not on how long the models trained. Prints the median and the worst per
model, and the BLAS and torch thread counts (from ``OPENBLAS_NUM_THREADS`` /
``OMP_NUM_THREADS``).
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
from moviepick.models.registry import create_model

N_MOVIES, N_USERS, N_RATINGS, N_GENRES = 4_000, 2_000, 100_000, 18
TORCH_BRIEF = {"epochs": 1, "device": "cpu"}


def brief_models(checkpoints: str) -> list[tuple[str, Recommender]]:
    """Every model, fitted as briefly as its parameters allow."""
    brief: list[tuple[str, str, dict[str, object]]] = [
        ("popularity", "popularity", {}),
        ("als", "als", {"iters": 2, "reg": 0.05}),
        ("als implicit", "als", {"iters": 2, "feedback": "implicit"}),
        ("ease", "ease", {"reg": 500.0}),
        ("neumf", "neumf", {**TORCH_BRIEF, "checkpoint_dir": checkpoints}),
        ("neumf gmf", "neumf", {**TORCH_BRIEF, "variant": "gmf", "checkpoint_dir": checkpoints}),
        ("genre-embed", "genre-embed", {**TORCH_BRIEF, "genre_epochs": 1}),
        ("autoencoder", "autoencoder", TORCH_BRIEF),
        ("autorec", "autorec", TORCH_BRIEF),
        ("autorec user", "autorec", {**TORCH_BRIEF, "variant": "user"}),
        ("seq-mean", "seq-mean", {**TORCH_BRIEF, "patience": 0}),
        ("sasrec", "sasrec", {**TORCH_BRIEF, "patience": 0}),
    ]
    return [(label, create_model(name, **params)) for label, name, params in brief]


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
    parser.add_argument(
        "--ratings", type=int, nargs="+", default=[20, 200, 1000], help="ratings per new person"
    )
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    train, genres = synthetic()
    threads = {
        name: os.environ.get(name, "unset") for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    }
    print(f"{len(train):,} ratings, {N_MOVIES:,} movies; threads {threads}")
    print("recommend, median / worst ms, for a new person with N ratings")
    print(f"{'':13}" + "   ".join(f"{f'N = {n}':>15}" for n in args.ratings))
    with tempfile.TemporaryDirectory() as checkpoints:
        for label, model in brief_models(checkpoints):
            if hasattr(model, "item_genres"):
                model.item_genres = genres  # what prepare() takes from a catalogue
            model.fit(train)
            cells = []
            for n_ratings in args.ratings:
                seconds = latencies(model, n_ratings, args.queries)
                cells.append(
                    f"{1000 * statistics.median(seconds):6.1f} / {1000 * max(seconds):6.1f}"
                )
            print(f"{label:13}" + "   ".join(cells))


if __name__ == "__main__":
    main()
