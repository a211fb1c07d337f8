"""The Lab's small questions: a new name for a saved model, and the protocols to evaluate on."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static


class RenameScreen(ModalScreen[str | None]):
    """Dismissed with the new name (None: left as it was)."""

    DEFAULT_CSS = """
    RenameScreen { align: center middle; }
    RenameScreen > Vertical {
        width: 60; max-width: 90%; height: auto; border: thick $primary; padding: 1 2;
        background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="rename-cancel", tooltip="Keep the name")
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.old_name = name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Rename {self.old_name} to (enter saves, escape cancels):")
            yield Input(self.old_name, id="new-name")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        new_name = event.value.strip()
        self.dismiss(new_name if new_name and new_name != self.old_name else None)


class EvaluateScreen(ModalScreen[tuple[str, ...] | None]):
    """The protocols to evaluate ``models`` on; dismissed with those chosen (None: cancelled)."""

    DEFAULT_CSS = """
    EvaluateScreen { align: center middle; }
    EvaluateScreen > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 90%; border: thick $primary;
        padding: 1 2; background: $surface;
    }
    EvaluateScreen SelectionList { height: auto; max-height: 10; }
    """
    BINDINGS = [
        Binding(
            "enter",
            "start",
            "Evaluate",
            priority=True,
            id="evaluate-start",
            tooltip="Queue the evaluation",
        ),
        Binding("escape", "dismiss(None)", "Cancel", id="evaluate-cancel", tooltip="Leave it"),
    ]

    def __init__(
        self,
        models: Sequence[str],
        protocols: Sequence[tuple[str, str]],
        chosen: Sequence[str],
        *,
        again: bool = False,
    ) -> None:
        super().__init__()
        self.models = tuple(models)
        self.protocols = tuple(protocols)  # (name, description)
        self.chosen = set(chosen)
        self.again = again

    def compose(self) -> ComposeResult:
        verb = "Re-evaluate" if self.again else "Evaluate"
        with Vertical():
            yield Static(
                f"{verb} {', '.join(self.models)} on (space ticks, enter starts, escape cancels):"
            )
            yield SelectionList[str](
                *[
                    (f"{name}: {description}", name, name in self.chosen)
                    for name, description in self.protocols
                ],
                id="protocols",
            )

    def action_start(self) -> None:
        chosen = tuple(self.query_one(SelectionList).selected)
        self.dismiss(chosen or None)
