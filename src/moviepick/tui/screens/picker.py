"""The main screen: search and rate on the left; recommendations and your ratings on the right.

Loading the dataset, preparing the model and recommending run in thread workers that report
through the messages of :mod:`moviepick.tui.messages`. The core (numpy, scipy, the models) is
imported inside the workers, so the screen paints before any of it loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from moviepick.config import Config
from moviepick.errors import MoviepickError
from moviepick.tui.messages import (
    DatasetLoaded,
    DatasetMissing,
    ModelReady,
    RecommendationsReady,
    TrainProgress,
    error_text,
)
from moviepick.tui.screens.no_dataset import NoDatasetScreen
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
    from moviepick.search import MovieSearch
    from moviepick.session import Picker

PICKS = 20
SEARCH_RESULTS = 100
TAB_TABLES = {"recommendations": "#picks", "my-ratings": "#mine"}  # the table of each side tab
FAILURE_TITLES = {  # worker group -> the title of the notification when it fails
    "load": "Could not open the dataset",
    "model": "No model, so no picks",
    "recommend": "Could not recommend",
}


class PickerScreen(Screen[None]):
    # Moving into and out of the search box are priority bindings: the app runs them as it
    # reads the key, before it routes the next one. Keys come in bursts when the event loop
    # lags (while a model trains), and the next key must go where the focus moved: in "↓5"
    # the "5" rates rather than being typed, in "/quiz" the "q" is typed rather than quitting.
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
            id="show-picks",
            tooltip="Show what to watch next",
        ),
        Binding(
            "m",
            "show_tab('my-ratings')",
            "My ratings",
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

    def __init__(self, data: str | None, config: Config) -> None:
        super().__init__()
        self.data = data
        self.config = config
        self.picker: Picker | None = None
        self.finder: MovieSearch | None = None
        self.my_stars: dict[int, float] = {}
        self.model_ready = False

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
        self.query_one("#search", Input).focus()
        self._start_loading(self.data)

    def on_unmount(self) -> None:
        if self.picker is not None:
            self.picker.profile.close()

    def _start_loading(self, data: str | None) -> None:
        self.query_one(TaskProgress).report("Loading the dataset…")
        self._hint("Loading the dataset…")
        self.load(data)

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self, data: str | None) -> None:
        from moviepick.errors import DatasetError
        from moviepick.profile import Profile
        from moviepick.search import MovieSearch
        from moviepick.session import Picker, open_dataset

        try:
            dataset = open_dataset(data, self.config)
        except DatasetError as error:
            self.post_message(DatasetMissing(str(error)))
            return
        picker = Picker(dataset, Profile())
        self.post_message(DatasetLoaded(picker, MovieSearch(dataset.catalog)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="model")
    def prepare_model(self, picker: Picker) -> None:
        worker = get_current_worker()
        model = self.config.model
        info = picker.ensure_model(
            progress=lambda event: self.post_message(TrainProgress(model, event)),
            should_stop=lambda: worker.is_cancelled,
            default=model,
        )
        self.post_message(ModelReady(info))

    @work(thread=True, exclusive=True, exit_on_error=False, group="recommend")
    def recommend(self, picker: Picker) -> None:
        picks = picker.recommend(PICKS)
        if not get_current_worker().is_cancelled:
            self.post_message(RecommendationsReady(picks))

    def on_dataset_missing(self, message: DatasetMissing) -> None:
        self.query_one(TaskProgress).done()
        self.app.push_screen(
            NoDatasetScreen(message.reason, self.config.dataset), self._on_download_done
        )

    def _on_download_done(self, path: Path | None) -> None:
        if path is None:
            self.app.exit()
        else:
            self._start_loading(str(path))

    def on_dataset_loaded(self, message: DatasetLoaded) -> None:
        self.picker, self.finder = message.picker, message.search
        dataset = message.picker.dataset
        self.sub_title = f"{dataset.name} · {len(dataset.catalog):,} movies"
        for table in self.query(MovieTable):
            table.rating_step = dataset.rating_step
        self._reload_ratings()
        self._show_results(self.query_one("#search", Input).value)
        self.query_one(TaskProgress).report("Preparing the model…")
        self._hint("Picks appear once the model is ready.")
        self.prepare_model(message.picker)

    def on_train_progress(self, message: TrainProgress) -> None:
        event = message.event
        figures = "  ".join(f"{name} {value:.4f}" for name, value in event.metrics.items())
        self.query_one(TaskProgress).report(
            f"Training {message.model}: step {event.step}/{event.total}  {figures}".rstrip(),
            progress=event.step,
            total=event.total,
        )

    def on_model_ready(self, message: ModelReady) -> None:
        self.model_ready = True
        self.query_one(TaskProgress).done()
        assert self.picker is not None
        dataset = self.picker.dataset
        self.sub_title = f"{dataset.name} · {len(dataset.catalog):,} movies · {message.info.name}"
        self.recommend(self.picker)

    def on_recommendations_ready(self, message: RecommendationsReady) -> None:
        assert self.picker is not None
        picks = self.query_one("#picks", MovieTable)
        picks.show(self.picker.dataset.catalog, [pick.item for pick in message.picks], {})
        if self.my_stars:
            count = len(self.my_stars)
            self._hint(f"Picked for you from your {count} rating{'s' * (count != 1)}.")
        else:
            self._hint("Popular picks: rate movies you have seen (1-5).")

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._show_results(event.value)

    def on_movie_table_rated(self, message: MovieTable.Rated) -> None:
        if self.picker is None:
            return
        try:
            if message.stars is None:
                self.picker.unrate(message.item)
            else:
                self.picker.rate(message.item, message.stars)
        except MoviepickError as error:
            self.notify(str(error), title="Rating not saved", severity="error", timeout=15)
            return
        self._reload_ratings()
        if self.model_ready:
            self.recommend(self.picker)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        self.query_one(TaskProgress).done()
        if event.worker.group == "model":
            self._hint("No model, so no picks.")
        self.notify(
            error_text(event.worker.error),
            title=FAILURE_TITLES[event.worker.group],
            severity="error",
            timeout=15,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_search = self.focused is self.query_one("#search", Input)
        if action == "leave_search":
            return in_search
        if action == "focus_search":
            return not in_search
        return True

    # set_focus moves the focus at once; widget.focus() would wait for the message queue.
    def action_leave_search(self) -> None:
        self.set_focus(self.query_one("#results", MovieTable))

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_show_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        self.set_focus(self.query_one(TAB_TABLES[pane], MovieTable))

    def _show_results(self, text: str) -> None:
        if self.picker is None or self.finder is None:
            return
        items = self.finder.search(text, SEARCH_RESULTS)
        self.query_one("#results", MovieTable).show(
            self.picker.dataset.catalog, items, self.my_stars, keep_cursor=False
        )

    def _reload_ratings(self) -> None:
        assert self.picker is not None
        rated = self.picker.my_ratings()
        self.my_stars = {entry.item: entry.entry.stars for entry in rated if entry.item is not None}
        self.query_one("#results", MovieTable).update_ratings(self.my_stars)
        mine = self.query_one("#mine", MovieTable)
        mine.show(self.picker.dataset.catalog, list(self.my_stars), self.my_stars)
        tab = self.query_one(TabbedContent).get_tab("my-ratings")
        tab.label = f"My ratings ({len(self.my_stars)})"
        elsewhere = [
            f"{each.entry.title} ({each.entry.year})" if each.entry.year else each.entry.title
            for each in rated
            if each.item is None
        ]
        note = self.query_one("#unmatched", Label)
        note.display = bool(elsewhere)
        note.update(
            f"Kept in your profile, not in {self.picker.dataset.name}: {', '.join(elsewhere)}"
        )

    def _hint(self, text: str) -> None:
        self.query_one("#picks-hint", Label).update(text)
