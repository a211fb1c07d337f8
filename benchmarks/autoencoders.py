"""Autoencoder accuracy on ml-100k and recommendation latency on a 4,000-movie catalogue.

    python benchmarks/autoencoders.py [--data PATH] [--protocol rating-90-10 ml100k-folds]
                                      [--models autorec autorec-user autoencoder] [--repeats 20]

Accuracy: RMSE, MAE and fit seconds per fold for I-AutoRec (``autorec``), U-AutoRec
(``autorec-user``) and the stacked autoencoder with their default parameters on the CPU. The
protocols give ``fit`` no validation set, so each model holds out ``valid_share`` of the training
ratings to stop early on.

Latency: ``recommend`` for a new person with 20, 200 and 1,000 ratings, on models fitted for one
epoch to synthetic ratings of 600 people on 4,000 movies (latency depends on the shapes, not on
the weights' values); best and median of ``--repeats`` calls after one warm-up call.
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
from moviepick.models.base import Query, Recommender
from moviepick.models.registry import create_model

REPO = Path(__file__).resolve().parents[1]
MODELS = {
    "autorec": ("autorec", {"variant": "item"}),
    "autorec-user": ("autorec", {"variant": "user"}),
    "autoencoder": ("autoencoder", {}),
}
CATALOGUE, PEOPLE, RATED_EACH = 4_000, 600, 150
QUERY_SIZES = (20, 200, 1_000)


def accuracy(data: Path, protocols: list[str], models: list[str]) -> None:
    from moviepick.evaluation.rating import evaluate_rating

    dataset = load_dataset(data / "ml-100k")
    for protocol in protocols:
        print(f"ml-100k, protocol {protocol}, default parameters, device cpu")
        for label in models:
            name, params = MODELS[label]
            result = evaluate_rating(name, dataset, protocol, {**params, "device": "cpu"})
            for fold, figures in enumerate(result.folds, start=1):
                print(
                    f"  {label:<13} fold {fold}  RMSE {figures.rmse:.4f}  MAE {figures.mae:.4f}"
                    f"  fit {figures.fit_seconds:.1f} s"
                )
            print(
                f"  {label:<13} mean    RMSE {result.rmse:.4f}  MAE {result.mae:.4f}"
                f"  fit {result.fit_seconds:.1f} s per fold"
            )


def synthetic_ratings(seed: int = 0) -> Interactions:
    rng = np.random.default_rng(seed)
    users = np.repeat(np.arange(PEOPLE), RATED_EACH)
    items = np.concatenate(
        [rng.choice(CATALOGUE, RATED_EACH, replace=False) for _ in range(PEOPLE)]
    )
    stars = rng.integers(1, 6, len(items)).astype(np.float32)
    timestamps = np.zeros(len(items), dtype=np.int64)
    return Interactions(
        users.astype(np.int32), items.astype(np.int32), stars, timestamps, PEOPLE, CATALOGUE
    )


def latency(models: list[str], repeats: int) -> None:
    train = synthetic_ratings()
    rng = np.random.default_rng(1)
    print(f"\nrecommend latency, {CATALOGUE:,} movies, new person, top 20, cpu")
    for label in models:
        name, params = MODELS[label]
        model: Recommender = create_model(name, **params, epochs=1, device="cpu")
        model.fit(train)
        for size in QUERY_SIZES:
            items = rng.choice(CATALOGUE, size, replace=False).tolist()
            query = Query(ratings=dict.fromkeys(items, 4.0))
            model.recommend(query)
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                model.recommend(query)
                times.append(time.perf_counter() - started)
            print(
                f"  {label:<13} {size:>5} ratings  best {1e3 * min(times):.1f} ms"
                f"  median {1e3 * statistics.median(times):.1f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("MOVIEPICK_SHARED_DATA", str(REPO.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument(
        "--protocol", nargs="*", default=["rating-90-10"], choices=["rating-90-10", "ml100k-folds"]
    )
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--repeats", type=int, default=20, help="timed recommend calls per case")
    arguments = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (a shared machine)")
    with tempfile.TemporaryDirectory(prefix="moviepick-bench-") as scratch:
        os.environ["MOVIEPICK_CACHE_DIR"] = str(Path(scratch) / "cache")
        latency(arguments.models, arguments.repeats)
        accuracy(arguments.data, arguments.protocol, arguments.models)


if __name__ == "__main__":
    main()
