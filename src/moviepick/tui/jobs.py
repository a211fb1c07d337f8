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
    LabJobEnded,
    LabJobEvent,
    ModelReady,
    NextPicksReady,
    RecommendationsReady,
    SavedModelsRead,
    TasteCompared,
    TrainProgress,
)

if TYPE_CHECKING:
    from pathlib import Path

    from moviepick.data.dataset import Dataset
    from moviepick.models.base import Recommender
    from moviepick.services.child_process import ChildProcess
    from moviepick.services.picks import Picker, PickFilters
    from moviepick.store import ModelInfo
    from moviepick.tui.job_queue import Request
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
    """The saved model ``name`` (or the newest for the dataset), else ``name`` (or
    ``default``) trained in a child process and saved, then loaded."""
    from moviepick.services.saved_models import load_saved
    from moviepick.services.train_process import train_in_child
    from moviepick.store import ModelStore, read_info

    loaded = load_saved(dataset, name)
    if loaded is not None:
        return loaded
    model = name or default
    path = train_in_child(
        model,
        dataset.source,
        progress=lambda event: post(TrainProgress(model, event)),
        should_stop=should_stop,
    )
    info = read_info(path)
    return ModelStore().load(info, dataset.fingerprint), info


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


def lab_process(request: Request, data: Path) -> ChildProcess[object]:
    """The child process that carries out a lab job's ``request`` on the dataset at ``data``."""
    from moviepick.services.evaluate_process import EvaluateProcess
    from moviepick.services.train_process import TrainProcess
    from moviepick.tui.job_queue import TrainRequest

    if isinstance(request, TrainRequest):
        return TrainProcess(request.model, data, request.params, save_as=request.save_as)
    return EvaluateProcess(request.models, data, request.protocols, retrain=request.retrain)


def run_lab_job(
    post: Post, should_stop: StopCheck, job_id: int, process: ChildProcess[object]
) -> None:
    """Relay what the child of the lab's job ``job_id`` reports, until it is gone."""
    for event in process.events():
        post(LabJobEvent(job_id, event))
        if should_stop():
            process.cancel()
    post(LabJobEnded(job_id, process.cancelled))


def read_saved_models(post: Post, should_stop: StopCheck, dataset: Dataset) -> None:
    from moviepick.services.leaderboards import stored_leaderboards
    from moviepick.services.model_choice import saved_for

    post(SavedModelsRead(saved_for(dataset), stored_leaderboards(dataset)))


def compare_on_taste(
    post: Post,
    should_stop: StopCheck,
    picker: Picker,
    loaded: dict[str, tuple[Recommender, ModelInfo] | None],
) -> None:
    """Two saved models (``loaded``: each name and the model when the app has it loaded) on
    the profile's taste."""
    from moviepick.errors import ModelError
    from moviepick.services.saved_models import load_saved
    from moviepick.services.taste_fit import compare_taste

    models = []
    for name, model in loaded.items():
        found = model or load_saved(picker.dataset, name)
        if found is None:
            raise ModelError(f"no saved model named {name!r}")
        models.append(found)
    (model_a, info_a), (model_b, info_b) = models
    comparison = compare_taste(
        picker, model_a, model_b, names=(info_a.name, info_b.name), should_stop=should_stop
    )
    if not should_stop():
        post(TasteCompared(comparison))
