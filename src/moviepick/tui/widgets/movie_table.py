"""A table of movies: rate in place with the digit keys, act on the highlighted row by letter.

Rows are keyed by their position, so one movie may stand in two rows (the watch sequence).
When the table is narrow, the minor columns go first so the title keeps its room, and a title
that still must be cut loses its middle, not its end: sequels differ at the end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from moviepick.tui.widgets.table_cell import TableCell

if TYPE_CHECKING:
    from moviepick.data.catalog import Catalog

WHOLE_STARS = Binding.Group("Rate", compact=True)
HALF_STARS = Binding.Group("Half stars", compact=True)
HALF_STAR_KEYS = ("exclamation_mark", "at", "number_sign", "dollar_sign", "percent_sign")
Verb = Literal["open", "append", "watchlist", "not-interested"]


def stars_text(stars: float | None) -> str:
    """Stars as glyphs: 4.5 -> "★★★★½"; nothing for no rating."""
    if stars is None:
        return ""
    whole = int(stars)
    return "★" * whole + ("½" if stars - whole >= 0.5 else "")


def fit_title(title: str, width: int) -> str:
    """``title`` in ``width`` cells; a longer one keeps its start and its end around an ellipsis
    ("Star Wars: Episode…Empire Strikes Back"), where sequels and parts differ."""
    if len(title) <= width:
        return title
    if width < 8:
        return title[: max(width - 1, 0)] + "…"
    head = (width - 1) * 2 // 5
    tail = width - 1 - head
    return title[:head].rstrip() + "…" + title[len(title) - tail :].lstrip()


def fit_reason(reason: str, width: int) -> str:
    """``reason`` in ``width`` cells: its first three words ("because you rated") stay whole
    where they leave room, and the movie after them is cut as :func:`fit_title` cuts titles."""
    if len(reason) <= width:
        return reason
    words = reason.split(" ", 3)
    head = " ".join(words[:3]) + " "
    if len(words) == 4 and width - len(head) >= 12:
        return head + fit_title(words[3], width - len(head))
    return fit_title(reason, width)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 0  # fixed width in cells; 0 shares the room left with the other 0-width columns
    share: int = 1  # weight of a flexible column in that room
    justify: Literal["left", "right", "center"] = "left"
    drop: int = 0  # columns with a higher number go first when the title lacks room; 0 stays


RANK = Column("rank", "#", 3, justify="right")
TITLE = Column("title", "Title", share=3)
YEAR = Column("year", "Year", 4, drop=1)
GENRES = Column("genres", "Genres", share=2, drop=4)
RATING_COUNT = Column("count", "Ratings", 7, justify="right", drop=3)
MEAN = Column("mean", "Mean", 4, justify="right", drop=3)
YOURS = Column("yours", "You", 5)
# Columns whose cells the screen passes to :meth:`MovieTable.show`, one per row:
SCORE = Column("score", "Score", 6, justify="right", drop=2)
REASON = Column("reason", "Why", share=4, drop=2)
PREDICTED = Column("predicted", "Model", 5, drop=2)
WHEN = Column("when", "When", 10, drop=2)
MARKS = Column("marks", "", 2)
PASSED_IN = (SCORE, REASON, PREDICTED, WHEN, MARKS)  # shown only when the screen passes them

MIN_FLEX_WIDTH = 6
TITLE_ROOM = 28  # the title keeps at least this many cells before minor columns are dropped
SCROLLBAR_ROOM = 2


def _rate_bindings() -> list[Binding]:
    whole = [
        Binding(
            str(stars),
            f"rate({stars})",
            f"{stars} stars",
            group=WHOLE_STARS,
            priority=True,
            id=f"rate-{stars}",
            tooltip=f"Rate the highlighted movie {stars} stars",
        )
        for stars in range(1, 6)
    ]
    half = [
        Binding(
            key,
            f"rate({stars - 0.5})",
            f"{stars - 0.5} stars",
            key_display=symbol,
            group=HALF_STARS,
            show=False,
            priority=True,
            id=f"rate-{stars - 0.5}",
            tooltip=f"Rate the highlighted movie {stars - 0.5} stars (shift+{stars})",
        )
        for stars, key, symbol in zip(range(1, 6), HALF_STAR_KEYS, "!@#$%", strict=True)
    ]
    unrate = Binding(
        "0,delete",
        "unrate",
        "Remove",
        show=False,
        priority=True,
        id="unrate",
        tooltip="Remove your rating of the highlighted movie",
    )
    return [*whole, *half, unrate]


def _verb_bindings() -> list[Binding]:
    # The footer has room for one at 80 columns beside the screen's own keys; help lists all.
    verbs: list[tuple[str, Verb, str, bool, str]] = [
        ("enter", "open", "Page", False, "Open the highlighted movie's page"),
        ("a", "append", "Watched", True, "Append the highlighted movie to your watch sequence"),
        (
            "w",
            "watchlist",
            "Watchlist",
            False,
            "Put the highlighted movie on your watchlist, or off",
        ),
        (
            "x",
            "not-interested",
            "Skip",
            False,
            "Mark the highlighted movie not interested: never picked",
        ),
    ]
    return [
        Binding(
            key, f"act('{verb}')", label, show=show, priority=True, id=f"movie-{verb}", tooltip=tip
        )
        for key, verb, label, show, tip in verbs
    ]


CURSOR_KEYS = {  # DataTable's own cursor actions, as priority bindings (see MovieTable)
    "up": "cursor_up",
    "down": "cursor_down",
    "pageup": "page_up",
    "pagedown": "page_down",
    "home,ctrl+home": "scroll_top",  # a row table has no columns to go home to: first row
    "end,ctrl+end": "scroll_bottom",
}


def _cursor_bindings() -> list[Binding]:
    return [
        Binding(key, action, show=False, priority=True, id=f"table-{action.replace('_', '-')}")
        for key, action in CURSOR_KEYS.items()
    ]


class MovieTable(DataTable[TableCell]):
    """Up to a few hundred movies of one catalogue, one row each, in the order given."""

    # The keys that move the cursor or act on its row are priority bindings: the app runs them
    # in the order it reads the keys. Queued to the table instead, a key can run after later
    # ones changed what the table lists: while a model trained in a thread, "↓5/se7en" rated
    # Seven 5 stars, not the highlighted The Matrix.
    BINDINGS = [*_rate_bindings(), *_verb_bindings(), *_cursor_bindings()]

    @dataclass
    class Rated(Message):
        """The person rated ``item`` (``stars`` None: removed the rating)."""

        table: MovieTable
        item: int
        stars: float | None

        @property
        def control(self) -> MovieTable:
            return self.table

    @dataclass
    class Acted(Message):
        """The person asked for ``verb`` on ``item``, the movie of row ``row``."""

        table: MovieTable
        item: int
        row: int
        verb: Verb

        @property
        def control(self) -> MovieTable:
            return self.table

    def __init__(
        self, columns: Sequence[Column], *, id: str | None = None, verbs: bool = True
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._columns = tuple(columns)
        self._shown: tuple[Column, ...] = ()
        self._widths: tuple[int, ...] = ()
        self._catalog: Catalog | None = None
        self._items: list[int] = []
        self._cells: Mapping[str, Sequence[str]] = {}
        self._ratings: Mapping[int, float] = {}
        self._verbs = verbs
        self.rating_step = 1.0

    @property
    def items(self) -> list[int]:
        return list(self._items)

    @property
    def shown_columns(self) -> tuple[str, ...]:
        return tuple(column.key for column in self._shown)

    @property
    def highlighted_item(self) -> int | None:
        if not self._items or not self.is_valid_row_index(self.cursor_row):
            return None
        return self._items[self.cursor_row]

    def show(
        self,
        catalog: Catalog,
        items: Sequence[int],
        ratings: Mapping[int, float],
        *,
        cells: Mapping[str, Sequence[str]] | None = None,
        keep_cursor: bool = True,
    ) -> None:
        """Fill the table with ``items``; ``cells`` holds, per column key, one text per row for
        the columns the catalogue cannot fill (score, reason, ...): those left out are not
        shown. With ``keep_cursor`` the
        cursor stays on the same movie if it is still listed, else on the same row; without,
        it goes to the first row."""
        keep, row = (self.highlighted_item, self.cursor_row) if keep_cursor else (None, 0)
        self._catalog, self._items, self._ratings = catalog, list(items), ratings
        self._cells = cells or {}
        self._rebuild(keep, row)

    def update_ratings(self, ratings: Mapping[int, float]) -> None:
        """Redraw the "You" column after the person's ratings changed."""
        self._ratings = ratings
        self._redraw(YOURS)

    def update_cells(self, key: str, texts: Sequence[str]) -> None:
        """Redraw the passed-in column ``key`` with ``texts``, one per row, in place (the rows
        and the cursor stay)."""
        self._cells = {**self._cells, key: texts}
        self._redraw(next((column for column in self._shown if column.key == key), None))

    def _redraw(self, column: Column | None) -> None:
        if column is None or column not in self._shown:
            return
        for row, item in enumerate(self._items):
            self.update_cell(str(row), column.key, self._cell(column, item, row))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate" and parameters and float(parameters[0]) % 1 and self.rating_step >= 1:
            return False
        if action == "act" and not self._verbs:
            return False
        if action in ("rate", "unrate", "act") and self.highlighted_item is None:
            return None
        return True

    def action_rate(self, stars: float) -> None:
        item = self.highlighted_item
        if item is not None:
            self._tell_app(self.Rated(self, item, float(stars)))

    def action_unrate(self) -> None:
        item = self.highlighted_item
        if item is not None and item in self._ratings:
            self._tell_app(self.Rated(self, item, None))

    def action_act(self, verb: Verb) -> None:
        item = self.highlighted_item
        if item is not None:
            self._tell_app(self.Acted(self, item, self.cursor_row, verb))

    def _tell_app(self, message: Rated | Acted) -> None:
        """Hand ``message`` to the app's handler now rather than through the message queues:
        the keys typed after this one are queued already, and each must find the profile and
        the tables as this one left them (on Ratings, "0" then "2" rates the row the cursor
        moved to, not the movie just taken off the list)."""
        handler = getattr(self.app, message.handler_name, None)
        if handler is None:
            self.post_message(message)
        else:
            handler(message)

    def on_mount(self) -> None:
        self._rebuild(None, 0)  # the columns, so the first frame has the header

    def on_resize(self, event: events.Resize) -> None:
        if self._layout() != (self._shown, self._widths):
            self._rebuild(self.highlighted_item, self.cursor_row)

    def _rebuild(self, keep: int | None, row: int) -> None:
        had_rows = self.row_count > 0
        layout = self._layout()
        same_columns = self.columns and layout == (self._shown, self._widths)
        self.clear(columns=not same_columns)
        if not same_columns:
            self._shown, self._widths = layout
            for column, width in zip(self._shown, self._widths, strict=True):
                label = Text(column.label, justify=column.justify)
                self.add_column(label, width=width, key=column.key)
        if self._catalog is None:
            return
        for index, item in enumerate(self._items):
            cells = (self._cell(column, item, index) for column in self._shown)
            self.add_row(*cells, key=str(index))
        same_row = row < len(self._items) and self._items[row] == keep
        if keep in self._items and not same_row:
            row = self._items.index(keep)
        row = min(row, len(self._items) - 1)
        self.move_cursor(row=max(row, 0), scroll=True)
        if bool(self._items) != had_rows:
            # The row keys are offered only with a row to act on (check_action). Refreshing
            # the bindings rebuilds the footer, so only when that changes.
            self.refresh_bindings()

    def _layout(self) -> tuple[tuple[Column, ...], tuple[int, ...]]:
        """The columns that fit, minor ones dropped until the title has its room, and their
        widths."""
        shown = [c for c in self._columns if c not in PASSED_IN or c.key in self._cells]
        while True:
            widths = self._widths_of(shown)
            title = widths[shown.index(TITLE)] if TITLE in shown else TITLE_ROOM
            droppable = [column for column in shown if column.drop]
            if title >= min(TITLE_ROOM, self._longest_title()) or not droppable:
                return tuple(shown), widths
            shown.remove(max(droppable, key=lambda column: column.drop))

    def _widths_of(self, columns: list[Column]) -> tuple[int, ...]:
        fixed = sum(column.width for column in columns)
        padding = 2 * self.cell_padding * len(columns)
        # Before its first layout the table has no size: the terminal's width is the guess,
        # right for a table across the screen (the first resize corrects a narrower one).
        width = self.size.width or self.app.size.width
        room = max(width - fixed - padding - SCROLLBAR_ROOM, 0)
        shares = sum(column.share for column in columns if not column.width)
        return tuple(
            column.width or max(MIN_FLEX_WIDTH, room * column.share // max(shares, 1))
            for column in columns
        )

    def _longest_title(self) -> int:
        if self._catalog is None or not self._items:
            return 0
        return max(len(self._catalog.titles[item]) for item in self._items)

    def _title_width(self) -> int:
        return self._widths[self._shown.index(TITLE)] if TITLE in self._shown else 0

    def _cell(self, column: Column, item: int, row: int) -> TableCell:
        catalog = self._catalog
        assert catalog is not None
        if column.key == RANK.key:
            value = str(row + 1)
        elif column.key == TITLE.key:
            value = fit_title(catalog.titles[item], self._title_width())
        elif column.key == YEAR.key:
            value = str(catalog.year(item) or "")
        elif column.key == GENRES.key:
            value = ", ".join(catalog.genres_of(item))
        elif column.key == RATING_COUNT.key:
            value = f"{int(catalog.rating_count[item]):,}"
        elif column.key == MEAN.key:
            mean = float(catalog.rating_mean[item])
            value = f"{mean:.1f}" if mean else ""
        elif column.key == YOURS.key:
            value = stars_text(self._ratings.get(item))
        else:
            texts = self._cells.get(column.key, ())
            value = texts[row] if row < len(texts) else ""
            if column.key == REASON.key:
                value = fit_reason(value, self._widths[self._shown.index(REASON)])
        return TableCell(value, column.justify)
