"""The moviepick app: ``moviepick`` with no subcommand runs :func:`run_app`.

The app owns the state every screen shares (:mod:`moviepick.tui.state`): the dataset, the
profile and its search index, the models saved for the dataset, a small cache of loaded models,
the active model and the picks. It starts every long job (:mod:`moviepick.tui.jobs`), so
leaving a screen never stops one. Jobs report through the messages of
:mod:`moviepick.tui.messages`; the handlers here assign the state on the event loop, and the
screens watch it. One handler turns every failed job into a notification. The core (numpy,
scipy, the models) is imported inside the jobs, so the app paints first.

Screens are Textual modes (Discover, Sequence, Ratings, Picks, Lab, Stats) reached with
alt+1..6, the tab bar or the command palette. The app opens on Discover, which fills once the
dataset has loaded in the background; with no dataset the app offers to download one.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.worker import Worker, WorkerState

from moviepick.config import Config, load_config
from moviepick.errors import MoviepickError, ProfileError
from moviepick.tui import jobs
from moviepick.tui.collector import CHECK_SECONDS, IdleCollector
from moviepick.tui.commands import ActionCommands, MovieCommands
from moviepick.tui.job_queue import LabJob, metric_figures
from moviepick.tui.lab_control import LabControl
from moviepick.tui.messages import (
    ComparisonReady,
    DatasetDownloaded,
    DatasetLoaded,
    DatasetMissing,
    DownloadProgress,
    LabJobEnded,
    ModelReady,
    NextPicksReady,
    RecommendationsReady,
    TrainProgress,
    error_text,
)
from moviepick.tui.modes import SCREENS, screen_keys
from moviepick.tui.screens.confirm import ConfirmScreen
from moviepick.tui.screens.discover import DiscoverScreen
from moviepick.tui.screens.help import HelpScreen
from moviepick.tui.screens.lab import LabScreen
from moviepick.tui.screens.movie import MovieScreen
from moviepick.tui.screens.no_dataset import NoDatasetScreen
from moviepick.tui.screens.picks import PicksScreen
from moviepick.tui.screens.ratings import RatingsScreen
from moviepick.tui.screens.sequence import SequenceScreen
from moviepick.tui.screens.stats import StatsScreen
from moviepick.tui.state import ActiveModel, Activity, Compared, Download, Library, NextPicks
from moviepick.tui.widgets.movie_table import MovieTable

if TYPE_CHECKING:
    from textual.command import CommandPalette

    from moviepick.models.base import Recommender
    from moviepick.services.leaderboards import Leaderboards
    from moviepick.services.picks import (
        MarkedItem,
        Pick,
        Picker,
        PickFilters,
        RatedItem,
        SequencedItem,
    )
    from moviepick.services.taste_fit import TasteComparison
    from moviepick.store import ModelInfo

T = TypeVar("T")
MODEL_CACHE = 4  # loaded models kept, so switching back to one is instant
FAILURE_TITLES = {  # worker group -> the title of the notification when it fails
    "load": "Could not open the dataset or your profile",
    "model": "No model, so no picks",
    "recommend": "Could not recommend",
    "next": "Could not say what next",
    "compare": "Could not compare",
    "download": "Download failed",
    "saved": "Could not read the saved models",
    "taste": "Could not compare on your taste",
}
FAILURE_TITLE = "Something went wrong"  # a worker of any other group
LOADING = Activity("Loading the dataset…")


def _screen_bindings() -> list[Binding]:
    return [
        Binding(
            screen_keys(number),
            f"go('{mode}')",
            title,
            key_display=f"alt+{number}",
            show=False,
            priority=True,
            id=f"go-{mode}",
            tooltip=f"Go to {title}: {purpose}",
        )
        for number, (mode, title, purpose) in enumerate(SCREENS, start=1)
    ]


class MoviepickApp(LabControl, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "moviepick"
    # Discover, the first screen, is the default screen (get_default_screen), made a mode in
    # on_mount. A screen of MODES is mounted inside the app's start-up batch, whose frames are
    # thrown away: the styles were parsed again and the first frame drawn twice (the first
    # paint came 88 ms after App.run, 62 this way; a bare Textual app's 53).
    DEFAULT_MODE = "discover"
    MODES: ClassVar[dict[str, Any]] = {
        "sequence": SequenceScreen,
        "ratings": RatingsScreen,
        "picks": PicksScreen,
        "lab": LabScreen,
        "stats": StatsScreen,
    }
    COMMANDS = App.COMMANDS | {ActionCommands}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="The keys of this screen"),
        Binding(
            "q", "quit", "Quit", id="quit", tooltip="Leave moviepick; everything is already saved"
        ),
        Binding(
            "ctrl+f",
            "find_movie",
            "Find movie",
            show=False,
            priority=True,
            id="find-movie",
            tooltip="Jump to any movie's page by its title",
        ),
        *_screen_bindings(),
    ]

    library: var[Library | None] = var(None)
    # The profile as matched to the dataset; every reading is news (an empty one too).
    ratings: var[tuple[RatedItem, ...]] = var((), always_update=True)
    sequence: var[tuple[SequencedItem, ...]] = var((), always_update=True)
    watchlist: var[tuple[MarkedItem, ...]] = var((), always_update=True)
    not_interested: var[tuple[MarkedItem, ...]] = var((), always_update=True)
    saved_models: var[tuple[ModelInfo, ...]] = var(())
    active_model: var[ActiveModel | None] = var(None)
    model_failed: var[bool] = var(False)
    pick_filters: var[PickFilters | None] = var(None)  # None: the defaults
    # None until the model has recommended; every answer is news (the hint counts the ratings)
    picks: var[tuple[Pick, ...] | None] = var(None, always_update=True)
    next_picks: var[NextPicks | None] = var(None, always_update=True)
    compared: var[Compared | None] = var(None, always_update=True)
    activity: var[Activity | None] = var(None)
    download: var[Download | None] = var(None)
    # The lab's queue: the jobs to come, the one running and the last few ended, oldest first.
    lab_jobs: var[tuple[LabJob, ...]] = var(())
    leaderboards: var[Leaderboards | None] = var(None)  # None until the lab first reads them
    taste_comparison: var[TasteComparison | None] = var(None)

    def __init__(self, data: str | None = None, config: Config | None = None) -> None:
        super().__init__()
        self.data = data
        self.config = config or Config()
        self._models: OrderedDict[str, tuple[Recommender, ModelInfo]] = OrderedDict()
        self._collector = IdleCollector()

    def get_default_screen(self) -> DiscoverScreen:
        return DiscoverScreen()

    def on_mount(self) -> None:
        self._collector.start()
        self.set_interval(CHECK_SECONDS, self._collector.tick)
        self.add_mode(self.DEFAULT_MODE, DiscoverScreen)  # its stack, the default screen, exists
        self.set_keymap(self.config.keymap)
        unknown = sorted(set(self.config.keymap) - self.binding_ids()) if self.config.keymap else []
        if unknown:
            self.notify(
                f"no such key binding id: {', '.join(unknown)} (the help screen lists the ids)",
                title="keymap in config.toml",
                severity="warning",
                timeout=15,
            )
        self.activity = LOADING  # in the first frame; the load starts once that is painted

    def on_ready(self) -> None:
        """Load the dataset once the first frame is painted: earlier, the load's imports
        would hold the GIL that painting needs (Ready can come before the frame is out)."""
        self.call_after_refresh(self._start_loading, self.data)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._collector.saw_input()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self._collector.stop()
        self.stop_lab()
        if self.library is not None:
            self.library.picker.profile.close()

    @classmethod
    def binding_owners(cls) -> list[type]:
        """The app, its screens and dialogs, and the widgets that have bindings of their own."""
        # The plots import numpy: only a keymap to check brings them in before they show.
        from moviepick.tui.screens.lab_dialogs import EvaluateScreen, RenameScreen
        from moviepick.tui.widgets.leaderboard_view import LeaderboardView
        from moviepick.tui.widgets.plots import MapPlot

        screens = [DiscoverScreen, *cls.MODES.values(), MovieScreen, HelpScreen, ConfirmScreen]
        dialogs = [RenameScreen, EvaluateScreen]
        return [cls, *screens, *dialogs, MovieTable, LeaderboardView, MapPlot]

    @classmethod
    def binding_ids(cls) -> set[str]:
        """The id of every binding of the app, its screens and its widgets."""
        return {
            binding.id
            for owner in cls.binding_owners()
            for klass in owner.__mro__
            for binding in getattr(klass, "BINDINGS", ())
            if isinstance(binding, Binding) and binding.id
        }

    # --- screens, help and palettes -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("go", "find_movie"):
            return self.library is not None
        return True

    async def action_go(self, mode: str) -> None:
        """To the screen of ``mode``; awaited, so a key right after lands on that screen."""
        if self.current_mode != mode:
            await self.switch_mode(mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen.active_bindings))

    def action_find_movie(self) -> None:
        from textual.command import CommandPalette

        if not CommandPalette.is_open(self):
            palette: CommandPalette = CommandPalette(
                providers=[MovieCommands], placeholder="Find a movie by its title…"
            )
            self.push_screen(palette)

    def open_movie(self, item: int) -> None:
        """The movie page of ``item``, over whatever screen is showing; on a movie page, in its
        place (no screens pile up, and keys in a burst stay on the page that shows)."""
        if self.library is None:
            return
        if isinstance(self.screen, MovieScreen):
            self.screen.show_movie(item)
        else:
            self.push_screen(MovieScreen(item))

    # --- the profile ----------------------------------------------------------------------

    @property
    def my_stars(self) -> dict[int, float]:
        """The stars of every rated movie of the dataset, by item."""
        return {rated.item: rated.entry.stars for rated in self.ratings if rated.item is not None}

    def rate(self, item: int, stars: float | None) -> None:
        """Rate ``item`` (None: remove the rating)."""
        if stars is None:
            self._change_profile("Rating not removed", lambda picker: picker.unrate(item))
        else:
            self._change_profile("Rating not saved", lambda picker: picker.rate(item, stars))

    def append_to_sequence(self, item: int) -> bool:
        """Add ``item`` to the watch sequence; whether it was added."""
        entry = self._change_profile("Not added", lambda picker: picker.append_to_sequence(item))
        return entry is not None

    def move_in_sequence(self, entry_id: int, offset: int) -> None:
        self._change_profile("Not moved", lambda picker: picker.move_in_sequence(entry_id, offset))

    def remove_from_sequence(self, entry_id: int) -> None:
        self._change_profile("Not removed", lambda picker: picker.remove_from_sequence(entry_id))

    def action_clear_sequence(self) -> None:
        """Empty the watch sequence, once the person confirms."""
        count = len(self.sequence)
        if not count:
            self.notify("The watch sequence is already empty.")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._change_profile("Not cleared", lambda picker: picker.clear_sequence())

        question = f"Remove all {count} entries from your watch sequence?"
        self.push_screen(ConfirmScreen(question, "Clear"), confirmed)

    def toggle_watchlist(self, item: int) -> None:
        on = self._change_profile("Watchlist not changed", lambda p: p.toggle_watchlist(item))
        if on is not None and self.library is not None:
            title = self.library.dataset.catalog.titles[item]
            self.notify(f"{title} {'on' if on else 'off'} your watchlist", timeout=3)

    def toggle_not_interested(self, item: int) -> None:
        on = self._change_profile("Not changed", lambda p: p.toggle_not_interested(item))
        if on is not None and self.library is not None:
            title = self.library.dataset.catalog.titles[item]
            said = "never picked now" if on else "may be picked again"
            self.notify(f"{title}: {said}", timeout=3)

    def on_movie_table_rated(self, message: MovieTable.Rated) -> None:
        self.rate(message.item, message.stars)

    def on_movie_table_acted(self, message: MovieTable.Acted) -> None:
        if message.verb == "open":
            self.open_movie(message.item)
        elif message.verb == "append":
            if self.append_to_sequence(message.item) and self.library is not None:
                title = self.library.dataset.catalog.titles[message.item]
                self.notify(f"{title} added to your watch sequence", timeout=3)
        elif message.verb == "watchlist":
            self.toggle_watchlist(message.item)
        else:
            self.toggle_not_interested(message.item)

    def _change_profile(self, failure: str, change: Callable[[Picker], T]) -> T | None:
        """Apply ``change`` to the profile (its own transaction), then refresh what shows it;
        its result, or None when it failed (the person is told why)."""
        if self.library is None:
            return None
        try:
            result: T | None = change(self.library.picker)
        except MoviepickError as error:
            self.notify(str(error), title=failure, severity="error", timeout=15)
            result = None
        # After a failure too: a change of several steps (a toggle) may have made some.
        if self._read_profile():
            self._refresh_picks()
        return result

    def _read_profile(self) -> bool:
        """Show the profile as it is now; False, and the app keeps what it showed, when it
        cannot be read (the person is told why)."""
        assert self.library is not None
        picker = self.library.picker
        try:
            ratings, sequence = tuple(picker.my_ratings()), tuple(picker.sequence())
            watchlist, not_interested = tuple(picker.watchlist()), tuple(picker.not_interested())
        except ProfileError as error:
            self.notify(
                str(error), title="Could not read your profile", severity="error", timeout=15
            )
            return False
        self.ratings, self.sequence = ratings, sequence
        self.watchlist, self.not_interested = watchlist, not_interested
        return True

    # --- models and picks -----------------------------------------------------------------

    def use_model(self, name: str) -> None:
        """Take picks from ``name``: a saved model, or a model type, trained if none is saved."""
        if self.library is None:
            return
        cached = self._models.get(name)
        if cached is not None:
            self.post_message(ModelReady(*cached))
            return
        self.activity = Activity(f"Loading {name}…")
        self._run(jobs.prepare_model, self.library.dataset, name, self.config.model, group="model")

    def set_pick_filters(self, filters: PickFilters) -> None:
        self.pick_filters = filters
        self._refresh_picks()

    def ask_what_next(self, name: str) -> None:
        """What to watch after the watch sequence, by the model ``name`` (saved or a type)."""
        if self.library is not None:
            self._run(
                jobs.what_next, self.library.picker, self._models.get(name), name, group="next"
            )

    def compare_with(self, name: str | None) -> None:
        """The active model's picks beside those of ``name``; None ends the comparison."""
        if name is None or self.library is None or self.active_model is None:
            self.compared = None
            return
        self._run(
            jobs.compare,
            self.library.picker,
            self.active_model.model,
            self._models.get(name),
            name,
            self.pick_filters,
            group="compare",
        )

    def model(self, name: str) -> Recommender | None:
        """A loaded model by its saved name, if the cache holds it."""
        cached = self._models.get(name)
        return cached[0] if cached else None

    def _refresh_picks(self) -> None:
        if self.library is None or self.active_model is None:
            return
        picker, active = self.library.picker, self.active_model
        self._run(jobs.recommend, picker, active, self.pick_filters, group="recommend")
        if self.next_picks is not None:
            self.ask_what_next(self.next_picks.model)
        if self.compared is not None:
            self.compare_with(self.compared.model)

    def _remember(self, model: Recommender, info: ModelInfo) -> None:
        self._models[info.name] = (model, info)
        self._models.move_to_end(info.name)
        while len(self._models) > MODEL_CACHE:
            self._models.popitem(last=False)

    # --- jobs -----------------------------------------------------------------------------

    def start_download(self) -> None:
        self.download = None
        self._run(jobs.download_dataset, self.config.dataset, group="download")

    def _start_loading(self, data: str | None) -> None:
        self.activity = LOADING
        self._run(jobs.load_dataset, data, self.config, group="load")

    def _run(self, job: Any, *arguments: Any, group: str) -> Worker[None]:
        """Run ``job(post, should_stop, *arguments)`` in a thread; a newer job of the same
        group cancels the older one."""

        def run() -> None:
            from textual.worker import get_current_worker

            worker = get_current_worker()
            job(self.post_message, lambda: worker.is_cancelled, *arguments)

        return self.run_worker(
            partial(run), thread=True, exclusive=True, exit_on_error=False, group=group
        )

    def on_dataset_missing(self, message: DatasetMissing) -> None:
        self.activity = None
        self.push_screen(NoDatasetScreen(message.reason, self.config.dataset), self._downloaded)

    def _downloaded(self, path: Path | None) -> None:
        if path is None:
            self.exit()
        else:
            self._start_loading(str(path))

    def on_download_progress(self, message: DownloadProgress) -> None:
        self.download = Download(message.done, message.total)

    def on_dataset_downloaded(self, message: DatasetDownloaded) -> None:
        done = self.download or Download()
        self.download = Download(done.done, done.total, installed=message.path)

    def on_dataset_loaded(self, message: DatasetLoaded) -> None:
        # The dataset and its search index live as long as the app: frozen, a full collection
        # never walks them again (it took up to 0.9 s while a training's events came in).
        gc.freeze()
        self.library = Library(message.picker, message.search)
        self.saved_models = tuple(message.saved)
        self._read_profile()
        self.activity = Activity("Preparing the model…")
        # Once Discover has painted its results: loading the model imports the core (scipy,
        # the model's modules) in its thread, which would hold the GIL Discover needs.
        self.call_after_refresh(
            self._run,
            jobs.prepare_model,
            message.picker.dataset,
            None,
            self.config.model,
            group="model",
        )

    def on_train_progress(self, message: TrainProgress) -> None:
        event = message.event
        figures = metric_figures(event)
        self.activity = Activity(
            f"Training {message.model}: step {event.step}/{event.total}  {figures}".rstrip(),
            event.step,
            event.total,
        )

    def on_model_ready(self, message: ModelReady) -> None:
        gc.freeze()  # the loaded model too, for as long as the cache keeps it
        self._remember(message.model, message.info)
        info = message.info
        if info.name in {saved.name for saved in self.saved_models}:  # saved again, say
            self.saved_models = tuple(
                info if saved.name == info.name else saved for saved in self.saved_models
            )
        else:
            self.saved_models = (info, *self.saved_models)
        self.activity = None
        self.model_failed = False
        self.active_model = ActiveModel(message.model, message.info)
        self._refresh_picks()
        self._remember_choice(message.info)

    def _remember_choice(self, info: ModelInfo) -> None:
        from moviepick.services.remembered_model import remember_model

        try:
            remember_model(info.dataset, info.name)
        except OSError as error:
            self.notify(f"cannot keep the choice of model: {error}", severity="warning")

    def on_recommendations_ready(self, message: RecommendationsReady) -> None:
        if self.active_model is not None and message.model == self.active_model.name:
            self.picks = tuple(message.picks)

    def on_next_picks_ready(self, message: NextPicksReady) -> None:
        self._remember(message.model, message.info)
        self.next_picks = NextPicks(message.info.name, tuple(message.picks))

    def on_comparison_ready(self, message: ComparisonReady) -> None:
        self._remember(message.model, message.info)
        self.compared = Compared(message.info.name, message.comparison)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        group = event.worker.group
        self.activity = None
        if group.startswith("lab-"):  # the relay of a lab job broke: the job ends with it
            self.post_message(LabJobEnded(int(group.removeprefix("lab-")), cancelled=False))
        if group == "model":
            self.model_failed = True
        if group == "download":
            done = self.download or Download()
            self.download = Download(done.done, done.total, failed=True)
        self.notify(
            error_text(event.worker.error),
            title=FAILURE_TITLES.get(group, FAILURE_TITLE),
            severity="error",
            timeout=15,
        )


def run_app(data: str | None = None) -> None:
    """Open the full-screen app on ``data`` (a folder, zip or dataset name; None: the default)."""
    app = MoviepickApp(data, load_config())
    # What start-up built (modules, classes, the config) lives as long as the app: frozen, the
    # collector never walks it again. A full collection of it fell before the first frame
    # (15 ms of the first paint's 100).
    gc.freeze()
    app.run()
