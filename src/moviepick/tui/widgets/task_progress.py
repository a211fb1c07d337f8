"""One line at the bottom of a screen: what long work is under way, and how far it got."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

if TYPE_CHECKING:
    from moviepick.tui.state import Activity


class TaskProgress(Horizontal):
    """Hidden while idle; a label and a bar (pulsing while the total is unknown) while busy."""

    def compose(self) -> ComposeResult:
        yield Label(id="task-label")
        yield ProgressBar(id="task-bar", show_eta=False)

    def on_mount(self) -> None:
        self.display = False

    def report(self, label: str, progress: float = 0, total: float | None = None) -> None:
        self.query_one("#task-label", Label).update(label)
        self.query_one("#task-bar", ProgressBar).update(total=total, progress=progress)
        self.display = True

    def done(self) -> None:
        self.display = False

    def show(self, activity: Activity | None) -> None:
        """The app's work under way, or nothing (None)."""
        if activity is None:
            self.done()
        else:
            self.report(activity.label, activity.progress, activity.total)
