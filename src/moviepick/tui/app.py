"""The moviepick app: ``moviepick`` with no subcommand runs :func:`run_app`."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from moviepick.config import Config, load_config
from moviepick.tui.screens.help import HelpScreen
from moviepick.tui.screens.picker import PickerScreen


class MoviepickApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "moviepick"
    BINDINGS = [
        Binding(
            "q", "quit", "Quit", id="quit", tooltip="Leave moviepick; ratings are already saved"
        ),
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="All the keys"),
    ]

    def __init__(self, data: str | None = None, config: Config | None = None) -> None:
        super().__init__()
        self.data = data
        self.config = config or Config()

    def get_default_screen(self) -> Screen:
        return PickerScreen(self.data, self.config)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def run_app(data: str | None = None) -> None:
    """Open the full-screen app on ``data`` (a folder, zip or dataset name; None: the default)."""
    MoviepickApp(data, load_config()).run()
