"""The main screen: search and rate on the left; recommendations and your ratings on the right.

The screen holds no state of its own: it shows the app's (the dataset, the ratings, the picks,
the work under way), which it watches, and hands ratings to :meth:`MoviepickApp.rate`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, TabbedContent, TabPane

from moviepick.tui.widgets.movie_table import (
    GENRES,
    RANK,
    RATING_COUNT,
    TITLE,
    YEAR,
    YOURS,
    MovieTable,
)
from moviepick.tui.widgets.task_progress import TaskProgress

if TYPE_CHECKING:
    from moviepick.services.picks import Pick, RatedItem
    from moviepick.tui.app import MoviepickApp
    from moviepick.tui.state import ActiveModel, Activity, Library

SEARCH_RESULTS = 100
TAB_TABLES = {"recommendations": "#picks", "my-ratings": "#mine"}  # the table of each side tab


class PickerScreen(Screen[None]):
    app: MoviepickApp

    # Every binding that moves the focus is a priority binding: the app runs it as it reads
    # the key, before it routes the next one. Keys come in bursts when the event loop lags
    # (while a model trains), and the next key must go where the focus moved: in "↓5" the "5"
    # rates rather than being typed, in "/quiz" the "q" is typed rather than quitting, in "m0"
    # the "0" removes a rating in My ratings. In the search box the letters are typed.
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
            "r",
            "show_tab('recommendations')",
            "Picks",
            priority=True,
            id="show-picks",
            tooltip="Show what to watch next",
        ),
        Binding(
            "m",
            "show_tab('my-ratings')",
            "My ratings",
            priority=True,
            id="show-my-ratings",
            tooltip="Show the movies you rated, to change or remove a rating",
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

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="search-pane"):
                yield Input(
                    placeholder="Search by title, alias or year: typos are fine", id="search"
                )
                yield MovieTable([TITLE, YEAR, RATING_COUNT, YOURS], id="results")
            with TabbedContent(id="side"):
                with TabPane("Recommendations", id="recommendations"):
                    yield Label(id="picks-hint")
                    yield MovieTable([RANK, TITLE, YEAR, GENRES], id="picks")
                with TabPane("My ratings", id="my-ratings"):
                    yield Label(id="unmatched")
                    yield MovieTable([TITLE, YEAR, GENRES, YOURS], id="mine")
        yield TaskProgress(id="progress")
        yield Footer()

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.focus()
        # A watcher, not Input.Changed: it runs as the box handles each key, so the results
        # are current once the box has handled its keys (see action_leave_search).
        self.watch(search, "value", self._show_results, init=False)
        self._hint("Loading the dataset…")
        self.watch(self.app, "activity", self._show_activity)
        self.watch(self.app, "library", self._show_library)
        self.watch(self.app, "ratings", self._show_ratings)
        self.watch(self.app, "active_model", self._show_model)
        self.watch(self.app, "model_failed", self._show_model_failure)
        self.watch(self.app, "picks", self._show_picks)

    def _show_activity(self, activity: Activity | None) -> None:
        progress = self.query_one(TaskProgress)
        if activity is None:
            progress.done()
        else:
            progress.report(activity.label, activity.progress, activity.total)

    def _show_library(self, library: Library | None) -> None:
        if library is None:
            return
        dataset = library.dataset
        self.sub_title = f"{dataset.name} · {len(dataset.catalog):,} movies"
        for table in self.query(MovieTable):
            table.rating_step = dataset.rating_step
        self._show_results(self.query_one("#search", Input).value)
        self._hint("Picks appear once the model is ready.")

    def _show_model(self, active: ActiveModel | None) -> None:
        if active is None or self.app.library is None:
            return
        dataset = self.app.library.dataset
        self.sub_title = f"{dataset.name} · {len(dataset.catalog):,} movies · {active.info.name}"

    def _show_model_failure(self, failed: bool) -> None:
        if failed:
            self._hint("No model, so no picks.")

    def _show_picks(self, picks: tuple[Pick, ...] | None) -> None:
        if picks is None or self.app.library is None:
            return
        table = self.query_one("#picks", MovieTable)
        table.show(self.app.library.dataset.catalog, [pick.item for pick in picks], {})
        count = len(self.app.my_stars)
        if count:
            self._hint(f"Picked for you from your {count} rating{'s' * (count != 1)}.")
        else:
            self._hint("Popular picks: rate movies you have seen (1-5).")

    def _show_ratings(self, rated: tuple[RatedItem, ...]) -> None:
        library = self.app.library
        if library is None:
            return
        my_stars = self.app.my_stars
        self.query_one("#results", MovieTable).update_ratings(my_stars)
        mine = self.query_one("#mine", MovieTable)
        mine.show(library.dataset.catalog, list(my_stars), my_stars)
        tab = self.query_one(TabbedContent).get_tab("my-ratings")
        tab.label = f"My ratings ({len(my_stars)})"
        elsewhere = [
            f"{each.entry.title} ({each.entry.year})" if each.entry.year else each.entry.title
            for each in rated
            if each.item is None
        ]
        note = self.query_one("#unmatched", Label)
        note.display = bool(elsewhere)
        note.update(f"Kept in your profile, not in {library.dataset.name}: {', '.join(elsewhere)}")

    def on_movie_table_rated(self, message: MovieTable.Rated) -> None:
        self.app.rate(message.item, message.stars)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_search = self.focused is self.query_one("#search", Input)
        if action == "leave_search":
            return in_search
        if action in ("focus_search", "show_tab"):
            return not in_search
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

    def action_show_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        self.set_focus(self.query_one(TAB_TABLES[pane], MovieTable))

    def _show_results(self, text: str) -> None:
        library = self.app.library
        if library is None:
            return
        items = library.search.search(text, SEARCH_RESULTS)
        self.query_one("#results", MovieTable).show(
            library.dataset.catalog, items, self.app.my_stars, keep_cursor=False
        )

    def _hint(self, text: str) -> None:
        self.query_one("#picks-hint", Label).update(text)
