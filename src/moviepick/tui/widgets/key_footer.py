"""The footer of the app's screens: Textual's, rebuilt once for changes of the keys in a row."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A ``Footer`` that rebuilds its keys once however many times they changed since it last
    did. Textual's rebuilds after the next frame, once per change: a screen's start makes three
    (its focus, its showing, the bindings of the focus), so the keys came two frames late."""

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.refresh(recompose=True)
