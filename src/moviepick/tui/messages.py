"""Messages the app's thread workers post to report progress and results.

Workers never touch widgets or reactives: they post one of these to the app, and its handler
assigns the app's state on the event loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from moviepick.errors import MoviepickError

if TYPE_CHECKING:  # the app imports the core only once it has painted
    from moviepick.models.base import Recommender
    from moviepick.services.leaderboards import Leaderboards
    from moviepick.services.picks import Comparison, Pick, Picker
    from moviepick.services.search import MovieSearch
    from moviepick.services.taste_fit import TasteComparison
    from moviepick.store import ModelInfo
    from moviepick.training.events import FitEvent


class DatasetLoaded(Message):
    """The dataset is loaded and searchable, with the models saved for it; none is loaded yet."""

    def __init__(self, picker: Picker, search: MovieSearch, saved: list[ModelInfo]) -> None:
        super().__init__()
        self.picker = picker
        self.search = search
        self.saved = saved


class DatasetMissing(Message):
    """No dataset could be opened; ``reason`` is the one-line error."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class TrainProgress(Message):
    """One step of training the model the app needs."""

    def __init__(self, model: str, event: FitEvent) -> None:
        super().__init__()
        self.model = model
        self.event = event


class ModelReady(Message):
    """A model is loaded (or trained and saved); picks come from it now."""

    def __init__(self, model: Recommender, info: ModelInfo) -> None:
        super().__init__()
        self.model = model
        self.info = info


class RecommendationsReady(Message):
    """Fresh picks for the profile as it is now, from the model ``model``."""

    def __init__(self, model: str, picks: list[Pick]) -> None:
        super().__init__()
        self.model = model
        self.picks = picks


class NextPicksReady(Message):
    """What to watch next after the watch sequence, by the model ``model``."""

    def __init__(self, model: Recommender, info: ModelInfo, picks: list[Pick]) -> None:
        super().__init__()
        self.model = model
        self.info = info
        self.picks = picks


class ComparisonReady(Message):
    """The active model's picks beside those of the model ``info`` names."""

    def __init__(self, model: Recommender, info: ModelInfo, comparison: Comparison) -> None:
        super().__init__()
        self.model = model
        self.info = info
        self.comparison = comparison


class LabJobEvent(Message):
    """What the child of the lab's job ``job_id`` reported: a ``FitEvent``, ``Saved``,
    ``Failed`` (of :mod:`moviepick.services.train_process`) or an event of
    :mod:`moviepick.services.evaluate_process`."""

    def __init__(self, job_id: int, event: object) -> None:
        super().__init__()
        self.job_id = job_id
        self.event = event


class LabJobEnded(Message):
    """The child of the lab's job ``job_id`` is gone; ``cancelled``: it was stopped."""

    def __init__(self, job_id: int, cancelled: bool) -> None:
        super().__init__()
        self.job_id = job_id
        self.cancelled = cancelled


class SavedModelsRead(Message):
    """The models saved for the dataset, newest first, and the stored leaderboards, read again
    (after a training, an evaluation, a rename or a delete)."""

    def __init__(self, saved: list[ModelInfo], leaderboards: Leaderboards) -> None:
        super().__init__()
        self.saved = saved
        self.leaderboards = leaderboards


class TasteCompared(Message):
    """Two models compared on the profile's taste."""

    def __init__(self, comparison: TasteComparison) -> None:
        super().__init__()
        self.comparison = comparison


class DownloadProgress(Message):
    """Bytes of the dataset download received so far (``total`` None when unknown)."""

    def __init__(self, done: int, total: int | None) -> None:
        super().__init__()
        self.done = done
        self.total = total


class DatasetDownloaded(Message):
    """The dataset was downloaded, verified and installed into ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


def error_text(error: BaseException | None) -> str:
    """How a failed worker's error reads in a notification: a moviepick error's own one-line
    message, anything else (a bug) with its type."""
    if isinstance(error, MoviepickError):
        return str(error)
    return f"{type(error).__name__}: {error}"
