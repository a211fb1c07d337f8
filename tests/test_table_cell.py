"""A table cell drawn as one segment shows what Rich's Text would, in its column."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text

from moviepick.tui.widgets.table_cell import TableCell

CONSOLE = Console(width=80)


def drawn(renderable: object, width: int) -> str:
    options = CONSOLE.options.update_dimensions(width, 1).update(no_wrap=True)
    [line] = CONSOLE.render_lines(renderable, options, pad=True)
    return "".join(segment.text for segment in line)


@pytest.mark.parametrize("justify", ["left", "right", "center"])
@pytest.mark.parametrize(
    "plain", ["Heat (1995)", "", "Amélie (2001)", "千と千尋の神隠し (2001)", "x" * 30]
)
@pytest.mark.parametrize("width", [0, 1, 5, 12, 20])
def test_a_cell_draws_as_rich_text_does(plain: str, justify: str, width: int) -> None:
    text = Text(plain, justify=justify, overflow="ellipsis", no_wrap=True)  # type: ignore[arg-type]

    assert drawn(TableCell(plain, justify), width) == drawn(text, width)  # type: ignore[arg-type]


def test_a_cell_reads_as_its_text() -> None:
    assert str(TableCell("Heat")) == TableCell("Heat").plain == "Heat"
