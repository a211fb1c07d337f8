"""What every plot of the app shares: textual-plot's widget with keys that have ids and
tooltips (so the help lists them and config.toml can remap them), figures on the axes as
people write them, and category labels fitted to the width."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from textual import events
from textual.binding import Binding
from textual_plot import PlotWidget
from textual_plot.axis_formatter import NumericAxisFormatter


class CountFormatter(NumericAxisFormatter):
    """Ticks of counts: 20k, 1.5M rather than 20000, 1500000, which the margin cuts."""

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        largest = max((abs(tick) for tick in ticks), default=0.0)
        if largest < 10_000:
            return super().get_labels_for_ticks(ticks)
        unit, suffix = (1e6, "M") if largest >= 1e6 else (1e3, "k")
        return [f"{tick / unit:g}{suffix}" for tick in ticks]


class Plot(PlotWidget, inherit_bindings=False):
    """A PlotWidget whose keys have ids and tooltips. A plot made without ``zoomable`` takes
    no focus and lets the mouse wheel scroll what holds it, instead of zooming."""

    BINDINGS = [
        Binding(
            "plus,equals_sign",
            "zoom_in",
            "Zoom",
            id="plot-zoom-in",
            tooltip="Zoom in on the middle of the plot",
        ),
        Binding(
            "minus",
            "zoom_out",
            "Zoom out",
            show=False,  # the footer has room for few keys at 80 columns; the help has all
            id="plot-zoom-out",
            tooltip="Zoom out of the plot",
        ),
        *(
            Binding(
                direction,
                f"pan_{direction}",
                f"Pan {direction}",
                show=False,
                id=f"plot-pan-{direction}",
                tooltip=f"Move the view of the plot {direction}",
            )
            for direction in ("left", "right", "up", "down")
        ),
        Binding(
            "r",
            "reset_scales",
            "Reset",
            show=False,
            id="plot-reset",
            tooltip="Show the whole plot again, as before any zoom or move",
        ),
    ]

    def __init__(
        self, *, zoomable: bool = True, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes, allow_pan_and_zoom=zoomable)
        self.can_focus = zoomable
        self.zoomable = zoomable

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._pass_wheel(event)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._pass_wheel(event)

    def _pass_wheel(self, event: events.MouseEvent) -> None:
        """Keep PlotWidget's zoom handler, which would stop the event, from running."""
        if not self.zoomable:
            event.prevent_default()

    @property
    def limits(self) -> tuple[float, float, float, float]:
        """The view: x from, x to, y from, y to, in data units."""
        return self._x_min, self._x_max, self._y_min, self._y_max


def fit_labels(
    labels: Sequence[str], width: int, *, abbreviate: bool = False
) -> tuple[list[str], list[float]]:
    """Category labels that fit ``width`` cells with a space between them, and the positions
    (1-based, as PlotWidget's categories) to write them at. With ``abbreviate``, names are cut
    to the room each has, down to three letters (genres stay recognisable); then, or
    without, only every k-th label is written (years, ranges)."""
    names = list(labels)
    positions = [float(k) for k in range(1, len(names) + 1)]
    if not names:
        return names, positions
    room = max(width, 1) / len(names)  # cells per category
    longest = max(len(name) for name in names)
    if abbreviate and longest + 1 > room:
        cut = max(3, int(room) - 1)
        names = [name[:cut] for name in names]
        longest = max(len(name) for name in names)
    step = max(1, ceil((longest + 1) / room))
    return names, positions[::step]
