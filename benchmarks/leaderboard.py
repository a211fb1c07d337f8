"""The leaderboard on ml-100k: every registered model under top-n and next-item, and the rating
models under rating-90-10 and the official u1..u5 folds.

    python benchmarks/leaderboard.py [--data PATH] [--models ease als ...] [--protocols ...]

Runs ``moviepick evaluate --retrain`` per protocol, so the tables (best first, with each model's
fit seconds) are the ones the CLI prints. Everything it stores (dataset cache, splits,
leaderboards) goes to a throwaway ``MOVIEPICK_HOME`` unless ``--home`` is given. The BLAS thread
count comes from the environment (``OPENBLAS_NUM_THREADS``) and is printed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROTOCOLS = ("rating-90-10", "ml100k-folds", "top-n", "next-item")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "ml-100k")
    parser.add_argument("--models", nargs="+", help="default: every registered model")
    parser.add_argument("--protocols", nargs="+", choices=PROTOCOLS, default=list(PROTOCOLS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--home", type=Path, help="MOVIEPICK_HOME to use and keep")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="moviepick-leaderboard-"))
    os.environ["MOVIEPICK_HOME"] = str(home)

    from moviepick.cli import main as moviepick
    from moviepick.evaluation.protocols import supports

    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"data {args.data}; BLAS threads {threads}; CPU cores {os.cpu_count()}; home {home}")
    for protocol in args.protocols:
        selection = (
            [name for name in args.models if supports(name, protocol)] if args.models else ["--all"]
        )
        if not selection:
            print(f"{protocol}: none of the models takes part")
            continue
        started = time.perf_counter()
        code = moviepick(
            [
                "evaluate",
                *selection,
                "--protocol",
                protocol,
                "--data",
                str(args.data),
                "--seed",
                str(args.seed),
                "--retrain",
            ]
        )
        print(f"{protocol}: exit {code}, {time.perf_counter() - started:.1f} s in all\n")


if __name__ == "__main__":
    main()
