"""The tab bar of the app's screens: shows where you are; a click goes to another screen."""

from __future__ import annotations

from textual.widgets import Tab, Tabs

from moviepick.tui.modes import SCREENS


class ModeTabs(Tabs):
    """One tab per screen, numbered like its key (alt+1, ...); never takes the focus, so the
    keys stay with the screen's tables and boxes."""

    can_focus = False

    def __init__(self, mode: str) -> None:
        tabs = [
            Tab(f"alt+{number} {title}", id=f"tab-{name}")
            for number, (name, title, _) in enumerate(SCREENS, start=1)
        ]
        super().__init__(*tabs, active=f"tab-{mode}")
        self.mode = mode

    async def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        chosen = (event.tab.id or "").removeprefix("tab-")
        if chosen and chosen != self.mode:
            await self.app.run_action(f"go('{chosen}')")
