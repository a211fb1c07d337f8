"""Trained models on disk: one directory each, ``config.json`` plus ``arrays.npz``.

Loading never runs code from the files: the config is JSON and the arrays load with
``allow_pickle=False``.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import shutil
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moviepick import __version__, atomic, paths
from moviepick.errors import ModelError
from moviepick.models.base import Recommender
from moviepick.models.registry import model_class
from moviepick.training.events import FitEvent, event_from_record, event_record

CONFIG_FILE = "config.json"
ARRAYS_FILE = "arrays.npz"
# Bumped only for a change an older moviepick would misread; a new optional key (the curve) is
# not one: readers take what they know and default what an older file lacks.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ModelInfo:
    """What ``config.json`` says about a saved model."""

    name: str  # the saved name, i.e. the directory name
    path: Path
    model: str  # the registry name of its class
    params: dict[str, Any]
    dataset: str
    fingerprint: str
    metrics: dict[str, Any]
    created: float
    # The training curve, one event per iteration or epoch; empty for models saved before
    # curves were stored.
    curve: tuple[FitEvent, ...] = ()
    device: str = ""  # where a torch model trained ("cpu", "cuda (<GPU>)"); "" for the others

    @property
    def created_text(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.created))

    @property
    def size_on_disk(self) -> int:
        """Bytes of its files; 0 once they are gone."""
        try:
            return sum(entry.stat().st_size for entry in self.path.iterdir() if entry.is_file())
        except OSError:
            return 0


def save_model(
    model: Recommender,
    path: Path,
    *,
    dataset: str,
    fingerprint: str,
    metrics: dict[str, Any] | None = None,
    curve: Iterable[FitEvent] = (),
    device: str = "",
) -> None:
    config = {
        "format": FORMAT_VERSION,
        "model": model.name,
        "params": dataclasses.asdict(model.params),
        "n_items": model.n_items,
        "dataset": dataset,
        "fingerprint": fingerprint,
        "metrics": metrics or {},
        "curve": curve_records(curve),
        "device": device,
        "created": time.time(),
        "versions": {
            "moviepick": __version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }
    with atomic.replace_dir(Path(path)) as staging:
        np.savez(staging / ARRAYS_FILE, **model.get_state())
        (staging / CONFIG_FILE).write_text(json.dumps(config, indent=2), encoding="utf-8")


def read_info(path: Path) -> ModelInfo:
    path = Path(path)
    config_file = path / CONFIG_FILE
    if not config_file.exists():
        raise ModelError(f"{path} is not a saved model (no {CONFIG_FILE})")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
        return ModelInfo(
            name=path.name,
            path=path,
            model=str(config["model"]),
            params=dict(config["params"]),
            dataset=str(config["dataset"]),
            fingerprint=str(config["fingerprint"]),
            metrics=dict(config.get("metrics", {})),
            created=float(config.get("created", 0.0)),
            curve=tuple(event_from_record(record) for record in config.get("curve", [])),
            device=str(config.get("device", "")),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(f"corrupt model config {config_file}: {error}") from None


def curve_records(curve: Iterable[FitEvent]) -> list[dict[str, Any]]:
    """The curve as JSON records, heartbeats left out (they repeat the event before them)."""
    return [event_record(event) for event in curve if not event.heartbeat]


def load_model(path: Path, fingerprint: str | None = None) -> Recommender:
    """Load the model in ``path``; with ``fingerprint``, refuse one trained on other data."""
    info = read_info(path)
    if fingerprint is not None and info.fingerprint != fingerprint:
        raise ModelError(
            f"model {info.name!r} was trained on {info.dataset} "
            f"({info.fingerprint}), not on the loaded dataset ({fingerprint}); retrain it"
        )
    model = model_class(info.model)(**info.params)
    try:
        with np.load(Path(path) / ARRAYS_FILE, allow_pickle=False) as arrays:
            model.set_state({key: arrays[key] for key in arrays.files})
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise ModelError(f"corrupt model arrays in {path}: {error}") from None
    return model


def update_metrics(path: Path, metrics: dict[str, Any]) -> None:
    config_file = Path(path) / CONFIG_FILE
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["metrics"] = {**config.get("metrics", {}), **metrics}
    atomic.write_text(config_file, json.dumps(config, indent=2))


class ModelStore:
    """The saved models under one directory (the platformdirs models dir by default)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else paths.models_dir()

    def path(self, name: str) -> Path:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ModelError(f"invalid model name {name!r}")
        return self.root / name

    def list(self) -> list[ModelInfo]:
        if not self.root.exists():
            return []
        infos = []
        for path in sorted(self.root.iterdir()):
            if path.is_dir() and not path.name.startswith(".") and (path / CONFIG_FILE).exists():
                try:
                    infos.append(read_info(path))
                except ModelError:
                    continue
        return infos

    def save(self, model: Recommender, name: str, **metadata: Any) -> Path:
        path = self.path(name)
        save_model(model, path, **metadata)
        return path

    def find(self, name: str | None, fingerprint: str, dataset: str) -> ModelInfo | None:
        """The saved model to use for a dataset.

        ``name`` may be a saved name or a registry name (``als`` finds ``als-<dataset>``); with no
        name, the newest model trained on this dataset.
        """
        if name is None:
            matching = [info for info in self.list() if info.fingerprint == fingerprint]
            return max(matching, key=lambda info: info.created, default=None)
        for candidate in (name, f"{name}-{dataset}"):
            path = self.path(candidate)
            if (path / CONFIG_FILE).exists():
                return read_info(path)
        return None

    def load(self, info: ModelInfo, fingerprint: str) -> Recommender:
        return load_model(info.path, fingerprint)

    def rename(self, name: str, new_name: str) -> Path:
        """Give the saved model ``name`` the name ``new_name``, in one step; refuses a name in
        use. Returns its new path."""
        path, new_path = self.path(name), self.path(new_name)
        if not (path / CONFIG_FILE).exists():
            raise ModelError(f"no saved model named {name!r}")
        if new_path.exists():
            raise ModelError(f"a saved model is already named {new_name!r}")
        try:
            path.rename(new_path)
        except OSError as error:
            raise ModelError(f"cannot rename {name!r}: {error.strerror or error}") from None
        return new_path

    def delete(self, name: str) -> None:
        path = self.path(name)
        if not path.exists():
            raise ModelError(f"no saved model named {name!r}")
        shutil.rmtree(path)
