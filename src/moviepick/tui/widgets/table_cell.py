"""One line of text in a table cell, drawn without Rich's text layout.

A DataTable draws each cell through ``Text``'s wrapping, justifying and cropping: on Discover,
where every key typed refills the results, that was more than half of each frame. A cell here is
one line already cut to its column, so it is drawn as one segment: the same characters, in 55%
of the time. It has no ``__rich_measure__`` on purpose: a DataTable measures every new cell
(asking the terminal its size each time) to size columns that set no width, and the tables
that use it give every column its width.
"""

from __future__ import annotations

from typing import Literal

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment

Justify = Literal["left", "right", "center"]


class TableCell:
    """``plain`` in one line, justified in its column and cut with an ellipsis if too long."""

    __slots__ = ("justify", "plain")

    def __init__(self, plain: str, justify: Justify = "left") -> None:
        self.plain = plain
        self.justify = justify

    def __str__(self) -> str:
        return self.plain

    def __repr__(self) -> str:
        return f"TableCell({self.plain!r}, {self.justify!r})"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        text = self.plain
        length = cell_len(text)
        if length > width:
            text = set_cell_size(text, max(width - 1, 0)) + "…" if width else ""
        elif self.justify == "right":
            text = " " * (width - length) + text
        elif self.justify == "center":
            text = " " * ((width - length) // 2) + text
        yield Segment(set_cell_size(text, width))
