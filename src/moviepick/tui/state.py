"""The app's shared state, as the records the app's reactives hold.

The app (:class:`moviepick.tui.app.MoviepickApp`) owns one of each; screens watch them and
never change them. Workers never assign them either: they post a message, and the app's
handler assigns on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the app imports the core only once it has painted
    from moviepick.data.dataset import Dataset
    from moviepick.models.base import Recommender
    from moviepick.services.picks import Comparison, Pick, Picker
    from moviepick.services.search import MovieSearch
    from moviepick.store import ModelInfo


@dataclass(frozen=True, eq=False)
class Library:
    """The open dataset, the profile matched to it, and its search index."""

    picker: Picker
    search: MovieSearch

    @property
    def dataset(self) -> Dataset:
        return self.picker.dataset


@dataclass(frozen=True, eq=False)
class ActiveModel:
    """The model picks come from, and what its saved config says."""

    model: Recommender
    info: ModelInfo

    @property
    def name(self) -> str:
        return self.info.name


@dataclass(frozen=True, eq=False)
class NextPicks:
    """What to watch next after the watch sequence, and the model that said so."""

    model: str
    picks: tuple[Pick, ...]


@dataclass(frozen=True, eq=False)
class Compared:
    """The active model's picks beside another model's."""

    model: str
    comparison: Comparison


@dataclass(frozen=True)
class Activity:
    """Long work under way: a line of text and how far it got (``total`` None: unknown)."""

    label: str
    progress: float = 0
    total: float | None = None


@dataclass(frozen=True)
class Download:
    """The dataset download: bytes so far, and its end (the installed folder, or a failure)."""

    done: int = 0
    total: int | None = None
    installed: Path | None = None
    failed: bool = False
