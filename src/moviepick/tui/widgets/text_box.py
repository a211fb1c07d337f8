"""A text box whose keys act in the order they were typed, and that leaves the screen keys to
the app."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from moviepick.tui.modes import ALT_DIGIT_KEYS

SCREEN_KEY_CHARACTERS = frozenset(ALT_DIGIT_KEYS.values())


class TextBox(Input):
    """An ``Input`` with two changes:

    - Its own keys (backspace, ctrl+u, the arrows, ...) act as the box reads them. Textual runs
      a widget's bindings once the key has bubbled up to the app, after the characters typed
      right behind it were typed: in a burst (while a model trains) "matrx⌫ix" gave "matrxi"
      with a stray x, not "matrix".
    - It doesn't type the characters alt+digit arrives as in most terminals (¡ ™ £ ¢ ...), so
      those keys switch screens from a text box too.
    """

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key not in SCREEN_KEY_CHARACTERS and super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # Input's own handler types it
        bindings = self._bindings.key_to_bindings.get(event.key)
        if bindings:
            event.stop()
            event.prevent_default()  # neither Input's handler nor the bubbling bindings
            await self.run_action(bindings[0].action)
