"""Pilot tests of the app on a tiny MovieLens folder: search, rate, recommend, restart, keys."""

from __future__ import annotations

import functools
import hashlib
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Button, Input
from textual.worker import WorkerFailed
from tui_support import (
    SCI_FI,
    install_model,
    my_ratings,
    settle,
    table,
    tiny_app,
    titles,
    write_tiny_movielens,
)

from moviepick import paths
from moviepick.tui.messages import TrainProgress
from moviepick.tui.screens.discover import DiscoverScreen
from moviepick.tui.screens.help import HelpScreen
from moviepick.tui.screens.no_dataset import NoDatasetScreen

SIZE = (120, 35)
SCI_FI_TITLES = {"The Matrix", "Alien", "Blade Runner", "The Terminator", "Star Wars", "Solaris"}
SCI_FI_TITLES |= {"Gattaca", "Seven"}
assert len(SCI_FI_TITLES) == len(SCI_FI)


@pytest.fixture
def data(tiny_trained: tuple[Path, Path], moviepick_home: Path) -> Path:
    folder, model = tiny_trained
    install_model(model)
    return folder


async def test_first_start_trains_the_model_with_progress_and_saves_it(tmp_path: Path):
    data = write_tiny_movielens(tmp_path / "ml-tiny")
    seen: list[TrainProgress] = []

    def hook(message: object) -> None:
        if isinstance(message, TrainProgress):
            seen.append(message)

    async with tiny_app(data).run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        assert seen
        assert seen[-1].event.step == seen[-1].event.total
        assert (paths.models_dir() / "als-ml-tiny" / "config.json").is_file()
        assert "als-ml-tiny" in pilot.app.screen.sub_title
        await pilot.press("alt+4")
        assert len(titles(pilot, "picks")) == 16


async def test_typing_a_query_shows_matching_movies(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"matrx")
        assert titles(pilot, "results")[0] == "The Matrix"
        await pilot.press("ctrl+a", "ctrl+k", *"se7en")
        assert titles(pilot, "results")[0] == "Seven"


async def test_digits_rate_and_shift_digits_give_half_stars(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("alt+1", *"matrx", "down", "5")
        assert my_ratings(pilot) == {"The Matrix": 5.0}
        await pilot.press("dollar_sign")
        assert my_ratings(pilot) == {"The Matrix": 3.5}
        results = table(pilot, "results")
        assert results.get_cell("0", "yours").plain == "★★★½"
        await pilot.press("alt+3")
        assert titles(pilot, "mine") == ["The Matrix"]


async def test_half_stars_are_off_on_a_whole_star_dataset(tmp_path: Path):
    data = write_tiny_movielens(tmp_path / "ml-whole", half_stars=False)
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.library.dataset.rating_step == 1.0
        await pilot.press(*"matrx", "down", "dollar_sign")
        assert my_ratings(pilot) == {}
        await pilot.press("4")
        assert my_ratings(pilot) == {"The Matrix": 4.0}


async def test_zero_and_delete_remove_a_rating_also_from_my_ratings(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"alien", "down", "4", "0")
        assert my_ratings(pilot) == {}
        await pilot.press("4", "alt+3")
        assert table(pilot, "mine").has_focus
        await pilot.press("delete")
        assert my_ratings(pilot) == {}
        assert titles(pilot, "mine") == []


async def test_ratings_of_movies_outside_the_dataset_are_named_in_my_ratings(data: Path):
    from textual.widgets import Label

    from moviepick.profile import Profile

    with Profile() as profile:
        profile.set_rating(999_001, "Zardoz", 1974, 4.5)
        profile.set_rating(999_002, "Untitled", None, 3.0)
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"alien", "down", "4", "alt+3")
        note = pilot.app.screen.query_one("#unmatched", Label)
        assert note.display
        assert str(note.render()) == "Kept in your profile, not in ml-tiny: Untitled, Zardoz (1974)"
        assert my_ratings(pilot) == {"Alien": 4.0}
        with Profile() as profile:
            profile.remove_rating(999_001)
            profile.remove_rating(999_002)
        await pilot.press("0")
        assert not note.display


async def test_recommendations_follow_the_ratings(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("alt+4")
        before = titles(pilot, "picks")
        assert len(before) == 16
        await pilot.press("alt+1")
        for query, key in [("matrx", "5"), ("alien", "5"), ("blade", "5"), ("titanic", "1")]:
            await pilot.press("slash", "ctrl+a", "ctrl+k", *query, "down", key)
        await settle(pilot)
        await pilot.press("alt+4")
        after = titles(pilot, "picks")
        assert after != before
        assert not {"The Matrix", "Alien", "Blade Runner", "Titanic"} & set(after)
        assert set(after[:4]) <= SCI_FI_TITLES


async def test_ratings_and_recommendations_survive_a_restart(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"casablanca", "down", "number_sign")
        await settle(pilot)
        trained = pilot.app.active_model.info
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert my_ratings(pilot) == {"Casablanca": 2.5}
        await pilot.press("alt+3")
        assert titles(pilot, "mine") == ["Casablanca"]
        assert pilot.app.active_model.info == trained
        await pilot.press("alt+4")
        assert "Casablanca" not in titles(pilot, "picks")
        assert len(titles(pilot, "picks")) == 15


async def test_escape_leaves_the_search_box_and_slash_returns(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        search = pilot.app.screen.query_one("#search", Input)
        assert search.has_focus
        await pilot.press("escape")
        assert table(pilot, "results").has_focus
        await pilot.press("slash")
        assert search.has_focus
        assert search.value == ""


async def test_keys_in_a_burst_follow_the_focus(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"matrx")
        # Keys queued together, as when typed during a lag: each acts where the one before
        # moved the focus ("5" rates The Matrix in the results, "0" removes it in Ratings,
        # "q" after "/" is typed, and replaces the selected query).
        bursts = [
            ([("down", None), ("5", "5")], {"The Matrix": 5.0}),
            ([("alt+3", None), ("0", "0")], {}),
            ([("alt+1", None), ("slash", "/"), ("q", "q"), ("u", "u")], {}),
        ]
        for burst, stars in bursts:
            for key, character in burst:
                pilot.app.post_message(events.Key(key, character))
            await pilot.pause()
            assert my_ratings(pilot) == stars
        assert pilot.app.screen.query_one("#search", Input).value == "qu"
        assert pilot.app.return_code is None


async def test_the_search_box_s_own_keys_act_in_the_order_typed(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        search = pilot.app.screen.query_one("#search", Input)
        # Queued at once, as typed while the loop lags: the box's own keys (backspace, ctrl+u,
        # the arrows) must act between the characters around them.
        burst = [*"matrx", "backspace", *"ix", "ctrl+u", *"alien", "home", *"an ", "end", "s"]
        for key in burst:
            pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert search.value == "an aliens"


async def test_a_rating_in_a_burst_rates_a_result_of_the_whole_query(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"matrx")
        # All queued at once, as when typed while the event loop lags: each rating key must
        # act on the results of everything typed before it.
        burst = ["down", "5", "slash", *"se7en", "down", "4"]
        for key in burst:
            character = {"down": None, "slash": "/"}.get(key, key)
            pilot.app.post_message(events.Key(key, character))
        await settle(pilot)
        assert my_ratings(pilot) == {"The Matrix": 5.0, "Seven": 4.0}


async def test_help_opens_and_closes(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("down", "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert not isinstance(pilot.app.screen, HelpScreen)


async def test_q_types_in_the_search_box_and_quits_elsewhere(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"quiz", "question_mark")
        assert pilot.app.screen.query_one("#search", Input).value == "quiz?"
        assert app.return_code is None
        await pilot.press("escape", "q")
        assert app.return_code == 0


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture
def grouplens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local stand-in for GroupLens that serves the tiny folder as ml-latest-small.zip."""
    folder = write_tiny_movielens(tmp_path / "ml-latest-small")
    site = tmp_path / "site"
    site.mkdir()
    archive = site / "ml-latest-small.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in sorted(folder.iterdir()):
            zipped.write(file, f"ml-latest-small/{file.name}")
    digest = hashlib.md5(archive.read_bytes()).hexdigest()
    (site / "ml-latest-small.zip.md5").write_text(f"MD5 (ml-latest-small.zip) = {digest}\n")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("MOVIEPICK_DOWNLOAD_URL", f"http://127.0.0.1:{server.server_port}")
    yield
    server.shutdown()
    server.server_close()


async def test_no_dataset_screen_says_why_and_quits():
    app = tiny_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, NoDatasetScreen)
        assert "no MovieLens dataset found" in str(app.screen.query_one("#reason").render())
        await pilot.click("#quit")
        assert app.return_code == 0


async def test_download_from_the_no_dataset_screen_opens_the_app(grouplens: None):
    app = tiny_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#download")
        await settle(pilot)
        assert isinstance(app.screen, DiscoverScreen)
        await pilot.press(*"matrx")
        assert titles(pilot, "results")[0] == "The Matrix"
        await pilot.press("alt+4")
        assert len(titles(pilot, "picks")) == 16


async def test_a_failed_download_can_be_tried_again(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MOVIEPICK_DOWNLOAD_URL", "http://127.0.0.1:9")
    app = tiny_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#download")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, NoDatasetScreen)
        assert not app.screen.query_one("#download", Button).disabled


async def test_rating_a_pick_keeps_the_cursor_on_its_row(data: Path):
    async with tiny_app(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("alt+4", "down")
        rated = titles(pilot, "picks")[1]
        await pilot.press("4")
        await settle(pilot)
        picks = table(pilot, "picks")
        assert picks.has_focus
        assert picks.cursor_row == 1
        assert rated not in titles(pilot, "picks")


async def test_any_failed_worker_becomes_a_notification(data: Path):
    def broken() -> None:
        raise RuntimeError("a bug in a job")

    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        worker = app.run_worker(broken, thread=True, group="unheard-of", exit_on_error=False)
        with pytest.raises(WorkerFailed):
            await worker.wait()
        await pilot.pause()
        assert app.return_code is None
        [note] = [n for n in app._notifications if "a bug in a job" in n.message]
        assert note.title == "Something went wrong"
        assert note.message == "RuntimeError: a bug in a job"


async def test_a_failed_model_says_so_in_the_picks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from moviepick.errors import ModelError
    from moviepick.services import train_process

    def refuse(*args: object, **kwargs: object) -> None:
        raise ModelError("als cannot fit this")

    monkeypatch.setattr(train_process, "train_in_child", refuse)
    data = write_tiny_movielens(tmp_path / "ml-tiny")
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("alt+4")
        hint = pilot.app.screen.query_one("#model-summary")
        assert str(hint.render()) == "No model, so no picks."
        titles_of = {n.title for n in app._notifications if n.message == "als cannot fit this"}
        assert titles_of == {"No model, so no picks"}
        await pilot.press("alt+1", *"matrx", "down", "5")
        assert my_ratings(pilot) == {"The Matrix": 5.0}
