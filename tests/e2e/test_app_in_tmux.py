"""End to end: the installed ``moviepick`` in a real terminal (a tmux pane), driven by keys and
read from the screen, from the first search to a restart that finds everything kept."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_support import train_tiny_model, write_tiny_movielens

from moviepick import paths
from moviepick.profile import Profile
from moviepick.services.remembered_model import model_to_use

MOVIEPICK = Path(sys.executable).parent / "moviepick"
WIDTH, HEIGHT = 120, 35
PANE = "app:0.0"
TIMEOUT = 20.0
DATASET = "ml-tiny"
FIRST_MODEL, SECOND_MODEL = f"als-{DATASET}", f"ease-{DATASET}"
# Title as the app shows it -> (MovieLens id in the tiny dataset, stars given)
RATINGS = {
    "The Matrix": (1, 5),
    "Alien": (2, 4),
    "Blade Runner": (3, 5),
    "Casablanca": (12, 1),
    "Titanic": (14, 2),
}
SEQUENCE = {"Star Wars": 5, "Gattaca": 7, "Solaris": 6}  # title -> MovieLens id, in order
TABLE_ROW = re.compile(r"^\s*(?P<rank>\d+)\s+(?P<title>\S.*?)\s{2,}(?P<year>\d{4})\b")
SEARCH_PLACEHOLDER = "Search by title, alias or year"
RATED_ROW = re.compile(r"^\s*(?P<title>\S.*?)\s{2,}\d{4}\s+(?P<stars>★+)\s")  # Ratings screen


class Terminal:
    """A tmux server of its own with one pane of WIDTH x HEIGHT; the pane stays after its
    command ends, so the exit status can be read and the command started again."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        # os.environ, not the process's own environment: readline, loaded under pytest, sets
        # COLUMNS=80 and LINES=24 there, and the app would believe them over the pane's size.
        self.environment = {
            name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")
        }

    def tmux(self, *arguments: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *arguments],
            env=self.environment,
            capture_output=True,
            text=True,
            check=check,
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", PANE)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", PANE, "-l", text)

    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", PANE, *keys)

    def exit_status(self) -> int | None:
        """The status the pane's command exited with; None while it runs."""
        fields = "#{pane_dead}:#{pane_dead_status}:#{pid}"
        dead, status, server = self.tmux("display-message", "-p", "-t", PANE, fields).split(":")
        if dead == "1" and not status:
            # Dead but not reaped: a tmux built with libutempter can miss the SIGCHLD of a
            # command that exits while it updates utmp (tmux issue 311); a second one reaps it.
            os.kill(int(server), signal.SIGCHLD)
        return int(status) if status else None

    def wait_for(self, expected: str | Callable[[str], bool], what: str = "") -> str:
        """The screen once it shows ``expected`` (a text, or a test of the whole screen); fails
        with the last screen after TIMEOUT seconds."""
        shows = expected if callable(expected) else lambda screen: expected in screen
        deadline = time.monotonic() + TIMEOUT
        while not shows(screen := self.screen()):
            if time.monotonic() > deadline:
                pytest.fail(f"no {what or repr(expected)} after {TIMEOUT:g} s:\n{screen}")
            time.sleep(0.1)
        return screen

    def wait_for_exit(self) -> int:
        deadline = time.monotonic() + TIMEOUT
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                pytest.fail(f"still running {TIMEOUT:g} s after q:\n{self.screen()}")
            time.sleep(0.1)
        return status


@pytest.fixture
def tmux_installed() -> None:
    """Skips without tmux, except in CI, where .ci/run installs it."""
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing: .ci/run installs it")
        pytest.skip("tmux is not installed")


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """The tiny dataset, with both models trained into the home, so the app trains nothing."""
    folder = write_tiny_movielens(tmp_path / DATASET)
    for model in ("als", "ease"):
        train_tiny_model(folder, paths.models_dir(), model)
    return folder


@contextlib.contextmanager
def app_in_tmux(tmp_path: Path, home: Path, data: Path) -> Iterator[Terminal]:
    """``moviepick --data <data>`` with ``home`` as its MOVIEPICK_HOME, running in a detached
    tmux session of its own."""
    assert MOVIEPICK.is_file(), f"the console script is not installed at {MOVIEPICK}"
    config = tmp_path / "tmux.conf"
    config.write_text("set -g remain-on-exit on\nset -g status off\n", encoding="utf-8")
    terminal = Terminal(f"moviepick-e2e-{uuid.uuid4().hex[:12]}")
    try:
        terminal.tmux(
            "-f", str(config),
            "new-session", "-d", "-s", "app", "-x", str(WIDTH), "-y", str(HEIGHT),
            "-e", f"MOVIEPICK_HOME={home}",
            str(MOVIEPICK), "--data", str(data),
        )  # fmt: skip
        socket = Path(terminal.tmux("display-message", "-p", "#{socket_path}").strip())
        yield terminal
    finally:
        terminal.tmux("kill-server", check=False)
    socket.unlink(missing_ok=True)  # the killed server leaves it


@pytest.fixture
def terminal(
    tmux_installed: None, tmp_path: Path, moviepick_home: Path, tiny_data: Path
) -> Iterator[Terminal]:
    """``moviepick --data <tiny dataset>`` running in a detached tmux session."""
    with app_in_tmux(tmp_path, moviepick_home, tiny_data) as terminal:
        yield terminal


def header(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


def table_rows(screen: str) -> list[tuple[int, str]]:
    """(rank, title) of every numbered row on the screen, top to bottom."""
    rows = (TABLE_ROW.match(line) for line in screen.splitlines())
    return [(int(row["rank"]), row["title"]) for row in rows if row]


def pick_rows(screen: str) -> list[str]:
    """The rows of the Picks table as shown, scores included."""
    return [line for line in screen.splitlines() if TABLE_ROW.match(line)]


def first_result(screen: str) -> str:
    """The first row under the results' column titles on Discover ("" where there is none)."""
    lines = [*screen.splitlines(), ""]
    titles = (n for n, line in enumerate(lines) if re.match(r"^\s*Title\s+Year\s", line))
    return lines[next(titles, -2) + 1]


def shows_first_result(title: str, ending: str) -> Callable[[str], bool]:
    def shows(screen: str) -> bool:
        row = first_result(screen).strip()
        return row.startswith(f"{title} ") and row.endswith(ending)

    return shows


def search_and_press(terminal: Terminal, query: str, key: str) -> None:
    """Type ``query`` in the search box (focused and empty), go down to its results and press
    ``key`` on the first."""
    terminal.type(query)
    terminal.press("Down", key)


def back_to_empty_search(terminal: Terminal) -> None:
    terminal.press("/", "C-u")
    terminal.wait_for(SEARCH_PLACEHOLDER, "the search box emptied")


def run_command(terminal: Terminal, command: str) -> None:
    """Run ``command`` from the command palette (ctrl+p), once the palette offers it first."""
    terminal.press("C-p")
    terminal.wait_for("🔎", "command palette")
    terminal.type(command.lower())

    def offered_first(screen: str) -> bool:
        _, _, below_search = screen.partition("🔎")
        options = [line.strip() for line in below_search.splitlines()[1:] if line.strip()]
        return bool(options) and options[0] == command

    terminal.wait_for(offered_first, f"{command!r} first in the command palette")
    terminal.press("Enter")


def go_to(terminal: Terminal, screen_title: str) -> None:
    run_command(terminal, f"Go to {screen_title}")
    terminal.wait_for(f"moviepick · {screen_title} ", f"the {screen_title} screen")


def go_by_key(terminal: Terminal, number: int, screen_title: str) -> None:
    """alt+number, as the terminal sends it (ESC and the digit), from wherever the focus is."""
    terminal.press(f"M-{number}")
    terminal.wait_for(f"moviepick · {screen_title} ", f"the {screen_title} screen by alt+{number}")


def test_rate_sequence_switch_model_and_restart(terminal: Terminal, tiny_data: Path) -> None:
    terminal.wait_for(
        lambda screen: (
            "moviepick · Discover" in header(screen) and f"model {FIRST_MODEL}" in header(screen)
        ),
        f"Discover with {FIRST_MODEL} ready",
    )

    for title, (_, stars) in RATINGS.items():
        search_and_press(terminal, title.lower(), str(stars))
        terminal.wait_for(shows_first_result(title, " " + "★" * stars), f"{title} rated {stars}")
        back_to_empty_search(terminal)

    for title in SEQUENCE:
        search_and_press(terminal, title.lower(), "a")
        terminal.wait_for(shows_first_result(title, "✓"), f"{title} marked watched")
        back_to_empty_search(terminal)

    go_to(terminal, "Picks")
    picks = terminal.wait_for(lambda screen: table_rows(screen), "picks")
    assert f"model {FIRST_MODEL}" in header(picks)
    picked = {title for _, title in table_rows(picks)}
    first_picks = pick_rows(picks)
    assert not picked & {*RATINGS, *SEQUENCE}, "rated and watched movies are hidden by default"

    run_command(terminal, f"Use model {SECOND_MODEL}")
    # The table refills once the new model has recommended; its scores differ from the first's.
    picks = terminal.wait_for(
        lambda screen: (
            f"model {SECOND_MODEL}" in header(screen)
            and "ease · trained" in screen
            and pick_rows(screen) != first_picks
        ),
        f"picks by {SECOND_MODEL}",
    )

    terminal.press("C-Home")  # the first pick: the cursor followed its movie to another row
    top = next(title for rank, title in table_rows(picks) if rank == 1)
    terminal.press("Enter")
    terminal.wait_for(
        lambda screen: f" {top} (" in screen and f"Most like it, by {SECOND_MODEL}:" in screen,
        f"the page of {top}",
    )
    terminal.press("Escape")
    terminal.wait_for(lambda screen: "Most like it" not in screen, "the movie page closed")
    terminal.press("q")
    assert terminal.wait_for_exit() == 0

    terminal.tmux("respawn-pane", "-t", PANE)  # the same command again
    terminal.wait_for(
        lambda screen: (
            "moviepick · Discover" in header(screen) and f"model {SECOND_MODEL}" in header(screen)
        ),
        f"Discover with {SECOND_MODEL}, the model chosen before the restart",
    )

    go_by_key(terminal, 3, "Ratings")  # from the search box, which has the focus
    ratings = terminal.wait_for("You rated 5 movies", "the five ratings")
    rows = (RATED_ROW.match(line) for line in ratings.splitlines())
    shown = {row["title"]: len(row["stars"]) for row in rows if row}
    assert shown == {title: stars for title, (_, stars) in RATINGS.items()}, ratings

    go_by_key(terminal, 2, "Sequence")
    sequence = terminal.wait_for("Your watch sequence: 3 entries", "the three entries")
    assert table_rows(sequence) == list(enumerate(SEQUENCE, start=1)), sequence

    go_by_key(terminal, 4, "Picks")
    picks = terminal.wait_for("ease · trained", f"picks by {SECOND_MODEL}")
    assert f"model {SECOND_MODEL}" in header(picks)

    terminal.press("q")
    assert terminal.wait_for_exit() == 0

    with Profile(paths.profile_path()) as profile:
        assert {r.movie_id: r.stars for r in profile.ratings()} == {
            movie_id: float(stars) for movie_id, stars in RATINGS.values()
        }
        assert [entry.movie_id for entry in profile.sequence()] == list(SEQUENCE.values())
    assert model_to_use(DATASET, "als") == SECOND_MODEL
    saved = sorted(path.name for path in paths.models_dir().iterdir())
    assert saved == [FIRST_MODEL, SECOND_MODEL], "the app trained nothing"


ML_100K_FIRST = "popularity-ml-100k"  # trained into the home before the app starts
ML_100K_EASE = "ease-ml-100k"
RATED_IN_100K = ("Star Wars", 50, 5)  # title as shown, MovieLens id, stars
LAB_TABLE_TITLES = re.compile(r"^\s*Name\s+Type\s")


@pytest.fixture
def terminal_100k(
    tmux_installed: None, tmp_path: Path, moviepick_home: Path, shared_data: Path
) -> Iterator[Terminal]:
    """``moviepick --data ml-100k`` (the shared data) with only a popularity model saved, so
    the first start trains nothing and the Lab offers ease untrained."""
    from moviepick.data.loader import load_dataset
    from moviepick.services.saved_models import train_and_save
    from moviepick.store import ModelStore

    data = shared_data / "ml-100k"
    _, info = train_and_save(load_dataset(data), "popularity", store=ModelStore(paths.models_dir()))
    assert info.name == ML_100K_FIRST
    with app_in_tmux(tmp_path, moviepick_home, data) as terminal:
        yield terminal


def lab_rows(screen: str) -> list[str]:
    """The Models table's rows on the Lab screen, top to bottom, as shown (none while another
    tab shows)."""
    lines = screen.splitlines()
    titles = (n for n, line in enumerate(lines) if LAB_TABLE_TITLES.match(line))
    start = next(titles, len(lines)) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip() or " saved for " in line:
            break
        rows.append(line)
    return rows


def test_train_in_the_lab_while_rating(terminal_100k: Terminal) -> None:
    terminal = terminal_100k
    terminal.wait_for(
        lambda screen: f"model {ML_100K_FIRST}" in header(screen), f"Discover with {ML_100K_FIRST}"
    )

    go_by_key(terminal, 5, "Lab")
    models = terminal.wait_for(lambda screen: "(ease)" in screen, "the untrained ease row")
    rows = lab_rows(models)
    assert ML_100K_FIRST in rows[0], "saved models come first, the cursor on the first"
    ease_row = next(n for n, row in enumerate(rows) if "(ease)" in row)
    terminal.press(*["Down"] * ease_row, "t")
    terminal.wait_for(
        lambda screen: "max items" in screen and "save as" in screen, "the training form of ease"
    )
    terminal.press("C-s")
    terminal.wait_for("train ease", "the ease training in the queue line")

    go_by_key(terminal, 1, "Discover")  # while ease trains (or just after, on a fast machine)
    title, movie_id, stars = RATED_IN_100K
    back_to_empty_search(terminal)
    search_and_press(terminal, title.lower(), str(stars))
    terminal.wait_for(shows_first_result(title, " " + "★" * stars), f"{title} rated {stars}")

    go_by_key(terminal, 3, "Ratings")
    ratings = terminal.wait_for("You rated 1 movie", "the one rating")
    rated = (RATED_ROW.match(line) for line in ratings.splitlines())
    assert {row["title"]: len(row["stars"]) for row in rated if row} == {title: stars}, ratings

    go_by_key(terminal, 5, "Lab")
    lab = terminal.wait_for(
        lambda screen: (
            f"done: train ease · saved {ML_100K_EASE}" in screen
            and f"model {ML_100K_EASE}" in header(screen)
        ),
        f"the lab saying {ML_100K_EASE} is saved and active",
    )
    terminal.press("m")
    lab = terminal.wait_for(
        lambda screen: any("▶" in row and ML_100K_EASE in row for row in lab_rows(screen)),
        f"{ML_100K_EASE} marked ▶ (gives the picks) on the Models tab",
    )
    assert not any("(ease)" in row for row in lab_rows(lab)), "ease is trained now"

    go_by_key(terminal, 4, "Picks")
    picks = terminal.wait_for(
        lambda screen: "ease · trained" in screen and bool(table_rows(screen)),
        f"picks by {ML_100K_EASE}",
    )
    assert f"model {ML_100K_EASE}" in header(picks)
    assert title not in {shown for _, shown in table_rows(picks)}, "a rated movie is hidden"

    terminal.press("q")
    assert terminal.wait_for_exit() == 0
    with Profile(paths.profile_path()) as profile:
        assert {r.movie_id: r.stars for r in profile.ratings()} == {movie_id: float(stars)}
    assert model_to_use("ml-100k", "als") == ML_100K_EASE
    saved = sorted(path.name for path in paths.models_dir().iterdir())
    assert saved == [ML_100K_EASE, ML_100K_FIRST]
