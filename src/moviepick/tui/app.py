"""The moviepick app: ``moviepick`` with no subcommand runs :func:`run_app`.

The app owns the state every screen shares (:mod:`moviepick.tui.state`) and the thread workers
that load the dataset, prepare the model, recommend and download. Workers report through the
messages of :mod:`moviepick.tui.messages`; the handlers here assign the state on the event
loop, and the screens watch it. One handler turns every failed worker into a notification. The
core (numpy, scipy, the models) is imported inside the workers, so the app paints first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from moviepick.config import Config, load_config
from moviepick.errors import MoviepickError
from moviepick.tui.messages import (
    DatasetDownloaded,
    DatasetLoaded,
    DatasetMissing,
    DownloadProgress,
    ModelReady,
    RecommendationsReady,
    TrainProgress,
    error_text,
)
from moviepick.tui.screens.help import HelpScreen
from moviepick.tui.screens.no_dataset import NoDatasetScreen
from moviepick.tui.screens.picker import PickerScreen
from moviepick.tui.state import ActiveModel, Activity, Download, Library

if TYPE_CHECKING:
    from moviepick.data.dataset import Dataset
    from moviepick.services.picks import Pick, Picker, RatedItem

PICKS = 20
FAILURE_TITLES = {  # worker group -> the title of the notification when it fails
    "load": "Could not open the dataset",
    "model": "No model, so no picks",
    "recommend": "Could not recommend",
    "download": "Download failed",
}
FAILURE_TITLE = "Something went wrong"  # a worker of any other group


class MoviepickApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "moviepick"
    BINDINGS = [
        Binding(
            "q", "quit", "Quit", id="quit", tooltip="Leave moviepick; ratings are already saved"
        ),
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="All the keys"),
    ]

    library: var[Library | None] = var(None)
    # the profile's ratings matched to the dataset; every reading is news (an empty profile too)
    ratings: var[tuple[RatedItem, ...]] = var((), always_update=True)
    active_model: var[ActiveModel | None] = var(None)
    model_failed: var[bool] = var(False)
    # None until the model has recommended; every answer is news (the hint counts the ratings)
    picks: var[tuple[Pick, ...] | None] = var(None, always_update=True)
    activity: var[Activity | None] = var(None)
    download: var[Download | None] = var(None)

    def __init__(self, data: str | None = None, config: Config | None = None) -> None:
        super().__init__()
        self.data = data
        self.config = config or Config()

    def get_default_screen(self) -> Screen:
        return PickerScreen()

    def on_mount(self) -> None:
        self._start_loading(self.data)

    def on_unmount(self) -> None:
        if self.library is not None:
            self.library.picker.profile.close()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    @property
    def my_stars(self) -> dict[int, float]:
        """The stars of every rated movie of the dataset, by item."""
        return {rated.item: rated.entry.stars for rated in self.ratings if rated.item is not None}

    def rate(self, item: int, stars: float | None) -> None:
        """Rate ``item`` (None: remove the rating), then refresh the ratings and the picks."""
        if self.library is None:
            return
        picker = self.library.picker
        try:
            if stars is None:
                picker.unrate(item)
            else:
                picker.rate(item, stars)
        except MoviepickError as error:
            self.notify(str(error), title="Rating not saved", severity="error", timeout=15)
            return
        self.ratings = tuple(picker.my_ratings())
        if self.active_model is not None:
            self.recommend(picker, self.active_model)

    def start_download(self) -> None:
        self.download = None
        self.download_dataset(self.config.dataset)

    def _start_loading(self, data: str | None) -> None:
        self.activity = Activity("Loading the dataset…")
        self.load_dataset(data)

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_dataset(self, data: str | None) -> None:
        from moviepick.errors import DatasetError
        from moviepick.profile import Profile
        from moviepick.services.datasets import open_dataset
        from moviepick.services.picks import Picker
        from moviepick.services.search import MovieSearch

        try:
            dataset = open_dataset(data, self.config)
        except DatasetError as error:
            self.post_message(DatasetMissing(str(error)))
            return
        picker = Picker(dataset, Profile())
        self.post_message(DatasetLoaded(picker, MovieSearch(dataset.catalog)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="model")
    def prepare_model(self, dataset: Dataset) -> None:
        from moviepick.services.saved_models import load_or_train

        worker = get_current_worker()
        default = self.config.model
        model, info = load_or_train(
            dataset,
            None,
            default,
            progress=lambda event: self.post_message(TrainProgress(default, event)),
            should_stop=lambda: worker.is_cancelled,
        )
        self.post_message(ModelReady(model, info))

    @work(thread=True, exclusive=True, exit_on_error=False, group="recommend")
    def recommend(self, picker: Picker, active: ActiveModel) -> None:
        picks = picker.recommend(active.model, PICKS)
        if not get_current_worker().is_cancelled:
            self.post_message(RecommendationsReady(picks))

    @work(thread=True, exclusive=True, exit_on_error=False, group="download")
    def download_dataset(self, name: str) -> None:
        from moviepick.data.download import download_dataset

        path = download_dataset(
            name, progress=lambda done, total: self.post_message(DownloadProgress(done, total))
        )
        self.post_message(DatasetDownloaded(path))

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
        self.library = Library(message.picker, message.search)
        self.ratings = tuple(message.picker.my_ratings())
        self.activity = Activity("Preparing the model…")
        self.prepare_model(message.picker.dataset)

    def on_train_progress(self, message: TrainProgress) -> None:
        event = message.event
        figures = "  ".join(f"{name} {value:.4f}" for name, value in event.metrics.items())
        self.activity = Activity(
            f"Training {message.model}: step {event.step}/{event.total}  {figures}".rstrip(),
            event.step,
            event.total,
        )

    def on_model_ready(self, message: ModelReady) -> None:
        self.active_model = ActiveModel(message.model, message.info)
        self.activity = None
        if self.library is not None:
            self.recommend(self.library.picker, self.active_model)

    def on_recommendations_ready(self, message: RecommendationsReady) -> None:
        self.picks = tuple(message.picks)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        group = event.worker.group
        self.activity = None
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
    MoviepickApp(data, load_config()).run()
