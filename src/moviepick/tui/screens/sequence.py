"""Sequence: what you watched, in order, and what to watch next after it.

The left table is the watch sequence, oldest first: move an entry with shift+up / shift+down,
remove it with backspace, clear them all with ``c`` (asks first). The right table is what a
model says comes next (``n``); a sequential model (sasrec, seq-mean) reads the order, any other
model the movies. Movies are added from any table with ``a``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Select

from moviepick.tui.screens.base import AppScreen
from moviepick.tui.widgets.movie_table import (
    GENRES,
    RANK,
    REASON,
    TITLE,
    WHEN,
    YEAR,
    YOURS,
    MovieTable,
)

if TYPE_CHECKING:
    from moviepick.services.picks import SequencedItem
    from moviepick.store import ModelInfo
    from moviepick.tui.state import NextPicks


def next_model_choices(saved: tuple[ModelInfo, ...], active: str | None = None) -> list[str]:
    """Saved models first (those that read the order, then the active one, then the others),
    then the model types with no saved model (chosen, they are trained first)."""
    from moviepick.models.registry import model_class, model_names

    def reads_order(model: str) -> bool:
        return model_class(model).reads_order

    order = sorted(saved, key=lambda info: (not reads_order(info.model), info.name != active))
    trained = {info.model for info in saved}
    untrained = sorted(
        (model for model in model_names() if model not in trained),
        key=lambda model: not reads_order(model),
    )
    return [info.name for info in order] + untrained


MOVE = Binding.Group("Move", compact=True)


class SequenceScreen(AppScreen):
    MODE = "sequence"
    AUTO_FOCUS = "#sequence"

    # Moving and removing are priority bindings, as the table's cursor keys are: queued to the
    # table, "shift+down down backspace" in a burst ran the cursor key first.
    BINDINGS = [
        Binding(
            "shift+up",
            "move(-1)",
            "Earlier",
            key_display="⇧↑",
            group=MOVE,
            priority=True,
            id="sequence-earlier",
            tooltip="Move the highlighted entry one place earlier in your watch sequence",
        ),
        Binding(
            "shift+down",
            "move(1)",
            "Later",
            key_display="⇧↓",
            group=MOVE,
            priority=True,
            id="sequence-later",
            tooltip="Move the highlighted entry one place later in your watch sequence",
        ),
        Binding(
            "backspace",
            "remove",
            "Remove",
            priority=True,
            id="sequence-remove",
            tooltip="Take the highlighted entry out of your watch sequence",
        ),
        Binding(
            "c",
            "app.clear_sequence",
            "Clear",
            show=False,
            id="sequence-clear",
            tooltip="Remove every entry of your watch sequence (asks first)",
        ),
        Binding(
            "n",
            "what_next",
            "Up next",
            id="sequence-next",
            tooltip="Ask the chosen model what to watch after your sequence",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="sequence-body"):
            with Vertical(id="sequence-pane"):
                yield Label(id="sequence-title", classes="pane-title")
                yield Label(id="sequence-unmatched", classes="note")
                yield MovieTable([RANK, TITLE, YEAR, WHEN, GENRES, YOURS], id="sequence")
            with Vertical(id="next-pane"):
                yield Select[str]([], prompt="model for what next", id="next-model")
                yield Label(id="next-hint", classes="note")
                yield MovieTable([RANK, TITLE, YEAR, REASON], id="next")
                yield Label(id="next-why", classes="note")

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "sequence", self._show_sequence)
        self.watch(self.app, "ratings", self._show_stars, init=False)
        self.watch(self.app, "saved_models", self._show_models)
        self.watch(self.app, "next_picks", self._show_next)

    def _entries(self) -> list[SequencedItem]:
        return [entry for entry in self.app.sequence if entry.item is not None]

    def _show_sequence(self, sequence: tuple[SequencedItem, ...]) -> None:
        library = self.app.library
        if library is None:
            return
        shown = self._entries()
        self.query_one("#sequence-title", Label).update(
            f"Your watch sequence: {len(sequence)} entr{'y' if len(sequence) == 1 else 'ies'}"
            + ("" if sequence else " (add movies with a on any table)")
        )
        elsewhere = [entry.entry.title for entry in sequence if entry.item is None]
        note = self.query_one("#sequence-unmatched", Label)
        note.display = bool(elsewhere)
        note.update(f"Kept, not in {library.dataset.name}: {', '.join(elsewhere)}")
        when = [
            entry.entry.watched_on.isoformat() if entry.entry.watched_on else "" for entry in shown
        ]
        self.query_one("#sequence", MovieTable).show(
            library.dataset.catalog,
            [entry.item for entry in shown if entry.item is not None],
            self.app.my_stars,
            cells={"when": when} if any(when) else {},
        )

    def _show_stars(self, _: object) -> None:
        self.query_one("#sequence", MovieTable).update_ratings(self.app.my_stars)

    def _show_models(self, saved: tuple[ModelInfo, ...]) -> None:
        active = self.app.active_model
        choices = next_model_choices(saved, active.name if active else None)
        select = self.query_one("#next-model", Select)
        current = select.value
        select.set_options([(self._choice_label(name, saved), name) for name in choices])
        if isinstance(current, str) and current in choices:
            select.value = current
        elif choices:
            select.value = choices[0]

    @staticmethod
    def _choice_label(name: str, saved: tuple[ModelInfo, ...]) -> str:
        return name if any(info.name == name for info in saved) else f"{name} (train it)"

    def _show_next(self, next_picks: NextPicks | None) -> None:
        library = self.app.library
        hint = self.query_one("#next-hint", Label)
        if library is None or next_picks is None:
            hint.update("Press n: the chosen model says what to watch next.")
            return
        hint.update(f"What next, by {next_picks.model}:")
        picks = next_picks.picks
        self.query_one("#next", MovieTable).show(
            library.dataset.catalog,
            [pick.item for pick in picks],
            self.app.my_stars,
            cells={"reason": [pick.reason for pick in picks]},
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted pick's reason in full under the list, which is too narrow for it."""
        next_picks = self.app.next_picks
        if event.data_table.id != "next" or next_picks is None:
            return
        row = event.cursor_row
        reason = next_picks.picks[row].reason if 0 <= row < len(next_picks.picks) else ""
        self.query_one("#next-why", Label).update(reason)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move", "remove"):
            return self.focused is self.query_one("#sequence", MovieTable) or None
        return True

    def action_move(self, offset: int) -> None:
        table = self.query_one("#sequence", MovieTable)
        entries = self._entries()
        row = table.cursor_row
        if not 0 <= row < len(entries) or not 0 <= row + offset < len(entries):
            return
        self.app.move_in_sequence(entries[row].entry.entry_id, offset)
        table.move_cursor(row=row + offset)

    def action_remove(self) -> None:
        table = self.query_one("#sequence", MovieTable)
        entries = self._entries()
        if 0 <= table.cursor_row < len(entries):
            self.app.remove_from_sequence(entries[table.cursor_row].entry.entry_id)

    def action_what_next(self) -> None:
        name = self.query_one("#next-model", Select).value
        hint = self.query_one("#next-hint", Label)
        if isinstance(name, str):
            hint.update(f"Asking {name}…")
            self.app.ask_what_next(name)
        else:
            hint.update("Choose the model that says what next, in the list above.")

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.app.next_picks is not None and isinstance(event.value, str):
            self.action_what_next()
