import sqlite3
import subprocess
import sys

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
