"""The app's long jobs, each run in a thread worker by :meth:`MoviepickApp._run`.

A job gets ``post`` (the app's ``post_message``) and ``should_stop`` (the worker's
cancellation) and reports only by posting messages: it never assigns the app's state. The core
is imported here, inside the jobs, so the app paints before numpy, scipy and torch load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from moviepick.config import Config
from moviepick.tui.messages import (
    ComparisonReady,
    DatasetDownloaded,
    DatasetLoaded,
    DatasetMissing,
    DownloadProgress,
    ModelReady,
    NextPicksReady,
    RecommendationsReady,
    TrainProgress,
)

if TYPE_CHECKING:
    from moviepick.data.dataset import Dataset
    from moviepick.models.base import Recommender
    from moviepick.services.picks import Picker, PickFilters
    from moviepick.store import ModelInfo
    from moviepick.tui.state import ActiveModel

Post = Callable[[Message], object]
StopCheck = Callable[[], bool]
PICKS = 20


def load_dataset(post: Post, should_stop: StopCheck, data: str | None, config: Config) -> None:
    from moviepick.errors import DatasetError
    from moviepick.profile import Profile
    from moviepick.services.datasets import open_dataset
    from moviepick.services.model_choice import saved_for
    from moviepick.services.picks import Picker
    from moviepick.services.search import MovieSearch

    try:
        dataset = open_dataset(data, config)
    except DatasetError as error:
        post(DatasetMissing(str(error)))
        return
    picker = Picker(dataset, Profile())
    post(DatasetLoaded(picker, MovieSearch(dataset.catalog), saved_for(dataset)))


def _load_or_train(
    post: Post, should_stop: StopCheck, dataset: Dataset, name: str | None, default: str
) -> tuple[Recommender, ModelInfo]:
    from moviepick.services.saved_models import load_or_train

    return load_or_train(
        dataset,
        name,
        default,
        progress=lambda event: post(TrainProgress(name or default, event)),
        should_stop=should_stop,
    )


def prepare_model(
    post: Post, should_stop: StopCheck, dataset: Dataset, name: str | None, default: str
) -> None:
    """The saved model ``name`` (None: the one chosen last, else the default's, else the
    newest for the dataset), else train it (or ``default``) and save it."""
    from moviepick.services.remembered_model import model_to_use

    name = name or model_to_use(dataset.name, default)
    post(ModelReady(*_load_or_train(post, should_stop, dataset, name, default)))


def recommend(
    post: Post,
    should_stop: StopCheck,
    picker: Picker,
    active: ActiveModel,
    filters: PickFilters | None,
) -> None:
    from moviepick.services.picks import PickFilters

    picks = picker.recommend(active.model, PICKS, filters or PickFilters())
    if not should_stop():
        post(RecommendationsReady(active.name, picks))


def what_next(
    post: Post,
    should_stop: StopCheck,
    picker: Picker,
    loaded: tuple[Recommender, ModelInfo] | None,
    name: str,
) -> None:
    model, info = loaded or _load_or_train(post, should_stop, picker.dataset, name, name)
    picks = picker.what_next(model, PICKS)
    if not should_stop():
        post(NextPicksReady(model, info, picks))


def compare(
    post: Post,
    should_stop: StopCheck,
    picker: Picker,
    active: Recommender,
    loaded: tuple[Recommender, ModelInfo] | None,
    name: str,
    filters: PickFilters | None,
) -> None:
    from moviepick.services.picks import PickFilters

    model, info = loaded or _load_or_train(post, should_stop, picker.dataset, name, name)
    comparison = picker.compare(active, model, PICKS, filters or PickFilters())
    if not should_stop():
        post(ComparisonReady(model, info, comparison))


def download_dataset(post: Post, should_stop: StopCheck, name: str) -> None:
    from moviepick.data.download import download_dataset

    path = download_dataset(name, progress=lambda done, total: post(DownloadProgress(done, total)))
    post(DatasetDownloaded(path))
