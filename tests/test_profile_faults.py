"""The profile under faults: a full disk, a read-only or damaged file, processes that race.

Each fault is one ProfileError (one line on the command line), and a change that failed is
neither in the file nor half-made on the connection.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from profile_support import (
    DAMAGED,
    DISK_FULL,
    FailingConnection,
    damaged_for_reading,
    disk_full_at_commit,
)
from tui_support import write_tiny_movielens

from moviepick import paths
from moviepick.cli import main
from moviepick.errors import ProfileError
from moviepick.profile import Profile


def snapshot(profile: Profile) -> tuple[object, ...]:
    return (profile.ratings(), profile.sequence(), profile.watchlist(), profile.not_interested())


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A profile with a rating, two sequence entries and a mark of each kind."""
    path = tmp_path / "p.db"
    with Profile(path) as profile:
        profile.set_rating(1, "Toy Story", 1995, 4.0)
        profile.append_to_sequence(1, "Toy Story", 1995)
        profile.append_to_sequence(2571, "The Matrix", 1999)
        profile.set_watchlisted(47, "Seven", 1995, on=True)
        profile.set_not_interested(2, "Jumanji", 1995, on=True)
    return path


WRITES: dict[str, Callable[[Profile], object]] = {
    "set_rating": lambda p: p.set_rating(2571, "The Matrix", 1999, 5.0),
    "remove_rating": lambda p: p.remove_rating(1),
    "append_to_sequence": lambda p: p.append_to_sequence(47, "Seven", 1995),
    "move_in_sequence": lambda p: p.move_in_sequence(p.sequence()[0].entry_id, +1),
    "remove_from_sequence": lambda p: p.remove_from_sequence(p.sequence()[0].entry_id),
    "clear_sequence": lambda p: p.clear_sequence(),
    "set_watchlisted": lambda p: p.set_watchlisted(2, "Jumanji", 1995, on=True),
    "set_not_interested": lambda p: p.set_not_interested(47, "Seven", 1995, on=True),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_full_disk_at_commit_is_a_profile_error_and_changes_nothing(filled, write):
    with Profile(filled) as profile:
        before = snapshot(profile)
        disk = disk_full_at_commit(profile)
        with pytest.raises(ProfileError, match=f"cannot save to profile .*: {DISK_FULL}"):
            write(profile)
        assert snapshot(profile) == before
        disk.broken = False
        write(profile)  # the connection is not left inside the failed transaction
        after = snapshot(profile)
        assert after != before
    with Profile(filled) as profile:
        assert snapshot(profile) == after


def test_a_write_the_system_refuses_at_commit_is_a_profile_error(filled):
    """A real refusal: past the file size limit the WAL cannot grow, so COMMIT fails."""
    pytest.importorskip("resource")
    script = (
        "import resource, signal, sys\n"
        "from moviepick.errors import ProfileError\n"
        "from moviepick.profile import Profile\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "profile = Profile(sys.argv[1])\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    profile.set_rating(2571, 'The Matrix' * 1000, 1999, 5.0)\n"
        "except ProfileError as error:\n"
        "    print(error)\n"
        "print(len(profile.ratings()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(filled)], capture_output=True, text=True, check=True
    )
    refusal, count = result.stdout.splitlines()
    assert refusal.startswith(f"cannot save to profile {filled}: ")
    assert count == "1"
    with Profile(filled) as profile:
        assert [rating.movie_id for rating in profile.ratings()] == [1]


def test_a_read_only_profile_reads_and_refuses_writes_in_one_error(filled):
    with Profile(filled) as profile:
        profile._db.execute("PRAGMA query_only = ON")  # what SQLite does with a read-only file
        assert profile.rating(1) == 4.0
        with pytest.raises(ProfileError, match="attempt to write a readonly database"):
            profile.set_rating(1, "Toy Story", 1995, 2.0)
        assert profile.rating(1) == 4.0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anyway")
def test_a_read_only_profile_file_reads_and_refuses_writes_in_one_error(filled):
    filled.chmod(0o444)
    with Profile(filled) as profile:
        assert profile.rating(1) == 4.0
        with pytest.raises(ProfileError, match="readonly"):
            profile.set_rating(1, "Toy Story", 1995, 2.0)


def test_a_read_that_meets_damage_is_a_profile_error(filled):
    with Profile(filled) as profile:
        damaged_for_reading(profile)
        with pytest.raises(ProfileError, match=f"cannot read profile .*: {DAMAGED}"):
            profile.ratings()


def write_many_ratings(path: Path, count: int = 2000) -> None:
    """A profile whose ratings fill many pages, all in the main file (none left in the WAL)."""
    with Profile(path) as profile:
        for movie_id in range(1, count + 1):
            profile.set_rating(movie_id, f"Movie {movie_id} " + "x" * 100, 2000, 3.0)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_damaged_pages_are_refused_when_the_profile_opens(tmp_path):
    path = tmp_path / "p.db"
    write_many_ratings(path)
    with path.open("r+b") as file:
        file.seek(3 * 4096)  # past the schema: opening alone would not read these pages
        file.write(random.Random(0).randbytes(3 * 4096))
    with pytest.raises(ProfileError, match="cannot open profile .*: database disk image"):
        Profile(path)


def test_damage_sqlite_lists_is_refused_in_one_line(tmp_path):
    path = tmp_path / "p.db"
    with Profile(path) as profile:
        for movie_id in range(300):
            profile.append_to_sequence(movie_id, f"Movie {movie_id}", 2000)
    with sqlite3.connect(path, isolation_level=None) as db:  # the index's pages, orphaned
        db.execute("PRAGMA writable_schema = ON")
        db.execute("DELETE FROM sqlite_master WHERE name = 'sequence_by_position'")
    db.close()
    with pytest.raises(ProfileError) as refused:
        Profile(path)
    assert str(refused.value) == f"cannot open profile {path}: it is damaged (Page 4 is never used)"


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: random.Random(1).randbytes(len(data)),
        lambda data: data[: len(data) // 2],
        lambda data: data[:50],
    ],
    ids=["random-bytes", "truncated-to-half", "truncated-to-50-bytes"],
)
def test_a_corrupt_or_truncated_profile_is_one_clear_error(tmp_path, damage):
    path = tmp_path / "p.db"
    write_many_ratings(path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ProfileError, match="cannot open profile") as refused:
        Profile(path)
    assert "\n" not in str(refused.value)


def test_a_profile_that_failed_to_open_is_not_left_locked(tmp_path):
    path = tmp_path / "p.db"
    with Profile(path) as profile:
        profile.set_rating(1, "Toy Story", 1995, 4.0)
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(ProfileError, match="database disk image is malformed"):
        Profile(path)
    path.write_bytes(b"")  # the person moved the bad file away: an empty profile
    with Profile(path) as profile:
        profile.set_rating(1, "Toy Story", 1995, 4.0)
        assert profile.rating(1) == 4.0


def test_a_profile_folder_that_cannot_be_made_is_one_clear_error(tmp_path):
    (tmp_path / "data").write_text("a file where the folder should be")
    with pytest.raises(ProfileError, match="cannot make the profile's folder .*data"):
        Profile(tmp_path / "data" / "profile.db")


OPEN_WHEN_TOLD = (
    "import sys\n"
    "from moviepick.errors import ProfileError\n"
    "from moviepick.profile import Profile\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    "try:\n"
    "    Profile(sys.argv[1]).close()\n"
    "    print('opened')\n"
    "except ProfileError as error:\n"
    "    print(error)\n"
)


def test_processes_opening_a_new_profile_at_once_all_succeed(tmp_path):
    """Each migrates only after reading the version under the write lock: none creates a
    table another has just created."""
    path = tmp_path / "new" / "profile.db"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_WHEN_TOLD, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(20)
    ]
    for child in children:  # every one imported and waiting, then all told at once
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    answers = [child.communicate(timeout=60)[0].strip() for child in children]
    assert answers == ["opened"] * 20
    with Profile(path) as profile:
        assert profile.ratings() == []


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny_movielens(tmp_path / "tiny")


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("moviepick: error: "), lines
    return lines[0]


def test_the_command_line_says_a_full_disk_in_one_line(capsys, monkeypatch, tiny):
    connect = sqlite3.connect

    def full_disk(*args: Any, **kwargs: Any) -> FailingConnection:
        return FailingConnection(
            connect(*args, **kwargs), "COMMIT", sqlite3.OperationalError(DISK_FULL)
        )

    Profile().close()  # made before the disk is full
    monkeypatch.setattr("moviepick.profile.sqlite3.connect", full_disk)
    line = one_line_error(capsys, "recommend", "--data", str(tiny), "--rate", "The Matrix=4")
    assert line.endswith(f"cannot save to profile {paths.profile_path()}: {DISK_FULL}")


def test_the_command_line_says_a_damaged_profile_in_one_line(capsys, tiny):
    Profile().close()
    path = paths.profile_path()
    path.write_bytes(path.read_bytes()[:50])
    line = one_line_error(capsys, "recommend", "--data", str(tiny), "--rate", "The Matrix=4")
    assert line == f"moviepick: error: cannot open profile {path}: database disk image is malformed"
