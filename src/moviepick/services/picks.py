"""One person's ratings against one dataset: rate, list the ratings, recommend from a model."""

from __future__ import annotations

from dataclasses import dataclass

from moviepick.data.dataset import Dataset
from moviepick.models.base import Recommender
from moviepick.profile import Profile, ProfileRating
from moviepick.services.matching import TitleIndex, profile_query
from moviepick.services.movies import find_movie


@dataclass(frozen=True)
class RatedItem:
    """A profile rating and the item it matches in the loaded dataset (None if absent)."""

    item: int | None
    entry: ProfileRating


@dataclass(frozen=True)
class Pick:
    item: int
    score: float


class Picker:
    """The profile's ratings, matched to the items of one dataset."""

    def __init__(self, dataset: Dataset, profile: Profile) -> None:
        self.dataset = dataset
        self.profile = profile
        self.index = TitleIndex(dataset.catalog)

    def find(self, text: str) -> int:
        """The movie ``text`` names in this dataset (see :func:`find_movie`)."""
        return find_movie(self.dataset.catalog, self.index, text, self.dataset.name)

    def rate(self, item: int, stars: float) -> None:
        catalog = self.dataset.catalog
        self.profile.set_rating(
            int(catalog.movie_ids[item]), catalog.titles[item], catalog.year(item), stars
        )

    def unrate(self, item: int) -> None:
        self.profile.remove_rating(int(self.dataset.catalog.movie_ids[item]))

    def my_ratings(self) -> list[RatedItem]:
        return [
            RatedItem(self.index.match(entry.movie_id, entry.title, entry.year), entry)
            for entry in self.profile.ratings()
        ]

    def recommend(self, model: Recommender, n: int = 20) -> list[Pick]:
        """``model``'s ``n`` best picks for the profile as it is now."""
        query = profile_query(self.profile.ratings(), self.index).query
        ranked = model.recommend(query, n)
        return [
            Pick(int(item), float(score))
            for item, score in zip(ranked.items, ranked.scores, strict=True)
        ]
