"""The app's screens, in the order of their tabs and of their keys (alt+1, alt+2, ...)."""

from __future__ import annotations

SCREENS: tuple[tuple[str, str, str], ...] = (  # mode, title, what it is for
    ("discover", "Discover", "search the catalogue, rate, mark and add to your sequence"),
    ("sequence", "Sequence", "what you watched, in order, and what to watch next"),
    ("ratings", "Ratings", "every movie you rated, to sort, change or remove"),
    ("picks", "Picks", "ranked picks from any trained model, with the reason for each"),
    ("lab", "Lab", "train, evaluate and compare models in the background"),
    ("stats", "Stats", "the dataset's figures, your taste, and a model's map of the movies"),
)
TITLES = {mode: title for mode, title, _ in SCREENS}

# Most terminals (tmux, xterm, GNOME's, Windows Terminal) send alt+digit as ESC and the digit,
# which Textual reads as the character macOS types for Option+digit: the screen keys bind both.
ALT_DIGIT_KEYS = {
    1: "inverted_exclamation_mark",  # ¡
    2: "trade_mark_sign",  # ™
    3: "pound_sign",  # £
    4: "cent_sign",  # ¢
    5: "infinity",  # ∞
    6: "section_sign",  # §
}


def screen_keys(number: int) -> str:
    """The keys of the ``number``-th screen (1-based), in a binding's format."""
    return f"alt+{number},{ALT_DIGIT_KEYS[number]}"
