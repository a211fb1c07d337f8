"""Snapshots of the app's screens (update with ``pytest --snapshot-update`` and look at them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import install_model, settle, tiny_app

SIZE = (120, 35)


async def _steady(pilot: Pilot) -> None:
    await settle(pilot)
    for search in pilot.app.screen.query(Input):
        search.cursor_blink = False


@pytest.fixture
def data(tiny_trained: tuple[Path, Path], moviepick_home: Path) -> Path:
    folder, model = tiny_trained
    install_model(model)
    return folder


def test_search_ratings_and_picks(snap_compare, data: Path):
    async def rate_three(pilot: Pilot) -> None:
        await settle(pilot)
        for query, key in [("matrx", "5"), ("alien", "dollar_sign"), ("titanic", "1")]:
            await pilot.press("slash", "ctrl+a", "ctrl+k", *query, "down", key)
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"the")
        await _steady(pilot)

    assert snap_compare(tiny_app(data), terminal_size=SIZE, run_before=rate_three)


def test_my_ratings_tab(snap_compare, data: Path):
    async def rate_and_open(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*"casab", "down", "4", "escape", "m")
        await _steady(pilot)

    assert snap_compare(tiny_app(data), terminal_size=SIZE, run_before=rate_and_open)


def test_help(snap_compare, data: Path):
    assert snap_compare(tiny_app(data), press=["f1"], terminal_size=SIZE, run_before=_steady)


def test_no_dataset(snap_compare, monkeypatch: pytest.MonkeyPatch):
    # Shown on screen, so it must not depend on the temporary folder; nothing is written there.
    monkeypatch.setenv("MOVIEPICK_DATA_DIR", "/home/you/.local/share/moviepick")
    assert snap_compare(tiny_app(None), terminal_size=SIZE, run_before=_steady)
