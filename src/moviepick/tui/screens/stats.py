"""Stats: the dataset's figures, your taste against everyone's, and the active model's map of
the movies, in panes a letter each opens (underlined in the tab).

The figures are computed in thread workers (:mod:`moviepick.services.stats`,
:mod:`moviepick.services.embedding_map`) when the dataset, your ratings or the active model
change, and drawn on the event loop; the screen keeps only what it draws. The plots' module
(textual-plot, numpy) is imported when the screen is first composed, not when the app starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ItemGrid, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static, TabbedContent, TabPane, Tabs
from textual.worker import get_current_worker

from moviepick.tui.screens import stats_text
from moviepick.tui.screens.base import AppScreen
from moviepick.tui.widgets.movie_table import (
    MEAN,
    RANK,
    RATING_COUNT,
    SCORE,
    TITLE,
    YEAR,
    YOURS,
    MovieTable,
)

if TYPE_CHECKING:
    from rich.text import Text

    from moviepick.services.embedding_map import EmbeddingMap, Method
    from moviepick.services.stats import DatasetStats, Taste
    from moviepick.tui.state import ActiveModel, Library
    from moviepick.tui.widgets.plots import EmbeddingMapView, MapPlot

PANES = (  # id, tab title, key (underlined in the title)
    ("dataset", "Dataset", "d"),
    ("movies", "Movies", "m"),
    ("ratings", "Ratings", "s"),
    ("genres", "Genres", "g"),
    ("taste", "Your taste", "t"),
    ("map", "Map", "p"),
)
CHART_WIDTH = 50  # the narrowest a chart gets: two a row from 100 columns
TASTE_GENRES = 8  # genres in the chart of your taste: your most rated
METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE"}


def tab_title(title: str, key: str) -> str:
    """``title`` with the first ``key`` in it underlined, as markup."""
    at = title.lower().index(key)
    return f"{title[:at]}[u]{title[at]}[/u]{title[at + 1 :]}"


def _pane_bindings() -> list[Binding]:
    return [
        Binding(
            key,
            f"pane('{pane}')",
            title,
            show=False,
            id=f"stats-{pane}",
            tooltip=f"Show the {title} pane",
        )
        for pane, title, key in PANES
    ]


class StatsScreen(AppScreen):
    MODE = "stats"

    BINDINGS = [
        *_pane_bindings(),
        Binding(
            "v",
            "switch_method",
            "PCA/t-SNE",
            id="stats-map-method",
            tooltip="Draw the map by PCA or by t-SNE (t-SNE needs scikit-learn)",
        ),
    ]

    DEFAULT_CSS = """
    StatsScreen #stats-panes {
        height: 1fr;
    }
    StatsScreen TabPane {
        padding: 0;
    }
    StatsScreen .chart {
        height: auto;
    }
    StatsScreen .chart > Plot {
        height: 11;
    }
    StatsScreen #stats-taste-pane .chart, StatsScreen #stats-taste-pane .chart > Plot {
        height: 1fr;
    }
    StatsScreen .chart > Label, StatsScreen #stats-taste-means {
        padding: 0 1;
        text-style: bold;
    }
    StatsScreen #stats-facts {
        padding: 0 1 1 1;
    }
    StatsScreen #stats-movies-pane MovieTable, StatsScreen #stats-genre-table {
        height: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.method: Method = "pca"
        self._map_model: ActiveModel | None = None  # the model of the map shown

    def compose_body(self) -> ComposeResult:
        from rich.text import Text

        from moviepick.tui.widgets.plots import (
            BarChart,
            EmbeddingMapView,
            PairedBars,
            pair_legend,
        )

        with TabbedContent(id="stats-panes"):
            with self._pane("dataset"), VerticalScroll():
                yield Static("Loading the figures…", id="stats-facts")
                with ItemGrid(min_column_width=CHART_WIDTH):
                    yield _chart("Users by their number of ratings", BarChart(id="per-user"))
                    yield _chart("Movies by their number of ratings", BarChart(id="per-movie"))
            with self._pane("movies"):
                yield Label("Most popular", classes="pane-title")
                yield MovieTable([RANK, TITLE, YEAR, RATING_COUNT, MEAN, YOURS], id="popular")
                yield Label("Top rated", id="top-rated-title", classes="pane-title")
                yield MovieTable([RANK, TITLE, YEAR, RATING_COUNT, SCORE, YOURS], id="top-rated")
            with (
                self._pane("ratings"),
                VerticalScroll(),
                ItemGrid(min_column_width=CHART_WIDTH),
            ):
                yield _chart("Ratings by stars", BarChart(id="by-stars"))
                yield _chart("Ratings by release decade", BarChart(id="by-decade"))
                yield _chart("Ratings over time", BarChart(id="over-time"))
            with self._pane("genres"):
                yield DataTable(id="stats-genre-table", cursor_type="row", zebra_stripes=True)
            with self._pane("taste"):
                yield Static(stats_text.means(None), id="stats-taste-means")
                title = Text("Share of ratings per genre, in %: ")
                title.append_text(pair_legend(("yours", "everyone's")))
                yield _chart(title, PairedBars(abbreviate=True, id="taste-genres"))
            with self._pane("map"):
                yield EmbeddingMapView(id="stats-map")

    @contextmanager
    def _pane(self, pane: str) -> Iterator[TabPane]:
        title, key = next((title, key) for name, title, key in PANES if name == pane)
        with TabPane(tab_title(title, key), id=f"stats-{pane}-pane") as tab_pane:
            yield tab_pane

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#stats-genre-table", DataTable)
        for label in ("Genre", "Movies", "Ratings", "Mean", ""):
            table.add_column(label, key=label or "bar")
        self.watch(self.app, "library", self._library_changed)
        self.watch(self.app, "ratings", self._ratings_changed, init=False)
        self.watch(self.app, "active_model", self._model_changed, init=False)

    # --- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_method":
            return self.query_one(TabbedContent).active == "stats-map-pane"
        return True

    def action_pane(self, pane: str) -> None:
        self.query_one(TabbedContent).active = f"stats-{pane}-pane"
        self.focus_pane()

    def on_tabbed_content_tab_activated(self, _: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def focus_pane(self) -> None:
        """Focus what the pane's keys act on: the map, the first table or its scroll; else the
        tabs. The focus must leave a pane it hides: a table there would take it back."""
        panes = self.query_one(TabbedContent)
        pane = panes.active_pane
        if pane is None:
            return
        target = next((widget for widget in pane.query("*") if widget.focusable), None)
        (target or panes.query_one(Tabs)).focus()

    def action_switch_method(self) -> None:
        from moviepick.services.embedding_map import tsne_available

        if self.method == "pca" and not tsne_available():
            self.notify("t-SNE needs scikit-learn: pip install scikit-learn", title="Map")
            return
        self.method = "tsne" if self.method == "pca" else "pca"
        self._model_changed(self.app.active_model)

    def on_map_plot_opened(self, message: MapPlot.Opened) -> None:
        self.app.open_movie(message.item)

    # --- the figures, computed in threads -------------------------------------------------

    def _library_changed(self, library: Library | None) -> None:
        if library is None:
            return
        from moviepick.services.stats import dataset_stats

        dataset = library.dataset
        self._compute("stats-figures", self._show_figures, dataset_stats, dataset)
        self._ratings_changed(self.app.ratings)
        self._model_changed(self.app.active_model)

    def _ratings_changed(self, _: object) -> None:
        library = self.app.library
        if library is None:
            return
        from moviepick.services.stats import taste

        stars = self.app.my_stars
        self._compute("stats-taste", self._show_taste, taste, library.dataset, stars)
        for table in self.query(MovieTable):
            table.update_ratings(stars)
        view = self._map_view
        points = view.plot.points
        if points is not None:
            from moviepick.services.embedding_map import with_rated

            view.show_map(with_rated(points, set(stars)), self._map_about(points))

    def _model_changed(self, active: ActiveModel | None) -> None:
        library = self.app.library
        if library is None:
            return
        if active is None:
            self._map_view.show_message("No model yet: the map comes with the first model.")
            return
        view, shown = self._map_view, self._map_model
        mapped = view.plot.points
        if (
            mapped is not None
            and shown is not None
            and shown.model is active.model
            and mapped.method == self.method
        ):  # the model shown, with a fresh record (its figures, its name): the map stands
            self._map_model = active
            if active.name != shown.name:
                view.show_map(mapped, self._map_about(mapped))
            return
        from moviepick.services.embedding_map import embedding_map

        view.show_message(f"Mapping the movies by {METHOD_NAMES[self.method]} of {active.name}…")
        rated, method = set(self.app.my_stars), self.method
        self._compute(
            "stats-map",
            lambda result: self._show_map(result, active),
            lambda should_stop: embedding_map(
                library.dataset, active.model, rated, method=method, should_stop=should_stop
            ),
            stoppable=True,
        )

    def _compute(
        self,
        group: str,
        show: Callable[[Any], None],
        job: Callable[..., Any],
        *args: Any,
        stoppable: bool = False,
    ) -> None:
        """``show(job(*args))`` once ``job`` has run in a thread; a newer job of ``group``
        replaces this one, and the result of a replaced one is never shown. A ``stoppable``
        job gets a last argument that says when it was replaced, to stop early."""
        from moviepick.errors import MoviepickError

        def run() -> None:
            worker = get_current_worker()
            extra = (lambda: worker.is_cancelled,) if stoppable else ()
            try:
                result = job(*args, *extra)
            except MoviepickError as error:
                result = error
            if not worker.is_cancelled:
                self.app.call_from_thread(show, result)

        self.run_worker(run, thread=True, exclusive=True, group=group, exit_on_error=False)

    def _show_figures(self, figures: DatasetStats) -> None:
        from moviepick.tui.widgets.plots import BarChart

        self.query_one("#stats-facts", Static).update(stats_text.facts(figures))
        for chart_id, bars in (
            ("per-user", figures.per_user.buckets),
            ("per-movie", figures.per_movie.buckets),
            ("by-stars", figures.rating_histogram),
            ("by-decade", figures.release_decades),
            ("over-time", figures.over_time),
        ):
            self.query_one(f"#{chart_id}", BarChart).show_bars(bars)
        self.query_one("#over-time-title", Label).update(f"Ratings by {figures.period} given")
        self.query_one("#top-rated-title", Label).update(
            f"Top rated: Bayesian average, at least {figures.min_ratings} ratings"
        )
        self._show_movies(figures)
        self._show_genres(figures)

    def _show_movies(self, figures: DatasetStats) -> None:
        library = self.app.library
        assert library is not None
        catalog, stars = library.dataset.catalog, self.app.my_stars
        popular = [movie.item for movie in figures.most_popular]
        self.query_one("#popular", MovieTable).show(catalog, popular, stars)
        top = [movie.item for movie in figures.top_rated]
        scores = [f"{movie.score:.2f}" for movie in figures.top_rated]
        self.query_one("#top-rated", MovieTable).show(catalog, top, stars, cells={"score": scores})

    def _show_genres(self, figures: DatasetStats) -> None:
        table = self.query_one("#stats-genre-table", DataTable)
        table.clear()
        largest = max((genre.n_ratings for genre in figures.genres), default=0)
        for genre in figures.genres:
            table.add_row(*stats_text.genre_row(genre, largest), key=genre.genre)

    def _show_taste(self, mine: Taste | None) -> None:
        from moviepick.tui.widgets.plots import PairedBars

        self.query_one("#stats-taste-means", Static).update(stats_text.means(mine))
        shares = [share for share in mine.genres if share.mine][:TASTE_GENRES] if mine else []
        chart = self.query_one("#taste-genres", PairedBars)
        chart.parent.display = bool(shares)  # type: ignore[union-attr]
        chart.show_pairs(
            [share.genre for share in shares],
            [share.mine for share in shares],
            [share.everyone for share in shares],
        )

    def _show_map(self, result: EmbeddingMap | Exception, active: ActiveModel) -> None:
        view = self._map_view
        if isinstance(result, Exception):
            self.method = "pca"
            self._map_model = None
            view.show_message(str(result))
        else:
            self._map_model = active
            view.show_map(result, self._map_about(result))

    def _map_about(self, points: EmbeddingMap) -> str:
        name = self._map_model.name if self._map_model else points.model
        return (
            f"{name}: {METHOD_NAMES[points.method]} of the item vectors of the "
            f"{len(points):,} most rated movies"
        )

    @property
    def _map_view(self) -> EmbeddingMapView:
        from moviepick.tui.widgets.plots import EmbeddingMapView

        return self.query_one("#stats-map", EmbeddingMapView)


def _chart(title: str | Text, plot: Widget) -> Vertical:
    """``plot`` under its title, in a box of the charts' grid."""
    return Vertical(Label(title, id=f"{plot.id}-title"), plot, classes="chart")
