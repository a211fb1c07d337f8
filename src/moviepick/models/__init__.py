"""Recommender models behind one interface (see :mod:`moviepick.models.base`)."""

from moviepick.models.base import Query, Ranked, Recommender

__all__ = ["Query", "Ranked", "Recommender"]
