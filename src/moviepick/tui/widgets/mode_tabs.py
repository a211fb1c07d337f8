"""The tab bar of the app's screens: shows where you are; a click goes to another screen."""

from __future__ import annotations

from textual import events
from textual.widgets import Tab, Tabs

from moviepick.tui.modes import SCREENS

# Below this width the tabs drop "alt+" from their labels, so all of them fit.
FULL_LABELS_WIDTH = 96


def tab_label(number: int, title: str, width: int) -> str:
    return f"alt+{number} {title}" if width >= FULL_LABELS_WIDTH else f"{number} {title}"


class ModeTabs(Tabs):
    """One tab per screen, numbered like its key (alt+1, ...); never takes the focus, so the
    keys stay with the screen's tables and boxes."""

    can_focus = False

    def __init__(self, mode: str) -> None:
        tabs = [Tab(title, id=f"tab-{name}") for name, title, _ in SCREENS]
        super().__init__(*tabs, active=f"tab-{mode}")
        self.mode = mode

    def on_mount(self) -> None:
        self._label_tabs(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        self._label_tabs(event.size.width)

    def _label_tabs(self, width: int) -> None:
        for number, (name, title, _) in enumerate(SCREENS, start=1):
            self.query_one(f"#tab-{name}", Tab).label = tab_label(number, title, width)

    async def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        chosen = (event.tab.id or "").removeprefix("tab-")
        if chosen and chosen != self.mode:
            await self.app.run_action(f"go('{chosen}')")
