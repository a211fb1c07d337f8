"""A training curve: the loss and the validation metric per epoch (or iteration), redrawn
whole each time events arrive, so a live fit and a saved model's curve draw alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.reactive import reactive
from textual_plot import HiResMode, LegendLocation

from moviepick.tui.widgets.plots.base import Plot

if TYPE_CHECKING:
    from moviepick.training.events import FitEvent

LOSS = "loss"
VALID_PREFIX = "valid "  # what the models name a metric measured on held-out ratings
STYLES = ("orange1", "dodger_blue1")  # the loss, the validation metric


def curve_series(events: Iterable[FitEvent]) -> dict[str, tuple[list[int], list[float]]]:
    """The lines of a curve, by name: the loss at each step that reports one, and the first
    validation metric of the fit ("valid RMSE", "valid HR@10") at each step that reports it.
    Heartbeats repeat the event before them and are left out."""
    steps = [event for event in events if not event.heartbeat]
    valid = next(
        (name for event in steps for name in event.metrics if name.startswith(VALID_PREFIX)),
        None,
    )
    lines: dict[str, tuple[list[int], list[float]]] = {}
    for name in (LOSS, valid):
        if name is None:
            continue
        points = [
            (event.step, event.loss if name == LOSS else event.metrics.get(name)) for event in steps
        ]
        kept = [(step, float(value)) for step, value in points if value is not None]
        if kept:
            lines[name] = ([step for step, _ in kept], [value for _, value in kept])
    return lines


class CurvePlot(Plot):
    """The loss and validation metric of a fit against its steps; call :meth:`show_curve`
    with all the events so far as often as they come."""

    margin_top = reactive(1)
    margin_bottom = reactive(3)
    margin_left = reactive(8)

    DEFAULT_CSS = """
    CurvePlot {
        height: 1fr;
        min-height: 8;
    }
    """

    def on_mount(self) -> None:
        self.set_xlabel("step")

    def show_curve(self, events: Iterable[FitEvent]) -> None:
        events = list(events)
        self.clear()
        lines = curve_series(events)
        total = max((event.total for event in events), default=0)
        self.set_xlimits(1, max(total, 2))
        for (name, (steps, values)), style in zip(lines.items(), STYLES, strict=False):
            self.plot(steps, values, line_style=style, hires_mode=HiResMode.BRAILLE, label=name)
            if len(steps) == 1:  # a line of one point draws nothing
                self.scatter(steps, values, marker="●", marker_style=style)
        self.show_legend(LegendLocation.TOPRIGHT, is_visible=bool(lines))
