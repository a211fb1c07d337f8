"""The keys of the screen you are on, read from its live bindings (remaps included), so the
help can never drift from the keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from textual.binding import ActiveBinding
    from textual.dom import DOMNode

INTRO = (
    "Search the catalogue, rate what you have seen, keep the sequence of what you watched, "
    "and get picks from any model you trained. Everything you do is saved as you do it. "
    'Remap any key in config.toml: keymap = {binding-id = "keys"} (the ids are on the right).'
)
TYPING = "type in a box: search, years; ↓ enter esc leave it, / comes back"


def _where(node: DOMNode) -> str:
    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return "On this screen"
    return "In this table" if node.__class__.__name__ == "MovieTable" else "Here"


def help_table(app: App[object], bindings: Mapping[str, ActiveBinding]) -> Table:
    """The bindings grouped by where they work, each with its keys, what it does and its id."""
    rows: dict[tuple[str, str], tuple[list[str], Binding]] = {}
    for active in bindings.values():
        binding, node = active.binding, active.node
        if isinstance(node, Input) or not (binding.description or binding.tooltip):
            continue
        key = (_where(node), binding.id or binding.action)
        keys, _ = rows.setdefault(key, ([], binding))
        keys.append(app.get_key_display(binding))
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(style="dim", no_wrap=True)
    for group in ("Everywhere", "On this screen", "In this table", "Here"):
        entries = [
            (keys, binding) for (where, _), (keys, binding) in rows.items() if where == group
        ]
        if not entries:
            continue
        table.add_row(Text(group, style="underline"), "", "")
        for keys, binding in entries:
            table.add_row(
                " ".join(dict.fromkeys(keys)),
                binding.tooltip or binding.description,
                binding.id or "",
            )
    table.add_row("", "", "")
    table.add_row("ctrl+p", "command palette: every action, by name", "")
    table.add_row("", TYPING, "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding(
            "escape,q,question_mark,f1",
            "dismiss",
            "Close",
            id="close-help",
            tooltip="Back to the screen",
        ),
    ]

    def __init__(self, bindings: Mapping[str, ActiveBinding]) -> None:
        super().__init__()
        self.live_bindings = dict(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("moviepick keys", style="bold"), id="help-title")
            yield Static(INTRO, id="help-intro")
            yield Static(help_table(self.app, self.live_bindings))
