"""Discover: fuzzy search of the catalogue, narrowed by genre and years and sorted as asked.

On a row: enter opens the movie page, ``a`` appends it to the watch sequence, the digits rate,
``w`` toggles the watchlist and ``x`` marks it not interesting (see :class:`MovieTable`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select

from moviepick.tui.marks import marks_cells
from moviepick.tui.screens.base import AppScreen
from moviepick.tui.widgets.movie_table import (
    GENRES,
    MARKS,
    MEAN,
    RATING_COUNT,
    TITLE,
    YEAR,
    YOURS,
    MovieTable,
)
from moviepick.tui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from moviepick.services.browse import Browse
    from moviepick.tui.state import Library

SEARCH_RESULTS = 100
SORT_CHOICES = [
    ("best match", "match"),
    ("most rated", "popularity"),
    ("best rated", "rating"),
]


class DiscoverScreen(AppScreen):
    MODE = "discover"
    AUTO_FOCUS = "#search"

    # Every binding that moves the focus is a priority binding: the app runs it as it reads
    # the key, before it routes the next one. Keys come in bursts when the event loop lags
    # (while a model trains), and the next key must go where the focus moved: in "↓5" the "5"
    # rates rather than being typed, in "/quiz" the "q" is typed rather than quitting.
    BINDINGS = [
        Binding(
            "slash",
            "focus_search",
            "Search",
            priority=True,
            id="focus-search",
            tooltip="Back to the search box",
        ),
        Binding(
            "down,enter,escape",
            "leave_search",
            "Results",
            key_display="↓",
            priority=True,
            id="leave-search",
            tooltip="From the search box to its results",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="discover"):
            with Horizontal(id="filters"):
                yield TextBox(
                    placeholder="Search by title, alias or year: typos are fine", id="search"
                )
                yield Select[str]([], prompt="any genre", id="genre", tooltip="Only this genre")
                yield TextBox(
                    placeholder="years",
                    id="years",
                    tooltip="A year range: 1990-1999, 1990- or -1980",
                )
                yield Select[str](
                    SORT_CHOICES, value="match", allow_blank=False, id="sort", tooltip="Order"
                )
            yield Label(id="discover-note")
            yield MovieTable([TITLE, YEAR, GENRES, RATING_COUNT, MEAN, MARKS, YOURS], id="results")

    def on_mount(self) -> None:
        super().on_mount()
        self._shown: tuple[Library, Browse] | None = None  # the results on show: of what
        search = self.query_one("#search", Input)
        # A watcher, not Input.Changed: it runs as the box handles each key, so the results
        # are current once the box has handled its keys (see action_leave_search).
        self.watch(search, "value", self._show_results, init=False)
        self.watch(self.app, "library", self._show_library)
        for state in ("ratings", "sequence", "watchlist", "not_interested"):
            self.watch(self.app, state, self._show_profile, init=False)

    def _show_library(self, library: Library | None) -> None:
        if library is None:
            return
        genres = self.query_one("#genre", Select)
        genres.set_options([(name, name) for name in library.dataset.catalog.genre_names])
        self._show_results()

    def _show_profile(self, _: object = None) -> None:
        """Your stars and marks beside the results, redrawn in place; while another screen
        shows, once this one is back."""
        if self.app.library is None or not self.is_current:
            return
        table = self.query_one("#results", MovieTable)
        table.update_ratings(self.app.my_stars)
        table.update_cells("marks", marks_cells(self.app, table.items))

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show_profile()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_results()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "years":
            self._show_results()

    def _show_results(self, _: str = "") -> None:
        library = self.app.library
        if library is None:
            return
        from moviepick.services.browse import Browse, browse, parse_years

        note = self.query_one("#discover-note", Label)
        try:
            year_from, year_to = parse_years(self.query_one("#years", Input).value)
        except ValueError as error:
            note.update(str(error))
            note.display = True
            return
        genre = self.query_one("#genre", Select).value
        asked = Browse(
            text=self.query_one("#search", Input).value,
            genre=genre if isinstance(genre, str) else None,
            year_from=year_from,
            year_to=year_to,
            sort=self.query_one("#sort", Select).value,  # type: ignore[arg-type]
        )
        if self._shown is not None and self._shown[0] is library and self._shown[1] == asked:
            return  # asked again as it is (a Select settling at mount, say)
        self._shown = (library, asked)
        items = browse(library.search, asked, SEARCH_RESULTS)
        note.display = not items
        note.update("No movie matches: fewer words, another genre or wider years?")
        self.query_one("#results", MovieTable).show(
            library.dataset.catalog,
            items,
            self.app.my_stars,
            cells={"marks": marks_cells(self.app, items)},
            keep_cursor=False,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_search":
            return self.focused is not None and self.focused.id == "search"
        if action == "focus_search":
            return not isinstance(self.focused, Input)
        return True

    # set_focus moves the focus at once; widget.focus() would wait for the message queue.
    async def action_leave_search(self) -> None:
        """To the results, once the search box has handled the keys typed before this one: a
        rating key after it must rate a result of the whole query, not of the part handled."""
        search = self.query_one("#search", Input)
        handled = asyncio.get_running_loop().create_future()
        if search.call_later(handled.set_result, None):
            await handled
        self.set_focus(self.query_one("#results", MovieTable))

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))
