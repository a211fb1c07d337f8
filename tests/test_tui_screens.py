"""Pilot tests of each screen's main flow, asserting on the app's state once its jobs are done."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input, Label, Select
from tui_support import install_model, settle, table, titles, train_tiny_model

from moviepick.config import Config
from moviepick.tui.app import MoviepickApp
from moviepick.tui.screens.confirm import ConfirmScreen
from moviepick.tui.screens.help import HelpScreen, help_table
from moviepick.tui.screens.movie import MovieScreen
from moviepick.tui.widgets.movie_table import MovieTable, fit_reason, fit_title

SIZE = (120, 35)
SCI_FI = {"The Matrix", "Alien", "Blade Runner", "The Terminator", "Star Wars", "Solaris"}
SCI_FI |= {"Gattaca", "Seven"}


@pytest.fixture(scope="module")
def more_models(tiny_trained: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory):
    """ease and sasrec trained on the tiny folder, beside the session's als."""
    folder, _ = tiny_trained
    models = tmp_path_factory.mktemp("more-models")
    return [train_tiny_model(folder, models, name) for name in ("ease", "sasrec")]


@pytest.fixture
def data(tiny_trained: tuple[Path, Path], more_models: list[Path], moviepick_home: Path) -> Path:
    folder, als = tiny_trained
    for model in (als, *more_models):
        install_model(model)
    return folder


def app_for(data: Path, **config: object) -> MoviepickApp:
    return MoviepickApp(str(data), Config(model="als", **config))  # type: ignore[arg-type]


async def search_and(pilot, text: str, *keys: str) -> None:
    """On Discover: search ``text``, go to the results and press ``keys``."""
    await pilot.press("alt+1", "slash", "ctrl+a", "ctrl+k", *text, "down", *keys)


def sequence_titles(app: MoviepickApp) -> list[str]:
    catalog = app.library.dataset.catalog
    return [catalog.titles[entry.item] for entry in app.sequence]


async def test_the_app_opens_on_discover_and_switches_screens_by_key_and_tab(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "discover"
        for key, mode in [("alt+2", "sequence"), ("alt+3", "ratings"), ("alt+4", "picks")]:
            await pilot.press(key)
            assert app.current_mode == mode
        await pilot.click("#tab-sequence")
        await pilot.pause()
        assert app.current_mode == "sequence"


async def test_alt_digits_as_most_terminals_send_them_switch_screens_from_a_text_box(
    data: Path,
):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        assert search.has_focus
        # ESC 3, as tmux and xterm send alt+3, reaches the app as the pound sign.
        app.post_message(events.Key("pound_sign", "£"))
        await settle(pilot)
        assert app.current_mode == "ratings"
        app.post_message(events.Key("inverted_exclamation_mark", "¡"))
        await settle(pilot)
        assert app.current_mode == "discover" and search.value == ""


async def test_home_and_end_go_to_the_first_and_last_row(data: Path):
    async with app_for(data).run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = table(pilot, "results")
        await pilot.press("escape", "end")
        assert results.row_count > 1 and results.cursor_row == results.row_count - 1
        await pilot.press("home")
        assert results.cursor_row == 0


async def test_discover_filters_by_genre_and_years_and_sorts(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#genre", Select).value = "Romance"
        await pilot.pause()
        catalog = app.library.dataset.catalog
        shown = table(pilot, "results").items
        assert shown and all("Romance" in catalog.genres_of(item) for item in shown)
        screen.query_one("#years", Input).value = "1990-1999"
        await pilot.pause()
        shown = table(pilot, "results").items
        assert shown and all(1990 <= catalog.year(item) <= 1999 for item in shown)
        screen.query_one("#sort", Select).value = "rating"
        await pilot.pause()
        shown = table(pilot, "results").items
        scores = [float(catalog.score[item]) for item in shown]
        assert scores == sorted(scores, reverse=True)
        screen.query_one("#years", Input).value = "19x"
        await pilot.pause()
        assert "not a year range" in str(screen.query_one("#discover-note", Label).render())


async def test_discover_row_keys_append_mark_and_open(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_and(pilot, "alien", "a", "a", "w")
        assert sequence_titles(app) == ["Alien", "Alien"]
        catalog = app.library.dataset.catalog
        assert [catalog.titles[e.item] for e in app.watchlist] == ["Alien"]
        assert table(pilot, "results").get_cell("0", "marks").plain == "✓+"
        await pilot.press("x")  # not interested takes it off the watchlist
        assert [catalog.titles[e.item] for e in app.not_interested] == ["Alien"]
        assert app.watchlist == ()
        assert table(pilot, "results").get_cell("0", "marks").plain == "✓✗"
        await pilot.press("x")
        assert app.not_interested == ()
        await pilot.press("enter")
        assert isinstance(app.screen, MovieScreen)


async def test_the_sequence_keeps_order_moves_removes_and_clears_after_asking(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text in ("matrx", "alien", "blade"):
            await search_and(pilot, text, "a")
        await pilot.press("alt+2")
        assert titles(pilot, "sequence") == ["The Matrix", "Alien", "Blade Runner"]
        await pilot.press("down", "down", "shift+up")
        assert sequence_titles(app) == ["The Matrix", "Blade Runner", "Alien"]
        assert table(pilot, "sequence").cursor_row == 1
        await pilot.press("backspace")
        assert sequence_titles(app) == ["The Matrix", "Alien"]
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert sequence_titles(app) == ["The Matrix", "Alien"]
        await pilot.press("c", "y")
        assert app.sequence == ()
        assert titles(pilot, "sequence") == []


async def test_what_next_follows_the_sequence_with_a_sequential_model(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text in ("matrx", "alien"):
            await search_and(pilot, text, "a")
        await pilot.press("alt+2")
        model = app.screen.query_one("#next-model", Select)
        assert model.value == "sasrec-ml-tiny"  # the models that read the order come first
        await pilot.press("n")
        await settle(pilot)
        assert app.next_picks is not None and app.next_picks.model == "sasrec-ml-tiny"
        shown = titles(pilot, "next")
        assert shown and not {"The Matrix", "Alien"} & set(shown)
        assert all(pick.reason for pick in app.next_picks.picks)


async def test_ratings_sort_and_show_the_models_stars(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text, stars in (("matrx", "5"), ("titanic", "1"), ("alien", "4")):
            await search_and(pilot, text, stars)
        await pilot.press("alt+3")
        await settle(pilot)
        assert titles(pilot, "mine") == ["Alien", "Titanic", "The Matrix"]  # newest first
        mine = table(pilot, "mine")
        assert all(mine.get_cell(str(row), "predicted").plain for row in range(3))
        await pilot.press("s")  # by title
        assert titles(pilot, "mine") == ["Alien", "The Matrix", "Titanic"]
        await pilot.press("s", "s")  # by your stars
        assert titles(pilot, "mine") == ["The Matrix", "Alien", "Titanic"]
        summary = str(app.screen.query_one("#ratings-summary", Label).render())
        assert "You rated 3 movies, mean ★3.33" in summary


async def test_picks_switch_models_show_reasons_and_filter(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_and(pilot, "matrx", "5")
        await pilot.press("alt+4")
        await settle(pilot)
        assert app.active_model.name == "als-ml-tiny"
        assert all("The Matrix" in pick.reason for pick in app.picks[:3])
        await pilot.press("down", "down")
        app.screen.query_one("#model", Select).value = "ease-ml-tiny"
        await settle(pilot)
        assert app.active_model.name == "ease-ml-tiny"
        assert set(titles(pilot, "picks")[:3]) <= SCI_FI
        assert table(pilot, "picks").cursor_row == 0  # another model's list from its top
        app.screen.query_one("#model", Select).value = "als-ml-tiny"
        await pilot.pause()
        assert app.active_model.name == "als-ml-tiny"  # from the cache, at once
        await pilot.press("R")
        await settle(pilot)
        assert "The Matrix" in titles(pilot, "picks")
        await pilot.press("R")
        await settle(pilot)
        assert "The Matrix" not in titles(pilot, "picks")


async def test_picks_compare_two_models_and_mark_the_shared_movies(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_and(pilot, "matrx", "5")
        await pilot.press("alt+4", "c")
        await settle(pilot)
        compared = app.compared
        assert compared is not None and compared.model != app.active_model.name
        assert app.screen.query_one("#compare-pane").display
        left, right = table(pilot, "picks"), table(pilot, "compared")
        assert left.items and right.items
        shared = set(left.items) & set(right.items)
        assert shared == compared.comparison.shared
        marks = {
            left.items[row]
            for row in range(len(left.items))
            if left.get_cell(str(row), "marks").plain
        }
        assert marks == shared
        await pilot.press("c")
        assert app.compared is None
        assert not app.screen.query_one("#compare-pane").display


async def test_the_movie_page_shows_facts_and_similar_movies(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_and(pilot, "matrx", "enter")
        screen = app.screen
        assert isinstance(screen, MovieScreen)
        assert "The Matrix (1999)" in str(screen.query_one("#movie-title").render())
        similar = titles(pilot, "similar")
        assert len(similar) == 10 and "The Matrix" not in similar
        most_like_it = table(pilot, "similar").items[0]
        await pilot.press("enter")  # the page of the first similar movie, in place
        assert app.screen is screen and screen.item == most_like_it
        # Keys in a burst, as typed while the loop lags: each page opens over the last one.
        for key in ["down", "enter", "down", "enter"]:
            app.post_message(events.Key(key, None if key == "down" else "\r"))
        await settle(pilot)
        assert app.screen is screen and screen.item != most_like_it
        assert [type(each) for each in app.screen_stack].count(MovieScreen) == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, MovieScreen)


async def test_the_palettes_go_to_screens_and_find_movies(data: Path):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"go to picks")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "picks"
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"blade runer")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MovieScreen)
        assert app.library.dataset.catalog.titles[app.screen.item] == "Blade Runner"


async def test_the_palette_lists_every_saved_model(data: Path):
    from moviepick.tui.commands import ActionCommands

    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = ActionCommands(app.screen)
        names = [hit.text async for hit in provider.discover()]
        assert {"Go to Discover", "Go to Sequence", "Go to Ratings", "Go to Picks"} <= set(names)
        assert {"Use model ease-ml-tiny", "Use model sasrec-ml-tiny"} <= set(names)
        assert "Train model neumf" in names


async def test_keys_are_remapped_from_the_config_and_the_help_follows(data: Path):
    app = app_for(data, keymap={"movie-append": "A", "no-such-binding": "z"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warnings = [n.message for n in app._notifications if n.title == "keymap in config.toml"]
        assert warnings and "no-such-binding" in warnings[0]
        await search_and(pilot, "alien", "a")
        assert app.sequence == ()
        await pilot.press("A")
        assert sequence_titles(app) == ["Alien"]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(help_table(app, app.screen.live_bindings))
        [line] = [line for line in console.export_text().splitlines() if "movie-append" in line]
        assert line.split()[0] == "A"


def test_every_binding_has_an_id_and_a_tooltip():
    missing = []
    for owner in MoviepickApp.binding_owners():
        for klass in owner.__mro__:
            for binding in getattr(klass, "BINDINGS", ()):
                if getattr(binding, "id", None) is None:
                    continue
                if not binding.tooltip and binding.show:
                    missing.append(binding.id)
    assert not missing
    assert len(MoviepickApp.binding_ids()) > 20


def test_a_cut_title_keeps_the_end_where_sequels_differ():
    five = fit_title("Star Wars: Episode V - The Empire Strikes Back", 24)
    six = fit_title("Star Wars: Episode VI - Return of the Jedi", 24)
    assert len(five) <= 24 and len(six) <= 24
    assert five != six and five.endswith("Strikes Back") and six.endswith("the Jedi")
    assert fit_title("Alien", 24) == "Alien"


def test_a_cut_reason_keeps_its_verb_and_the_end_of_the_movie():
    reason = "because you rated Star Wars: Episode V - The Empire Strikes Back ★★★★"
    cut = fit_reason(reason, 40)
    assert len(cut) == 40
    assert cut.startswith("because you rated Star") and cut.endswith("Back ★★★★")
    assert fit_reason("because you watched Heat", 40) == "because you watched Heat"
    assert len(fit_reason(reason, 20)) == 20


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_every_screen_fits_small_and_large_terminals(data: Path, size: tuple[int, int]):
    app = app_for(data)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in ("alt+1", "alt+2", "alt+3", "alt+4"):
            await pilot.press(key)
            await pilot.pause()
            screen = app.screen
            footer = screen.query_one("Footer").region
            for table_widget in screen.query(MovieTable):
                if table_widget.display and table_widget.region.height:
                    assert table_widget.region.bottom <= footer.y, (key, table_widget.id)
                    assert "title" in table_widget.shown_columns
            assert footer.bottom == size[1]
