import sqlite3
import subprocess
import sys
from datetime import date

import pytest

from moviepick.errors import ProfileError
from moviepick.profile import SCHEMA_VERSION, Profile


def test_ratings_are_kept_across_reopen(tmp_path):
    path = tmp_path / "profile.db"
    with Profile(path) as profile:
        profile.set_rating(2571, "The Matrix", 1999, 4.5)
        profile.set_rating(1, "Toy Story", 1995, 4.0)
    with Profile(path) as profile:
        assert {r.movie_id: r.stars for r in profile.ratings()} == {2571: 4.5, 1: 4.0}
        assert profile.rating(2571) == 4.5
        assert profile.rating(999) is None


def test_changing_and_removing_a_rating(tmp_path):
    with Profile(tmp_path / "p.db") as profile:
        profile.set_rating(1, "Toy Story", 1995, 3.0)
        profile.set_rating(1, "Toy Story", 1995, 5.0)
        assert [r.stars for r in profile.ratings()] == [5.0]
        assert profile.remove_rating(1) is True
        assert profile.remove_rating(1) is False
        assert profile.ratings() == []


@pytest.mark.parametrize("stars", [0, -1, 5.5])
def test_out_of_range_ratings_are_refused(tmp_path, stars):
    with Profile(tmp_path / "p.db") as profile, pytest.raises(ProfileError):
        profile.set_rating(1, "Toy Story", 1995, stars)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "p.db"
    Profile(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ProfileError, match="newer"):
        Profile(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "p.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ProfileError, match="cannot open profile"):
        Profile(path)


def test_a_killed_process_loses_no_saved_rating(tmp_path):
    path = tmp_path / "p.db"
    script = (
        "import os; from moviepick.profile import Profile\n"
        f"p = Profile({str(path)!r})\n"
        "p.set_rating(1, 'Toy Story', 1995, 4.0)\n"
        "p.set_rating(2, 'Jumanji', 1995, 3.0)\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=False)
    with Profile(path) as profile:
        assert {r.movie_id for r in profile.ratings()} == {1, 2}


V1_SCHEMA = """
CREATE TABLE ratings (
    movie_id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    year INTEGER,
    stars REAL NOT NULL CHECK (stars > 0 AND stars <= 5),
    rated_at REAL NOT NULL
);
PRAGMA user_version = 1;
"""


def test_a_version_1_profile_keeps_its_ratings_and_gains_the_new_lists(tmp_path):
    path = tmp_path / "p.db"
    with sqlite3.connect(path) as db:
        db.executescript(V1_SCHEMA)
        db.execute("INSERT INTO ratings VALUES (2571, 'The Matrix', 1999, 4.5, 100.0)")
        db.execute("INSERT INTO ratings VALUES (1, 'Toy Story', 1995, 3.0, 200.0)")
    db.close()
    with Profile(path) as profile:
        assert [(r.movie_id, r.stars, r.rated_at) for r in profile.ratings()] == [
            (1, 3.0, 200.0),
            (2571, 4.5, 100.0),
        ]
        entry = profile.append_to_sequence(1, "Toy Story", 1995, date(2024, 5, 1))
        profile.set_watchlisted(2571, "The Matrix", 1999, on=True)
        profile.set_not_interested(47, "Seven", 1995, on=True)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    db.close()
    with Profile(path) as profile:
        assert [(e.entry_id, e.movie_id, e.watched_on) for e in profile.sequence()] == [
            (entry, 1, date(2024, 5, 1))
        ]
        assert [m.movie_id for m in profile.watchlist()] == [2571]
        assert [m.movie_id for m in profile.not_interested()] == [47]


def titles(profile: Profile) -> list[str]:
    return [entry.title for entry in profile.sequence()]


def test_the_sequence_keeps_order_and_duplicates(tmp_path):
    with Profile(tmp_path / "p.db") as profile:
        first = profile.append_to_sequence(1, "Toy Story", 1995)
        profile.append_to_sequence(2571, "The Matrix", 1999, date(2024, 1, 2))
        again = profile.append_to_sequence(1, "Toy Story", 1995)
        assert titles(profile) == ["Toy Story", "The Matrix", "Toy Story"]
        assert first != again
        assert [e.watched_on for e in profile.sequence()] == [None, date(2024, 1, 2), None]
        assert profile.remove_from_sequence(first) is True
        assert profile.remove_from_sequence(first) is False
        assert titles(profile) == ["The Matrix", "Toy Story"]
        assert profile.clear_sequence() == 2
        assert profile.sequence() == []


def test_moving_in_the_sequence_keeps_a_consistent_order(tmp_path):
    with Profile(tmp_path / "p.db") as profile:
        ids = {name: profile.append_to_sequence(i, name, 2000) for i, name in enumerate("ABCD")}
        assert profile.move_in_sequence(ids["A"], -1) is False  # already first
        assert profile.move_in_sequence(ids["D"], +1) is False  # already last
        assert profile.move_in_sequence(ids["B"], 0) is False
        assert profile.move_in_sequence(12345, 1) is False
        assert titles(profile) == ["A", "B", "C", "D"]
        assert profile.move_in_sequence(ids["A"], +1) is True
        assert titles(profile) == ["B", "A", "C", "D"]
        assert profile.remove_from_sequence(ids["C"])  # leaves a gap in the positions
        assert profile.move_in_sequence(ids["D"], -1) is True
        assert titles(profile) == ["B", "D", "A"]
        assert profile.move_in_sequence(ids["B"], +2) is True
        assert titles(profile) == ["D", "A", "B"]
        assert profile.move_in_sequence(ids["B"], -3) is False
        profile.append_to_sequence(9, "E", 2001)
        assert titles(profile) == ["D", "A", "B", "E"]
    with Profile(tmp_path / "p.db") as profile:
        assert titles(profile) == ["D", "A", "B", "E"]


def test_marks_are_newest_first_and_exclusive(tmp_path, monkeypatch):
    clock = iter(range(1, 100))
    monkeypatch.setattr("moviepick.profile.time.time", lambda: float(next(clock)))
    with Profile(tmp_path / "p.db") as profile:
        profile.set_watchlisted(1, "Toy Story", 1995, on=True)
        profile.set_watchlisted(2571, "The Matrix", 1999, on=True)
        profile.set_watchlisted(1, "Toy Story", 1995, on=True)  # again: keeps its place
        assert [m.movie_id for m in profile.watchlist()] == [2571, 1]
        profile.set_not_interested(1, "Toy Story", 1995, on=True)
        assert [m.movie_id for m in profile.watchlist()] == [2571]
        assert [(m.movie_id, m.title, m.year) for m in profile.not_interested()] == [
            (1, "Toy Story", 1995)
        ]
        profile.set_not_interested(1, "Toy Story", 1995, on=False)
        profile.set_watchlisted(2571, "The Matrix", 1999, on=False)
        assert profile.watchlist() == profile.not_interested() == []


def test_the_database_refuses_a_watched_date_that_is_not_iso(tmp_path):
    path = tmp_path / "p.db"
    Profile(path).close()
    with sqlite3.connect(path) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO sequence (position, movie_id, title, watched_on, added_at) "
            "VALUES (1, 1, 'Toy Story', 'May 1st', 0)"
        )
    db.close()
