"""The Stats screen's figures that read best as text: the dataset's facts, the spread of
ratings per user and per movie, the genre table's cells and your means against everyone's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from moviepick.services.stats import DatasetStats, GenreStat, Taste

BAR_CELLS = 20  # the genre table's bar at its longest
_EIGHTHS = " ▏▎▍▌▋▊▉"


def facts(figures: DatasetStats) -> Table:
    """Counts, scale, density, dates, then the spread of ratings per user and per movie."""
    summary = figures.summary
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    low, high = summary.rating_scale
    step = "half stars" if summary.rating_step == 0.5 else "whole stars"
    dates = f"{summary.first_rating} to {summary.last_rating}" if summary.first_rating else "–"
    grid.add_row("dataset", summary.name)
    grid.add_row("ratings", f"{summary.n_ratings:,} by {summary.n_users:,} people")
    grid.add_row("movies", f"{summary.n_movies:,} listed, {summary.n_rated_movies:,} rated")
    grid.add_row("scale", f"{low:g} to {high:g}, {step}; mean {summary.mean_rating:.2f}")
    grid.add_row("density", f"{summary.density:.2%} of the people × movies cells rated")
    grid.add_row("dates", dates)
    for name, spread in (("per person", figures.per_user), ("per movie", figures.per_movie)):
        grid.add_row(
            name,
            f"median {spread.median:g}, mean {spread.mean:.1f}, {spread.minimum:,} to "
            f"{spread.maximum:,}; the busiest tenth hold {spread.head_share:.0%}",
        )
    return grid


def genre_row(genre: GenreStat, largest: int) -> tuple[str | Text, ...]:
    """A row of the genre table: name, movies, ratings, mean, and a bar of the ratings."""
    return (
        genre.genre,
        Text(f"{genre.n_movies:,}", justify="right"),
        Text(f"{genre.n_ratings:,}", justify="right"),
        Text(f"{genre.mean:.2f}" if genre.n_ratings else "–", justify="right"),
        bar(genre.n_ratings / largest if largest else 0.0),
    )


def bar(fraction: float, cells: int = BAR_CELLS, style: str = "dodger_blue1") -> Text:
    """A bar of ``fraction`` of ``cells`` cells, to an eighth of a cell (the screen's and
    ``moviepick stats``'s)."""
    full, part = divmod(round(fraction * cells * 8), 8)
    return Text("█" * full + (_EIGHTHS[part] if part else ""), style=style)


def means(mine: Taste | None) -> str:
    if mine is None:
        return "Your taste: rate some of this dataset's movies to see it against everyone's."
    return (
        f"Your mean rating {mine.my_mean:.2f} over {mine.n_ratings:,} ratings; everyone's "
        f"{mine.everyone_mean:.2f}, and {mine.same_movies_mean:.2f} on the movies you rated."
    )
