"""Ratings: every movie you rated, sortable, with the active model's predicted stars beside
yours where the model predicts stars. Change a rating with the digits, remove it with 0.

Ratings whose movie the loaded dataset lacks are kept in the profile and listed under the
table, not hidden.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from moviepick.errors import MoviepickError
from moviepick.tui.screens.base import AppScreen
from moviepick.tui.widgets.movie_table import (
    GENRES,
    PREDICTED,
    TITLE,
    WHEN,
    YEAR,
    YOURS,
    MovieTable,
)

if TYPE_CHECKING:
    import numpy as np

    from moviepick.services.picks import RatedItem

SORTS = ("when", "title", "year", "stars", "predicted")
SORT_LABELS = {
    "when": "newest first",
    "title": "title",
    "year": "year, newest first",
    "stars": "your stars, best first",
    "predicted": "the model's stars, best first",
}


class RatingsScreen(AppScreen):
    MODE = "ratings"
    AUTO_FOCUS = "#mine"

    BINDINGS = [
        Binding(
            "s",
            "next_sort",
            "Sort",
            id="ratings-sort",
            tooltip="Sort by when, title, year, your stars or the model's",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "when"

    def compose_body(self) -> ComposeResult:
        with Vertical(id="ratings-body"):
            yield Label(id="ratings-summary", classes="pane-title")
            yield MovieTable([TITLE, YEAR, YOURS, PREDICTED, WHEN, GENRES], id="mine")
            yield Label(id="unmatched", classes="note")

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "ratings", self._show_ratings)
        self.watch(self.app, "active_model", self._show_ratings, init=False)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show_ratings()

    def action_next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._show_ratings()

    def _predicted(self) -> np.ndarray | None:
        library, active = self.app.library, self.app.active_model
        if library is None or active is None:
            return None
        try:
            return library.picker.predicted_stars(active.model)
        except MoviepickError as error:  # the profile became unreadable, say
            self.notify(str(error), title="No predicted stars", severity="error", timeout=15)
            return None

    def _show_ratings(self, _: object = None) -> None:
        """The table, from the app's ratings; while another screen shows, once this one is
        back (on_screen_resume)."""
        library = self.app.library
        if library is None or not self.is_current:
            return
        rated = [each for each in self.app.ratings if each.item is not None]
        predicted = self._predicted()
        rated.sort(key=lambda each: self._sort_key(each, predicted))
        items = [each.item for each in rated if each.item is not None]
        self.query_one("#mine", MovieTable).show(
            library.dataset.catalog,
            items,
            self.app.my_stars,
            cells=self._cells(rated, items, predicted),
        )
        stars = [each.entry.stars for each in rated]
        mean = f", mean ★{sum(stars) / len(stars):.2f}" if stars else ""
        self.query_one("#ratings-summary", Label).update(
            f"You rated {len(stars)} movie{'s' * (len(stars) != 1)}{mean} · sorted by "
            f"{SORT_LABELS[self.sort]} (s)"
            + ("" if stars else ": rate movies on Discover with 1-5")
        )
        elsewhere = [each.entry for each in self.app.ratings if each.item is None]
        note = self.query_one("#unmatched", Label)
        note.display = bool(elsewhere)
        names = ", ".join(
            f"{entry.title} ({entry.year})" if entry.year else entry.title for entry in elsewhere
        )
        note.update(f"Kept in your profile, not in {library.dataset.name}: {names}")

    @staticmethod
    def _cells(
        rated: list[RatedItem], items: list[int], predicted: np.ndarray | None
    ) -> dict[str, list[str]]:
        cells = {
            "when": [time.strftime("%Y-%m-%d", time.localtime(e.entry.rated_at)) for e in rated]
        }
        if predicted is not None:
            cells["predicted"] = [f"{value:.1f}" for value in predicted[items]]
        return cells

    def _sort_key(self, rated: RatedItem, predicted: np.ndarray | None) -> tuple:
        entry = rated.entry
        if self.sort == "title":
            return (entry.title.casefold(),)
        if self.sort == "year":
            return (-(entry.year or 0), entry.title.casefold())
        if self.sort == "stars":
            return (-entry.stars, -entry.rated_at)
        if self.sort == "predicted" and predicted is not None and rated.item is not None:
            return (-float(predicted[rated.item]), -entry.rated_at)
        return (-entry.rated_at,)
