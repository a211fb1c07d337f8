"""How much the Lab's trainings stall the app's event loop: the real app, headless, searching on
Discover while a ``sasrec`` and an ``als`` training run one after another from the Lab.

    python benchmarks/lab_stall.py [--data PATH] [--models sasrec,als] [--seconds N]
                                   [--epochs 3] [--switch-interval S]

The app opens at 120x35 in a temporary MOVIEPICK_HOME (the user's folders stay untouched),
with ``popularity`` as the first-start model so it is ready in a second. Three phases follow:

* first openings: each screen is opened once, so that it is built (composed, styled, drawn the
  first time): that is the time a screen takes to open, reported apart from the stalls of the
  app in use;
* baseline: nothing trains; for ``--seconds`` the benchmark types queries into Discover's
  search box and every other query looks at the Lab for two seconds;
* trainings: each of ``--models`` is queued from the Lab's Models tab (its "(model)" row, t,
  ctrl+s; ``--epochs`` goes into the form's epochs box of the models that have one, so SASRec
  ends in minutes, not hours on two cores), then the same typing runs until every job ended.

Measured all along: a task on the app's loop sleeps 5 ms in a loop, and each wakeup's lateness
is a stall (worst, p99, median, samples; target: worst <= 50 ms). For each key typed into the
search box: the time from posting it (Pilot.press) until the search box's value watcher ran
after Discover's own (the results table refilled), and until the screen had refreshed after
it. A watchdog thread samples every thread's stack while the loop is over 30 ms late, so the
worst stalls come with what the main thread (and the other threads) were doing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from moviepick.config import Config
from moviepick.tui.app import MoviepickApp
from moviepick.tui.job_queue import TrainRequest
from moviepick.tui.modes import SCREENS

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ml-latest-small"
TICK = 0.005  # the probe's sleep
TARGET = 0.050  # the worst stall allowed
SAMPLE_AFTER = 0.030  # the watchdog samples stacks once the loop is this late
LAB_LOOK = 2.0  # seconds on the Lab after every other query
QUERIES = ("star wars", "matrix", "godfather", "amelie", "toy story", "pulp fiction")
RENDERING = frozenset({"render_widget", "render_line", "_render_line", "render_lines", "render"})
TIMEOUT = 60.0  # for the app to load and for a screen to show
OWN_FRAMES = ("moviepick", "textual", "rich", "asyncio", "threading", "torch", "numpy", "scipy")


@dataclass
class Stall:
    lateness: float
    phase: str
    stacks: list[dict[str, list[str]]]  # samples taken while it lasted: thread name -> frames


@dataclass
class Figures:
    """What one phase measured."""

    name: str
    judged: bool = True  # held to TARGET: the app in use, not a screen built the first time
    lateness: list[float] = field(default_factory=list)
    where: list[str] = field(default_factory=list)  # the app's place at each wakeup
    stalls: list[Stall] = field(default_factory=list)  # the wakeups later than SAMPLE_AFTER
    key_handled: list[float] = field(default_factory=list)
    key_painted: list[float] = field(default_factory=list)
    seconds: float = 0.0
    trainings: dict[str, float] = field(default_factory=dict)  # job title -> wall seconds
    collections: list[tuple[int, float]] = field(default_factory=list)  # (generation, s) > 10 ms


class CollectorClock:
    """Times the garbage collector's runs (gc.callbacks): a stall during which the watchdog
    got no sample held the GIL in C, and a full collection of the loaded dataset is one."""

    def __init__(self, figures: Callable[[], Figures]) -> None:
        self.figures = figures
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        took = time.perf_counter() - self.started
        if took > 0.010:
            self.figures().collections.append((info["generation"], took))


class Watchdog(threading.Thread):
    """Samples every thread's stack while the probe has not woken for SAMPLE_AFTER: a stall
    that only a busy main thread explains shows the handler it runs, one caused by another
    thread holding the GIL shows that thread's frames too."""

    def __init__(self) -> None:
        super().__init__(name="stall watchdog", daemon=True)
        self.tick = 0
        self.ticked_at = time.perf_counter()
        self.samples: dict[int, list[dict[str, list[str]]]] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        own = threading.get_ident()
        while not self.stopped.wait(TICK):
            tick, ticked_at = self.tick, self.ticked_at
            if time.perf_counter() - ticked_at < SAMPLE_AFTER:
                continue
            names = {thread.ident: thread.name for thread in threading.enumerate()}
            frames = sys._current_frames()
            sample = {
                names.get(ident, str(ident)): _frames(frame)
                for ident, frame in frames.items()
                if ident != own
            }
            main = frames.get(threading.main_thread().ident or 0)
            if main is not None:
                sample["rendering"] = _rendered(main)
            self.samples.setdefault(tick, []).append(sample)


def _frames(frame: FrameType) -> list[str]:
    """A stack, innermost last, as "file:line function" of the frames worth reading."""
    shown = []
    for entry in traceback.extract_stack(frame):
        parts = Path(entry.filename).parts
        package = next((part for part in reversed(parts) if part in OWN_FRAMES), parts[-1])
        shown.append(f"{package}/{Path(entry.filename).name}:{entry.lineno} {entry.name}")
    return shown


def _rendered(frame: FrameType | None) -> list[str]:
    """The widgets that the main thread's stack renders or lays out, outermost first: the
    stack alone says only that a repaint runs, not of what."""
    widgets = []
    while frame is not None:
        if frame.f_code.co_name in RENDERING:
            widget = frame.f_locals.get("widget", frame.f_locals.get("self"))
            name = type(widget).__name__
            widgets.append(f"{name}#{widget.id}" if getattr(widget, "id", None) else name)
        frame = frame.f_back
    return list(dict.fromkeys(reversed(widgets)))


async def probe(figures: Callable[[], Figures], phase: Callable[[], str], dog: Watchdog) -> None:
    """Sleep TICK in a loop on the app's loop and keep how late each wakeup came."""
    while True:
        dog.ticked_at = asked = time.perf_counter()
        await asyncio.sleep(TICK)
        late = max(0.0, time.perf_counter() - asked - TICK)
        tick, dog.tick = dog.tick, dog.tick + 1
        now = figures()
        place = phase()
        now.lateness.append(late)
        now.where.append(place)
        if late > SAMPLE_AFTER:
            now.stalls.append(Stall(late, place, dog.samples.pop(tick, [])))
        else:
            dog.samples.pop(tick, None)


async def wait_until(pilot: Pilot, shows: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not shows():
        if time.monotonic() > deadline:
            sys.exit(f"no {what} after {TIMEOUT:g} s")
        await pilot.pause(0.05)


class Typist:
    """Types into Discover's search box and times each key: posted -> the box's value watcher
    (registered after Discover's, so the results are in) -> the screen refreshed after it."""

    def __init__(self, pilot: Pilot) -> None:
        self.pilot = pilot
        self.posted = 0.0
        self.figures: Figures | None = None
        self.watched: set[int] = set()
        self.mode = "discover"

    def phase(self) -> str:
        return self.mode

    def _handled(self, _: str) -> None:
        figures, posted = self.figures, self.posted
        if figures is None or not posted:
            return
        figures.key_handled.append(time.perf_counter() - posted)
        self.posted = 0.0
        self.pilot.app.screen.call_after_refresh(
            lambda: figures.key_painted.append(time.perf_counter() - posted)
        )

    async def go(self, key: str, mode: str) -> None:
        if self.pilot.app.current_mode == mode:
            return
        self.mode = f"to {mode}"
        await self.pilot.press(key)
        await wait_until(self.pilot, lambda: self.pilot.app.current_mode == mode, mode)
        await self.pilot.pause()  # the switch's repaint counts as the switch's
        self.mode = mode

    async def open_each_screen(self, figures: Figures) -> None:
        """Open every screen once, the first time, and come back to Discover."""
        started = time.perf_counter()
        keys = [(f"alt+{number}", mode) for number, (mode, _, _) in enumerate(SCREENS, start=1)]
        for key, mode in [*keys[1:], keys[0]]:
            await self.go(key, mode)
            await self.pilot.pause(0.5)
        figures.seconds = time.perf_counter() - started

    async def type_query(self, query: str) -> None:
        await self.go("alt+1", "discover")
        search = self.pilot.app.screen.query_one("#search", Input)
        if id(search) not in self.watched:
            self.watched.add(id(search))
            self.pilot.app.screen.watch(search, "value", self._handled, init=False)
        search.focus()
        for key in (*query.replace(" ", "\0"), "ctrl+u"):
            self.posted = time.perf_counter()
            await self.pilot.press("space" if key == "\0" else key)

    async def run(self, figures: Figures, done: Callable[[], bool]) -> None:
        """Type the queries round and round, looking at the Lab after every other one, until
        ``done()``."""
        self.figures = figures
        started = time.perf_counter()
        for turn, query in enumerate(itertools.cycle(QUERIES)):
            if done():
                break
            await self.type_query(query)
            if turn % 2:
                await self.go("alt+5", "lab")
                look_until = time.perf_counter() + LAB_LOOK
                while time.perf_counter() < look_until and not done():
                    await self.pilot.pause(0.1)
        figures.seconds = time.perf_counter() - started
        self.figures = None


async def queue_training(pilot: Pilot, model: str, epochs: int) -> None:
    """From the Lab's Models tab: down to the "(model)" row, t, the epochs box, ctrl+s."""
    app = pilot.app
    await pilot.press("alt+5")
    await wait_until(pilot, lambda: app.current_mode == "lab", "Lab")
    await pilot.press("m")
    table: DataTable[str] = app.screen.query_one("#lab-models-table", DataTable)
    table.focus()
    await pilot.pause()
    target = table.get_row_index(f"type:{model}")
    steps = target - table.cursor_row
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
    await pilot.press("t")
    await wait_until(pilot, lambda: app.screen.query("#train-params"), f"the form of {model}")
    if app.screen.query("#param-epochs"):
        box = app.screen.query_one("#param-epochs", Input)
        box.focus()
        await pilot.press(*str(epochs))
    queued = len(app.lab_jobs)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: len(app.lab_jobs) > queued, f"the {model} job queued")
    request = app.lab_jobs[-1].request
    assert isinstance(request, TrainRequest) and request.model == model, request
    await pilot.press("escape", "m")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def measure(data: Path, models: list[str], seconds: float, epochs: int) -> list[Figures]:
    app = MoviepickApp(str(data), Config(model="popularity"))
    gc.freeze()  # as run_app does before the app runs: start-up's objects are never walked
    openings, baseline, training = (
        Figures("first openings (screens built)", judged=False),
        Figures("baseline (nothing trains)"),
        Figures(f"training {'+'.join(models)}"),
    )
    current = [openings]
    dog = Watchdog()
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(
            pilot,
            lambda: app.library is not None and app.active_model is not None and app.picks,
            "dataset and first-start model",
        )
        typist = Typist(pilot)
        dog.start()
        clock = CollectorClock(lambda: current[0])
        gc.callbacks.append(clock)
        task = asyncio.create_task(probe(lambda: current[0], typist.phase, dog))
        await typist.open_each_screen(openings)
        current[0] = baseline
        ends = time.perf_counter() + seconds
        await typist.run(baseline, lambda: time.perf_counter() >= ends)

        current[0] = training
        for model in models:
            await queue_training(pilot, model, epochs)
        typist.mode = "lab"
        jobs = [job.id for job in app.lab_jobs]
        await typist.run(training, lambda: all(job.finished for job in app.lab_jobs))
        task.cancel()
        dog.stopped.set()
        gc.callbacks.remove(clock)
        for job in app.lab_jobs:
            if job.id in jobs:
                training.trainings[f"{job.title} ({job.status})"] = job.elapsed(time.monotonic())
    return [openings, baseline, training]


def _ms(value: float) -> str:
    return f"{value * 1000:8.1f}"


LANDMARKS = (  # the frames of Textual that say which handler or render step runs
    "_dispatch_message", "_on_message", "_check_watchers", "invoke_watcher", "_refresh_layout",
    "_compositor_refresh", "_display", "render_widget", "_render", "_on_idle", "switch_mode",
    "_update_styles", "update_styles", "apply", "parse", "_on_timer", "_tick", "run_action",
    "_press_keys", "on_key", "_on_key", "refresh_bindings", "_arrange", "mount",
)  # fmt: skip


# The innermost frames of a thread that waits (for a pipe, a queue, a child), not one that works.
WAITING = frozenset({"_read_stderr", "_read_events", "_worker", "select", "_try_wait", "wait"})


def landmarks(frames: list[str]) -> str:
    """A stack in a line: its moviepick frames and Textual's telling ones, outermost first,
    then the innermost two."""
    telling = [
        frame
        for frame in frames[:-2]
        if frame.startswith("moviepick/") or frame.rsplit(" ", 1)[-1] in LANDMARKS
    ]
    return " > ".join(dict.fromkeys([*telling[-8:], *frames[-2:]]))


def summary(label: str, late: list[float], keys: list[float], painted: list[float]) -> str:
    return (
        f"{label:<30} {len(late):7d} {_ms(max(late, default=0))}"
        f" {_ms(percentile(late, 0.99))} {_ms(statistics.median(late) if late else 0)}"
        f" {sum(x > TARGET for x in late):5d} {len(keys):5d}"
        f" {_ms(statistics.median(keys) if keys else 0)} {_ms(max(keys, default=0))}"
        f" {_ms(max(painted, default=0)):>9}"
    )


def report(results: list[Figures]) -> None:
    print(
        f"\n{'phase (where the app was)':<30} {'samples':>7} {'worst ms':>8} {'p99 ms':>8}"
        f" {'p50 ms':>8} {'>50ms':>5} {'keys':>5} {'key p50':>8} {'key max':>8} {'paint max':>9}"
    )
    for figures in results:
        print(summary(figures.name, figures.lateness, figures.key_handled, figures.key_painted))
        for place in sorted(set(figures.where)):
            late = [x for x, at in zip(figures.lateness, figures.where, strict=True) if at == place]
            print(summary(f"  {place}", late, [], []))
    for figures in results:
        print(f"\n{figures.name}: {figures.seconds:.1f} s")
        for title, wall in figures.trainings.items():
            print(f"  {title}: {wall:.1f} s wall")
        slow = figures.collections
        if slow:
            generation, took = max(slow, key=lambda run: run[1])
            print(
                f"  {len(slow)} collections over 10 ms, the longest {took * 1000:.1f} ms"
                f" (generation {generation})"
            )
        worst = sorted(figures.stalls, key=lambda stall: -stall.lateness)[:6]
        if not figures.judged:
            verdict = "not held to"
        elif max(figures.lateness, default=0) <= TARGET:
            verdict = "meets"
        else:
            verdict = "misses"
        print(f"  {verdict} the {TARGET * 1000:.0f} ms target", end="")
        print("; the worst stalls, with the stacks sampled while they lasted:" if worst else "")
        for stall in worst:
            print(f"  {stall.lateness * 1000:.1f} ms ({stall.phase}):")
            for sample in stall.stacks[:2]:
                rendering = sample.pop("rendering", [])
                if rendering:
                    print(f"    rendering: {' > '.join(rendering)}")
                for thread, frames in sample.items():
                    waits = frames and frames[-1].rsplit(" ", 1)[-1] in WAITING
                    if thread == "MainThread" or not waits:
                        print(f"    [{thread}] {landmarks(frames)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--models", default="sasrec,als", help="trained one after another")
    parser.add_argument("--seconds", type=float, default=20.0, help="of the baseline")
    parser.add_argument("--epochs", type=int, default=3, help="for the models that take it")
    parser.add_argument(
        "--switch-interval", type=float, default=None, help="sys.setswitchinterval (s)"
    )
    arguments = parser.parse_args()
    if arguments.switch_interval is not None:
        sys.setswitchinterval(arguments.switch_interval)
    with tempfile.TemporaryDirectory(prefix="moviepick-lab-stall-") as home:
        os.environ["MOVIEPICK_HOME"] = home
        for variable in ("MOVIEPICK_DATA", "MOVIEPICK_DATA_DIR", "MOVIEPICK_CACHE_DIR"):
            os.environ.pop(variable, None)
        print(
            f"{arguments.data.name}: {arguments.models} from the Lab ({arguments.epochs} epochs"
            f" where asked), {os.cpu_count()} CPUs, switch interval"
            f" {sys.getswitchinterval() * 1000:g} ms, load {os.getloadavg()[0]:.2f}"
        )
        models = [name.strip() for name in arguments.models.split(",") if name.strip()]
        results = asyncio.run(measure(arguments.data, models, arguments.seconds, arguments.epochs))
    report(results)


if __name__ == "__main__":
    main()
