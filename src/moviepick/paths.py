"""Where moviepick keeps its files.

Every directory comes from platformdirs and can be moved with an environment variable, so tests
and scripts never touch the real home folder: ``MOVIEPICK_HOME`` moves all of them under one
folder; ``MOVIEPICK_DATA_DIR``, ``MOVIEPICK_CACHE_DIR`` and ``MOVIEPICK_CONFIG_DIR`` move one each.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "moviepick"


def _dir(variable: str, home_subdir: str, default: str) -> Path:
    if value := os.environ.get(variable):
        return Path(value).expanduser()
    if home := os.environ.get("MOVIEPICK_HOME"):
        return Path(home).expanduser() / home_subdir
    return Path(default)


def data_dir() -> Path:
    return _dir("MOVIEPICK_DATA_DIR", "data", platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    return _dir("MOVIEPICK_CACHE_DIR", "cache", platformdirs.user_cache_dir(APP_NAME))


def config_dir() -> Path:
    return _dir("MOVIEPICK_CONFIG_DIR", "config", platformdirs.user_config_dir(APP_NAME))


def datasets_dir() -> Path:
    return data_dir() / "datasets"


def models_dir() -> Path:
    return data_dir() / "models"


def profile_path() -> Path:
    return data_dir() / "profile.db"


def config_path() -> Path:
    return config_dir() / "config.toml"
