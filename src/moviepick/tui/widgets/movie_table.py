"""A table of movies with the person's own rating, rated in place with the digit keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

if TYPE_CHECKING:
    from moviepick.data.catalog import Catalog

WHOLE_STARS = Binding.Group("Rate", compact=True)
HALF_STARS = Binding.Group("Half stars", compact=True)
HALF_STAR_KEYS = ("exclamation_mark", "at", "number_sign", "dollar_sign", "percent_sign")


def stars_text(stars: float | None) -> str:
    """Stars as glyphs: 4.5 -> "★★★★½"; nothing for no rating."""
    if stars is None:
        return ""
    whole = int(stars)
    return "★" * whole + ("½" if stars - whole >= 0.5 else "")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 0  # fixed width in cells; 0 shares the room left with the other 0-width columns
    share: int = 1  # weight of a flexible column in that room
    justify: str = "left"


RANK = Column("rank", "#", 3, justify="right")
TITLE = Column("title", "Title", share=3)
YEAR = Column("year", "Year", 4)
GENRES = Column("genres", "Genres", share=2)
RATING_COUNT = Column("count", "Ratings", 7, justify="right")
YOURS = Column("yours", "You", 5)

MIN_FLEX_WIDTH = 6
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
        priority=True,
        id="unrate",
        tooltip="Remove your rating of the highlighted movie",
    )
    return [*whole, *half, unrate]


CURSOR_KEYS = {  # DataTable's own cursor bindings, made priority bindings below
    "up": "cursor_up",
    "down": "cursor_down",
    "pageup": "page_up",
    "pagedown": "page_down",
    "home": "scroll_home",
    "end": "scroll_end",
    "ctrl+home": "scroll_top",
    "ctrl+end": "scroll_bottom",
}


def _cursor_bindings() -> list[Binding]:
    return [
        Binding(key, action, show=False, priority=True, id=f"table-{action.replace('_', '-')}")
        for key, action in CURSOR_KEYS.items()
    ]


class MovieTable(DataTable[Text]):
    """Up to a few hundred movies of one catalogue; each row key is the item index."""

    # The keys that move the cursor or act on its row are priority bindings: the app runs them
    # in the order it reads the keys. Queued to the table instead, a key can run after later
    # ones changed what the table lists: while a model trained in a thread, "↓5/se7en" rated
    # Seven 5 stars, not the highlighted The Matrix.
    BINDINGS = [*_rate_bindings(), *_cursor_bindings()]

    @dataclass
    class Rated(Message):
        """The person rated ``item`` (``stars`` None: removed the rating)."""

        table: MovieTable
        item: int
        stars: float | None

        @property
        def control(self) -> MovieTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._columns = tuple(columns)
        self._widths: tuple[int, ...] = ()
        self._catalog: Catalog | None = None
        self._items: list[int] = []
        self._ratings: Mapping[int, float] = {}
        self.rating_step = 1.0

    @property
    def items(self) -> list[int]:
        return list(self._items)

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
        keep_cursor: bool = True,
    ) -> None:
        """Fill the table with ``items``. With ``keep_cursor`` the cursor stays on the same movie
        if it is still listed, else on the same row (the movie after one that left the list);
        without, it goes to the first row."""
        keep, row = (self.highlighted_item, self.cursor_row) if keep_cursor else (None, 0)
        self._catalog, self._items, self._ratings = catalog, list(items), ratings
        self._rebuild(keep, row)

    def update_ratings(self, ratings: Mapping[int, float]) -> None:
        """Redraw the "You" column after the person's ratings changed."""
        self._ratings = ratings
        if YOURS not in self._columns:
            return
        for item in self._items:
            try:
                self.update_cell(str(item), YOURS.key, self._cell(YOURS, item))
            except RowDoesNotExist:
                continue

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate" and parameters and float(parameters[0]) % 1 and self.rating_step >= 1:
            return False
        if action in ("rate", "unrate") and self.highlighted_item is None:
            return None
        return True

    def action_rate(self, stars: float) -> None:
        item = self.highlighted_item
        if item is not None:
            self.post_message(self.Rated(self, item, float(stars)))

    def action_unrate(self) -> None:
        item = self.highlighted_item
        if item is not None and item in self._ratings:
            self.post_message(self.Rated(self, item, None))

    def on_resize(self, event: events.Resize) -> None:
        if self._column_widths() != self._widths:
            self._rebuild(self.highlighted_item, self.cursor_row)

    def _rebuild(self, keep: int | None, row: int) -> None:
        self.clear(columns=True)
        self._widths = self._column_widths()
        for column, width in zip(self._columns, self._widths, strict=True):
            self.add_column(Text(column.label, justify=column.justify), width=width, key=column.key)
        if self._catalog is None:
            return
        for rank, item in enumerate(self._items, start=1):
            self.add_row(
                *(self._cell(column, item, rank) for column in self._columns), key=str(item)
            )
        row = self._items.index(keep) if keep in self._items else min(row, len(self._items) - 1)
        self.move_cursor(row=max(row, 0), scroll=True)
        self.refresh_bindings()

    def _column_widths(self) -> tuple[int, ...]:
        fixed = sum(column.width for column in self._columns)
        padding = 2 * self.cell_padding * len(self._columns)
        room = max(self.size.width - fixed - padding - SCROLLBAR_ROOM, 0)
        shares = sum(column.share for column in self._columns if not column.width)
        return tuple(
            column.width or max(MIN_FLEX_WIDTH, room * column.share // max(shares, 1))
            for column in self._columns
        )

    def _cell(self, column: Column, item: int, rank: int = 0) -> Text:
        catalog = self._catalog
        assert catalog is not None
        if column.key == RANK.key:
            value = str(rank)
        elif column.key == TITLE.key:
            value = catalog.titles[item]
        elif column.key == YEAR.key:
            value = str(catalog.year(item) or "")
        elif column.key == GENRES.key:
            value = ", ".join(catalog.genres_of(item))
        elif column.key == RATING_COUNT.key:
            value = f"{int(catalog.rating_count[item]):,}"
        else:
            value = stars_text(self._ratings.get(item))
        return Text(value, justify=column.justify, overflow="ellipsis", no_wrap=True)
