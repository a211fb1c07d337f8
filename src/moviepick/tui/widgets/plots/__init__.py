"""Plots in the terminal, thin over textual-plot: bar charts, a training curve and a model's
map of the movies, shared by the Stats screen, the Lab and ``moviepick stats --plot``.

textual-plot imports numpy: only the screens that draw plots import this package, once they
are shown, so the app paints before numpy loads.
"""

from moviepick.tui.widgets.plots.bars import BarChart, PairedBars, pair_legend
from moviepick.tui.widgets.plots.base import Plot
from moviepick.tui.widgets.plots.curve import CurvePlot, curve_series
from moviepick.tui.widgets.plots.embedding import EmbeddingMapView, MapPlot

__all__ = [
    "BarChart",
    "CurvePlot",
    "EmbeddingMapView",
    "MapPlot",
    "PairedBars",
    "Plot",
    "curve_series",
    "pair_legend",
]
