"""ALS and EASE fit times with one BLAS thread and with all of them, on an idle and a busy machine.

    python benchmarks/blas_threads.py [--data PATH] [--models als ease] [--repeats 3]

Fits each model with its default hyper-parameters on all of ml-latest-small (from the shared
data), ``--repeats`` times per case, with the BLAS threads limited to 1 and to every CPU
(threadpoolctl), first on the machine as it is, then with ``--spinners`` processes (default 1)
each keeping a CPU busy, as other work in the app or on the machine would. Prints the best and
the median of each case, and the load average before it. ``Recommender.blas_threads`` is
chosen from these.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from threadpoolctl import threadpool_limits

from moviepick.data.dataset import Dataset
from moviepick.data.loader import load_dataset
from moviepick.models.registry import create_model

REPO = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def busy_machine(spinners: int) -> Iterator[None]:
    """``spinners`` processes that each keep a CPU busy while the block runs."""
    spinning = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(spinners)
    ]
    try:
        time.sleep(1.0)  # let them start before anything is timed
        yield
    finally:
        for process in spinning:
            process.kill()
            process.wait()


def fit_seconds(model_name: str, dataset: Dataset, threads: int) -> float:
    model = create_model(model_name)
    model.prepare(dataset.catalog)
    with threadpool_limits(limits=threads, user_api="blas"):
        started = time.perf_counter()
        model.fit(dataset.interactions)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("MOVIEPICK_SHARED_DATA", str(REPO.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--models", nargs="+", default=["als", "ease"])
    parser.add_argument("--repeats", type=int, default=3, help="timed fits per case")
    parser.add_argument("--spinners", type=int, default=1, help="busy processes (default 1)")
    arguments = parser.parse_args()
    cpus = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="moviepick-bench-") as scratch:
        os.environ["MOVIEPICK_CACHE_DIR"] = str(Path(scratch) / "cache")
        dataset = load_dataset(arguments.data / "ml-latest-small")
        print(
            f"{dataset.name}: {len(dataset.interactions):,} ratings, {cpus} CPUs, "
            f"best and median of {arguments.repeats} fits"
        )
        for machine, spinners in (("idle", 0), ("busy", arguments.spinners)):
            with busy_machine(spinners):
                for model_name in arguments.models:
                    for threads in (1, cpus):
                        load = os.getloadavg()[0]
                        times = [
                            fit_seconds(model_name, dataset, threads)
                            for _ in range(arguments.repeats)
                        ]
                        print(
                            f"  {machine} ({spinners} spinning, load {load:.2f})  {model_name:<5}"
                            f" {threads} BLAS thread(s): best {min(times):.2f} s"
                            f"  median {statistics.median(times):.2f} s",
                            flush=True,
                        )


if __name__ == "__main__":
    main()
