"""Stats: the dataset's figures, your taste against everyone's, and the active model's map of
the movies."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from moviepick.tui.screens.base import AppScreen


class StatsScreen(AppScreen):
    MODE = "stats"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield Static("Loading the figures…", id="stats-summary")

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "library", self._show_summary)

    def _show_summary(self, _: object) -> None:
        library = self.app.library
        if library is None:
            return
        from moviepick.data.summary import summarize

        summary = summarize(library.dataset)
        self.query_one("#stats-summary", Static).update(
            f"{summary.n_ratings:,} ratings of {summary.n_movies:,} movies"
            f" by {summary.n_users:,} people"
        )
