"""A training curve: the loss and the validation metric per epoch (or iteration), redrawn
whole each time events arrive, so a live fit and a saved model's curve draw alike.

A loss of 8 and a hit rate of 0.04 on one axis leave the hit rate a flat line along the bottom:
a :class:`CurvePlot` draws one of them (``line``: LOSS or VALID) on its own scale, two stacked
show both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.reactive import reactive
from textual_plot import HiResMode, LegendLocation

from moviepick.tui.widgets.plots.base import Plot

if TYPE_CHECKING:
    from moviepick.training.events import FitEvent

LOSS = "loss"
VALID = "valid"
VALID_PREFIX = "valid "  # what the models name a metric measured on held-out ratings
STYLES = {LOSS: "orange1", VALID: "dodger_blue1"}


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

    def __init__(self, line: str = LOSS, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.line = line

    def on_mount(self) -> None:
        if self.line == VALID:  # the lower of the two names the steps for both
            self.set_xlabel("step")
        else:
            self.margin_bottom = 2

    def show_curve(self, events: Iterable[FitEvent]) -> None:
        events = list(events)
        self.clear()
        lines = curve_series(events)
        total = max((event.total for event in events), default=0)
        self.set_xlimits(1, max(total, 2))
        drawn = [(name, points) for name, points in lines.items() if _kind(name) == self.line]
        # Autoscaled to what is drawn; with nothing yet, not to the curve drawn before.
        self.set_ylimits(*((None, None) if drawn else (0, 1)))
        style = STYLES[self.line]
        for name, (steps, values) in drawn:
            self.plot(steps, values, line_style=style, hires_mode=HiResMode.BRAILLE, label=name)
            if len(steps) == 1:  # a line of one point draws nothing
                self.scatter(steps, values, marker="●", marker_style=style)
        self.show_legend(LegendLocation.TOPRIGHT, is_visible=bool(drawn))


def _kind(name: str) -> str:
    return LOSS if name == LOSS else VALID
