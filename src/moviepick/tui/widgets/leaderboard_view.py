"""The stored leaderboard of one protocol at a time: a table of every evaluated model with the
best value of each metric marked, and a bar per model of the protocol's main metric.

Only the protocols with records are shown; a key steps to the next one. Without any record
the view says how to make one.
"""

from __future__ import annotations

import math
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual_plot import HiResMode, PlotWidget

from moviepick.evaluation.evaluate import FIT_SECONDS
from moviepick.evaluation.protocols import protocol
from moviepick.services.leaderboards import Leaderboards, best_per_metric, params_summary
from moviepick.tui.widgets.movie_table import fit_title

EMPTY_HINT = "press e on the Models tab to evaluate models"
BEST_MARK = "*"
PARAMS_WIDTH = 24  # cells of the params column; longer summaries lose their middle
BAR_STYLE = "cyan"
BEST_BAR_STYLE = "bold green"


class _BarChart(PlotWidget, can_focus=False):
    """The plot, out of the focus chain: the keys belong to the table, and a chart of a few
    bars has nothing to pan or zoom. Its margins are a row each above (the metric's name) and
    below (the models' names) so that the bars keep most of a short pane."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, allow_pan_and_zoom=False)
        # set before mounting, without the watchers that lay out a grid not yet composed
        self.set_reactive(PlotWidget.margin_top, 1)
        self.set_reactive(PlotWidget.margin_bottom, 2)


class LeaderboardView(Vertical):
    """One protocol's leaderboard of one dataset (:meth:`show`), a key to the next protocol."""

    DEFAULT_CSS = """
    LeaderboardView {
        height: 1fr;
        #leaderboard-title { height: 1; text-style: bold; }
        #leaderboard-problems { height: auto; color: $warning; }
        #leaderboard-empty { height: auto; color: $text-muted; padding: 1 0; }
        #leaderboard-table { height: auto; max-height: 45%; }
        #leaderboard-chart { height: 1fr; }
    }
    """

    BINDINGS = [
        Binding(
            "p",
            "next_protocol",
            "Next protocol",
            id="lab-next-protocol",
            tooltip="Show the leaderboard of the next evaluation protocol",
        )
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._leaderboards = Leaderboards("")
        self._protocol: str | None = None

    @property
    def protocol(self) -> str | None:
        """The protocol shown; None while no protocol has records."""
        return self._protocol

    def compose(self) -> ComposeResult:
        # the text is data (file names, descriptions), never markup
        yield Static(id="leaderboard-title", markup=False)
        yield Static(id="leaderboard-problems", markup=False)
        yield Static(id="leaderboard-empty", markup=False)
        table: DataTable[Any] = DataTable(id="leaderboard-table", cursor_type="row")
        yield table
        yield _BarChart(id="leaderboard-chart")

    def on_mount(self) -> None:
        self._redraw()

    def show(self, leaderboards: Leaderboards) -> None:
        """Show ``leaderboards``, staying on the protocol shown when it still has records."""
        self._leaderboards = leaderboards
        filled = leaderboards.filled
        if self._protocol not in filled:
            self._protocol = filled[0] if filled else None
        self._redraw()

    def action_next_protocol(self) -> None:
        filled = self._leaderboards.filled
        if self._protocol is None or len(filled) < 2:
            return
        self._protocol = filled[(filled.index(self._protocol) + 1) % len(filled)]
        self._redraw()

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        boards = self._leaderboards
        problems = self.query_one("#leaderboard-problems", Static)
        problems.update("\n".join(boards.problems))
        problems.display = bool(boards.problems)
        shown = self._protocol is not None
        for part in ("#leaderboard-table", "#leaderboard-chart"):
            self.query_one(part).display = shown
        empty = self.query_one("#leaderboard-empty", Static)
        empty.display = not shown
        title = self.query_one("#leaderboard-title", Static)
        if self._protocol is None:
            where = f" on {boards.dataset}" if boards.dataset else ""
            title.update(f"No evaluation stored{where} yet")
            empty.update(f"To compare models on one protocol, {EMPTY_HINT}.")
            return
        spec = protocol(self._protocol)
        records = boards.tables[self._protocol]
        filled = boards.filled
        position = f"{filled.index(self._protocol) + 1}/{len(filled)}"
        title.update(
            f"{spec.name} · {boards.dataset} · {position} · {BEST_MARK} best · {spec.description}"
        )
        self._fill_table(records, self._protocol)
        self._draw_chart(records, self._protocol)

    def _fill_table(self, records: list[dict[str, Any]], protocol_name: str) -> None:
        spec = protocol(protocol_name)
        best = best_per_metric(records, protocol_name)
        table = self.query_one("#leaderboard-table", DataTable)
        table.clear(columns=True)
        table.add_column("Model", key="model")
        table.add_column("Params", key="params")
        for metric in spec.metrics:
            table.add_column(metric, key=metric)
        table.add_column(Text("Fit s", justify="right"), key=FIT_SECONDS)
        for rank, record in enumerate(records):
            metrics = [
                _metric_cell(record.get(metric), best.get(metric)) for metric in spec.metrics
            ]
            table.add_row(
                record["model"],
                fit_title(params_summary(record), PARAMS_WIDTH),
                *metrics,
                _seconds_cell(record.get(FIT_SECONDS)),
                key=str(rank),
            )

    def _draw_chart(self, records: list[dict[str, Any]], protocol_name: str) -> None:
        spec = protocol(protocol_name)
        chart = self.query_one("#leaderboard-chart", _BarChart)
        chart.clear()
        measured = [(record["model"], _number(record.get(spec.main_metric))) for record in records]
        bars = [(name, value) for name, value in measured if value is not None]
        if not bars:
            return
        labels = _distinct([name for name, _ in bars])
        values = [value for _, value in bars]
        best = best_per_metric(records, protocol_name)[spec.main_metric]
        styles = [BEST_BAR_STYLE if value == best else BAR_STYLE for value in values]
        chart.bar(
            labels,
            values,
            width=0.6,
            bar_style=styles,
            hires_mode=HiResMode.HALFBLOCK,
            label=spec.main_metric,
        )
        chart.set_xlimits(0.4, len(values) + 0.6)
        chart.set_ylimits(*_y_limits(values))
        chart.set_ylabel(spec.main_metric)
        chart.set_xlabel("")


def _number(value: object) -> float | None:
    """A record's figure as a float; None where it is missing or not a number."""
    if isinstance(value, int | float) and not math.isnan(value):
        return float(value)
    return None


def _metric_cell(value: object, best: float | None) -> Text:
    """Left-aligned: every figure has the same digits before its mark or blank, so the
    figures line up while the mark stays after them."""
    number = _number(value)
    if number is None:
        return Text("–")
    if number == best:
        return Text(f"{number:.4f}{BEST_MARK}", style="bold")
    return Text(f"{number:.4f} ")


def _seconds_cell(value: object) -> Text:
    number = _number(value)
    return Text("–" if number is None else f"{number:.1f}", justify="right")


def _distinct(names: list[str]) -> list[str]:
    """Bar labels one per bar: a model evaluated with two sets of parameters is numbered."""
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return labels


def _y_limits(values: list[float]) -> tuple[float, float]:
    """From 0 where the bars' differences show from there (ranking metrics); else from below
    the lowest bar by the spread, so errors of 0.87 and 0.91 stand apart."""
    low, high = min(values), max(values)
    spread = high - low or abs(high) * 0.05 or 1.0
    bottom = low - spread
    return (0.0 if bottom < 0 else bottom), high + spread * 0.1
