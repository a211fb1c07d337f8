"""What every screen of the app shares: the header, the tab bar, the line of work under way and
the footer around the screen's own body."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header

from moviepick.tui.modes import TITLES
from moviepick.tui.widgets.key_footer import KeyFooter
from moviepick.tui.widgets.mode_tabs import ModeTabs
from moviepick.tui.widgets.movie_table import MovieTable
from moviepick.tui.widgets.task_progress import TaskProgress

if TYPE_CHECKING:
    from moviepick.tui.app import MoviepickApp
    from moviepick.tui.state import ActiveModel, Library


class AppScreen(Screen[None]):
    """A screen of the app, one per mode; subclasses compose their body in ``compose_body``
    and watch the app's state in ``on_mount``. A screen never holds shared state."""

    app: MoviepickApp
    MODE: ClassVar[str]

    def compose(self) -> ComposeResult:
        yield Header()
        yield ModeTabs(self.MODE)
        yield from self.compose_body()
        yield TaskProgress(self.app.activity, id="progress")
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.title = f"moviepick · {TITLES[self.MODE]}"
        self.watch(self.app, "activity", self.query_one(TaskProgress).show, init=False)
        self.watch(self.app, "library", self._show_source, init=False)
        self.watch(self.app, "active_model", self._show_source)

    def on_screen_resume(self) -> None:
        self.query_one(ModeTabs).active = f"tab-{self.MODE}"

    def _show_source(self, _: Library | ActiveModel | None) -> None:
        library, active = self.app.library, self.app.active_model
        if library is None:
            return
        dataset = library.dataset
        parts = [dataset.name, f"{len(dataset.catalog):,} movies"]
        if active is not None:
            parts.append(f"model {active.name}")
        self.sub_title = " · ".join(parts)
        for table in self.query(MovieTable):
            table.rating_step = dataset.rating_step
