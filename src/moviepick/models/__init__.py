"""Recommender models behind one interface (see :mod:`moviepick.models.base`)."""

from moviepick.models.base import FitEvent, Query, Ranked, Recommender

__all__ = ["FitEvent", "Query", "Ranked", "Recommender"]
