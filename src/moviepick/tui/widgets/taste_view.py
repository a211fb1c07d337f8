"""Two models compared on your taste: their picks side by side with the movies both chose
marked, and how well each foresaw your own stars, movie by movie, each held out in turn.

A model that predicts stars shows the stars it would have given; one that only ranks shows
where it ranked the movie among those you have not seen (``#3``).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from moviepick.services.picks import Pick
from moviepick.services.taste_fit import ModelTaste, TasteComparison, TasteRow
from moviepick.tui.widgets.movie_table import fit_title

SHARED_MARK = "●"
NO_COMPARISON = "No comparison yet: choose two models to try them on your taste."
NO_RATINGS = "Rate some movies to see how well each model foresees your stars."
NUMBER_WIDTH = 6  # cells of a stars or rank column, at least
NAME_WIDTH = 12  # cells of a model's column, at most
CHROME = 8  # a table's cells beside its columns: a padding cell each side, the scroll bar


class TasteView(Vertical):
    """A :class:`TasteComparison` (:meth:`show`), or a line saying there is none."""

    DEFAULT_CSS = """
    TasteView {
        height: 1fr;
        .taste-line { height: auto; }
        #taste-overlap { text-style: bold; }
        #taste-empty { color: $text-muted; padding: 1 0; }
        #taste-picks { height: 1fr; }
        #taste-picks DataTable { width: 1fr; height: 1fr; }
        #taste-picks-a { margin-right: 1; }
        #taste-rows { height: 1fr; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._comparison: TasteComparison | None = None

    @property
    def comparison(self) -> TasteComparison | None:
        return self._comparison

    def compose(self) -> ComposeResult:
        # model names and titles are data, never markup
        yield Static(NO_COMPARISON, id="taste-empty", classes="taste-line", markup=False)
        yield Static(id="taste-overlap", classes="taste-line", markup=False)
        with Horizontal(id="taste-picks"):
            yield _table("taste-picks-a")
            yield _table("taste-picks-b")
        yield Static(id="taste-stars", classes="taste-line", markup=False)
        yield Static(id="taste-hits", classes="taste-line", markup=False)
        yield _table("taste-rows")

    def on_mount(self) -> None:
        self._redraw()

    def on_resize(self, event: events.Resize) -> None:
        # titles are cut to the width, so a new width cuts them again
        self._redraw()

    def show(self, comparison: TasteComparison | None) -> None:
        """Show ``comparison``; None shows that there is none yet."""
        self._comparison = comparison
        self._redraw()

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        comparison = self._comparison
        parts = ("#taste-overlap", "#taste-picks", "#taste-stars", "#taste-hits", "#taste-rows")
        for part in parts:
            self.query_one(part).display = comparison is not None
        empty = self.query_one("#taste-empty", Static)
        empty.display = comparison is None
        if comparison is None:
            empty.update(NO_COMPARISON)
            return
        a, b = comparison.a, comparison.b
        longest = max(len(comparison.picks.left), len(comparison.picks.right))
        self.query_one("#taste-overlap", Static).update(
            f"{a.name} vs {b.name}: {comparison.overlap} of {longest} picks shared"
            f" ({comparison.overlap_share:.0%}), {SHARED_MARK} picked by both"
        )
        half = max((self.size.width - 1) // 2, 20)  # the picks tables share the width
        shared = comparison.picks.shared
        sides = (("a", a.name, comparison.picks.left), ("b", b.name, comparison.picks.right))
        for key, name, picks in sides:
            self._fill_picks(f"#taste-picks-{key}", name, picks, shared, comparison.titles, half)
        self.query_one("#taste-stars", Static).update(_stars_line(comparison))
        self.query_one("#taste-hits", Static).update(_hits_line(comparison))
        rows = self.query_one("#taste-rows", DataTable)
        rows.display = bool(comparison.rows)
        if comparison.rows:
            self._fill_rows(rows, comparison)

    def _fill_picks(
        self,
        selector: str,
        name: str,
        picks: list[Pick],
        shared: frozenset[int],
        titles: dict[int, str],
        width: int,
    ) -> None:
        table = self.query_one(selector, DataTable)
        table.clear(columns=True)
        title_width = max(width - CHROME - 5, 8)  # the rank and mark columns take 5
        table.add_column(Text("#", justify="right"), key="rank", width=2)
        table.add_column("", key="shared", width=1)
        table.add_column(fit_title(name, title_width), key="title", width=title_width)
        for rank, pick in enumerate(picks, start=1):
            mark = SHARED_MARK if pick.item in shared else ""
            table.add_row(
                Text(str(rank), justify="right"),
                mark,
                fit_title(titles[pick.item], title_width),
                key=str(pick.item),
            )

    def _fill_rows(self, table: DataTable[Any], comparison: TasteComparison) -> None:
        table.clear(columns=True)
        a, b = comparison.a, comparison.b
        widths = [min(max(NUMBER_WIDTH, len(taste.name)), NAME_WIDTH) for taste in (a, b)]
        title_width = max(self.size.width - NUMBER_WIDTH - sum(widths) - CHROME - 4, 12)
        table.add_column("Your movie", key="title", width=title_width)
        table.add_column(_header("You", NUMBER_WIDTH), key="you", width=NUMBER_WIDTH)
        for key, taste, width in (("a", a, widths[0]), ("b", b, widths[1])):
            table.add_column(_header(taste.name, width), key=key, width=width)
        for row in comparison.rows:
            table.add_row(
                fit_title(row.title, title_width),
                _number(f"{row.stars:.1f}"),
                _guess(row, "a"),
                _guess(row, "b"),
                key=str(row.item),
            )


def _table(table_id: str) -> DataTable[Any]:
    return DataTable(id=table_id, cursor_type="row", show_cursor=False)


def _header(name: str, width: int) -> Text:
    return Text(fit_title(name, width), justify="right")


def _number(text: str) -> Text:
    return Text(text, justify="right")


def _guess(row: TasteRow, side: str) -> Text:
    """The stars a model gave the held-out movie, else its rank for it."""
    stars = row.stars_a if side == "a" else row.stars_b
    if stars is not None:
        return _number(f"{stars:.1f}")
    return _number(f"#{row.rank_a if side == 'a' else row.rank_b}")


def _stars_line(comparison: TasteComparison) -> str:
    held = len(comparison.rows)
    if not held:
        return NO_RATINGS
    scope = f"{held} latest of your {comparison.rated}" if comparison.capped else f"your {held}"
    figures = " · ".join(_error_figure(taste) for taste in (comparison.a, comparison.b))
    return f"RMSE (MAE) on {scope} ratings, each held out: {figures}"


def _error_figure(taste: ModelTaste) -> str:
    if taste.rmse is None or taste.mae is None:
        return f"{taste.name} ranks only"
    return f"{taste.name} {taste.rmse:.3f} ({taste.mae:.3f})"


def _hits_line(comparison: TasteComparison) -> str:
    liked = comparison.a.liked
    if not liked:
        return f"No rating of {comparison.liked_from:g} stars or more held out: no hit rate"
    figures = " · ".join(
        f"{taste.name} {taste.hit_rate:.0%}" for taste in (comparison.a, comparison.b)
    )
    return f"Hit rate @{comparison.hit_at} on your {liked} liked, each held out: {figures}"
