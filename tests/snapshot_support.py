"""What the snapshot modules share: the sizes, the fixed clocks, models trained on ml-100k at
a fixed time, and ml-100k in a temporary data dir beside them."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace

import pytest

from moviepick import paths, profile, store
from moviepick.data.loader import load_dataset
from moviepick.evaluation.evaluate import FIT_SECONDS
from moviepick.services.saved_models import train_and_save

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 35), id="120x35")]
NOON = 1_767_268_800.0  # 2026-01-01 12:00 UTC


def fixed_clock(start: float) -> SimpleNamespace:
    """A stand-in for the ``time`` module of one moviepick module: a second passes per call."""
    seconds = itertools.count()
    return SimpleNamespace(time=lambda: start + next(seconds))


def train_at_noon(shared_data: Path, models: Path, names: Iterable[str]) -> Path:
    """``names`` trained on ml-100k into ``models``, created at NOON, their fit time fixed
    (the clock's, not the code's); ``models``."""
    dataset = load_dataset(shared_data / "ml-100k", use_cache=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "time", fixed_clock(NOON))
        for name in names:
            _, info = train_and_save(dataset, name, store=store.ModelStore(models))
            store.update_metrics(info.path, {FIT_SECONDS: 1.25})
    return models


def ml_100k_beside(
    shared_data: Path, models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """ml-100k linked into a temporary data dir, ``models`` copied into the home, and the
    profile's clock fixed an hour after NOON; the data folder."""
    folder = tmp_path / "data" / "ml-100k"
    folder.mkdir(parents=True)
    for part in (shared_data / "ml-100k").iterdir():
        (folder / part.name).symlink_to(part)
    shutil.copytree(models, paths.models_dir(), dirs_exist_ok=True)
    monkeypatch.setattr(profile, "time", fixed_clock(NOON + 3600))
    return folder
