"""ALS accuracy on ml-100k's official folds, and ALS fit times on real and synthetic data.

    python benchmarks/als_accuracy_speed.py [--data PATH] [--repeats 3]

Accuracy: RMSE and MAE per fold u1..u5 and their mean, for ``als`` and ``popularity`` with their
default parameters (protocol ``ml100k-folds``). Speed: 15 ALS iterations at the default factors
on 1,000,000 ratings (6,040 users x 3,700 movies, skewed popularity, 18 genres) with ``reg``
given, and the default fit, which first chooses ``reg`` on held-out ratings; then both on all of
ml-100k and of ml-latest-small (the default fit is what the TUI waits for on first start).
Timings are the best and the median of ``--repeats`` runs; the BLAS thread count comes from the
environment (``OPENBLAS_NUM_THREADS``) and is printed with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from moviepick.data.interactions import Interactions
from moviepick.data.loader import load_dataset
from moviepick.models.als import ALS

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC = {"ratings": 1_000_000, "users": 6_040, "movies": 3_700, "genres": 18}
TIMED_ITERATIONS = 15
GIVEN_REG = 0.1


def synthetic_ratings(seed: int = 0) -> tuple[Interactions, np.ndarray]:
    """Distinct (user, movie) ratings from a rank-8 taste model, and a genre matrix."""
    rng = np.random.default_rng(seed)
    n_users, n_movies = SYNTHETIC["users"], SYNTHETIC["movies"]
    activity = rng.pareto(1.5, n_users) + 1.0
    popularity = 1.0 / np.arange(1, n_movies + 1) ** 0.8
    pairs = np.empty(0, dtype=np.int64)
    while len(pairs) < SYNTHETIC["ratings"]:
        users = rng.choice(n_users, SYNTHETIC["ratings"], p=activity / activity.sum())
        movies = rng.choice(n_movies, SYNTHETIC["ratings"], p=popularity / popularity.sum())
        pairs = np.unique(np.concatenate([pairs, users * n_movies + movies]))
    pairs = rng.permutation(pairs)[: SYNTHETIC["ratings"]]
    users, movies = pairs // n_movies, pairs % n_movies
    tastes, traits = rng.standard_normal((n_users, 8)), rng.standard_normal((n_movies, 8))
    affinity = np.einsum("nk,nk->n", tastes[users], traits[movies])
    stars = np.clip(np.rint(3.6 + 0.3 * affinity + 0.9 * rng.standard_normal(len(pairs))), 1, 5)
    genres = rng.random((n_movies, SYNTHETIC["genres"])) < 0.1
    ratings = Interactions(
        users.astype(np.int32),
        movies.astype(np.int32),
        stars.astype(np.float32),
        np.zeros(len(pairs), dtype=np.int64),
        n_users,
        n_movies,
    )
    return ratings, genres


def accuracy(data: Path) -> None:
    from moviepick.evaluation.rating import evaluate_rating

    dataset = load_dataset(data / "ml-100k")
    print("ml-100k, protocol ml100k-folds (u1..u5), default parameters")
    for model in ("als", "popularity"):
        result = evaluate_rating(model, dataset, "ml100k-folds")
        for fold, figures in enumerate(result.folds, start=1):
            print(
                f"  {model:<10} u{fold}  RMSE {figures.rmse:.4f}  MAE {figures.mae:.4f}"
                f"  fit {figures.fit_seconds:.2f} s"
            )
        print(
            f"  {model:<10} mean RMSE {result.rmse:.4f}  MAE {result.mae:.4f}"
            f"  fit {result.fit_seconds:.2f} s per fold"
        )


def fit_seconds(train: Interactions, genres: np.ndarray, **params: object) -> float:
    model = ALS(**params)
    model.item_genres = genres
    started = time.perf_counter()
    model.fit(train)
    return time.perf_counter() - started


def speed(data: Path, repeats: int) -> None:
    synthetic, synthetic_genres = synthetic_ratings()
    factors = ALS.Params().factors
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(
        f"\nALS fit times, factors {factors}, {os.cpu_count()} CPUs,"
        f" OPENBLAS_NUM_THREADS={threads}, load average {os.getloadavg()[0]:.2f}"
    )
    data_sets = [(f"synthetic {len(synthetic) / 1e6:.0f}M", synthetic, synthetic_genres)]
    for name in ("ml-100k", "ml-latest-small"):
        dataset = load_dataset(data / name)
        data_sets.append((name, dataset.interactions, dataset.catalog.genres))
    given: dict[str, object] = {"reg": GIVEN_REG, "iters": TIMED_ITERATIONS}
    cases = {f"{TIMED_ITERATIONS} iterations, reg {GIVEN_REG}": given, "default fit": {}}
    for data_set, train, genres in data_sets:
        print(f"  {data_set}: {len(train):,} ratings, {train.n_users:,} x {train.n_items:,}")
        for label, params in cases.items():
            times = [fit_seconds(train, genres, **params) for _ in range(repeats)]
            median = statistics.median(times)
            print(f"    {label:<26} best {min(times):.2f} s  median {median:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("MOVIEPICK_SHARED_DATA", str(REPO.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per case")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="moviepick-bench-") as scratch:
        os.environ["MOVIEPICK_CACHE_DIR"] = str(Path(scratch) / "cache")
        accuracy(arguments.data)
        speed(arguments.data, arguments.repeats)


if __name__ == "__main__":
    main()
