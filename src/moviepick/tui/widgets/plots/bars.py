"""Bar charts of labelled bins: one series (a histogram of the stats), or two side by side
(your share of each genre against everyone's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual_plot import HiResMode
from textual_plot.axis_formatter import CategoricalAxisFormatter

from moviepick.tui.widgets.plots.base import CountFormatter, Plot, fit_labels

if TYPE_CHECKING:
    from moviepick.services.stats import Bars

BAR_STYLE = "dodger_blue1"
PAIR_STYLES = ("orange1", "dodger_blue1")  # yours, everyone's
# Of the 1 between categories: a gap between the two bars of one, so that no half cell holds
# both and takes one's colour.
PAIR_WIDTH = 0.32
BAR_MODE = HiResMode.QUADRANT  # half a cell up and across: bars of a few rows still differ


class CategoryPlot(Plot):
    """A plot over named categories whose labels are refitted to its width on every resize."""

    margin_top = reactive(1)
    margin_bottom = reactive(2)  # the labels, no axis title: the chart's title is above it
    margin_left = reactive(7)

    DEFAULT_CSS = """
    CategoryPlot {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(
        self, *, abbreviate: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(zoomable=False, id=id, classes=classes)
        self.abbreviate = abbreviate
        self.labels: tuple[str, ...] = ()
        self.set_y_formatter(CountFormatter())

    def on_resize(self, _: events.Resize) -> None:
        self._fit_labels()

    def _fit_labels(self) -> None:
        width = self.size.width - self.margin_left - 2
        names, ticks = fit_labels(self.labels, width, abbreviate=self.abbreviate)
        self.set_x_formatter(CategoricalAxisFormatter(names))
        self.set_xticks(ticks)
        self.refresh(layout=True)

    def _start(self, labels: Sequence[str]) -> None:
        self.clear()
        self.labels = tuple(labels)
        self.set_xlimits(0.5, max(len(self.labels), 1) + 0.5)
        self.set_ylimits(0, None)
        self._fit_labels()


class BarChart(CategoryPlot):
    """One bar per bin of a :class:`~moviepick.services.stats.Bars`."""

    def show_bars(self, bars: Bars, *, style: str = BAR_STYLE) -> None:
        self._start(bars.labels)
        if bars.counts:
            positions = list(range(1, len(bars.counts) + 1))
            self.bar(positions, list(bars.counts), width=0.8, bar_style=style, hires_mode=BAR_MODE)


class PairedBars(CategoryPlot):
    """Two bars per category, side by side, in percent: say yours against everyone's. The
    legend is :func:`pair_legend`, for the title: an overlay would hide the tallest bars."""

    def show_pairs(
        self,
        labels: Sequence[str],
        first: Sequence[float],
        second: Sequence[float],
        *,
        styles: tuple[str, str] = PAIR_STYLES,
    ) -> None:
        """``first`` and ``second`` are shares (0..1) per label, drawn in percent."""
        self._start(labels)
        if not labels:
            return
        for offset, values, style in zip((-0.2, 0.2), (first, second), styles, strict=True):
            self.bar(
                [k + offset for k in range(1, len(labels) + 1)],
                [100 * value for value in values],
                width=PAIR_WIDTH,
                bar_style=style,
                hires_mode=BAR_MODE,
            )


def pair_legend(names: tuple[str, str], styles: tuple[str, str] = PAIR_STYLES) -> Text:
    """ "■ first  ■ second", each square in its bars' colour."""
    legend = Text()
    for name, style in zip(names, styles, strict=True):
        legend.append("■ ", style=style).append(f"{name}  ")
    legend.rstrip()
    return legend
