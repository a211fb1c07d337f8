"""The saved model that picks for the person on each dataset, kept between runs of the app.

``<data dir>/model-choice.json`` maps a dataset name to the saved model last chosen on it. An
unreadable file counts as no choice: it only saves the person a step, never their data.
"""

from __future__ import annotations

import json
from pathlib import Path

from moviepick import atomic, paths
from moviepick.errors import ModelError
from moviepick.store import CONFIG_FILE, ModelStore


def _path() -> Path:
    return paths.data_dir() / "model-choice.json"


def _choices() -> dict[str, str]:
    try:
        content = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(content, dict):
        return {}
    return {key: value for key, value in content.items() if isinstance(value, str)}


def remember_model(dataset_name: str, model_name: str) -> None:
    """Keep ``model_name`` as the choice for ``dataset_name`` (an OSError if it cannot)."""
    choices = _choices()
    if choices.get(dataset_name) == model_name:
        return
    choices[dataset_name] = model_name
    atomic.write_text(_path(), json.dumps(choices, indent=2, sort_keys=True))


def model_to_use(dataset_name: str, default: str, store: ModelStore | None = None) -> str | None:
    """The saved model the app starts with: the one chosen last on this dataset, else the
    default model type's saved model; None when neither is saved (the newest one is used, or
    the default is trained)."""
    store = store or ModelStore()
    for name in (_choices().get(dataset_name), f"{default}-{dataset_name}"):
        try:
            if name and (store.path(name) / CONFIG_FILE).exists():
                return name
        except ModelError:  # a name no saved model can have
            continue
    return None
