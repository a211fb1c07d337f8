"""Which models a person may name for a dataset: a saved model, or a model type that is trained
when none is saved. The CLI's ``--model`` and the app offer the same choices."""

from __future__ import annotations

from dataclasses import dataclass

from moviepick.data.dataset import Dataset
from moviepick.errors import ModelError
from moviepick.models.registry import model_names
from moviepick.store import ModelInfo, ModelStore


@dataclass(frozen=True)
class ModelChoices:
    saved: list[str]  # saved models trained on this dataset, newest first
    types: list[str]  # the registry's model types


def saved_for(dataset: Dataset, store: ModelStore | None = None) -> list[ModelInfo]:
    """The models saved for ``dataset`` (its exact data), newest first."""
    mine = [
        info for info in (store or ModelStore()).list() if info.fingerprint == dataset.fingerprint
    ]
    return sorted(mine, key=lambda info: info.created, reverse=True)


def model_choices(dataset: Dataset, store: ModelStore | None = None) -> ModelChoices:
    return ModelChoices([info.name for info in saved_for(dataset, store)], model_names())


def check_model_choice(name: str, dataset: Dataset, store: ModelStore | None = None) -> None:
    """A ModelError naming the choices unless ``name`` is a saved model or a model type.

    A saved model trained on other data passes here: loading it says what is wrong with it.
    """
    store = store or ModelStore()
    if name in model_names() or store.find(name, dataset.fingerprint, dataset.name):
        return
    choices = model_choices(dataset, store)
    saved = ", ".join(choices.saved) or f"none saved for {dataset.name} yet"
    raise ModelError(
        f"unknown model {name!r}: name a saved model ({saved}) "
        f"or a model type ({', '.join(choices.types)})"
    )
