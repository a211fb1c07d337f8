"""Command palette providers: every action of the app (ctrl+p), and any movie by title (ctrl+f)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from moviepick.tui.modes import SCREENS

if TYPE_CHECKING:
    from moviepick.tui.app import MoviepickApp

MOVIE_HITS = 20


class ActionCommands(Provider):
    """Go to a screen, use or train a model, compare, ask what next, and the profile's actions."""

    @property
    def _app(self) -> MoviepickApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self._app
        if app.library is None:
            return []
        commands: list[tuple[str, Callable[[], object], str]] = [
            (f"Go to {title}", partial(app.action_go, mode), purpose)
            for mode, title, purpose in SCREENS
        ]
        from moviepick.models.registry import model_names

        saved = {info.name: info for info in app.saved_models}
        saved_types = {info.model for info in app.saved_models}
        active = app.active_model.name if app.active_model else None
        for name, info in saved.items():
            trained = f"{info.model}, trained {info.created_text}"
            if name != active:
                commands.append((f"Use model {name}", partial(app.use_model, name), trained))
                commands.append(
                    (f"Compare picks with {name}", partial(app.compare_with, name), trained)
                )
            commands.append(
                (f"What next after my sequence, by {name}", partial(app.ask_what_next, name), "")
            )
        for model in model_names():
            if model not in saved_types:
                commands.append(
                    (
                        f"Train model {model}",
                        partial(app.use_model, model),
                        "not trained for this dataset yet: train it now (in the background)",
                    )
                )
        commands += [
            ("Find a movie", app.action_find_movie, "jump to any movie's page by its title"),
            ("Clear the watch sequence", app.action_clear_sequence, "asks first"),
            ("Help: the keys", app.action_help, "every key of the screen you are on"),
        ]
        return commands

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(name, run, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text or None)


class MovieCommands(Provider):
    """Any movie of the dataset by fuzzy title (typos are fine); opens its page."""

    async def search(self, query: str) -> AsyncIterator[Hit]:
        app: MoviepickApp = self.app  # type: ignore[assignment]
        library = app.library
        if library is None or not query.strip():
            return
        catalog = library.dataset.catalog
        items = library.search.search(query, MOVIE_HITS)
        for rank, item in enumerate(items):
            label = catalog.label(item)
            genres = ", ".join(catalog.genres_of(item))
            yield Hit(
                1 - rank / (len(items) + 1),
                label,
                partial(app.open_movie, item),
                text=label,
                help=f"{genres} · {ratings_text(int(catalog.rating_count[item]))}",
            )


def ratings_text(count: int) -> str:
    return f"{count:,} rating{'' if count == 1 else 's'}"
