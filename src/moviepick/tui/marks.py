"""The marks column of the movie tables: what the profile says of each movie at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moviepick.tui.app import MoviepickApp

WATCHED = "✓"  # in the watch sequence
WATCHLISTED = "+"
NOT_INTERESTED = "✗"
LEGEND = f"{WATCHED} watched  {WATCHLISTED} on your watchlist  {NOT_INTERESTED} not interested"


def marks_cells(app: MoviepickApp, items: Sequence[int]) -> list[str]:
    """One short text per item: its marks, in the order of the legend."""
    watched = {entry.item for entry in app.sequence}
    watchlisted = {entry.item for entry in app.watchlist}
    skipped = {entry.item for entry in app.not_interested}
    return [
        (WATCHED if item in watched else "")
        + (WATCHLISTED if item in watchlisted else "")
        + (NOT_INTERESTED if item in skipped else "")
        for item in items
    ]
