"""``moviepick stats --plot``: the figures drawn by the app's own plot widgets in a headless
Textual app, exported as an SVG, so the file shows what the Stats screen shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widgets import Label, Static

from moviepick.services.embedding_map import EmbeddingMap
from moviepick.services.stats import Bars
from moviepick.training.events import FitEvent
from moviepick.tui.widgets.plots import BarChart, CurvePlot, EmbeddingMapView
from moviepick.tui.widgets.plots.curve import LOSS, VALID

WIDTH = 120  # cells of the terminal the figures are drawn in
ROWS = {"title": 2, "ratings": 14, "note": 2, "curve": 25, "map": 34}  # each figure's height


@dataclass(frozen=True)
class Figures:
    """What the file shows: the title, the rating distribution, and a saved model's curve and
    map; a line instead of the model's figures (``model_note``) when there is none of them."""

    title: str
    ratings: Bars
    model: str | None = None
    curve: Sequence[FitEvent] = ()
    points: EmbeddingMap | None = None
    model_note: str = ""


class FiguresApp(App[str]):
    """The figures stacked in one column; exits with the screenshot's SVG text."""

    CSS = f"""
    Screen {{
        padding: 0 1;
    }}
    .figure-title {{
        text-style: bold;
        padding: 1 1 0 1;
    }}
    #ratings {{
        height: {ROWS["ratings"]};
    }}
    #curve {{
        height: {ROWS["curve"]};
    }}
    #map {{
        height: 1fr;
    }}
    """

    def __init__(self, figures: Figures) -> None:
        super().__init__()
        self.figures = figures

    def compose(self) -> ComposeResult:
        figures = self.figures
        yield Label(figures.title, id="title", classes="figure-title")
        with Vertical(id="ratings"):
            yield Label("Ratings by stars", classes="figure-title")
            yield BarChart(id="ratings-chart")
        if figures.model_note:
            yield Static(figures.model_note, id="model-note", classes="figure-title")
        if figures.curve:
            with Vertical(id="curve"):
                yield Label(f"Training curve of {figures.model}", classes="figure-title")
                yield CurvePlot(LOSS, id="curve-loss")
                yield CurvePlot(VALID, id="curve-valid")
        if figures.points is not None:
            yield Label(f"Map of the movies by {figures.model}", classes="figure-title")
            yield EmbeddingMapView(id="map")

    def on_mount(self) -> None:
        figures = self.figures
        self.query_one(BarChart).show_bars(figures.ratings)
        if figures.curve:
            for plot in self.query(CurvePlot):
                plot.show_curve(figures.curve)
        if figures.points is not None:
            method = "t-SNE" if figures.points.method == "tsne" else "PCA"
            about = f"{method} of the item vectors of the {len(figures.points):,} most rated movies"
            self.query_one(EmbeddingMapView).show_map(figures.points, about)


def figures_size(figures: Figures) -> tuple[int, int]:
    """The terminal that holds ``figures`` and no empty room below them."""
    parts = ["title", "ratings"]
    parts += ["note"] if figures.model_note else []
    parts += ["curve"] if figures.curve else []
    parts += ["map"] if figures.points is not None else []
    return WIDTH, sum(ROWS[part] for part in parts)


def render_svg(figures: Figures) -> str:
    """The SVG of ``figures`` drawn in a terminal that nobody sees."""

    async def draw(pilot: Pilot[str]) -> None:
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        pilot.app.exit(pilot.app.export_screenshot(title=figures.title))

    svg = FiguresApp(figures).run(headless=True, size=figures_size(figures), auto_pilot=draw)
    assert svg is not None, "the figures app exits with its screenshot"
    return svg
