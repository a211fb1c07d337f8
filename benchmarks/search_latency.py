"""Fuzzy search latency per query: on ml-latest-small, and on a synthetic catalogue as big as
ml-32m (87,585 titles made of words from the real titles, with real titles mixed in).

    python benchmarks/search_latency.py [--data PATH] [--size 87585] [--repeats 20]

Prints the index build time and the median milliseconds of each query.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

from moviepick.data.catalog import Catalog
from moviepick.services.datasets import open_dataset
from moviepick.services.search import MovieSearch

REPO = Path(__file__).resolve().parents[1]
QUERIES = [
    "",
    "g",
    "the",
    "matrx",
    "se7en",
    "godfather",
    "amelie",
    "matrix 1999",
    "star wars",
    "lord of the rings",
    "shawshenk redemption",
    "blade runner 2049",
    "xyzzy",
]


def synthetic_catalog(real: Catalog, size: int, seed: int = 0) -> Catalog:
    """``size`` titles: the real ones, then random runs of 1-6 words drawn from them."""
    rng = np.random.default_rng(seed)
    vocabulary = sorted({word for title in real.titles for word in title.split()})
    n_new = max(size - len(real), 0)
    lengths = rng.integers(1, 7, size=n_new)
    words = rng.choice(np.array(vocabulary, dtype=object), size=int(lengths.sum()))
    cuts = np.cumsum(lengths)[:-1]
    titles = [*real.titles, *(" ".join(run) for run in np.split(words, cuts))][:size]
    aliases = [*real.aliases, *([()] * n_new)][:size]
    years = np.concatenate([real.years, rng.integers(1900, 2024, size=n_new)])[:size]
    counts = np.concatenate([real.rating_count, rng.geometric(0.2, size=n_new) - 1])[:size]
    return Catalog(
        movie_ids=np.arange(1, size + 1, dtype=np.int64),
        raw_titles=titles,
        titles=titles,
        years=years.astype(np.int16),
        aliases=aliases,
        genre_names=real.genre_names,
        genres=np.zeros((size, len(real.genre_names)), dtype=bool),
        imdb_ids=np.zeros(size, dtype=np.int64),
        tmdb_ids=np.zeros(size, dtype=np.int64),
        rating_count=np.minimum(counts, 2**31 - 1).astype(np.int32),
        rating_mean=np.zeros(size, dtype=np.float32),
        score=np.zeros(size, dtype=np.float32),
    )


def report(label: str, catalog: Catalog, repeats: int) -> None:
    started = time.perf_counter()
    search = MovieSearch(catalog)
    build = time.perf_counter() - started
    print(f"\n{label}: {len(catalog):,} movies, index built in {build * 1000:.0f} ms")
    print(f"  {'query':<24} {'median ms':>9}  {'max ms':>7}  top result")
    for query in QUERIES:
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            found = search.search(query)
            timings.append((time.perf_counter() - started) * 1000)
        top = catalog.label(found[0]) if found else "-"
        median, worst = statistics.median(timings), max(timings)
        print(f"  {query!r:<24} {median:>9.2f}  {worst:>7.2f}  {top}")


def main() -> None:
    shared = Path(os.environ.get("MOVIEPICK_SHARED_DATA", REPO.parent / "shared" / "data"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(shared / "ml-latest-small"))
    parser.add_argument("--size", type=int, default=87_585)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    catalog = open_dataset(args.data).catalog
    report("ml-latest-small", catalog, args.repeats)
    report("synthetic", synthetic_catalog(catalog, args.size), args.repeats)


if __name__ == "__main__":
    main()
