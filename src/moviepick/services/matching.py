"""Match profile entries (movieId, title, year) to the items of a loaded catalogue, and build the
:class:`Query` a model reads from them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from moviepick.data.catalog import Catalog
from moviepick.models.base import Query
from moviepick.profile import MarkedMovie, ProfileRating, SequenceEntry

ProfileEntry = ProfileRating | SequenceEntry | MarkedMovie
Entry = TypeVar("Entry", ProfileRating, SequenceEntry, MarkedMovie)


@lru_cache(maxsize=1 << 18)  # the title index and the search fold the same titles
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
    unmatched: list[ProfileEntry]  # entries whose movie this catalogue does not have


def profile_query(
    ratings: Iterable[ProfileRating],
    index: TitleIndex,
    *,
    sequence: Iterable[SequenceEntry] = (),
    not_interested: Iterable[MarkedMovie] = (),
) -> ProfileQuery:
    """The query for a profile's entries, matched to ``index``'s catalogue.

    Its sequence, which sequential models read, is the watch sequence (oldest first, a movie
    watched twice in it twice) when any of it is in the catalogue, else the rated movies in the
    order they were rated: the order of ``ratings`` does not matter. Movies marked not
    interested are excluded.
    """
    unmatched: list[ProfileEntry] = []
    stars = {
        item: entry.stars
        for item, entry in match_entries(
            sorted(ratings, key=lambda entry: entry.rated_at), index, unmatched
        )
    }
    watched = [item for item, _ in match_entries(sequence, index, unmatched)]
    excluded = frozenset(item for item, _ in match_entries(not_interested, index, unmatched))
    query = Query(ratings=stars, sequence=watched or list(stars), exclude=excluded)
    return ProfileQuery(query, unmatched)


def match_entries(
    entries: Iterable[Entry], index: TitleIndex, unmatched: list[ProfileEntry] | None = None
) -> list[tuple[int, Entry]]:
    """The entries ``index`` finds, each with its item, in their order; the others are added
    to ``unmatched`` when it is given."""
    found = []
    for entry in entries:
        item = index.match(entry.movie_id, entry.title, entry.year)
        if item is not None:
            found.append((item, entry))
        elif unmatched is not None:
            unmatched.append(entry)
    return found
