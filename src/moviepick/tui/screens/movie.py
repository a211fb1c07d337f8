"""A movie's page, over any screen: its facts, how people rated it, what you and the active
model say, and the ten movies most like it by the active model (enter opens one of them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from moviepick.errors import MoviepickError
from moviepick.tui.widgets.movie_table import (
    GENRES,
    RANK,
    TITLE,
    YEAR,
    YOURS,
    MovieTable,
    stars_text,
)

if TYPE_CHECKING:
    from moviepick.tui.app import MoviepickApp

BAR_WIDTH = 24
SIMILAR = 10


def histogram_text(counts: dict[float, int]) -> Text:
    """One bar per star value, longest for the most common."""
    most = max(counts.values(), default=0) or 1
    text = Text()
    for stars, count in sorted(counts.items(), reverse=True):
        bar = "█" * round(BAR_WIDTH * count / most)
        text.append(f"{stars:>3g} ", style="bold")
        text.append(bar or "·", style="green")
        text.append(f" {count:,}\n")
    return text


class MovieScreen(ModalScreen[None]):
    app: MoviepickApp
    AUTO_FOCUS = "#similar"

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="close-movie", tooltip="Back where you were"),
    ]

    def __init__(self, item: int) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        with Vertical(id="movie"):
            yield Static(id="movie-title")
            with Horizontal(id="movie-facts"):
                yield Static(id="movie-about")
                yield Static(id="movie-histogram")
            yield Label(id="similar-title", classes="pane-title")
            yield MovieTable([RANK, TITLE, YEAR, GENRES, YOURS], id="similar")

    def on_mount(self) -> None:
        self.watch(self.app, "ratings", self._show, init=True)

    def _show(self, _: object = None) -> None:
        library = self.app.library
        if library is None:
            return
        from moviepick.services.movies import rating_histogram
        from moviepick.services.similar import similar_movies

        dataset, item = library.dataset, self.item
        catalog = dataset.catalog
        self.query_one("#movie-title", Static).update(Text(catalog.label(item), style="bold"))
        about = Table.grid(padding=(0, 2))
        about.add_column(style="bold")
        about.add_column()
        about.add_row("Genres", ", ".join(catalog.genres_of(item)) or "–")
        about.add_row("MovieLens", str(int(catalog.movie_ids[item])))
        imdb, tmdb = int(catalog.imdb_ids[item]), int(catalog.tmdb_ids[item])
        about.add_row("IMDb", f"tt{imdb:07d}" if imdb else "–")
        about.add_row("TMDb", str(tmdb) if tmdb else "–")
        count, mean = int(catalog.rating_count[item]), float(catalog.rating_mean[item])
        about.add_row("Rated", f"{count:,} times, mean {mean:.2f}" if count else "not rated yet")
        mine = self.app.my_stars.get(item)
        about.add_row("You", stars_text(mine) or "not rated")
        active = self.app.active_model
        if active is not None:
            try:
                predicted = library.picker.predicted_stars(active.model)
            except MoviepickError as error:  # the profile became unreadable, say
                self.notify(str(error), title="No predicted stars", severity="error", timeout=15)
                predicted = None
            if predicted is not None:
                about.add_row(active.name, f"would give it {float(predicted[item]):.1f}")
        self.query_one("#movie-about", Static).update(about)
        self.query_one("#movie-histogram", Static).update(
            histogram_text(rating_histogram(dataset, item))
        )
        title = self.query_one("#similar-title", Label)
        if active is None:
            title.update("The movies most like it show once a model is ready.")
            return
        title.update(f"Most like it, by {active.name}:")
        similar = similar_movies(dataset, active.model, item, SIMILAR)
        self.query_one("#similar", MovieTable).show(catalog, similar, self.app.my_stars)

    def show_movie(self, item: int) -> None:
        """Another movie's page in place of this one."""
        self.item = item
        self._show()
        self.query_one("#similar", MovieTable).move_cursor(row=0)
