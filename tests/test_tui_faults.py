"""The app under profile faults: a full disk, a damaged file. Each is a notification; the app
keeps running, shows what the profile really holds, and the next change works."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest
from profile_support import DAMAGED, DISK_FULL, damaged_for_reading, disk_full_at_commit
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState
from tui_support import install_model, my_ratings, tiny_app

from moviepick import paths
from moviepick.profile import Profile
from moviepick.tui.app import MoviepickApp

SIZE = (120, 35)


@pytest.fixture
def data(tiny_trained: tuple[Path, Path], moviepick_home: Path) -> Path:
    folder, model = tiny_trained
    install_model(model)
    return folder


async def settle(pilot: Pilot) -> None:
    """Wait until no worker runs, as tui_support.settle does, where a worker may fail: its
    failure, a notification, is what these tests look at."""
    for _ in range(50):
        for worker in list(pilot.app.workers):
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await pilot.pause()
        running = (WorkerState.PENDING, WorkerState.RUNNING)
        if not [worker for worker in pilot.app.workers if worker.state in running]:
            return
    raise AssertionError("workers did not settle")


def notes(app: MoviepickApp, fragment: str) -> list[tuple[str, str]]:
    """The (title, message) of each notification whose message holds ``fragment``."""
    return [(n.title, n.message) for n in app._notifications if fragment in n.message]


def profile_of(app: MoviepickApp) -> Profile:
    assert app.library is not None
    return app.library.picker.profile


def on_disk() -> tuple[dict[int, float], list[int], set[int]]:
    """The ratings, the sequence and the watchlist as a second connection reads them."""
    with Profile() as profile:
        return (
            {rating.movie_id: rating.stars for rating in profile.ratings()},
            [entry.movie_id for entry in profile.sequence()],
            {mark.movie_id for mark in profile.watchlist()},
        )


def in_app(app: MoviepickApp) -> tuple[dict[int, float], list[int], set[int]]:
    """The same, as the app holds them."""
    return (
        {rated.entry.movie_id: rated.entry.stars for rated in app.ratings},
        [watched.entry.movie_id for watched in app.sequence],
        {marked.entry.movie_id for marked in app.watchlist},
    )


async def find_the_matrix(pilot: Pilot) -> None:
    await pilot.press("alt+1", *"matrx", "down")


async def test_a_full_disk_while_rating_is_a_notification_and_a_later_rating_works(data):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        disk = disk_full_at_commit(profile_of(app))
        await find_the_matrix(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.return_code is None
        [(title, message)] = notes(app, DISK_FULL)
        assert title == "Rating not saved"
        assert message == f"cannot save to profile {paths.profile_path()}: {DISK_FULL}"
        assert my_ratings(pilot) == {}
        disk.broken = False
        await pilot.press("5")
        await settle(pilot)
        assert my_ratings(pilot) == {"The Matrix": 5.0}
        assert in_app(app) == on_disk()


async def test_a_full_disk_keeps_the_sequence_and_watchlist_as_the_profile_holds_them(data):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_the_matrix(pilot)
        await pilot.press("w")  # on the watchlist while the disk has room
        await settle(pilot)
        disk = disk_full_at_commit(profile_of(app))
        await pilot.press("a", "w", "x")
        await settle(pilot)
        assert app.return_code is None
        titles = [title for title, _ in notes(app, DISK_FULL)]
        assert titles == ["Not added", "Watchlist not changed", "Not changed"]
        assert not [n for n in app._notifications if "added to your watch sequence" in n.message]
        assert in_app(app) == on_disk() == ({}, [], {1})
        disk.broken = False
        await pilot.press("a", "w")
        await settle(pilot)
        assert in_app(app) == on_disk() == ({}, [1], set())


async def test_a_profile_that_cannot_be_read_after_a_change_keeps_what_the_app_had(data):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_the_matrix(pilot)
        await pilot.press("4")
        await settle(pilot)
        damaged = damaged_for_reading(profile_of(app))
        await pilot.press("3")  # saved, but the profile cannot be read back
        await settle(pilot)
        assert app.return_code is None
        assert notes(app, DAMAGED)
        assert {title for title, _ in notes(app, DAMAGED)} <= {
            "Could not read your profile",
            "Could not recommend",
        }
        assert my_ratings(pilot) == {"The Matrix": 4.0}
        damaged.broken = False
        await pilot.press("5")
        await settle(pilot)
        assert in_app(app) == on_disk() == ({1: 5.0}, [], set())


async def test_a_recommending_worker_that_meets_a_damaged_profile_is_a_notification(data):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        damaged = damaged_for_reading(profile_of(app))
        app.set_pick_filters(app.pick_filters)  # the picks again, from the profile
        await settle(pilot)
        assert app.return_code is None
        assert (
            "Could not recommend",
            f"cannot read profile {paths.profile_path()}: {DAMAGED}",
        ) in (notes(app, DAMAGED))
        damaged.broken = False
        await find_the_matrix(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert my_ratings(pilot) == {"The Matrix": 5.0}


async def test_a_damaged_profile_at_start_is_a_notification_not_an_exit(data):
    path = paths.profile_path()
    with Profile(path) as profile:
        for movie_id in range(1, 2001):
            profile.set_rating(movie_id, f"Movie {movie_id} " + "x" * 100, 2000, 3.0)
    with path.open("r+b") as file:  # pages of the ratings, past the schema that opening reads
        file.seek(3 * 4096)
        file.write(random.Random(0).randbytes(3 * 4096))
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.return_code is None
        [(title, message)] = notes(app, "cannot open profile")
        assert title == "Could not open the dataset or your profile"
        assert message.endswith(DAMAGED)
        await pilot.press("f1")  # the app still answers
        assert type(app.screen).__name__ == "HelpScreen"


@pytest.mark.parametrize("keys", [("alt+3",), ("enter",)], ids=["ratings", "movie"])
async def test_screens_that_predict_stars_from_a_damaged_profile_say_so(data, keys):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_the_matrix(pilot)
        await pilot.press("4")
        await settle(pilot)
        damaged = damaged_for_reading(profile_of(app))
        await pilot.press(*keys)
        await settle(pilot)
        assert app.return_code is None
        assert ("No predicted stars", f"cannot read profile {paths.profile_path()}: {DAMAGED}") in (
            notes(app, DAMAGED)
        )
        damaged.broken = False
        await pilot.press("escape", "alt+1", "5")
        await settle(pilot)
        assert app.return_code is None
