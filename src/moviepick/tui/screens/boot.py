"""The first screen: the dataset loads in the background, then the app opens Discover (or, with
no dataset, offers to download one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from moviepick.tui.widgets.task_progress import TaskProgress

if TYPE_CHECKING:
    from moviepick.tui.app import MoviepickApp

WELCOME = "moviepick: search, rate, keep what you watched, and pick what to watch next."


class BootScreen(Screen[None]):
    app: MoviepickApp

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            yield Static(WELCOME, id="welcome")
        yield TaskProgress(id="progress")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "activity", self.query_one(TaskProgress).show)
