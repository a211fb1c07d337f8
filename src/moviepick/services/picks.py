"""One person's profile against one dataset: rate, keep the watch sequence and the marks, and
get a model's picks for the profile as it is now, each with the reason it is there.

The app and the headless ``moviepick recommend`` both go through :class:`Picker`, so a profile
gets the same picks from either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from moviepick.data.dataset import Dataset
from moviepick.models.base import Contribution, Query, Recommender, top_n
from moviepick.profile import MarkedMovie, Profile, ProfileRating, SequenceEntry
from moviepick.services import reasons
from moviepick.services.diversity import mmr_order
from moviepick.services.matching import ProfileEntry, TitleIndex, match_entries, profile_query
from moviepick.services.movies import find_movie
from moviepick.services.similar import similarity_rows

# Profile.set_watchlisted or Profile.set_not_interested: (movie_id, title, year, on)
_SetMark = Callable[[int, str, int | None, bool], None]

POOL_FACTOR = 10  # diverse picks are chosen from the model's top POOL_FACTOR · n


@dataclass(frozen=True)
class RatedItem:
    """A profile rating and the item it matches in the loaded dataset (None if absent)."""

    item: int | None
    entry: ProfileRating


@dataclass(frozen=True)
class SequencedItem:
    """A watch sequence entry and the item it matches in the loaded dataset (None if absent)."""

    item: int | None
    entry: SequenceEntry


@dataclass(frozen=True)
class MarkedItem:
    """A watchlist or not-interested mark and the item it matches (None if absent)."""

    item: int | None
    entry: MarkedMovie


@dataclass(frozen=True)
class Pick:
    item: int
    score: float  # the model's score, also where diversity reordered the picks
    reason: str = ""


@dataclass(frozen=True)
class PickFilters:
    """Which movies may be picked. By default the profile's own movies are hidden: those on
    the watchlist or marked not interested, watched (in the sequence) or rated."""

    genres: frozenset[str] = frozenset()  # keep movies with any of these genres (empty: all)
    year_from: int | None = None
    year_to: int | None = None
    show_watchlisted: bool = False
    show_not_interested: bool = False
    show_watched: bool = False
    show_rated: bool = False
    diversity: float = 0.0  # 0..1, the MMR trade-off (0: the plain ranking)


@dataclass(frozen=True)
class Comparison:
    """Two models' picks side by side, and the movies both picked."""

    left: list[Pick]
    right: list[Pick]
    shared: frozenset[int]


@dataclass(frozen=True)
class _Matched:
    """The profile read once and matched to the dataset: what one list of picks needs."""

    query: Query
    rated: dict[int, float]
    watched: list[int]  # the watch sequence's items, oldest first
    watchlisted: frozenset[int]
    not_interested: frozenset[int]


class Picker:
    """The profile, matched to the items of one dataset."""

    def __init__(self, dataset: Dataset, profile: Profile) -> None:
        self.dataset = dataset
        self.profile = profile
        self.index = TitleIndex(dataset.catalog)

    def find(self, text: str) -> int:
        """The movie ``text`` names in this dataset (see :func:`find_movie`)."""
        return find_movie(self.dataset.catalog, self.index, text, self.dataset.name)

    def _identity(self, item: int) -> tuple[int, str, int | None]:
        """How the profile keys ``item``: movieId, title and year."""
        catalog = self.dataset.catalog
        return int(catalog.movie_ids[item]), catalog.titles[item], catalog.year(item)

    def rate(self, item: int, stars: float) -> None:
        self.profile.set_rating(*self._identity(item), stars)

    def unrate(self, item: int) -> None:
        self.profile.remove_rating(int(self.dataset.catalog.movie_ids[item]))

    def my_ratings(self) -> list[RatedItem]:
        """The profile's ratings, newest first."""
        return [RatedItem(self._match(entry), entry) for entry in self.profile.ratings()]

    def sequence(self) -> list[SequencedItem]:
        """The watch sequence, oldest first."""
        return [SequencedItem(self._match(entry), entry) for entry in self.profile.sequence()]

    def append_to_sequence(self, item: int, watched_on: date | None = None) -> int:
        """Add ``item`` at the end of the watch sequence; the new entry's id."""
        return self.profile.append_to_sequence(*self._identity(item), watched_on)

    def move_in_sequence(self, entry_id: int, offset: int) -> bool:
        return self.profile.move_in_sequence(entry_id, offset)

    def remove_from_sequence(self, entry_id: int) -> bool:
        return self.profile.remove_from_sequence(entry_id)

    def clear_sequence(self) -> int:
        return self.profile.clear_sequence()

    def watchlist(self) -> list[MarkedItem]:
        """The watchlist, newest first."""
        return [MarkedItem(self._match(entry), entry) for entry in self.profile.watchlist()]

    def not_interested(self) -> list[MarkedItem]:
        """The movies marked not interested, newest first."""
        return [MarkedItem(self._match(entry), entry) for entry in self.profile.not_interested()]

    def toggle_watchlist(self, item: int) -> bool:
        """Put ``item`` on the watchlist, or take it off; True when it is on it now."""
        return self._toggle(item, self.profile.watchlist(), self.profile.set_watchlisted)

    def toggle_not_interested(self, item: int) -> bool:
        """Mark ``item`` not interested, or clear the mark; True when it is marked now."""
        return self._toggle(item, self.profile.not_interested(), self.profile.set_not_interested)

    def _toggle(self, item: int, marks: list[MarkedMovie], set_mark: _SetMark) -> bool:
        # A mark made on another MovieLens variant may carry another movieId for this movie.
        existing = [entry for found, entry in match_entries(marks, self.index) if found == item]
        for entry in existing:
            set_mark(entry.movie_id, entry.title, entry.year, False)
        if not existing:
            set_mark(*self._identity(item), True)
        return not existing

    def _match(self, entry: ProfileRating | SequenceEntry | MarkedMovie) -> int | None:
        return self.index.match(entry.movie_id, entry.title, entry.year)

    def query(self) -> Query:
        """What a model reads of the profile: the ratings, the sequence (the watch sequence,
        else the rated movies in the order they were rated) and the not-interested movies to
        exclude."""
        return self._matched().query

    def unmatched(self) -> list[ProfileEntry]:
        """The profile's entries whose movie this dataset lacks, each movie once (by title and
        year), ratings first: what a front end says it ignores."""
        entries = [
            *self.profile.ratings(),
            *self.profile.sequence(),
            *self.profile.watchlist(),
            *self.profile.not_interested(),
        ]
        first: dict[tuple[str, int | None], ProfileEntry] = {}
        for entry in entries:
            if self._match(entry) is None:
                first.setdefault((entry.title, entry.year), entry)
        return list(first.values())

    def _matched(self) -> _Matched:
        profile = self.profile
        watchlist, not_interested = profile.watchlist(), profile.not_interested()
        sequence = profile.sequence()
        query = profile_query(
            profile.ratings(), self.index, sequence=sequence, not_interested=not_interested
        ).query
        return _Matched(
            query=query,
            rated=dict(query.ratings),
            watched=[item for item, _ in match_entries(sequence, self.index)],
            watchlisted=frozenset(item for item, _ in match_entries(watchlist, self.index)),
            not_interested=query.exclude,
        )

    def recommend(
        self,
        model: Recommender,
        n: int = 20,
        filters: PickFilters = PickFilters(),
        *,
        explain: bool = True,
    ) -> list[Pick]:
        """``model``'s ``n`` best picks for the profile as it is now, each with its reason
        (an empty one with ``explain=False``, which skips the model's explanation)."""
        matched = self._matched()
        return self._picks(model, matched.query, matched, n, filters, explain=explain)

    def what_next(
        self, model: Recommender, n: int = 20, filters: PickFilters = PickFilters()
    ) -> list[Pick]:
        """What to watch after the watch sequence: picks from the sequence alone (with the
        stars of the movies in it that are rated), so each reason names a sequence entry.
        With no watch sequence in this dataset, the picks of :meth:`recommend`."""
        matched = self._matched()
        if not matched.watched:
            return self._picks(model, matched.query, matched, n, filters)
        watched = set(matched.watched)
        query = Query(
            ratings={item: stars for item, stars in matched.rated.items() if item in watched},
            sequence=matched.watched,
            exclude=matched.query.exclude,
        )
        return self._picks(model, query, matched, n, filters, after=True)

    def compare(
        self,
        model_a: Recommender,
        model_b: Recommender,
        n: int = 20,
        filters: PickFilters = PickFilters(),
    ) -> Comparison:
        """Two models' picks for the same profile and filters."""
        matched = self._matched()
        left, right = (
            self._picks(model, matched.query, matched, n, filters) for model in (model_a, model_b)
        )
        shared = frozenset(pick.item for pick in left) & frozenset(pick.item for pick in right)
        return Comparison(left, right, shared)

    def predicted_stars(self, model: Recommender) -> np.ndarray | None:
        """Every movie's predicted stars for the profile, within the dataset's scale; None for
        a model that ranks without predicting ratings."""
        if not model.gives_stars:
            return None
        low, high = self.dataset.rating_scale
        return np.clip(model.score_query(self.query()), low, high).astype(np.float32)

    def _picks(
        self,
        model: Recommender,
        query: Query,
        matched: _Matched,
        n: int,
        filters: PickFilters,
        *,
        explain: bool = True,
        after: bool = False,
    ) -> list[Pick]:
        """Score, filter, rank (diversely where asked) and explain. ``after``: the picks
        answer "what next?" after the watch sequence."""
        scores = np.asarray(model.score_query(query), dtype=np.float32).copy()
        scores[~self._allowed(filters)] = -np.inf
        hidden = _hidden(matched, filters)
        if filters.diversity > 0:
            pool = top_n(scores, POOL_FACTOR * n, hidden)
            similarity = similarity_rows(self.dataset, model, pool.items, pool.items)
            order = mmr_order(pool.scores, similarity, n, filters.diversity)
            items, chosen = pool.items[order], pool.scores[order]
        else:
            ranked = top_n(scores, n, hidden)
            items, chosen = ranked.items, ranked.scores
        if not explain:
            return [Pick(int(i), float(score)) for i, score in zip(items, chosen, strict=True)]
        contributions: list[Contribution | None] = (
            model.explain(query, items.tolist())
            if model.explains and len(items)
            else [None] * len(items)
        )
        follows = after and model.reads_order
        return [
            Pick(int(item), float(score), self._reason(int(item), contribution, matched, follows))
            for item, score, contribution in zip(items, chosen, contributions, strict=True)
        ]

    def _allowed(self, filters: PickFilters) -> np.ndarray:
        """Which movies pass the genre and year filters."""
        catalog = self.dataset.catalog
        allowed = np.ones(len(catalog), dtype=bool)
        if filters.genres:
            columns = [i for i, name in enumerate(catalog.genre_names) if name in filters.genres]
            allowed &= catalog.genres[:, columns].any(axis=1)
        years = catalog.years.astype(np.int32)
        if filters.year_from is not None:
            allowed &= years >= filters.year_from
        if filters.year_to is not None:
            allowed &= (years > 0) & (years <= filters.year_to)
        return allowed

    def _reason(
        self, item: int, contribution: Contribution | None, matched: _Matched, follows: bool
    ) -> str:
        catalog = self.dataset.catalog
        if contribution is None:
            return reasons.popular_reason(catalog, item)
        title = catalog.titles[contribution.source]
        if follows and contribution.source in matched.watched:
            return reasons.follows_reason(title)
        if contribution.source in matched.rated:
            return reasons.rated_reason(title, matched.rated[contribution.source])
        return reasons.watched_reason(title)


def _hidden(matched: _Matched, filters: PickFilters) -> frozenset[int]:
    """The profile's own movies the filters keep out of the picks."""
    hidden: set[int] = set()
    if not filters.show_watchlisted:
        hidden |= matched.watchlisted
    if not filters.show_not_interested:
        hidden |= matched.not_interested
    if not filters.show_watched:
        hidden.update(matched.watched)
    if not filters.show_rated:
        hidden.update(matched.rated)
    return frozenset(hidden)
