"""The Picker: the profile's lists through the dataset's items, filtered, diverse and explained
picks, and the similarity and histogram of the movie page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from planted import N_ITEMS, planted

from moviepick.data.dataset import Dataset
from moviepick.models.base import Contribution, Query, Recommender
from moviepick.models.registry import create_model
from moviepick.profile import Profile
from moviepick.services.movies import rating_histogram
from moviepick.services.picks import Comparison, Picker, PickFilters
from moviepick.services.reasons import stars_text
from moviepick.services.similar import similar_movies, similarity_rows


def planted_dataset() -> Dataset:
    """The planted data with a year per movie (1990 + item) and the dataset's own means."""
    data = planted()
    train = data.train
    sums = np.bincount(train.items, weights=train.ratings, minlength=N_ITEMS)
    counts = np.bincount(train.items, minlength=N_ITEMS)
    catalog = replace(
        data.catalog,
        years=(1990 + np.arange(N_ITEMS)).astype(np.int16),
        rating_mean=np.divide(sums, counts, out=np.zeros(N_ITEMS), where=counts > 0).astype(
            np.float32
        ),
    )
    return Dataset(
        name="planted",
        source=Path("planted"),
        catalog=catalog,
        interactions=train,
        user_ids=np.arange(train.n_users, dtype=np.int64),
        rating_step=1.0,
    )


class Scripted(Recommender):
    """Scores every movie by a fixed vector (item 0 best by default) and explains each pick by
    the input ``because`` names for it; records the queries it was given."""

    name = "scripted"
    description = "test double"

    def __init__(
        self,
        scores: np.ndarray | None = None,
        vectors: np.ndarray | None = None,
        because: Mapping[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.scores = np.linspace(1.0, 0.0, N_ITEMS, dtype=np.float32) if scores is None else scores
        self.n_items = len(self.scores)
        self.vectors = vectors
        self.because = dict(because or {})
        self.queries: list[Query] = []

    def _fit(self, train, valid, progress) -> None:
        """Nothing to learn."""

    def score_query(self, query: Query) -> np.ndarray:
        self.queries.append(query)
        return self.scores.copy()

    def explain(self, query: Query, items: Sequence[int]) -> list[Contribution | None]:
        return [Contribution(self.because[i], 1.0) if i in self.because else None for i in items]

    def item_vectors(self) -> np.ndarray | None:
        return self.vectors

    def get_state(self) -> dict[str, np.ndarray]:
        return {"scores": self.scores}

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.scores = arrays["scores"]


class InOrder(Scripted):
    reads_order = True


@pytest.fixture
def picker(tmp_path):
    with Profile(tmp_path / "profile.db") as profile:
        yield Picker(planted_dataset(), profile)


@pytest.fixture
def clock(monkeypatch):
    """Profile times that tick one second a call, so orders by time are certain."""
    ticks = iter(range(1_000, 10_000))
    monkeypatch.setattr("moviepick.profile.time.time", lambda: float(next(ticks)))


def items(picks) -> list[int]:
    return [pick.item for pick in picks]


def test_the_sequence_through_the_picker(picker):
    first = picker.append_to_sequence(3, date(2024, 2, 1))
    picker.append_to_sequence(5)
    again = picker.append_to_sequence(3)
    assert [(s.item, s.entry.watched_on) for s in picker.sequence()] == [
        (3, date(2024, 2, 1)),
        (5, None),
        (3, None),
    ]
    assert picker.move_in_sequence(again, -2) is True
    assert [s.item for s in picker.sequence()] == [3, 3, 5]
    assert picker.remove_from_sequence(first) is True
    assert [s.item for s in picker.sequence()] == [3, 5]
    assert picker.clear_sequence() == 2


def test_toggling_the_marks(picker):
    assert picker.toggle_watchlist(4) is True
    assert [(m.item, m.entry.title) for m in picker.watchlist()] == [(4, "Movie 4")]
    assert picker.toggle_not_interested(4) is True  # wanting and not wanting it contradict
    assert picker.watchlist() == []
    assert [m.item for m in picker.not_interested()] == [4]
    assert picker.toggle_not_interested(4) is False
    assert picker.not_interested() == []


def test_a_mark_from_another_movielens_variant_toggles_off(picker):
    # ml-100k numbers movies differently: same title and year, another movieId
    picker.profile.set_watchlisted(999, "Movie 4", 1994, on=True)
    assert [m.item for m in picker.watchlist()] == [4]
    assert picker.toggle_watchlist(4) is False
    assert picker.profile.watchlist() == []


def test_the_query_sequence_is_the_rating_order_then_the_watch_sequence(picker, clock):
    for item in (7, 2, 9):
        picker.rate(item, 4.0)
    picker.rate(7, 5.0)  # rating it again makes it the latest
    picker.toggle_not_interested(11)
    picker.toggle_watchlist(12)
    query = picker.query()
    assert list(query.sequence) == [2, 9, 7]
    assert dict(query.ratings) == {2: 4.0, 9: 4.0, 7: 5.0}
    assert query.exclude == frozenset({11})  # the watchlist only leaves the picks
    for item in (9, 13, 9):
        picker.append_to_sequence(item)
    assert list(picker.query().sequence) == [9, 13, 9]


def test_the_profile_s_own_movies_are_hidden_until_shown(picker):
    picker.rate(0, 5.0)
    picker.append_to_sequence(1)
    picker.toggle_watchlist(2)
    picker.toggle_not_interested(3)
    model = Scripted()
    assert items(picker.recommend(model, 3)) == [4, 5, 6]
    shown = {
        "show_rated": 0,
        "show_watched": 1,
        "show_watchlisted": 2,
        "show_not_interested": 3,
    }
    for flag, item in shown.items():
        assert items(picker.recommend(model, 2, PickFilters(**{flag: True}))) == [item, 4]


def test_genre_and_year_filters_still_give_n_picks(picker):
    model = Scripted()
    beta = picker.recommend(model, 5, PickFilters(genres=frozenset({"Beta"})))
    assert items(beta) == [12, 13, 14, 15, 16]  # block 1 is Beta
    years = picker.recommend(model, 4, PickFilters(year_from=2000, year_to=2002))
    assert items(years) == [10, 11, 12]  # only three movies are of 2000..2002
    both = PickFilters(genres=frozenset({"Alpha", "Beta"}), year_from=2010)
    assert items(picker.recommend(model, 10, both)) == [20, 21, 22, 23]


def test_diversity_keeps_near_copies_apart(picker):
    vectors = np.eye(N_ITEMS, dtype=np.float32)
    vectors[1] = vectors[0]  # movies 0 and 1 are alike, the rest unlike anything
    model = Scripted(vectors=vectors)
    assert items(picker.recommend(model, 3)) == [0, 1, 2]
    diverse = picker.recommend(model, 3, PickFilters(diversity=0.7))
    assert items(diverse) == [0, 2, 3]
    assert [pick.score for pick in diverse] == pytest.approx(model.scores[[0, 2, 3]])


def test_diversity_without_item_vectors_uses_who_rated_what(picker):
    # By score all of block 0 comes first; by raters the two blocks are apart.
    model = Scripted()
    assert items(picker.recommend(model, 4)) == [0, 1, 2, 3]
    diverse = items(picker.recommend(model, 4, PickFilters(diversity=0.7)))
    assert diverse[0] == 0 and len(diverse) == 4
    assert any(item >= 12 for item in diverse)


def test_reasons_name_the_input_and_its_stars(picker):
    picker.rate(0, 4.5)
    picker.rate(1, 5.0)
    picker.append_to_sequence(2)
    model = Scripted(because={3: 0, 4: 2, 5: 1})
    picks = picker.recommend(model, 4)
    assert [(p.item, p.reason) for p in picks] == [
        (3, "because you rated Movie 0 ★★★★½"),
        (4, "because you watched Movie 2"),
        (5, "because you rated Movie 1 ★★★★★"),
        (
            6,
            f"popular: {picker.dataset.catalog.rating_count[6]} ratings, mean ★"
            f"{picker.dataset.catalog.rating_mean[6]:.1f}",
        ),
    ]
    assert [p.reason for p in picker.recommend(model, 2, explain=False)] == ["", ""]


def test_what_next_reads_only_the_watch_sequence(picker):
    picker.rate(0, 4.0)  # rated, not watched: not an input of what comes next
    picker.rate(2, 5.0)
    picker.append_to_sequence(1)
    picker.append_to_sequence(2)
    ordered = InOrder(because={3: 1, 4: 2})
    picks = picker.what_next(ordered, 2)
    assert [p.reason for p in picks] == [
        "because it follows Movie 1 in your sequence",
        "because it follows Movie 2 in your sequence",
    ]
    query = ordered.queries[-1]
    assert list(query.sequence) == [1, 2] and dict(query.ratings) == {2: 5.0}
    assert 0 not in items(picks)  # still hidden: it is rated
    unordered = Scripted(because={3: 1, 4: 2})
    assert [p.reason for p in picker.what_next(unordered, 2)] == [
        "because you watched Movie 1",
        "because you rated Movie 2 ★★★★★",
    ]


def test_what_next_without_a_watch_sequence_recommends(picker):
    picker.rate(0, 4.0)
    model = InOrder(because={1: 0})
    assert picker.what_next(model, 3) == picker.recommend(model, 3)
    assert picker.what_next(model, 1)[0].reason == "because you rated Movie 0 ★★★★"


def test_compare_names_the_movies_both_picked(picker):
    first = Scripted()
    second = Scripted(scores=first.scores[::-1].copy())
    comparison = picker.compare(first, second, 13)
    assert isinstance(comparison, Comparison)
    assert items(comparison.left) == list(range(13))
    assert items(comparison.right) == list(range(23, 10, -1))
    assert comparison.shared == frozenset({11, 12})


def test_predicted_stars_for_a_rating_model_only(picker):
    picker.rate(0, 5.0)
    picker.rate(14, 1.0)
    als = create_model("als")
    als.prepare(picker.dataset.catalog)
    als.fit(picker.dataset.interactions)
    stars = picker.predicted_stars(als)
    assert stars is not None and stars.shape == (N_ITEMS,)
    assert stars.min() >= 1.0 and stars.max() <= 5.0
    assert stars[:11].mean() > stars[12:23].mean()  # the block of the movie rated 5 stars
    assert picker.predicted_stars(Scripted()) is None


def test_similar_movies_by_vectors_and_by_raters(picker):
    vectors = np.zeros((N_ITEMS, 2), dtype=np.float32)
    vectors[:, 0] = np.arange(N_ITEMS)
    vectors[:, 1] = 1.0
    by_vectors = similar_movies(picker.dataset, Scripted(vectors=vectors), 23, n=3)
    assert by_vectors == [22, 21, 20]
    by_raters = similar_movies(picker.dataset, Scripted(), 0, n=10)
    assert len(by_raters) == 10 and 0 not in by_raters
    # Raters of movie 0 are the first group's, who rate their own block most.
    assert sum(item < 12 for item in by_raters) >= 8
    cold = similar_movies(picker.dataset, Scripted(), 11)  # nobody rated it
    assert cold == []


def test_similarity_rows_are_cosines_of_the_asked_rows_only(picker):
    vectors = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]] + [[1.0, 0.0]] * (N_ITEMS - 3))
    rows = similarity_rows(picker.dataset, Scripted(vectors=vectors), [0, 2], [1, 2, 0])
    half = np.sqrt(0.5)
    assert rows == pytest.approx(np.array([[half, 0.0, 1.0], [half, 1.0, 0.0]]))
    raters = (picker.dataset.interactions.by_item > 0).toarray().astype(float)
    both = raters[0] @ raters[5]
    expected = both / np.sqrt(raters[0].sum() * raters[5].sum())
    by_raters = similarity_rows(picker.dataset, Scripted(), [0], [5, 11])
    assert by_raters == pytest.approx(np.array([[expected, 0.0]]))


def test_rating_histogram_counts_every_step():
    dataset = planted_dataset()
    histogram = rating_histogram(dataset, 0)
    assert list(histogram) == [1.0, 2.0, 3.0, 4.0, 5.0]
    rows = dataset.interactions.items == 0
    assert sum(histogram.values()) == rows.sum()
    assert histogram[4.0] == int((dataset.interactions.ratings[rows] == 4.0).sum())
    assert histogram[2.0] == histogram[3.0] == 0
    assert rating_histogram(dataset, 11) == dict.fromkeys([1.0, 2.0, 3.0, 4.0, 5.0], 0)


def test_rating_histogram_of_half_stars():
    dataset = planted_dataset()
    half = replace(dataset, rating_step=0.5)
    assert list(rating_histogram(half, 0)) == [0.5 * step for step in range(1, 11)]


@pytest.mark.parametrize(
    ("stars", "text"), [(5.0, "★★★★★"), (4.5, "★★★★½"), (0.5, "½"), (3.0, "★★★")]
)
def test_stars_as_glyphs(stars, text):
    assert stars_text(stars) == text


def test_entries_the_dataset_lacks_are_named_once(picker):
    profile = picker.profile
    profile.set_rating(999, "A Film Nobody Has", 1990, 4.0)
    profile.append_to_sequence(999, "A Film Nobody Has", 1990)
    profile.set_watchlisted(998, "Another One", 2001, on=True)
    picker.rate(3, 4.0)
    assert [(e.title, e.year) for e in picker.unmatched()] == [
        ("A Film Nobody Has", 1990),
        ("Another One", 2001),
    ]
    assert [s.item for s in picker.sequence()] == [None]
    assert items(picker.recommend(Scripted(), 2)) == [0, 1]  # the rest still picks
