"""Sequential recommenders on ml-100k next-item, and their recommend latency.

    python benchmarks/sequential.py [--data PATH] [--models popularity seq-mean sasrec]
                                    [--set sasrec.lr=0.002 ...] [--skip-latency]
                                    [--skip-accuracy] [--verbose]

Accuracy: the ``next-item`` protocol of :mod:`moviepick.evaluation` (leave-last-out by
timestamp: the last movie is test, the one before validation; full ranking over the catalogue
without the user's history): HR@10, NDCG@10 and MRR, the fit time and the epochs trained, with
each model's default parameters unless ``--set`` changes them. The validation movie is what
the torch models early-stop on.

Latency: ``recommend`` for a new person who watched 20 or 200 movies, on a model of a
4,000-movie catalogue (weights after one epoch on random sequences: the cost does not depend on
them); the median of 50 calls after a warm-up call.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from moviepick.data.interactions import Interactions
from moviepick.data.loader import load_dataset
from moviepick.evaluation.holdout import Holdout, ranking_holdout
from moviepick.evaluation.ranking import rank_test_users
from moviepick.models.base import Query, Recommender
from moviepick.models.popularity import Popularity
from moviepick.models.sequential import SASRec, SeqMean
from moviepick.training.events import FitEvent

REPO = Path(__file__).resolve().parents[1]
MODELS: dict[str, type[Recommender]] = {
    "popularity": Popularity,
    "seq-mean": SeqMean,
    "sasrec": SASRec,
}
SHOWN = ("HR@10", "NDCG@10", "MRR")
LATENCY_ITEMS = 4_000
LATENCY_CALLS = 50


def parse_overrides(pairs: list[str]) -> dict[str, dict[str, object]]:
    """``model.param=value`` pairs; values are read as int, float or text, in that order."""
    overrides: dict[str, dict[str, object]] = {}
    for pair in pairs:
        key, _, text = pair.partition("=")
        model, _, param = key.partition(".")
        value: object = text
        for kind in (int, float):
            try:
                value = kind(text)
                break
            except ValueError:
                continue
        overrides.setdefault(model, {})[param] = value
    return overrides


def next_item(
    data: Path, names: list[str], overrides: dict[str, dict[str, object]], verbose: bool
) -> None:
    dataset = load_dataset(data)
    holdout = ranking_holdout(dataset, "next-item")
    print(f"next-item on {dataset.name}: {len(np.unique(holdout.test.users))} test users")
    print(f"{'model':<12}" + "".join(f"{name:>9}" for name in SHOWN) + "   fit s  epochs")
    for name in names:
        model = MODELS[name](**overrides.get(name, {}))
        model.prepare(dataset.catalog)
        started = time.perf_counter()
        events = fit(model, holdout, verbose)
        fit_seconds = time.perf_counter() - started
        metrics, _ = rank_test_users(model, holdout, dataset.catalog.genres, "next-item")
        epochs = [event for event in events if not event.heartbeat]
        best = epochs[-1].metrics.get("best valid HR@10") if epochs else None
        row = "".join(f"{metrics[metric]:>9.4f}" for metric in SHOWN)
        note = f"  (best valid HR@10 {best:.4f})" if best is not None else ""
        print(f"{name:<12}{row}{fit_seconds:>8.1f}{len(epochs):>8}{note}", flush=True)


def fit(model: Recommender, holdout: Holdout, verbose: bool) -> list[FitEvent]:
    """Fit on the protocol's training part, early-stopping on its validation movies."""
    events: list[FitEvent] = []

    def record(event: FitEvent) -> None:
        events.append(event)
        if verbose and not event.heartbeat:
            loss = "" if event.loss is None else f"loss {event.loss:.4f} "
            print(f"  epoch {event.step}: {loss}{event.metrics} {event.elapsed:.0f} s", flush=True)

    model.fit(holdout.train, valid=holdout.valid, progress=record)
    return events


def random_sequences(n_items: int, n_users: int = 200, length: int = 50) -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(n_users), length)
    items = np.concatenate([rng.choice(n_items, length, replace=False) for _ in range(n_users)])
    return Interactions(
        users.astype(np.int32),
        items.astype(np.int32),
        np.full(len(users), 4.0, dtype=np.float32),
        np.tile(np.arange(length, dtype=np.int64), n_users),
        n_users,
        n_items,
    )


def latency(names: list[str], overrides: dict[str, dict[str, object]]) -> None:
    print(f"\nrecommend latency, {LATENCY_ITEMS:,}-movie catalogue (median of {LATENCY_CALLS})")
    train = random_sequences(LATENCY_ITEMS)
    rng = np.random.default_rng(1)
    for name in names:
        params = {**overrides.get(name, {}), "epochs": 1}
        if name == "popularity":
            params = {}
        model = MODELS[name](**params)
        model.n_items = LATENCY_ITEMS
        model.fit(train)
        for watched in (20, 200):
            sequence = rng.choice(LATENCY_ITEMS, watched, replace=False).tolist()
            query = Query(sequence=sequence)
            model.recommend(query)
            times = []
            for _ in range(LATENCY_CALLS):
                started = time.perf_counter()
                model.recommend(query)
                times.append(time.perf_counter() - started)
            median = statistics.median(times) * 1000
            print(f"{name:<12} {watched:>3} watched: {median:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "ml-100k")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    parser.add_argument("--set", nargs="*", default=[], metavar="MODEL.PARAM=VALUE")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every epoch")
    args = parser.parse_args()
    overrides = parse_overrides(args.set)
    if not args.skip_accuracy:
        next_item(args.data, args.models, overrides, args.verbose)
    if not args.skip_latency:
        latency(args.models, overrides)


if __name__ == "__main__":
    main()
