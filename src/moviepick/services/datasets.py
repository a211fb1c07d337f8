"""Open the dataset a person means: ``--data``, the environment, the config or the default."""

from __future__ import annotations

from moviepick.config import Config, load_config
from moviepick.data.dataset import Dataset


def open_dataset(data: str | None, config: Config | None = None) -> Dataset:
    """The dataset named by ``--data``, the environment, the config or the default, loaded."""
    from moviepick.data.loader import load_dataset
    from moviepick.data.resolve import resolve_source

    return load_dataset(resolve_source(data, config or load_config()))
