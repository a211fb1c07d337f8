import numpy as np

from moviepick.data.catalog import Catalog
from moviepick.profile import ProfileRating
from moviepick.services.matching import TitleIndex, profile_query, title_key


def catalog() -> Catalog:
    titles = ["The Matrix", "Amélie", "Seven", "The Matrix"]
    n = len(titles)
    return Catalog(
        movie_ids=np.array([2571, 4973, 47, 9999], dtype=np.int64),
        raw_titles=titles,
        titles=titles,
        years=np.array([1999, 2001, 1995, 2030], dtype=np.int16),
        aliases=[(), ("Le fabuleux destin d'Amélie Poulain",), ("Se7en",), ()],
        genre_names=("Drama",),
        genres=np.zeros((n, 1), dtype=bool),
        imdb_ids=np.zeros(n, dtype=np.int64),
        tmdb_ids=np.zeros(n, dtype=np.int64),
        rating_count=np.array([300, 100, 200, 1], dtype=np.int32),
        rating_mean=np.zeros(n, dtype=np.float32),
        score=np.zeros(n, dtype=np.float32),
    )


def test_title_key_folds_case_accents_and_punctuation():
    assert title_key("Amélie!") == title_key("amelie") == "amelie"


def test_find_needs_the_year_and_lookup_prefers_the_most_rated():
    index = TitleIndex(catalog())
    assert index.find("the matrix", 1999) == 0
    assert index.find("The Matrix", 2030) == 3
    assert index.find("The Matrix", 1998) is None
    assert index.lookup("THE MATRIX") == 0
    assert index.lookup("se7en") == 2


def test_match_uses_the_movie_id_only_when_the_title_agrees():
    index = TitleIndex(catalog())
    assert index.match(47, "Seven", 1995) == 2
    # ml-100k numbers movies differently: id 47 there is another film
    assert index.match(47, "Amelie", 2001) == 1
    assert index.match(12345, "Unknown Film", 1990) is None


def test_profile_query_reports_unmatched_entries():
    entries = [
        ProfileRating(2571, "The Matrix", 1999, 5.0, 0.0),
        ProfileRating(1, "Not In This Dataset", 1990, 3.0, 0.0),
    ]
    result = profile_query(entries, TitleIndex(catalog()))
    assert dict(result.query.ratings) == {0: 5.0}
    assert [entry.title for entry in result.unmatched] == ["Not In This Dataset"]
