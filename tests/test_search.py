"""Fuzzy movie search: typos, aliases, accents, years and popularity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moviepick.data.catalog import Catalog
from moviepick.data.loader import load_dataset
from moviepick.services.search import MovieSearch


def make_catalog(
    titles: list[str],
    *,
    years: list[int] | None = None,
    counts: list[int] | None = None,
    aliases: list[tuple[str, ...]] | None = None,
) -> Catalog:
    n = len(titles)
    return Catalog(
        movie_ids=np.arange(1, n + 1, dtype=np.int64),
        raw_titles=list(titles),
        titles=list(titles),
        years=np.asarray(years or [0] * n, dtype=np.int16),
        aliases=aliases or [()] * n,
        genre_names=("Drama",),
        genres=np.zeros((n, 1), dtype=bool),
        imdb_ids=np.zeros(n, dtype=np.int64),
        tmdb_ids=np.zeros(n, dtype=np.int64),
        rating_count=np.asarray(counts or [0] * n, dtype=np.int32),
        rating_mean=np.zeros(n, dtype=np.float32),
        score=np.zeros(n, dtype=np.float32),
    )


@pytest.fixture(scope="module")
def small(shared_data: Path) -> tuple[Catalog, MovieSearch]:
    catalog = load_dataset(shared_data / "ml-latest-small", use_cache=False).catalog
    return catalog, MovieSearch(catalog)


def labels(found: list[int], catalog: Catalog) -> list[str]:
    return [catalog.label(item) for item in found]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("godfather", "The Godfather (1972)"),
        ("amelie", "Amelie (2001)"),
        ("Amélie", "Amelie (2001)"),
        ("se7en", "Seven (1995)"),
        ("matrix 1999", "The Matrix (1999)"),
        ("blade runner 2049", "Blade Runner 2049 (2017)"),
        ("shawshenk redemption", "The Shawshank Redemption (1994)"),
        ("godf", "The Godfather (1972)"),
        ("LÉON", "Léon: The Professional (1994)"),
    ],
)
def test_real_catalogue_best_match(small: tuple[Catalog, MovieSearch], query: str, expected: str):
    catalog, search = small
    assert labels(search.search(query, limit=5), catalog)[0] == expected


def test_typo_finds_the_matrix_near_the_top(small: tuple[Catalog, MovieSearch]):
    catalog, search = small
    assert "The Matrix (1999)" in labels(search.search("matrx"), catalog)[:3]


def test_no_text_gives_the_most_rated_movies(small: tuple[Catalog, MovieSearch]):
    catalog, search = small
    found = search.search("", limit=10)
    assert len(found) == 10
    counts = catalog.rating_count[found]
    assert list(counts) == sorted(counts, reverse=True)
    assert counts[0] == catalog.rating_count.max()


def test_limit_and_nonsense(small: tuple[Catalog, MovieSearch]):
    _, search = small
    assert len(search.search("the", limit=7)) == 7
    assert len(search.search("love", limit=100)) == 100
    assert search.search("xyzzyqqq") == []


def test_popularity_breaks_ties_between_equal_titles():
    catalog = make_catalog(["Heat", "Heat", "Heat"], years=[1986, 1995, 2013], counts=[3, 900, 40])
    assert MovieSearch(catalog).search("heat") == [1, 2, 0]


def test_year_in_the_query_picks_that_film_over_a_more_popular_one():
    catalog = make_catalog(["Heat", "Heat"], years=[1995, 1986], counts=[900, 3])
    assert MovieSearch(catalog).search("heat 1986")[0] == 1


def test_exact_title_beats_a_longer_slightly_more_popular_title():
    catalog = make_catalog(["Alien Resurrection", "Alien"], years=[1997, 1979], counts=[60, 40])
    assert MovieSearch(catalog).search("alien")[0] == 1


def test_every_typed_word_counts():
    catalog = make_catalog(
        ["Redemption Road", "The Shawshank Redemption"], years=[2010, 1994], counts=[50, 1]
    )
    assert MovieSearch(catalog).search("shawshank redemption")[0] == 1


def test_aliases_are_searched_and_each_movie_appears_once():
    catalog = make_catalog(
        ["Seven", "Seven Samurai"], years=[1995, 1954], aliases=[("Se7en",), ()], counts=[1, 1]
    )
    found = MovieSearch(catalog).search("se7en")
    assert found[0] == 0
    assert len(found) == len(set(found))


def test_one_letter_finds_titles_with_a_word_starting_with_it():
    catalog = make_catalog(["Big", "Jaws", "The Birds"], counts=[10, 99, 5])
    assert sorted(MovieSearch(catalog).search("b")) == [0, 2]


def test_an_empty_catalogue_finds_nothing():
    search = MovieSearch(make_catalog([]))
    assert search.search("anything") == []
    assert search.search("") == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30))
def test_any_text_gives_distinct_valid_items(text: str):
    catalog = make_catalog(
        ["The Matrix", "Amélie", "8½", "Ça", "東京物語", "M*A*S*H"],
        years=[1999, 2001, 1963, 2017, 1953, 1970],
        counts=[5, 4, 3, 2, 1, 0],
    )
    found = MovieSearch(catalog).search(text, limit=4)
    assert len(found) <= 4
    assert len(found) == len(set(found))
    assert all(0 <= item < len(catalog) for item in found)
