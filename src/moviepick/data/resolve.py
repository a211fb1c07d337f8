"""Which MovieLens folder or zip to open.

The first of these that is set wins: ``--data`` (a folder, a zip, or the name of a downloaded
dataset), ``$MOVIEPICK_DATA``, the ``data`` setting, then the ``dataset`` setting's download.
"""

from __future__ import annotations

import os
from pathlib import Path

from moviepick.config import Config
from moviepick.data.download import install_dir
from moviepick.data.registry import registry, spec
from moviepick.errors import DatasetError

DATA_VARIABLE = "MOVIEPICK_DATA"


def resolve_source(data: str | None, config: Config) -> Path:
    """The MovieLens folder or zip to read; a DatasetError says how to get one if none is."""
    choices = (
        (data, ""),
        (os.environ.get(DATA_VARIABLE), f" (set by ${DATA_VARIABLE})"),
        (config.data, " (set by the `data` setting in config.toml)"),
    )
    for value, origin in choices:
        if value:
            return _source_from(value, origin)
    installed = install_dir(spec(config.dataset).name)
    if installed.is_dir():
        return installed
    raise DatasetError(
        f"no MovieLens dataset found: run `moviepick data download {config.dataset}` "
        "or pass --data PATH"
    )


def _source_from(value: str, origin: str) -> Path:
    """A path to a folder or zip, or the name of a downloaded dataset."""
    path = Path(value).expanduser()
    if path.exists():
        return path.absolute()
    if value in registry():
        installed = install_dir(value)
        if installed.is_dir():
            return installed
        raise DatasetError(
            f"dataset {value} is not downloaded{origin}: run `moviepick data download {value}`"
        )
    raise DatasetError(f"no such file or folder: {value}{origin}")
