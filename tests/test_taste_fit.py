"""Two models on your own taste: picks overlap, leave-one-out stars and ranks."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from planted import N_ITEMS, planted, planted_dataset

from moviepick.fitting.fit import Cancelled, fit_model
from moviepick.models.base import Query, Recommender
from moviepick.profile import Profile
from moviepick.services.picks import Picker
from moviepick.services.taste_fit import compare_taste, held_out_rank

# item -> stars of the profile, oldest first; items 0..4 are liked (4 stars and up)
MY_STARS = {0: 5.0, 1: 4.0, 2: 4.5, 3: 5.0, 4: 4.0, 12: 1.0, 13: 2.0, 14: 3.0}


class Fixed(Recommender):
    """Scores every movie by a fixed vector, whatever the query; records each query."""

    name = "fixed"
    description = "test double"
    predicts_ratings = True

    def __init__(self, scores: np.ndarray) -> None:
        super().__init__()
        self.scores = np.asarray(scores, dtype=np.float32)
        self.n_items = len(self.scores)
        self.queries: list[Query] = []

    def _fit(self, train, valid, progress) -> None:
        """Nothing to learn."""

    def score_query(self, query: Query) -> np.ndarray:
        self.queries.append(query)
        return self.scores.copy()

    def get_state(self) -> dict[str, np.ndarray]:
        return {}

    def set_state(self, arrays) -> None:
        """Nothing to restore."""


class Ranker(Fixed):
    """A fixed ranking that predicts no stars."""

    predicts_ratings = False


class Echo(Fixed):
    """Gives back the stars of the movies in the query and 3 stars to every other: perfect on
    what it is shown, so only leave-one-out makes it err."""

    def __init__(self) -> None:
        super().__init__(np.full(N_ITEMS, 3.0))

    def score_query(self, query: Query) -> np.ndarray:
        scores = super().score_query(query)
        for item, stars in query.ratings.items():
            scores[item] = stars
        return scores


@pytest.fixture
def picker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    ticks = iter(range(1_000, 10_000))
    monkeypatch.setattr("moviepick.profile.time.time", lambda: float(next(ticks)))
    with Profile(tmp_path / "profile.db") as profile:
        picker = Picker(planted_dataset(rating_step=0.5), profile)
        for item, stars in MY_STARS.items():
            picker.rate(item, stars)
        yield picker


def descending(top: list[int]) -> np.ndarray:
    """Scores that rank ``top`` first, in its order, then every other movie by index."""
    scores = np.linspace(0.0, -1.0, N_ITEMS, dtype=np.float32)
    scores[top] = np.arange(len(top), 0, -1, dtype=np.float32) + 1.0
    return scores


def test_a_model_that_foresees_your_stars_has_no_error(picker: Picker):
    truth = np.full(N_ITEMS, 2.5, dtype=np.float32)
    truth[list(MY_STARS)] = list(MY_STARS.values())
    result = compare_taste(picker, Fixed(truth), Echo(), names=("truth", "echo"))
    assert result.a.name == "truth" and result.b.name == "echo"
    assert result.a.rmse == 0.0 and result.a.mae == 0.0
    assert [row.stars_a for row in result.rows] == [row.stars for row in result.rows]


def test_each_movie_is_held_out_of_the_query_that_scores_it(picker: Picker):
    echo = Echo()
    result = compare_taste(picker, echo, Fixed(np.zeros(N_ITEMS)))
    # held out, the echo knows nothing of the movie and says 3 stars
    assert all(row.stars_a == 3.0 for row in result.rows)
    errors = np.array([stars - 3.0 for stars in MY_STARS.values()])
    assert result.a.rmse == pytest.approx(math.sqrt(np.mean(errors**2)))
    assert result.a.mae == pytest.approx(np.mean(np.abs(errors)))
    held_out_queries = echo.queries[-len(MY_STARS) :]
    for row, query in zip(result.rows, held_out_queries, strict=True):
        assert set(query.ratings) == set(MY_STARS) - {row.item}
        assert row.item not in query.sequence


def test_rows_are_newest_first_and_capped(picker: Picker):
    result = compare_taste(picker, Echo(), Echo(), cap=3)
    assert [row.item for row in result.rows] == [14, 13, 12]
    assert result.rated == len(MY_STARS) and result.capped
    assert result.rows[0].title == picker.dataset.catalog.titles[14]
    assert not compare_taste(picker, Echo(), Echo()).capped


def test_a_ranking_model_gets_a_hit_rate_not_stars(picker: Picker):
    liked = [item for item, stars in MY_STARS.items() if stars >= 4]
    ranks_liked_first = Ranker(descending(liked))
    ranks_liked_last = Ranker(-descending(liked))
    result = compare_taste(picker, ranks_liked_first, ranks_liked_last, hit_at=3)
    assert result.liked_from == pytest.approx(3.875) and result.hit_at == 3
    assert result.a.rmse is None and result.a.mae is None
    assert all(row.stars_a is None and row.stars_b is None for row in result.rows)
    # each liked movie, held out, comes first among the unseen
    assert result.a.liked == len(liked) and result.a.hit_rate == 1.0
    assert {row.rank_a for row in result.rows if row.item in liked} == {1}
    assert result.b.hits == 0 and result.b.hit_rate == 0.0


def test_ease_ranks_and_popularity_predicts_stars(picker: Picker):
    data = planted()
    ease = fit_model("ease", data.catalog, data.train).model
    popularity = fit_model("popularity", data.catalog, data.train).model
    result = compare_taste(picker, ease, popularity)
    assert result.a.rmse is None and result.a.hit_rate is not None
    assert result.b.rmse is not None and result.b.hit_rate is not None
    assert all(1 <= row.stars_b <= 5 for row in result.rows)
    assert all(1 <= row.rank_a <= N_ITEMS for row in result.rows)


def test_the_overlap_counts_the_movies_both_picked(picker: Picker):
    # neither lists a rated movie: those are hidden from the picks
    left = Fixed(descending([5, 6, 7, 8, 9]))
    right = Fixed(descending([9, 7, 5, 20, 21]))
    result = compare_taste(picker, left, right, n=5)
    assert [pick.item for pick in result.picks.left] == [5, 6, 7, 8, 9]
    assert result.picks.shared == frozenset({5, 7, 9})
    assert result.overlap == 3 and result.overlap_share == pytest.approx(0.6)
    assert result.titles[20] == picker.dataset.catalog.titles[20] and len(result.titles) == 7


def test_an_empty_profile_has_picks_and_no_figures(tmp_path: Path):
    with Profile(tmp_path / "empty.db") as profile:
        result = compare_taste(
            Picker(planted_dataset(rating_step=0.5), profile), Echo(), Echo(), n=4
        )
    assert result.rows == [] and result.rated == 0 and not result.capped
    assert result.a.rmse is None and result.a.hit_rate is None
    assert len(result.picks.left) == 4 and result.overlap == 4


def test_a_stop_abandons_the_comparison(picker: Picker):
    asked = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 2

    with pytest.raises(Cancelled):
        compare_taste(picker, Echo(), Echo(), should_stop=stop)
    assert len(asked) == 3


def test_the_rank_skips_seen_movies_and_breaks_ties_by_index():
    scores = np.array([5.0, 4.0, 4.0, 9.0, 4.0])
    assert held_out_rank(scores, 2, frozenset()) == 4  # behind 3, 0 and the tie at 1
    assert held_out_rank(scores, 2, frozenset({3, 1})) == 2
    assert held_out_rank(scores, 4, frozenset({4})) == 5  # the movie itself is never skipped


def test_a_model_in_a_mode_that_ranks_by_counts_gives_no_stars(picker: Picker):
    data = planted()
    by_count = fit_model("popularity", data.catalog, data.train, params={"by": "count"}).model
    implicit = fit_model("als", data.catalog, data.train, params={"feedback": "implicit"}).model
    result = compare_taste(picker, by_count, implicit)
    assert not by_count.gives_stars and not implicit.gives_stars
    assert result.a.rmse is None and result.b.rmse is None
    assert all(row.stars_a is None and row.stars_b is None for row in result.rows)
    assert result.a.hit_rate is not None
    assert picker.predicted_stars(by_count) is None  # the Ratings screen's column too
