"""Pilot tests of the Stats screen on the tiny planted dataset: each pane shows its figures,
the pane keys reach them, and the map's highlight, zoom and page keys work."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Static, TabbedContent
from tui_support import install_model, settle, tiny_app

from moviepick.services.stats import dataset_stats
from moviepick.tui.app import MoviepickApp
from moviepick.tui.screens.movie import MovieScreen
from moviepick.tui.widgets.movie_table import MovieTable
from moviepick.tui.widgets.plots import BarChart, EmbeddingMapView, MapPlot, PairedBars

SIZE = (120, 35)


@pytest.fixture
def data(tiny_trained: tuple[Path, Path], moviepick_home: Path) -> Path:
    folder, als = tiny_trained
    install_model(als)
    return folder


async def on_stats(pilot) -> None:
    await settle(pilot)
    await pilot.press("alt+6")
    await settle(pilot)


def text_of(app: MoviepickApp, selector: str) -> str:
    """What a Static shows, as plain text (a rich table too)."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


def map_view(app: MoviepickApp) -> EmbeddingMapView:
    return app.screen.query_one("#stats-map", EmbeddingMapView)


async def test_the_panes_show_the_datasets_figures(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        figures = dataset_stats(app.library.dataset)
        screen = app.screen
        facts = text_of(app, "#stats-facts")
        assert f"{figures.summary.n_ratings:,} by 40 people" in facts
        assert "median" in facts and "busiest tenth" in facts
        assert screen.query_one("#by-stars", BarChart).labels == figures.rating_histogram.labels
        assert screen.query_one("#over-time", BarChart).labels == figures.over_time.labels
        assert screen.query_one("#popular", MovieTable).items == [
            movie.item for movie in figures.most_popular
        ]
        assert screen.query_one("#top-rated", MovieTable).items == [
            movie.item for movie in figures.top_rated
        ]
        genres = screen.query_one("#stats-genre-table", DataTable)
        assert genres.row_count == len(figures.genres)
        assert "rate some" in text_of(app, "#stats-taste-means")


async def test_the_pane_keys_open_each_pane_and_focus_what_its_keys_act_on(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        panes = app.screen.query_one(TabbedContent)
        for key, pane in [("m", "movies"), ("s", "ratings"), ("g", "genres"), ("t", "taste")]:
            await pilot.press(key)
            assert panes.active == f"stats-{pane}-pane"
        await pilot.press("m")
        assert isinstance(app.focused, MovieTable)
        await pilot.press("t")  # a pane with nothing to focus: the table must not take it back
        assert panes.active == "stats-taste-pane"
        await pilot.press("m", "p")
        assert panes.active == "stats-map-pane"
        assert isinstance(app.focused, MapPlot)
        await pilot.press("d")
        assert panes.active == "stats-dataset-pane"


async def test_your_ratings_show_as_your_taste_and_on_the_map(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        catalog = app.library.dataset.catalog
        alien, casablanca = catalog.titles.index("Alien"), catalog.titles.index("Casablanca")
        app.rate(alien, 5.0)
        app.rate(casablanca, 3.0)
        await settle(pilot)
        assert "Your mean rating 4.00 over 2 ratings" in text_of(app, "#stats-taste-means")
        chart = app.screen.query_one("#taste-genres", PairedBars)
        assert {"Drama", "Horror", "Romance", "Sci-Fi"} <= set(chart.labels)
        points = map_view(app).plot.points
        assert points is not None
        assert {int(item) for item in points.items[points.rated]} == {alien, casablanca}


async def test_the_map_highlight_moves_and_names_the_movie(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        await pilot.press("p")
        view = map_view(app)
        plot = view.plot
        assert plot.points is not None and len(plot.points) > 10
        assert "PCA" in text_of(app, "#map-about") and "als-ml-tiny" in text_of(app, "#map-about")
        first = plot.highlighted
        assert plot.points.titles[first] in text_of(app, "#map-movie")
        assert "1 of" in text_of(app, "#map-movie")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        second = plot.highlighted
        assert second != first
        assert plot.points.titles[second] in text_of(app, "#map-movie")
        assert "2 of" in text_of(app, "#map-movie")
        await pilot.press("left_square_bracket")
        assert plot.highlighted == first


async def test_the_zoom_keys_change_the_maps_scale_and_r_resets_it(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        await pilot.press("p")
        plot = map_view(app).plot
        x_min, x_max, y_min, y_max = whole = plot.limits
        await pilot.press("plus")
        await pilot.pause()
        zoomed = plot.limits
        assert zoomed[1] - zoomed[0] < x_max - x_min and zoomed[3] - zoomed[2] < y_max - y_min
        await pilot.press("right")
        await pilot.pause()
        assert plot.limits[0] != zoomed[0]
        await pilot.press("r")
        await pilot.pause()
        assert plot.limits == pytest.approx(whole)


async def test_a_fresh_record_of_the_mapped_model_keeps_the_map_and_its_zoom(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        await pilot.press("p", "plus")
        await pilot.pause()
        plot = map_view(app).plot
        points, zoomed = plot.points, plot.limits
        active = app.active_model
        app.active_model = dataclasses.replace(active, info=active.info)  # fresh figures
        await settle(pilot)
        assert plot.points is points and plot.limits == zoomed  # not mapped again
        renamed = dataclasses.replace(active.info, name="als-renamed")
        app.active_model = dataclasses.replace(active, info=renamed)  # as a rename does
        await settle(pilot)
        assert plot.points is points
        assert "als-renamed" in str(app.screen.query_one("#map-about", Static).render())


async def test_enter_on_the_map_opens_the_highlighted_movies_page(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        await pilot.press("p")
        plot = map_view(app).plot
        assert plot.points is not None and plot.highlighted is not None
        item = int(plot.points.items[plot.highlighted])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MovieScreen)
        assert app.screen.item == item


async def test_a_model_without_item_vectors_says_which_have_them(data: Path):
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        app.use_model("popularity")
        await settle(pilot)
        assert app.active_model.info.model == "popularity"
        about = text_of(app, "#map-about")
        assert "popularity has no item vectors to map; try als" in about
        assert not map_view(app).plot.display


async def test_t_sne_without_scikit_learn_is_a_notification_saying_how(
    data: Path, monkeypatch: pytest.MonkeyPatch
):
    from moviepick.services import embedding_map

    monkeypatch.setattr(embedding_map, "tsne_available", lambda: False)
    app = tiny_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await on_stats(pilot)
        await pilot.press("p", "v")
        await pilot.pause()
        assert any("pip install scikit-learn" in note.message for note in app._notifications)
        assert "PCA" in text_of(app, "#map-about")
