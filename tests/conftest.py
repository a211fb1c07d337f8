"""Shared fixtures: the real MovieLens files and a throwaway moviepick home."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real MovieLens files (``../shared/data`` or ``$MOVIEPICK_SHARED_DATA``)."""
    path = Path(os.environ.get("MOVIEPICK_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not (path / "ml-100k" / "u.data").exists():
        pytest.skip(f"the shared MovieLens data is not at {path}")
    return path


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The time zone is UTC for the test (the snapshots show dates and times)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def moviepick_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own home so nothing touches the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MOVIEPICK_HOME", str(home))
    for variable in (
        "MOVIEPICK_DATA",
        "MOVIEPICK_DATA_DIR",
        "MOVIEPICK_CACHE_DIR",
        "MOVIEPICK_CONFIG_DIR",
        "MOVIEPICK_DOWNLOAD_URL",
    ):
        monkeypatch.delenv(variable, raising=False)
    return home


@pytest.fixture(scope="session")
def tiny_trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny MovieLens folder with planted tastes and a model trained on it, once a session."""
    from tui_support import train_tiny_model, write_tiny_movielens

    folder = write_tiny_movielens(tmp_path_factory.mktemp("data") / "ml-tiny")
    return folder, train_tiny_model(folder, tmp_path_factory.mktemp("models"))
