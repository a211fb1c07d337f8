"""A model's map of the movies: a scatter of an :class:`EmbeddingMap`, coloured by each
movie's primary genre, your rated movies marked, one movie highlighted and named under it.

The highlight starts on the movie nearest the middle of the view and steps outwards with
``]`` and back with ``[``; after a zoom or a move it goes to the new middle, so zooming on a
corner of the map and reading the names there is a few keys.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static
from textual_plot import HiResMode, PlotWidget

from moviepick.tui.widgets.plots.base import Plot

if TYPE_CHECKING:
    from moviepick.services.embedding_map import EmbeddingMap

PALETTE = (  # the most frequent primary genres, in order; the rest are OTHER_STYLE
    "dodger_blue1",
    "orange1",
    "green3",
    "magenta",
    "yellow1",
    "cyan",
    "medium_purple1",
)
OTHER_STYLE = "grey50"
RATED_MARKER, RATED_STYLE = "+", "bold white"
HIGHLIGHT_MARKER, HIGHLIGHT_STYLE = "◉", "bold black on yellow"
PAD = 0.04  # of the map's extent, around its points


def genre_palette(genres: tuple[str, ...]) -> dict[str, str]:
    """A colour for each of the most frequent genres of the map (ties by name)."""
    counts = Counter(genre for genre in genres if genre)
    ranked = sorted(counts, key=lambda genre: (-counts[genre], genre))
    return dict(zip(ranked, PALETTE, strict=False))


def order_from_center(
    x: np.ndarray, y: np.ndarray, limits: tuple[float, float, float, float]
) -> np.ndarray:
    """Point indices by their distance to the middle of the view ``limits``, measured in
    fractions of the view's width and height (the screen's aspect, not the data's); the
    points inside the view first, then those outside."""
    x_min, x_max, y_min, y_max = limits
    width, height = max(x_max - x_min, 1e-12), max(y_max - y_min, 1e-12)
    dx = (x - (x_min + x_max) / 2) / width
    dy = (y - (y_min + y_max) / 2) / height
    outside = (np.abs(dx) > 0.5) | (np.abs(dy) > 0.5)
    return np.lexsort((np.arange(len(x)), dx * dx + dy * dy, outside))


class MapPlot(Plot):
    """The scatter of a map, with a highlighted movie that keys move and enter opens."""

    margin_top = reactive(1)
    margin_bottom = reactive(2)
    margin_left = reactive(6)

    BINDINGS = [
        Binding(
            "right_square_bracket",
            "step(1)",
            "Move",
            key_display="]",
            id="map-next",
            tooltip="Highlight the next movie out from the middle of the map",
        ),
        Binding(
            "left_square_bracket",
            "step(-1)",
            "Back",
            key_display="[",
            show=False,
            id="map-previous",
            tooltip="Highlight the previous movie, back towards the middle of the map",
        ),
        Binding(
            "enter",
            "open",
            "Page",
            id="map-open",
            tooltip="Open the highlighted movie's page",
        ),
    ]

    DEFAULT_CSS = """
    MapPlot {
        height: 1fr;
        min-height: 6;
    }
    """

    @dataclass
    class Highlighted(Message):
        """The movie at ``index`` of the map is highlighted, ``rank`` points from the middle."""

        plot: MapPlot
        index: int
        rank: int

    @dataclass
    class Opened(Message):
        """The person asked for the page of ``item``."""

        plot: MapPlot
        item: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.points: EmbeddingMap | None = None
        self.palette: dict[str, str] = {}
        self._order = np.empty(0, dtype=np.int64)
        self._rank = 0
        self._marked = False  # the last dataset drawn is the highlight

    @property
    def highlighted(self) -> int | None:
        """The index in the map of the highlighted movie."""
        return int(self._order[self._rank]) if len(self._order) else None

    def show_map(self, points: EmbeddingMap) -> None:
        """Draw ``points`` whole; the highlight goes to the movie nearest the middle."""
        self.points = points
        self.palette = genre_palette(points.genres)
        self.clear()
        self._marked = False
        if not len(points):
            self._order = np.empty(0, dtype=np.int64)
            return
        self._set_view(points.x, points.y)
        genres = np.array(points.genres, dtype=object)
        colored = np.isin(genres, list(self.palette))
        self._scatter(~colored, OTHER_STYLE)
        for genre, style in self.palette.items():
            self._scatter(genres == genre, style)
        rated = points.rated
        if rated.any():
            self.scatter(points.x[rated], points.y[rated], RATED_MARKER, RATED_STYLE)
        self._find_middle()

    def _set_view(self, x: np.ndarray, y: np.ndarray) -> None:
        for values, setter in ((x, self.set_xlimits), (y, self.set_ylimits)):
            low, high = float(values.min()), float(values.max())
            pad = PAD * (high - low) or 1.0
            setter(low - pad, high + pad)

    def _scatter(self, mask: np.ndarray, style: str) -> None:
        assert self.points is not None
        if mask.any():
            self.scatter(
                self.points.x[mask],
                self.points.y[mask],
                marker_style=style,
                hires_mode=HiResMode.BRAILLE,
            )

    def _find_middle(self) -> None:
        if self.points is None or not len(self.points):
            return
        self._order = order_from_center(self.points.x, self.points.y, self.limits)
        self._rank = 0
        self._mark()

    def _mark(self) -> None:
        """Draw the highlight over the points (replacing the last one) and say which it is."""
        index = self.highlighted
        if self.points is None or index is None:
            return
        if self._marked:  # PlotWidget draws its datasets in order and removes none but all
            self._datasets.pop()
            self._labels.pop()
        x, y = self.points.x[index : index + 1], self.points.y[index : index + 1]
        self.scatter(x, y, HIGHLIGHT_MARKER, HIGHLIGHT_STYLE)
        self._marked = True
        self.post_message(self.Highlighted(self, index, self._rank))

    def action_step(self, offset: int) -> None:
        if len(self._order):
            self._rank = (self._rank + offset) % len(self._order)
            self._mark()

    def action_open(self) -> None:
        index = self.highlighted
        if self.points is not None and index is not None:
            self.post_message(self.Opened(self, int(self.points.items[index])))

    def on_plot_widget_scale_changed(self, _: PlotWidget.ScaleChanged) -> None:
        self._find_middle()


class EmbeddingMapView(Vertical):
    """The map with a line above saying what it shows, the genres' colours, and the
    highlighted movie named under it; or, with no map, why there is none."""

    DEFAULT_CSS = """
    EmbeddingMapView {
        height: 1fr;
    }
    EmbeddingMapView > Static {
        height: auto;
        padding: 0 1;
    }
    EmbeddingMapView > #map-about {
        color: $text-muted;
    }
    EmbeddingMapView > #map-movie {
        text-style: bold;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="map-about")
        yield MapPlot(id="map-plot")
        yield Static("", id="map-legend")
        yield Static("", id="map-movie")

    @property
    def plot(self) -> MapPlot:
        return self.query_one(MapPlot)

    def show_map(self, points: EmbeddingMap, about: str) -> None:
        self.query_one("#map-about", Static).update(about)
        self.query_one("#map-movie", Static).update("")
        self.plot.display = True
        self.plot.show_map(points)
        self.query_one("#map-legend", Static).update(self._legend(points))

    def show_message(self, text: str) -> None:
        """No map: ``text`` says why (no model yet, a model without vectors)."""
        self.query_one("#map-about", Static).update(text)
        for part in ("#map-legend", "#map-movie"):
            self.query_one(part, Static).update("")
        self.plot.display = False

    def _legend(self, points: EmbeddingMap) -> Text:
        legend = Text()
        for genre, style in self.plot.palette.items():
            legend.append("● ", style=style).append(f"{genre}  ")
        if len(self.plot.palette) < len({genre for genre in points.genres if genre}):
            legend.append("● ", style=OTHER_STYLE).append("other  ")
        if points.rated.any():
            legend.append(f"{RATED_MARKER} ", style=RATED_STYLE).append("yours")
        return legend

    def on_map_plot_highlighted(self, message: MapPlot.Highlighted) -> None:
        points = message.plot.points
        if points is None:
            return
        index = message.index
        parts = [points.titles[index]]
        if points.genres[index]:
            parts.append(points.genres[index])
        if points.rated[index]:
            parts.append("you rated it")
        parts.append(f"{message.rank + 1:,} of {len(points):,} from the middle")
        self.query_one("#map-movie", Static).update(f"{HIGHLIGHT_MARKER} " + " · ".join(parts))
