"""One movie: the one a person means by a piece of text (an exact "Title (year)", else the best
fuzzy match), and how the dataset rated it."""

from __future__ import annotations

import re

import numpy as np

from moviepick.data.catalog import Catalog
from moviepick.data.dataset import Dataset
from moviepick.errors import MoviepickError
from moviepick.services.matching import TitleIndex

_TITLE_WITH_YEAR = re.compile(r"^(?P<title>.*\S)\s*\((?P<year>\d{4})\)$")


def find_movie(catalog: Catalog, index: TitleIndex, text: str, dataset_name: str) -> int:
    """The item ``text`` names in ``catalog``; a MoviepickError when none matches."""
    from moviepick.services.search import MovieSearch

    if match := _TITLE_WITH_YEAR.match(text.strip()):
        item = index.find(match["title"], int(match["year"]))
    else:
        item = index.lookup(text)
    if item is None:
        found = MovieSearch(catalog).search(text, limit=1)
        item = found[0] if found else None
    if item is None:
        raise MoviepickError(f"no movie in {dataset_name} matches {text!r}")
    return item


def rating_histogram(dataset: Dataset, item: int) -> dict[float, int]:
    """How many ratings ``item`` got at each star value of the dataset, lowest first; every
    step of the scale is a key, with 0 where nobody gave it (so bars line up across movies)."""
    by_item = dataset.interactions.by_item
    return star_counts(by_item.data[by_item.indptr[item] : by_item.indptr[item + 1]], dataset)


def star_counts(stars: np.ndarray, dataset: Dataset) -> dict[float, int]:
    """How many of ``stars`` fall on each step of the dataset's scale, lowest first; every step
    is a key, with 0 where none does."""
    step = dataset.rating_step
    n_steps = round(5.0 / step)
    counts = np.bincount(np.rint(stars / step).astype(np.int64), minlength=n_steps + 1)
    return {float(k * step): int(counts[k]) for k in range(1, n_steps + 1)}
