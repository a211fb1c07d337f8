"""The keys of the app, on a modal screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# moviepick

Search the catalogue, rate what you have seen, and get picks for what to watch next.
Your ratings are saved as you make them.

| Key | What it does |
|---|---|
| *type* | search by title, alias or year, as you type; typos are fine |
| ↓ enter esc | from the search box to its results |
| / | back to the search box |
| 1 2 3 4 5 | rate the highlighted movie 1 to 5 stars |
| ! @ # $ % | shift + digit: half a star less (0.5 to 4.5), on datasets with half stars |
| 0 delete | remove your rating of the highlighted movie |
| r | show your recommendations (picks) |
| m | show your ratings, to change or remove one |
| tab | next pane |
| ? f1 | this help; esc closes it |
| q | quit (in the search box, q is just a letter) |
| ctrl+p | command palette |

Recommendations refresh every time you rate. While the model trains (the first start on a
dataset), search and rating already work.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)
