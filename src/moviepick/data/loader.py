"""Load a MovieLens dataset from a folder or zip, through the binary cache."""

from __future__ import annotations

from pathlib import Path

from moviepick.data.build import build_dataset
from moviepick.data.cache import cache_key, read_cached, write_cached
from moviepick.data.dataset import Dataset
from moviepick.data.sources import locate


def load_dataset(source: Path | str, *, use_cache: bool = True) -> Dataset:
    """The dataset at ``source``: a MovieLens folder or zip, or a folder holding one.

    Raises DatasetError (one line, naming the file) when the source is missing or unreadable.
    """
    files = locate(source)
    if not use_cache:
        return build_dataset(files)
    key = cache_key(files)
    dataset = read_cached(files.location, key)
    if dataset is None:
        dataset = build_dataset(files)
        write_cached(dataset, key)
    return dataset
