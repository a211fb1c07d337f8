"""Model name -> class, so the CLI, the TUI and evaluation list the same models."""

from __future__ import annotations

from moviepick.errors import ModelError
from moviepick.models.base import Recommender

_MODULES = {
    "popularity": ("moviepick.models.popularity", "Popularity"),
    "als": ("moviepick.models.als", "ALS"),
    "ease": ("moviepick.models.ease", "EASE"),
    "neumf": ("moviepick.models.neumf", "NeuMF"),
    "genre-embed": ("moviepick.models.genre_embedding", "GenreEmbedding"),
    "autoencoder": ("moviepick.models.autoencoder", "StackedAutoencoder"),
    "autorec": ("moviepick.models.autoencoder", "AutoRec"),
    "seq-mean": ("moviepick.models.sequential", "SeqMean"),
    "sasrec": ("moviepick.models.sequential", "SASRec"),
}


def model_names() -> list[str]:
    return list(_MODULES)


def model_class(name: str) -> type[Recommender]:
    """The class registered as ``name``; modules are imported only when asked for."""
    try:
        module_name, class_name = _MODULES[name]
    except KeyError:
        known = ", ".join(_MODULES)
        raise ModelError(f"unknown model {name!r}; known models: {known}") from None
    import importlib

    return getattr(importlib.import_module(module_name), class_name)


def create_model(name: str, **params: object) -> Recommender:
    cls = model_class(name)
    try:
        return cls(**params)
    except TypeError as error:
        raise ModelError(str(error)) from None
