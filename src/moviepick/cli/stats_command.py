"""``moviepick stats``: the dataset's statistics and your taste against it, as tables and bar
charts in the terminal or as JSON; with ``--plot FILE.svg``, the rating distribution and a
saved model's training curve and map of the movies, drawn by the app's plot widgets."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from moviepick import atomic, paths
from moviepick.cli import render
from moviepick.data.dataset import Dataset
from moviepick.errors import ModelError, MoviepickError
from moviepick.profile import Profile
from moviepick.services.datasets import open_dataset
from moviepick.services.embedding_map import NoItemVectors, embedding_map
from moviepick.services.matching import TitleIndex, profile_query
from moviepick.services.stats import (
    HEAD_FRACTION,
    Bars,
    CountSpread,
    DatasetStats,
    MovieStat,
    Taste,
    dataset_stats,
    taste,
)
from moviepick.tui.screens.stats_text import bar

BAR_WIDTH = 40  # characters of the longest bar


def stats(args: argparse.Namespace) -> int:
    if args.model is not None and args.plot is None:
        raise MoviepickError("--model names the model whose figures --plot FILE.svg draws")
    dataset = open_dataset(args.data)
    if args.plot is not None:
        return _plot(dataset, Path(args.plot), args.model)
    figures = dataset_stats(dataset)
    mine = taste(dataset, _my_ratings(dataset))
    if args.json:
        render.print_json({**figures.as_record(), "taste": mine.as_record() if mine else None})
        return 0
    render.console.print(Group(*_panels(figures, mine)))
    return 0


def _my_ratings(dataset: Dataset) -> Mapping[int, float]:
    """The profile's ratings of the dataset's movies (item -> stars); none without a profile
    (none is created just to read it)."""
    if not paths.profile_path().exists():
        return {}
    with Profile() as profile:
        ratings = profile.ratings()
    return profile_query(ratings, TitleIndex(dataset.catalog)).query.ratings


def _plot(dataset: Dataset, path: Path, model_name: str | None) -> int:
    """Write the figures to ``path`` (an SVG), replacing it whole or not at all."""
    from moviepick.store import ModelStore
    from moviepick.tui.figures import Figures, render_svg

    if path.is_dir():
        raise MoviepickError(f"cannot write the figures to {path}: it is a folder")
    store = ModelStore()
    info = store.find(model_name, dataset.fingerprint, dataset.name)
    if info is None and model_name is not None:
        raise ModelError(f"no saved model {model_name!r} (moviepick models list shows them)")
    histogram = dataset_stats(dataset).rating_histogram
    title = f"moviepick stats: {dataset.name}"
    if info is None:
        note = f"No saved model for {dataset.name}: train one, say moviepick train als."
        figures = Figures(title, histogram, model_note=note)
    else:
        model = store.load(info, dataset.fingerprint)
        try:
            points, note = embedding_map(dataset, model, set(_my_ratings(dataset))), ""
        except NoItemVectors as error:
            points, note = None, f"No map: {error}."
        figures = Figures(title, histogram, info.name, info.curve, points, note)
    try:
        atomic.write_text(path, render_svg(figures))
    except OSError as error:
        detail = error.strerror or str(error)
        if error.filename and Path(error.filename) in path.parents:  # not the temporary file
            detail += f" ({error.filename})"
        raise MoviepickError(f"cannot write the figures to {path}: {detail}") from None
    drawn = ["ratings by stars"]
    drawn += ["the training curve"] if figures.curve else []
    drawn += ["the map of the movies"] if figures.points is not None else []
    shown = ", ".join(drawn) + (f" of {figures.model}" if len(drawn) > 1 else "")
    render.console.print(f"Wrote {path}: {shown}", soft_wrap=True, markup=False, highlight=False)
    return 0


def _panels(figures: DatasetStats, mine: Taste | None) -> list[RenderableType]:
    top_rated = f"Top rated (Bayesian average, at least {figures.min_ratings} ratings)"
    return [
        render.summary_panel(figures.summary),
        _spread_table(figures.per_user, figures.per_movie),
        bar_chart("Users by their number of ratings", figures.per_user.buckets),
        bar_chart("Movies by their number of ratings", figures.per_movie.buckets),
        _movie_table("Most popular", figures.most_popular),
        _movie_table(top_rated, figures.top_rated),
        bar_chart("Ratings by stars", figures.rating_histogram),
        _genre_table(figures),
        bar_chart("Ratings by release decade", figures.release_decades),
        bar_chart(f"Ratings by {figures.period} given", figures.over_time),
        _taste_panel(mine),
    ]


def bar_chart(title: str, bars: Bars) -> Table:
    chart = _titled_grid(title)
    largest = max(bars.counts, default=0)
    for label, count in zip(bars.labels, bars.counts, strict=True):
        chart.add_row(label, _bar(count / largest if largest else 0.0), f"{count:,}")
    return chart


def _bar(fraction: float, width: int = BAR_WIDTH) -> Text:
    return bar(fraction, width, style="cyan")


def _titled_grid(title: str) -> Table:
    grid = Table(title=title, title_justify="left", box=None, show_header=False, padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True, width=BAR_WIDTH)
    grid.add_column(no_wrap=True, justify="right")
    return grid


def _spread_table(per_user: CountSpread, per_movie: CountSpread) -> Table:
    head = f"top {HEAD_FRACTION:.0%} hold"
    table = _table("Ratings per user and per movie", ["", "min", "median", "mean", "max", head])
    for name, spread in (("per user", per_user), ("per movie", per_movie)):
        table.add_row(
            name,
            f"{spread.minimum:,}",
            f"{spread.median:g}",
            f"{spread.mean:.1f}",
            f"{spread.maximum:,}",
            f"{spread.head_share:.0%}",
        )
    return table


def _movie_table(title: str, movies: Sequence[MovieStat]) -> Table:
    table = _table(title, ["#", "title", "year", "ratings", "mean", "score"])
    for rank, movie in enumerate(movies, 1):
        table.add_row(
            str(rank),
            Text(movie.title, no_wrap=True, overflow="ellipsis"),
            str(movie.year or "–"),
            f"{movie.n_ratings:,}",
            f"{movie.mean:.2f}",
            f"{movie.score:.2f}",
        )
    return table


def _genre_table(figures: DatasetStats) -> Table:
    table = _table("Ratings per genre", ["genre", "movies", "ratings", "mean", ""])
    largest = max((genre.n_ratings for genre in figures.genres), default=0)
    for genre in figures.genres:
        table.add_row(
            genre.genre,
            f"{genre.n_movies:,}",
            f"{genre.n_ratings:,}",
            f"{genre.mean:.2f}",
            _bar(genre.n_ratings / largest if largest else 0.0, BAR_WIDTH // 2),
        )
    return table


def _taste_panel(mine: Taste | None) -> RenderableType:
    if mine is None:
        return Text("Your taste: no ratings of this dataset's movies yet")
    means = Text(
        f"Your mean rating {mine.my_mean:.2f} ({mine.n_ratings:,} ratings); everyone's "
        f"{mine.everyone_mean:.2f}, {mine.same_movies_mean:.2f} on your movies"
    )
    table = _table("Your taste: the share of ratings per genre", ["genre", "you", "", "all", ""])
    for share in mine.genres:
        table.add_row(
            share.genre,
            f"{share.mine:.0%}",
            _bar(share.mine, BAR_WIDTH // 2),
            f"{share.everyone:.0%}",
            _bar(share.everyone, BAR_WIDTH // 2),
        )
    return Group(means, table)


def _table(title: str, columns: Sequence[str]) -> Table:
    """A table whose cells stay on one line. Only the title column narrows where the table is
    too wide (its cells cut themselves short rather than wrap): the figures stay whole."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        justify = "left" if column in ("", "title", "genre") else "right"
        table.add_column(column, no_wrap=column != "title", justify=justify)
    return table
