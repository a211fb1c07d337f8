"""The plot widgets' own logic: labels fitted to the width, the lines of a training curve,
counts on the axis, and the map's order from the middle; and a curve drawn as epochs come."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult

from moviepick.training.events import FitEvent
from moviepick.tui.widgets.plots import CurvePlot, curve_series
from moviepick.tui.widgets.plots.base import CountFormatter, fit_labels
from moviepick.tui.widgets.plots.curve import LOSS, VALID
from moviepick.tui.widgets.plots.embedding import PALETTE, genre_palette, order_from_center


def test_labels_that_fit_are_all_written_whole():
    names, ticks = fit_labels(["1", "2", "3", "4", "5"], 50)
    assert names == ["1", "2", "3", "4", "5"] and ticks == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_labels_too_long_for_the_width_are_thinned_or_abbreviated():
    years = [str(year) for year in range(1996, 2019)]
    names, ticks = fit_labels(years, 46)  # two cells a year, five a label
    assert names == years and ticks == [float(k) for k in range(1, 24, 3)]
    genres = ["Action", "Adventure", "Animation", "Children", "Comedy", "Crime"]
    names, ticks = fit_labels(genres, 30, abbreviate=True)
    assert names == ["Acti", "Adve", "Anim", "Chil", "Come", "Crim"] and len(ticks) == 6
    names, ticks = fit_labels(genres, 12, abbreviate=True)
    assert names[0] == "Act" and ticks == [1.0, 3.0, 5.0]


def test_large_counts_read_as_thousands_or_millions():
    formatter = CountFormatter()
    assert formatter.get_labels_for_ticks([0, 10_000, 20_000]) == ["0k", "10k", "20k"]
    assert formatter.get_labels_for_ticks([0, 1_500_000]) == ["0M", "1.5M"]
    assert formatter.get_labels_for_ticks([0, 500, 1000]) == ["0", "500", "1000"]


def test_a_curve_has_the_loss_and_the_first_validation_metric_without_heartbeats():
    events = [
        FitEvent(1, 4, None, {"reg": 0.1, "selection RMSE": 0.95}),
        FitEvent(2, 4, 0.8, {"train RMSE": 0.9, "valid RMSE": 0.93}),
        FitEvent(2, 4, 0.8, {"train RMSE": 0.9, "valid RMSE": 0.93}, heartbeat=True),
        FitEvent(3, 4, 0.7, {"train RMSE": 0.8, "valid RMSE": 0.91, "best valid RMSE": 0.91}),
    ]
    assert curve_series(events) == {
        "loss": ([2, 3], [0.8, 0.7]),
        "valid RMSE": ([2, 3], [0.93, 0.91]),
    }
    assert curve_series([FitEvent(1, 1, metrics={"valid Recall@20": 0.2})]) == {
        "valid Recall@20": ([1], [0.2])
    }
    assert curve_series([]) == {}


def test_the_map_orders_points_from_the_middle_of_the_view_inside_first():
    x = np.array([0.0, 0.9, 0.1, 5.0, -0.4])
    y = np.array([0.0, 0.0, 0.1, 0.0, 0.0])
    assert order_from_center(x, y, (-1.0, 1.0, -1.0, 1.0)).tolist() == [0, 2, 4, 1, 3]
    # Zoomed on the right, the points there come first.
    assert order_from_center(x, y, (0.5, 1.5, -1.0, 1.0)).tolist()[0] == 1


def test_the_palette_colours_the_most_frequent_genres():
    genres = ("Drama",) * 3 + ("Comedy",) * 2 + ("Horror", "")
    assert genre_palette(genres) == dict(zip(["Drama", "Comedy", "Horror"], PALETTE, strict=False))


class CurveApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CurvePlot(LOSS, id="loss")
        yield CurvePlot(VALID, id="valid")


async def test_the_curve_is_redrawn_whole_as_epochs_arrive():
    app = CurveApp()
    async with app.run_test(size=(80, 20)) as pilot:
        plot, valid = app.query_one("#loss", CurvePlot), app.query_one("#valid", CurvePlot)
        events: list[FitEvent] = []
        for epoch, (loss, hit_rate) in enumerate([(7.9, 0.05), (7.5, 0.08), (7.2, 0.1)], 1):
            events.append(FitEvent(epoch, 10, loss, {"valid HR@10": hit_rate}))
            plot.show_curve(events)
            valid.show_curve(events)
            await pilot.pause()
        assert plot._labels == ["loss"]
        assert valid._labels == ["valid HR@10"]  # on its own scale, not under the loss's
        assert plot._datasets[0].x.tolist() == [1, 2, 3]
        assert valid._datasets[0].y.tolist() == pytest.approx([0.05, 0.08, 0.1])
        assert plot.limits[:2] == (1, 10)  # the steps to come have their room
        plot.show_curve(events[:1])  # one point: a marker, as a line of one point is nothing
        assert any(getattr(dataset, "marker", "") == "●" for dataset in plot._datasets)


async def test_a_new_curve_with_no_epoch_yet_drops_the_scale_of_the_last():
    app = CurveApp()
    async with app.run_test(size=(80, 20)) as pilot:
        plot = app.query_one("#loss", CurvePlot)
        plot.show_curve([FitEvent(1, 3, 7.9), FitEvent(2, 3, 7.5)])
        await pilot.pause()
        assert plot.limits[2] > 5
        plot.show_curve([])
        await pilot.pause()
        assert plot.limits[2:] == (0, 1)
        plot.show_curve([FitEvent(1, 3, 0.9), FitEvent(2, 3, 0.8)])
        await pilot.pause()
        assert 0.7 < plot.limits[2] < 0.9  # autoscaled again
