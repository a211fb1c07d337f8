"""How long ALS training in a worker thread stalls the main thread (the TUI's event loop).

    python benchmarks/als_gil_stall.py [--data PATH] [--repeats 3] [--reg R]

Fits ALS on ml-latest-small in a thread, as the TUI does, while the main thread runs a
``time.sleep(0.005)`` loop. A loop turn that takes longer than the sleep was stalled: by a call
that holds the GIL, by the interpreter's switch interval (5 ms), or by the shared machine's
scheduler. Printed per run: the worst stall, the total stall, the number of stalls over 50 ms,
and the fit time. The BLAS thread count comes from the environment (``OPENBLAS_NUM_THREADS``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from moviepick.data.loader import load_dataset
from moviepick.models.als import ALS

REPO = Path(__file__).resolve().parents[1]
TICK = 0.005
LONG_STALL = 0.05


@dataclass(frozen=True)
class Stalls:
    worst: float
    total: float
    long: int  # stalls over LONG_STALL
    fit_seconds: float


def watch(work: threading.Thread) -> list[float]:
    """Start ``work`` and return, for each sleep of the main thread, how late it woke."""
    lateness = []
    work.start()
    while work.is_alive():
        started = time.perf_counter()
        time.sleep(TICK)
        lateness.append(max(0.0, time.perf_counter() - started - TICK))
    work.join()
    return lateness


def fit_in_thread(data: Path, reg: float | None) -> Stalls:
    dataset = load_dataset(data / "ml-latest-small")
    model = ALS(reg=reg)
    model.prepare(dataset.catalog)
    timing: list[float] = []

    def fit() -> None:
        started = time.perf_counter()
        model.fit(dataset.interactions)
        timing.append(time.perf_counter() - started)

    lateness = watch(threading.Thread(target=fit, name="als-fit"))
    if not timing:
        sys.exit("the fit failed: see the traceback above")
    long = sum(late > LONG_STALL for late in lateness)
    return Stalls(max(lateness, default=0.0), sum(lateness), long, timing[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("MOVIEPICK_SHARED_DATA", str(REPO.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--repeats", type=int, default=3, help="fits to watch")
    parser.add_argument("--reg", type=float, default=None, help="fixed reg (default: chosen)")
    arguments = parser.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(
        f"ALS fit on ml-latest-small in a thread, main thread sleeping {TICK * 1000:.0f} ms a"
        f" turn; {os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS={threads},"
        f" load average {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="moviepick-bench-") as scratch:
        os.environ["MOVIEPICK_CACHE_DIR"] = str(Path(scratch) / "cache")
        for run in range(1, arguments.repeats + 1):
            stalls = fit_in_thread(arguments.data, arguments.reg)
            print(
                f"  run {run}: worst stall {stalls.worst * 1000:6.1f} ms"
                f"  total {stalls.total:5.2f} s"
                f"  over {LONG_STALL * 1000:.0f} ms: {stalls.long:3d}"
                f"  fit {stalls.fit_seconds:.2f} s"
            )


if __name__ == "__main__":
    main()
