"""Match profile entries (movieId, title, year) to the items of a loaded catalogue."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from moviepick.data.catalog import Catalog
from moviepick.models.base import Query
from moviepick.profile import ProfileRating


def title_key(title: str) -> str:
    """Case, accents and punctuation folded away: "Amélie!" -> "amelie"."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


class TitleIndex:
    """Finds a movie by title and year in one catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._by_title: dict[str, list[int]] = {}
        for item in range(len(catalog)):
            for name in (catalog.titles[item], *catalog.aliases[item]):
                self._by_title.setdefault(title_key(name), []).append(item)

    def find(self, title: str, year: int | None) -> int | None:
        """The movie with exactly this title (or alias) and year."""
        matches = self._by_title.get(title_key(title), [])
        return next((item for item in matches if self.catalog.year(item) == year), None)

    def lookup(self, title: str) -> int | None:
        """The most rated movie with exactly this title (or alias), whatever its year."""
        matches = self._by_title.get(title_key(title), [])
        return max(matches, key=lambda item: self.catalog.rating_count[item], default=None)

    def match(self, movie_id: int, title: str, year: int | None) -> int | None:
        """The item for a profile entry: its movieId when the title agrees, else title + year."""
        item = self.catalog.index_of(movie_id)
        if item is not None and title_key(self.catalog.titles[item]) == title_key(title):
            return item
        return self.find(title, year)


@dataclass(frozen=True)
class ProfileQuery:
    query: Query
    unmatched: list[ProfileRating]  # entries whose movie this catalogue does not have


def profile_query(entries: Iterable[ProfileRating], index: TitleIndex) -> ProfileQuery:
    ratings: dict[int, float] = {}
    unmatched = []
    for entry in entries:
        item = index.match(entry.movie_id, entry.title, entry.year)
        if item is None:
            unmatched.append(entry)
        else:
            ratings[item] = entry.stars
    return ProfileQuery(Query(ratings=ratings), unmatched)
