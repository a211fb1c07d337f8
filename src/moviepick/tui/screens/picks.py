"""Picks: the ranked picks of any trained model, with the reason for each; filters, diversity,
and two models side by side.

The model list holds every model saved for the dataset (its type, when it was trained and its
leaderboard figures) and every model type not trained yet: choosing one trains it in the
background. Movies on your watchlist or marked not interested, watched and rated are hidden
unless you show them (W X V R).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select

from moviepick.tui.screens.base import AppScreen
from moviepick.tui.widgets.movie_table import (
    GENRES,
    MARKS,
    RANK,
    RATING_COUNT,
    REASON,
    SCORE,
    TITLE,
    YEAR,
    MovieTable,
)
from moviepick.tui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from moviepick.services.picks import Pick, PickFilters
    from moviepick.store import ModelInfo
    from moviepick.tui.state import ActiveModel, Compared

DIVERSITY_STEPS = (0.0, 0.3, 0.6, 0.9)
SHARED = "●"  # in both lists of a comparison
TOGGLES = {  # key -> the PickFilters field it flips, and what it shows
    "W": ("show_watchlisted", "watchlist"),
    "X": ("show_not_interested", "not interested"),
    "V": ("show_watched", "watched"),
    "R": ("show_rated", "rated"),
}


def model_summary(info: ModelInfo) -> str:
    """A saved model in a line: its type, when it was trained, and its best-known figures."""
    figures = [
        f"{name} {value:.4g}" if isinstance(value, float) else f"{name} {value}"
        for name, value in info.metrics.items()
        if name != "fit seconds"
    ]
    return " · ".join([info.model, f"trained {info.created_text}", *figures[:3]])


SHOW_HIDDEN = Binding.Group("Show", compact=True)


def _toggle_bindings() -> list[Binding]:
    return [
        Binding(
            key,
            f"toggle('{field}')",
            label.capitalize(),
            group=SHOW_HIDDEN,
            id=f"picks-show-{field.removeprefix('show_').replace('_', '-')}",
            tooltip=f"Show or hide movies that are {label} (shift+{key.lower()})",
        )
        for key, (field, label) in TOGGLES.items()
    ]


class PicksScreen(AppScreen):
    MODE = "picks"
    AUTO_FOCUS = "#picks"

    BINDINGS = [
        Binding(
            "c",
            "compare",
            "Compare",
            id="picks-compare",
            tooltip="Another model's picks beside these, shared movies marked (again: stop)",
        ),
        Binding(
            "d",
            "diversity",
            "Diverse",
            id="picks-diversity",
            tooltip="More varied picks: re-rank by how unlike the ones above each movie is",
        ),
        *_toggle_bindings(),
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="picks-body"):
            with Horizontal(id="picks-controls"):
                yield Select[str]([], prompt="model", id="model", tooltip="Picks come from")
                yield Select[str]([], prompt="any genre", id="picks-genre", tooltip="Only")
                yield TextBox(placeholder="years", id="picks-years", tooltip="1990-1999, 1990-")
            yield Label(id="model-summary", classes="note")
            yield Label(id="filters-summary", classes="note")
            with Horizontal(id="picks-tables"):
                yield MovieTable(
                    [RANK, TITLE, YEAR, MARKS, SCORE, GENRES, RATING_COUNT, REASON], id="picks"
                )
                with Vertical(id="compare-pane"):
                    yield Select[str]([], prompt="compare with", id="compare-model")
                    yield Label(id="compare-summary", classes="note")
                    yield MovieTable([RANK, TITLE, YEAR, MARKS, SCORE, REASON], id="compared")

    def on_mount(self) -> None:
        super().on_mount()
        self._filled_by: dict[str | None, str | None] = {}  # table id -> the model it shows
        self.query_one("#compare-pane").display = False
        self.watch(self.app, "library", self._show_library)
        self.watch(self.app, "saved_models", self._show_models)
        self.watch(self.app, "active_model", self._show_active)
        self.watch(self.app, "model_failed", self._show_failure)
        self.watch(self.app, "picks", self._show_picks)
        self.watch(self.app, "compared", self._show_comparison)
        self.watch(self.app, "pick_filters", self._show_filters)

    # --- what the app says ----------------------------------------------------------------

    def _show_library(self, _: object) -> None:
        library = self.app.library
        if library is not None:
            genres = library.dataset.catalog.genre_names
            self.query_one("#picks-genre", Select).set_options([(name, name) for name in genres])

    def _show_models(self, saved: tuple[ModelInfo, ...]) -> None:
        from moviepick.models.registry import model_names

        trained = {info.model for info in saved}
        options = [(f"{info.name}", info.name) for info in saved]
        options += [
            (f"{model} (train it)", model) for model in model_names() if model not in trained
        ]
        for select_id in ("#model", "#compare-model"):
            select = self.query_one(select_id, Select)
            current = select.value
            with self.prevent(Select.Changed):
                select.set_options(options)
                if isinstance(current, str) and current in dict((v, k) for k, v in options):
                    select.value = current
        self._show_active(self.app.active_model)

    def _show_active(self, active: ActiveModel | None) -> None:
        if active is None:
            self.query_one("#model-summary", Label).update("Picks appear once a model is ready.")
            return
        select = self.query_one("#model", Select)
        if select.value != active.name:
            with self.prevent(Select.Changed):
                select.value = active.name
        self.query_one("#model-summary", Label).update(model_summary(active.info))

    def _show_failure(self, failed: bool) -> None:
        if failed:
            self.query_one("#model-summary", Label).update("No model, so no picks.")

    def _show_filters(self, filters: PickFilters | None) -> None:
        from moviepick.services.picks import PickFilters

        filters = filters or PickFilters()
        hidden = [label for field, label in TOGGLES.values() if not getattr(filters, field)]
        shown = [label for field, label in TOGGLES.values() if getattr(filters, field)]
        parts = [f"hidden: {', '.join(hidden)}" if hidden else "nothing hidden"]
        if shown:
            parts.append(f"shown: {', '.join(shown)}")
        parts.append(f"diversity {filters.diversity:g} (d)")
        self.query_one("#filters-summary", Label).update(" · ".join(parts) + " · W X V R")

    def _show_picks(self, picks: tuple[Pick, ...] | None) -> None:
        if picks is None or self.app.library is None:
            return
        shared = self.app.compared.comparison.shared if self.app.compared else None
        self._fill(self.query_one("#picks", MovieTable), list(picks), self._active_name(), shared)

    def _show_comparison(self, compared: Compared | None) -> None:
        pane = self.query_one("#compare-pane")
        pane.display = compared is not None
        if compared is None or self.app.library is None:
            if self.app.picks is not None:
                self._show_picks(self.app.picks)
            return
        select = self.query_one("#compare-model", Select)
        if select.value != compared.model:
            with self.prevent(Select.Changed):
                select.value = compared.model
        comparison = compared.comparison
        self.query_one("#compare-summary", Label).update(
            f"{SHARED} {len(comparison.shared)} of {len(comparison.left)} in both lists"
        )
        left, right = self.query_one("#picks", MovieTable), self.query_one("#compared", MovieTable)
        self._fill(left, comparison.left, self._active_name(), comparison.shared)
        self._fill(right, comparison.right, compared.model, comparison.shared)

    def _fill(
        self,
        table: MovieTable,
        picks: list[Pick],
        model: str | None,
        shared: frozenset[int] | None = None,
    ) -> None:
        """Fill ``table`` with ``model``'s ``picks``; while comparing, ``shared`` marks the
        common ones. The cursor stays on its movie while the model stays; another model's
        list starts at its top."""
        assert self.app.library is not None
        same_model = self._filled_by.get(table.id) == model
        self._filled_by[table.id] = model
        cells = {
            "score": [f"{pick.score:.3f}" for pick in picks],
            "reason": [pick.reason for pick in picks],
        }
        if shared is not None:
            cells["marks"] = [SHARED if pick.item in shared else "" for pick in picks]
        table.show(
            self.app.library.dataset.catalog,
            [pick.item for pick in picks],
            self.app.my_stars,
            cells=cells,
            keep_cursor=same_model,
        )

    def _active_name(self) -> str | None:
        active = self.app.active_model
        return active.name if active else None

    # --- what the person asks -------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None
        if event.select.id == "model":
            active = self.app.active_model
            if value is None:  # the blank line: no model is no choice, the active one stays
                self._show_active(active)
            elif active is None or active.name != value:
                self.app.use_model(value)
        elif event.select.id == "compare-model":
            self.app.compare_with(value)
        elif event.select.id == "picks-genre":
            self._set_filters(genres=frozenset([value]) if value else frozenset())

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "picks-years":
            return
        from moviepick.services.browse import parse_years

        try:
            year_from, year_to = parse_years(event.value)
        except ValueError as error:
            self.query_one("#filters-summary", Label).update(str(error))
            return
        self._set_filters(year_from=year_from, year_to=year_to)

    def _filters(self) -> PickFilters:
        from moviepick.services.picks import PickFilters

        return self.app.pick_filters or PickFilters()

    def _set_filters(self, **changes: object) -> None:
        self.app.set_pick_filters(replace(self._filters(), **changes))  # type: ignore[arg-type]

    def action_toggle(self, field: str) -> None:
        self._set_filters(**{field: not getattr(self._filters(), field)})

    def action_diversity(self) -> None:
        current = self._filters().diversity
        later = [step for step in DIVERSITY_STEPS if step > current + 1e-9]
        self._set_filters(diversity=later[0] if later else DIVERSITY_STEPS[0])

    def action_compare(self) -> None:
        if self.app.compared is not None:
            self.app.compare_with(None)
            return
        active = self.app.active_model
        others = [
            info.name for info in self.app.saved_models if active and info.name != active.name
        ]
        if not others:
            self.app.notify("Train a second model to compare (choose one in the model list).")
            return
        chosen = self.query_one("#compare-model", Select).value
        self.app.compare_with(chosen if isinstance(chosen, str) and chosen in others else others[0])
