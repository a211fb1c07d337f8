"""A text box that leaves the screen keys to the app."""

from __future__ import annotations

from textual.widgets import Input

from moviepick.tui.modes import ALT_DIGIT_KEYS

SCREEN_KEY_CHARACTERS = frozenset(ALT_DIGIT_KEYS.values())


class TextBox(Input):
    """An ``Input`` that doesn't type the characters alt+digit arrives as in most terminals
    (¡ ™ £ ¢ ...), so those keys switch screens from a text box too."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key not in SCREEN_KEY_CHARACTERS and super().check_consume_key(key, character)
