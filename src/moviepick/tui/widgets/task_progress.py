"""One line at the bottom of a screen: what long work is under way, and how far it got."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

if TYPE_CHECKING:
    from moviepick.tui.state import Activity


class TaskProgress(Horizontal):
    """Hidden while idle; a label and a bar (pulsing while the total is unknown) while busy.
    Built showing ``activity`` (the work under way as its screen opens), so the first frame
    needs no second layout."""

    def __init__(self, activity: Activity | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = activity
        self.display = activity is not None

    def compose(self) -> ComposeResult:
        activity = self._initial
        yield Label(activity.label if activity else "", id="task-label")
        bar = ProgressBar(id="task-bar", show_eta=False)
        if activity is not None:
            bar.update(total=activity.total, progress=activity.progress)
        yield bar

    def show(self, activity: Activity | None) -> None:
        """The app's work under way, or nothing (None)."""
        if activity is None:
            self.display = False
            return
        self.query_one("#task-label", Label).update(activity.label)
        self.query_one("#task-bar", ProgressBar).update(
            total=activity.total, progress=activity.progress
        )
        self.display = True
