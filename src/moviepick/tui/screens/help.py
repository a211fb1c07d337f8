"""The keys of the app, on a modal screen."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "Search the catalogue, rate what you have seen, and get picks for what to watch next. "
    "Your ratings are saved as you make them; picks refresh each time you rate. While the "
    "model trains (the first start on a dataset), search and rating already work."
)

KEYS = [
    ("type", "search by title, alias or year, as you type; typos are fine"),
    ("↓ enter esc", "from the search box to its results"),
    ("/", "back to the search box (what you type replaces the query)"),
    ("1 2 3 4 5", "rate the highlighted movie 1 to 5 stars"),
    ("! @ # $ %", "shift + digit: half a star less (0.5 to 4.5), on half-star datasets"),
    ("0  delete", "remove your rating of the highlighted movie"),
    ("r", "show your recommendations (picks)"),
    ("m", "show your ratings, to change or remove one"),
    ("tab", "next pane"),
    ("? f1", "this help; esc closes it"),
    ("q", "quit (in the search box, q is just a letter)"),
    ("ctrl+p", "command palette"),
]


def help_table() -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for key, meaning in KEYS:
        table.add_row(key, meaning)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("moviepick keys", style="bold"), id="help-title")
            yield Static(INTRO, id="help-intro")
            yield Static(help_table())
