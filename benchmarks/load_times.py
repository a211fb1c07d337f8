"""Dataset load times, first (parsed) and cached: the real ml-100k and ml-latest-small (folder
and zip), and a synthetic dataset the size of ml-1m in its layout.

    python benchmarks/load_times.py [--data PATH] [--repeats 5]

The shared data comes from --data, else $MOVIEPICK_SHARED_DATA, else ../shared/data. The cache
goes to a temporary folder, so the real one is never touched. pyarrow is imported before timing:
the first-load figures are parsing, not the one-off import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
ML_1M_SIZE = {"ratings": 1_000_209, "users": 6_040, "movies": 3_883, "rated_movies": 3_706}
GENRES = ("Action", "Adventure", "Children's", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi")


def write_synthetic_ml_1m(folder: Path, seed: int = 1) -> Path:
    """An ml-1m layout folder with ml-1m's counts, popularity skewed like real ratings."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_ratings, n_users = ML_1M_SIZE["ratings"], ML_1M_SIZE["users"]
    n_movies, n_rated = ML_1M_SIZE["movies"], ML_1M_SIZE["rated_movies"]
    popularity = 1.0 / np.arange(1, n_rated + 1) ** 0.8
    rated_movies = rng.permutation(np.arange(1, n_movies + 1))[:n_rated]
    users = rng.integers(1, n_users + 1, n_ratings)
    movies = rng.choice(rated_movies, n_ratings, p=popularity / popularity.sum())
    users[:n_users] = np.arange(1, n_users + 1)  # every user and every rated movie appears
    movies[:n_rated] = rated_movies
    table = pa.table(
        {
            "user": users,
            "movie": movies,
            "rating": rng.integers(1, 6, n_ratings),
            "timestamp": rng.integers(956_703_932, 1_046_454_590, n_ratings),
        }
    )
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False, delimiter="\t"))
    (folder / "ratings.dat").write_bytes(sink.getvalue().to_pybytes().replace(b"\t", b"::"))
    lines = []
    for movie_id in range(1, n_movies + 1):
        title = f"Misérables {movie_id}, Les" if movie_id % 10 == 0 else f"Movie {movie_id}"
        genres = "|".join(rng.choice(GENRES, size=rng.integers(1, 4), replace=False))
        lines.append(f"{movie_id}::{title} ({1919 + movie_id % 82})::{genres}\n")
    (folder / "movies.dat").write_bytes("".join(lines).encode("latin-1"))
    return folder


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("MOVIEPICK_SHARED_DATA", str(REPO.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--repeats", type=int, default=5, help="cached loads to take the median of")
    arguments = parser.parse_args()

    import pyarrow.csv  # noqa: F401  (imported once here, so no figure below includes it)

    with tempfile.TemporaryDirectory(prefix="moviepick-bench-") as scratch:
        os.environ["MOVIEPICK_CACHE_DIR"] = str(Path(scratch) / "cache")
        from moviepick.data.loader import load_dataset

        sources = {
            name: arguments.data / name
            for name in ("ml-100k", "ml-latest-small", "ml-latest-small.zip")
            if (arguments.data / name).exists()
        }
        synthetic = write_synthetic_ml_1m(Path(scratch) / "ml-1m")
        sources["synthetic ml-1m"] = synthetic

        print(f"{'dataset':<22}{'ratings':>11}{'first s':>10}{'cached s':>10}")
        for label, source in sources.items():
            first = timed(lambda source=source: load_dataset(source))
            cached = statistics.median(
                timed(lambda source=source: load_dataset(source)) for _ in range(arguments.repeats)
            )
            n_ratings = len(load_dataset(source).interactions)
            print(f"{label:<22}{n_ratings:>11,}{first:>10.3f}{cached:>10.3f}")
        if len(sources) == 1:
            print(f"(no shared data at {arguments.data}; pass --data)")


if __name__ == "__main__":
    main()
