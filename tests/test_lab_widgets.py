"""The Lab's leaderboard and taste widgets, each mounted alone in a tiny app."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Static

from moviepick.evaluation.protocols import NEXT_ITEM, RATING_90_10, TOP_N
from moviepick.services.leaderboards import Leaderboards
from moviepick.services.picks import Comparison, Pick
from moviepick.services.taste_fit import ModelTaste, TasteComparison, TasteRow
from moviepick.tui.widgets.leaderboard_view import EMPTY_HINT, LeaderboardView
from moviepick.tui.widgets.taste_view import NO_COMPARISON, NO_RATINGS, SHARED_MARK, TasteView

SIZES = [(80, 24), (120, 35)]


class Holder(App[None]):
    """Just the widget under test."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def record(model: str, params: dict[str, Any] | None = None, **metrics: float) -> dict[str, Any]:
    return {"model": model, "params": params or {}, "fit seconds": 2.5, **metrics}


def boards() -> Leaderboards:
    ranking = {"NDCG@10": 0.2, "HR@10": 0.5, "coverage": 0.1}
    return Leaderboards(
        "ml-latest-small",
        {
            RATING_90_10: [
                record("als", RMSE=0.87, MAE=0.69),
                record("neumf", RMSE=0.90, MAE=0.66),
            ],
            TOP_N: [
                record("ease", **{"Recall@20": 0.31, **ranking}),
                record("als", {"feedback": "implicit"}, **{"Recall@20": 0.25, **ranking}),
            ],
            NEXT_ITEM: [],
        },
    )


def text(widget: Static) -> str:
    return str(widget.content)


def cells(table: DataTable[Any], row: int) -> list[str]:
    return [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(row)]


@pytest.mark.parametrize("size", SIZES)
async def test_the_leaderboard_lists_the_models_and_marks_the_best(size: tuple[int, int]):
    view = LeaderboardView()
    async with Holder(view).run_test(size=size) as pilot:
        view.show(boards())
        await pilot.pause()
        assert view.protocol == RATING_90_10
        table = view.query_one("#leaderboard-table", DataTable)
        assert table.row_count == 2
        als, neumf = cells(table, 0), cells(table, 1)
        assert als[0] == "als" and als[2] == "0.8700*" and als[3].strip() == "0.6900"
        assert neumf[3] == "0.6600*" and als[-1] == "2.5"
        best = table.get_row_at(0)[2]
        assert isinstance(best, Text) and "bold" in str(best.style)
        assert view.query_one("#leaderboard-chart").display
        assert table.region.right <= size[0]


async def test_the_protocol_key_steps_through_the_protocols_with_records():
    view = LeaderboardView()
    async with Holder(view).run_test(size=SIZES[0]) as pilot:
        view.show(boards())
        await pilot.pause()
        view.query_one("#leaderboard-table").focus()
        await pilot.press("p")
        assert view.protocol == TOP_N
        title = text(view.query_one("#leaderboard-title", Static))
        assert title.startswith("top-n · ml-latest-small · 2/2")
        row = cells(view.query_one("#leaderboard-table", DataTable), 1)
        assert row[:3] == ["als", "feedback=implicit", "0.2500 "]
        await pilot.press("p")  # next-item has no record: back to the first
        assert view.protocol == RATING_90_10
        view.show(boards())  # new figures keep the protocol in view
        assert view.protocol == RATING_90_10


async def test_the_protocol_key_has_an_id_and_a_tooltip():
    [binding] = LeaderboardView.BINDINGS
    assert binding.id == "lab-next-protocol" and binding.tooltip


async def test_without_records_the_leaderboard_says_how_to_make_them():
    view = LeaderboardView()
    async with Holder(view).run_test(size=SIZES[0]) as pilot:
        view.show(Leaderboards("ml-100k", {TOP_N: []}, ["unreadable leaderboard x.json"]))
        await pilot.pause()
        assert view.protocol is None
        assert EMPTY_HINT in text(view.query_one("#leaderboard-empty", Static))
        assert "ml-100k" in text(view.query_one("#leaderboard-title", Static))
        assert not view.query_one("#leaderboard-table").display
        problems = view.query_one("#leaderboard-problems", Static)
        assert problems.display and "x.json" in text(problems)
        await pilot.press("p")
        assert view.protocol is None


def comparison(rows: bool = True) -> TasteComparison:
    left = [Pick(item, 1.0) for item in (1, 2, 3, 4)]
    right = [Pick(item, 1.0) for item in (3, 5, 1)]
    held_out = [
        TasteRow(10, "Casablanca", 5.0, 4.25, None, 3, 7),
        TasteRow(11, "Titanic", 2.0, 2.75, None, 40, 25),
    ]
    return TasteComparison(
        picks=Comparison(left, right, frozenset({1, 3})),
        a=ModelTaste("als", True, 0.75, 0.75, 1, 1),
        b=ModelTaste("ease", False, None, None, 0, 1),
        rows=held_out if rows else [],
        titles={item: f"Movie {item}" for item in range(1, 6)},
        rated=500 if rows else 0,
        liked_from=3.875,
        hit_at=20,
    )


@pytest.mark.parametrize("size", SIZES)
async def test_the_taste_view_shows_both_picks_and_your_stars(size: tuple[int, int]):
    view = TasteView()
    async with Holder(view).run_test(size=size) as pilot:
        view.show(comparison())
        await pilot.pause()
        left = view.query_one("#taste-picks-a", DataTable)
        right = view.query_one("#taste-picks-b", DataTable)
        assert left.row_count == 4 and right.row_count == 3
        assert cells(left, 0) == ["1", SHARED_MARK, "Movie 1"]
        assert cells(left, 1)[1] == "" and cells(right, 1)[1] == ""
        assert cells(right, 2) == ["3", SHARED_MARK, "Movie 1"]
        overlap = text(view.query_one("#taste-overlap", Static))
        assert "2 of 4 picks shared (50%)" in overlap
        rows = view.query_one("#taste-rows", DataTable)
        assert cells(rows, 0) == ["Casablanca", "5.0", "4.2", "#7"]
        stars = text(view.query_one("#taste-stars", Static))
        assert "2 latest of your 500" in stars and "als 0.750" in stars
        assert "ease ranks only" in stars
        hits = text(view.query_one("#taste-hits", Static))
        assert "@20" in hits and "als 100%" in hits and "ease 0%" in hits
        assert right.region.right <= size[0] and rows.region.bottom <= size[1]


async def test_the_taste_view_without_a_comparison_or_ratings():
    view = TasteView()
    async with Holder(view).run_test(size=SIZES[0]) as pilot:
        await pilot.pause()
        assert text(view.query_one("#taste-empty", Static)) == NO_COMPARISON
        assert not view.query_one("#taste-picks").display
        view.show(comparison(rows=False))
        await pilot.pause()
        assert view.query_one("#taste-picks").display
        assert text(view.query_one("#taste-stars", Static)) == NO_RATINGS
        assert not view.query_one("#taste-rows").display
        view.show(None)
        assert view.query_one("#taste-empty").display and view.comparison is None
