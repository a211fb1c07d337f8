from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from moviepick.data.loader import load_dataset
from moviepick.data.summary import summarize

FIXTURES = Path(__file__).parent / "fixtures"


def test_summary_of_the_csv_fixture() -> None:
    summary = summarize(load_dataset(FIXTURES / "ml-latest-small", use_cache=False))
    assert summary.name == "ml-latest-small"
    assert summary.source == (FIXTURES / "ml-latest-small").resolve()
    assert (summary.n_ratings, summary.n_users) == (5, 3)
    assert (summary.n_movies, summary.n_rated_movies) == (5, 4)
    assert (summary.rating_scale, summary.rating_step) == ((0.5, 5.0), 0.5)
    assert summary.density == pytest.approx(5 / (3 * 4))
    assert summary.first_rating == date(2000, 7, 30)
    assert summary.last_rating == date(2018, 5, 24)
    assert summary.mean_rating == pytest.approx(3.1)
    # Toy Story (2 ratings) and the City of Lost Children (1) are both Adventure and Fantasy;
    # ties keep alphabetical order.
    assert summary.top_genres == (
        ("Adventure", 3),
        ("Fantasy", 3),
        ("Animation", 2),
        ("Children", 2),
        ("Comedy", 2),
    )


def test_record_is_json_ready() -> None:
    summary = summarize(load_dataset(FIXTURES / "ml-1m", use_cache=False), n_genres=2)
    record = json.loads(json.dumps(summary.as_record()))
    assert record["name"] == "ml-1m"
    assert record["source"] == str((FIXTURES / "ml-1m").resolve())
    assert record["rating_scale"] == [1.0, 5.0]
    assert (record["first_rating"], record["last_rating"]) == ("2000-12-31", "2001-01-06")
    assert record["top_genres"] == {"Sci-Fi": 3, "Action": 2}
    assert (record["n_ratings"], record["n_movies"], record["n_rated_movies"]) == (6, 5, 4)


def test_top_genres_are_ordered_by_ratings_and_skip_unrated_genres() -> None:
    summary = summarize(load_dataset(FIXTURES / "ml-1m", use_cache=False), n_genres=20)
    assert summary.top_genres == (
        ("Sci-Fi", 3),
        ("Action", 2),
        ("Animation", 2),
        ("Children", 2),
        ("Comedy", 2),
        ("Thriller", 2),
        ("Adventure", 1),
        ("Drama", 1),
        ("Musical", 1),
    )


def test_summary_of_real_ml_100k(shared_data: Path) -> None:
    summary = summarize(load_dataset(shared_data / "ml-100k", use_cache=False))
    assert (summary.n_ratings, summary.n_users, summary.n_movies) == (100_000, 943, 1_682)
    assert summary.n_rated_movies == 1_682
    assert summary.density == pytest.approx(100_000 / (943 * 1_682))
    assert summary.rating_scale == (1.0, 5.0)
    assert summary.first_rating == date(1997, 9, 20)
    assert summary.last_rating == date(1998, 4, 22)
    assert summary.mean_rating == pytest.approx(3.52986, abs=1e-4)
    assert summary.top_genres[0][0] == "Drama"
