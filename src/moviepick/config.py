"""User settings from ``config.toml`` in the config dir; every setting is also a CLI flag."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from moviepick import paths
from moviepick.errors import MoviepickError

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

DEFAULT_DATASET = "ml-latest-small"
DEFAULT_MODEL = "als"


@dataclass(frozen=True)
class Config:
    data: str | None = None
    """A MovieLens folder or zip, or the name of a downloaded dataset."""
    dataset: str = DEFAULT_DATASET
    """The registry dataset used when no ``data`` is given."""
    model: str = DEFAULT_MODEL
    """The model the app trains when it has none for the dataset."""
    keymap: dict[str, str] = field(default_factory=dict)
    """The app's keys remapped: binding id -> keys (``keymap = {movie-append = "A"}``)."""


def load_config(path: Path | None = None) -> Config:
    path = path or paths.config_path()
    if not path.exists():
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise MoviepickError(f"cannot read config {path}: {error}") from error
    known = {field.name for field in fields(Config)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise MoviepickError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
    keymap = raw.pop("keymap", {})
    wrong = [key for key, value in raw.items() if not isinstance(value, str)]
    if wrong:
        raise MoviepickError(f"settings in {path} must be strings: {', '.join(wrong)}")
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise MoviepickError(
            f'keymap in {path} must be a table of binding id = "keys", like {{movie-append = "A"}}'
        )
    return Config(**raw, keymap=keymap)
