"""The app's screens, in the order of their tabs and of their keys (alt+1, alt+2, ...)."""

from __future__ import annotations

SCREENS: tuple[tuple[str, str, str], ...] = (  # mode, title, what it is for
    ("discover", "Discover", "search the catalogue, rate, mark and add to your sequence"),
    ("sequence", "Sequence", "what you watched, in order, and what to watch next"),
    ("ratings", "Ratings", "every movie you rated, to sort, change or remove"),
    ("picks", "Picks", "ranked picks from any trained model, with the reason for each"),
)
TITLES = {mode: title for mode, title, _ in SCREENS}
