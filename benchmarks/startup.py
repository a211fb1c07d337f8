"""Start-up time of the app against a bare Textual app with the same kinds of widgets.

    python benchmarks/startup.py [--data PATH] [--runs 7] [--model als] [--entry cli]

Every start is a fresh ``python`` process (interpreter start and imports included), run headless
at 120x35. The parent times from spawning it to the moment the child says it painted its first
frame: the first time ``App._display`` gets a frame (the call that writes it to the terminal;
headless it writes nothing), patched the same way in both apps. For the app it also times the
moment it is interactive: the first frame after that showing the Discover screen with its
results table filled (the dataset loaded, search usable). The child exits right after. The
app's first frame is its Discover screen (the dataset loads after it), so the bare app holds
that screen's kinds of widgets: a header, tabs, two text boxes, two selects, a label, a data
table, a progress bar and a footer, with nothing of moviepick imported.

The app runs on --data (default ml-latest-small from the shared data) in a temporary
MOVIEPICK_HOME holding a trained --model (default ``als``, the config's default model, trained
once here with ``moviepick train``), so no training runs while it is timed; ``--model none``
times it with no saved model (it starts training in the background). --entry ``cli`` starts
it as the ``moviepick --data PATH`` command does (``moviepick.cli.main``), ``app`` as
``run_app`` builds it (``MoviepickApp(data, load_config())``). One untimed start of each warms
the catalogue cache, the file cache and the bytecode cache (written to the temporary folder even
where PYTHONDONTWRITEBYTECODE is set, as an installed app has its .pyc files); then the two
alternate, --runs starts each. Prints the median and min of each, the median CPU seconds of the
child at that moment (all its threads: a check on a busy machine), the ratio of the first-paint
medians, the interactive time, the load average and what heavy modules were imported before the
first paint; exits 1 when over target (ratio above 1.3, interactive above 0.5 s, or torch or
pandas imported before the first paint).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ml-latest-small"
SIZE = (120, 35)
RATIO_TARGET = 1.3
INTERACTIVE_TARGET_S = 0.5
NOT_BEFORE_PAINT = ("torch", "pandas")
HEAVY = ("numpy", "scipy", "pandas", "pyarrow", "rapidfuzz", "torch")
START_TIMEOUT_S = 120.0
# Left out of the children's environment: settings that would take precedence over the
# temporary home, and one that would make every start compile its modules again.
LEFT_OUT = (
    "MOVIEPICK_DATA",
    "MOVIEPICK_DATA_DIR",
    "MOVIEPICK_CACHE_DIR",
    "MOVIEPICK_CONFIG_DIR",
    "PYTHONDONTWRITEBYTECODE",
)

# The child's first lines, before anything else is imported: the hook that reports. The times
# are time.perf_counter(), a system-wide monotonic clock, so the parent can compare them with
# its own. ``os.write`` because the app redirects sys.stdout while it runs.
CHILD_HOOK = f"""
import os
import sys
import time

from textual.app import App

HEAVY = {HEAVY!r}
SIZE = {SIZE!r}
show = App._display
painted = False


def say(*words):
    os.write(1, (" ".join(map(str, words)) + "\\n").encode())


def results_filled(app):
    screen = app.screen
    if type(screen).__name__ != "DiscoverScreen":
        return False
    return screen.query_one("#results").row_count > 0


def show_and_report(app, screen, frame):
    global painted
    show(app, screen, frame)
    if frame is None or app._batch_count:
        return  # nothing was shown
    if not painted:
        painted = True
        heavy = (name for name in HEAVY if name in sys.modules)
        say("paint", time.perf_counter(), time.process_time(), *heavy)
        if not WAIT_FOR_RESULTS:
            app.exit()
    elif WAIT_FOR_RESULTS and results_filled(app):
        say("interactive", time.perf_counter(), time.process_time())
        app.exit()


App._display = show_and_report
"""

BARE_CHILD = """
WAIT_FOR_RESULTS = False

from textual.containers import Horizontal, Vertical
from textual.widgets import (
    DataTable, Footer, Header, Input, Label, ProgressBar, Select, Tab, Tabs,
)


class BareApp(App):
    def compose(self):
        yield Header()
        yield Tabs(Tab("Discover"), Tab("Sequence"), Tab("Ratings"), Tab("Picks"))
        with Vertical():
            with Horizontal():
                yield Input(placeholder="Search by title, alias or year")
                yield Select([], prompt="any genre")
                yield Input(placeholder="years")
                yield Select([("best match", "match")], value="match", allow_blank=False)
            yield Label()
            yield DataTable()
        with Horizontal():
            yield Label("Loading the dataset…")
            yield ProgressBar(show_eta=False)
        yield Footer()

    def on_mount(self):
        self.query_one(DataTable).add_columns("title", "year", "genres", "ratings", "mean")


BareApp().run(headless=True, size=SIZE)
"""

# Either way the app is built by moviepick's own code; only App.run is told to run headless.
APP_CHILD = """
WAIT_FOR_RESULTS = True

from functools import partialmethod

App.run = partialmethod(App.run, headless=True, size=SIZE)
data = sys.argv[2]
if sys.argv[1] == "cli":
    from moviepick.cli import main

    main(["--data", data])
else:
    from moviepick.tui.app import run_app

    run_app(data)
"""


@dataclass
class Start:
    paint_s: float
    paint_cpu_s: float
    interactive_s: float | None
    interactive_cpu_s: float | None
    heavy: list[str]


@dataclass
class Series:
    label: str
    starts: list[Start] = field(default_factory=list)

    def paint_median(self) -> float:
        return statistics.median(start.paint_s for start in self.starts)

    def interactive_median(self) -> float:
        return statistics.median(start.interactive_s or 0.0 for start in self.starts)

    def line(self) -> str:
        def figures(wall: list[float], cpu: list[float]) -> str:
            return f"{statistics.median(wall):>9.3f}{min(wall):>7.3f}{statistics.median(cpu):>7.3f}"

        text = self.label.ljust(22) + figures(
            [start.paint_s for start in self.starts], [start.paint_cpu_s for start in self.starts]
        )
        if self.starts[0].interactive_s is not None:
            text += "  " + figures(
                [start.interactive_s or 0.0 for start in self.starts],
                [start.interactive_cpu_s or 0.0 for start in self.starts],
            )
        return text


def start_once(
    program: str, arguments: list[str], env: dict[str, str], interactive: bool = False
) -> Start:
    """Spawn ``python -c program``; the times it reports, measured from the spawn (``interactive``:
    it must report that moment too)."""
    spawned = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", program, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        output, errors = child.communicate(timeout=START_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        output, errors = child.communicate()
    reports = {line.split()[0]: line.split()[1:] for line in output.splitlines() if line.strip()}
    if "paint" not in reports:
        raise SystemExit(f"the child never painted (exit {child.returncode}):\n{errors[-3000:]}")
    if interactive and "interactive" not in reports:
        raise SystemExit(
            f"the app never showed results (exit {child.returncode}):\n{errors[-3000:]}"
        )
    paint_at, paint_cpu, *heavy = reports["paint"]
    interactive_at, interactive_cpu = reports["interactive"] if interactive else (None, None)
    return Start(
        paint_s=float(paint_at) - spawned,
        paint_cpu_s=float(paint_cpu),
        interactive_s=float(interactive_at) - spawned if interactive_at else None,
        interactive_cpu_s=float(interactive_cpu) if interactive_cpu else None,
        heavy=heavy,
    )


def prepare_home(home: Path, data: Path, model: str) -> dict[str, str]:
    """The environment of every child: moviepick's files in ``home``, ``model`` trained."""
    env = {name: value for name, value in os.environ.items() if name not in LEFT_OUT}
    env["MOVIEPICK_HOME"] = str(home)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")  # written by the warm-up starts
    if model != "none":
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "moviepick", "train", model, "--data", str(data), "--json"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"trained {model} in the temporary home ({time.perf_counter() - started:.1f} s)")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=7, help="timed starts of each app")
    parser.add_argument(
        "--model", default="als", help="the model saved before the app starts, or none"
    )
    parser.add_argument(
        "--entry",
        choices=("cli", "app"),
        default="cli",
        help="start the app as `moviepick --data PATH` does (cli) or as run_app (app)",
    )
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"no dataset at {args.data}; pass --data")

    with tempfile.TemporaryDirectory(prefix="moviepick-startup-") as scratch:
        env = prepare_home(Path(scratch), args.data, args.model)
        bare_program = CHILD_HOOK + BARE_CHILD
        app_program = CHILD_HOOK + APP_CHILD
        app_arguments = [args.entry, str(args.data)]
        start_once(bare_program, [], env)  # warm-ups: the catalogue cache, the file cache
        start_once(app_program, app_arguments, env, interactive=True)
        bare = Series("bare Textual app")
        app = Series(f"moviepick ({args.entry})")
        for _ in range(args.runs):
            bare.starts.append(start_once(bare_program, [], env))
            app.starts.append(start_once(app_program, app_arguments, env, interactive=True))
        load = os.getloadavg() if hasattr(os, "getloadavg") else None

    saved = f"{args.model} saved" if args.model != "none" else "no saved model"
    print(f"\n{args.data.name}, {saved}, {args.runs} starts each, {SIZE[0]}x{SIZE[1]}, headless")
    print(
        f"{'seconds':<22}{'paint':>9}{'min':>7}{'cpu':>7}  {'interactive':>9}{'min':>7}{'cpu':>7}"
    )
    print(bare.line())
    print(app.line())
    ratio = app.paint_median() / bare.paint_median()
    interactive = app.interactive_median()
    before_paint = sorted({name for start in app.starts for name in start.heavy})
    print(f"first paint ratio {ratio:.2f} (target <= {RATIO_TARGET})")
    print(f"interactive {interactive:.3f} s (target <= {INTERACTIVE_TARGET_S} s)")
    print(
        "imported before the first paint:", ", ".join(before_paint) or "none of " + ", ".join(HEAVY)
    )
    if load:
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    over = [
        *([f"ratio {ratio:.2f}"] if ratio > RATIO_TARGET else []),
        *([f"interactive {interactive:.3f} s"] if interactive > INTERACTIVE_TARGET_S else []),
        *(f"{name} before the first paint" for name in NOT_BEFORE_PAINT if name in before_paint),
    ]
    if over:
        print(f"over target: {'; '.join(over)}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
