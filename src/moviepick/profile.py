"""The person's own data, kept in SQLite under the data dir: their ratings, the sequence of what
they watched, their watchlist and the movies they marked "not interested".

Entries are keyed by MovieLens movieId and also keep title and year, so they can be matched again
on another MovieLens variant (ml-100k numbers its movies differently). Every change is its own
transaction: once a call returns, the change is on disk. Whatever SQLite or the disk refuses (a
full disk, a read-only or damaged file) is a :class:`ProfileError`, and a change that failed is
not in the profile.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from time import monotonic, sleep
from typing import Any

from moviepick import paths
from moviepick.errors import ProfileError

SCHEMA_VERSION = 2
BUSY_SECONDS = 5.0  # how long a call waits for another process's write to end

# Each version's statements, run in one transaction with the version they bring.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE ratings (
            movie_id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            year INTEGER,
            stars REAL NOT NULL CHECK (stars > 0 AND stars <= 5),
            rated_at REAL NOT NULL
        )""",
    ),
    # The sequence may hold a movie twice (watched again); ``position`` orders it, with gaps
    # where entries were removed. The two mark tables hold a movie at most once each.
    2: (
        """CREATE TABLE sequence (
            id INTEGER PRIMARY KEY,
            position INTEGER NOT NULL,
            movie_id INTEGER NOT NULL,
            title TEXT NOT NULL,
            year INTEGER,
            watched_on TEXT CHECK (watched_on IS NULL OR watched_on GLOB
                '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            added_at REAL NOT NULL
        )""",
        "CREATE INDEX sequence_by_position ON sequence (position)",
        """CREATE TABLE watchlist (
            movie_id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            year INTEGER,
            marked_at REAL NOT NULL
        )""",
        """CREATE TABLE not_interested (
            movie_id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            year INTEGER,
            marked_at REAL NOT NULL
        )""",
    ),
}

# The two mark lists; a movie is on at most one of them (wanting to see it and not being
# interested in it contradict each other, so marking one clears the other).
_MARK_TABLES = ("watchlist", "not_interested")


@dataclass(frozen=True)
class ProfileRating:
    movie_id: int
    title: str
    year: int | None
    stars: float
    rated_at: float


@dataclass(frozen=True)
class SequenceEntry:
    """One watch in the sequence; ``entry_id`` tells apart two watches of the same movie."""

    entry_id: int
    movie_id: int
    title: str
    year: int | None
    watched_on: date | None
    added_at: float


@dataclass(frozen=True)
class MarkedMovie:
    """A movie on the watchlist or marked "not interested"."""

    movie_id: int
    title: str
    year: int | None
    marked_at: float


class Profile:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else paths.profile_path()
        self._lock = threading.Lock()  # the TUI reads and writes from worker threads too
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            folder = self.path.parent
            raise ProfileError(
                f"cannot make the profile's folder {folder}: {error.strerror}"
            ) from None
        try:
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_SECONDS, check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as error:
            raise ProfileError(f"cannot open profile {self.path}: {error}") from None
        try:
            self._use_wal()
            self._db.execute("PRAGMA synchronous=FULL")
            self._check_pages()
            self._migrate()
        except sqlite3.Error as error:
            self._db.close()
            raise ProfileError(f"cannot open profile {self.path}: {error}") from None
        except ProfileError:
            self._db.close()  # an open connection would keep the file locked
            raise

    def _use_wal(self) -> None:
        """Switch the file to write-ahead logging. A new file's switch can meet another
        process's, and SQLite then answers "locked" at once, without waiting: try again."""
        deadline = monotonic() + BUSY_SECONDS
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or monotonic() > deadline:
                    raise
                sleep(0.01)

    def _check_pages(self) -> None:
        """Refuse a damaged file now, in one error, rather than on whichever read meets the
        damage (the check reads every page: milliseconds for years of ratings)."""
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            first = " ".join(problems[0].removeprefix("*** in database main ***").split())
            raise ProfileError(f"cannot open profile {self.path}: it is damaged ({first})")

    def _migrate(self) -> None:
        if self._schema_version() == SCHEMA_VERSION:
            return  # opening an up-to-date profile takes no write lock
        with self._transaction():
            # Read again under the write lock: another process may have migrated meanwhile.
            version = self._schema_version()
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[target]:
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _schema_version(self) -> int:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise ProfileError(
                f"profile {self.path} has schema {version}, newer than this moviepick "
                f"({SCHEMA_VERSION}); upgrade moviepick"
            )
        return version

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One thread at a time; commit on success, else roll back, so a failed change (a
        failed commit too) leaves neither the file nor the connection half-changed."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield
                self._db.execute("COMMIT")
            except BaseException as error:
                if self._db.in_transaction:
                    with suppress(sqlite3.Error):  # the error that came first says more
                        self._db.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise ProfileError(f"cannot save to profile {self.path}: {error}") from None
                raise

    def _rows(self, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """A query's rows; under the lock, so no change another thread is making shows."""
        with self._lock:
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                raise ProfileError(f"cannot read profile {self.path}: {error}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ratings(self) -> list[ProfileRating]:
        rows = self._rows(
            "SELECT movie_id, title, year, stars, rated_at FROM ratings ORDER BY rated_at DESC"
        )
        return [ProfileRating(*row) for row in rows]

    def rating(self, movie_id: int) -> float | None:
        rows = self._rows("SELECT stars FROM ratings WHERE movie_id = ?", (int(movie_id),))
        return float(rows[0][0]) if rows else None

    def set_rating(self, movie_id: int, title: str, year: int | None, stars: float) -> None:
        if not 0 < stars <= 5:
            raise ProfileError(f"a rating must be between 0.5 and 5 stars, not {stars}")
        with self._transaction():
            self._db.execute(
                "INSERT INTO ratings (movie_id, title, year, stars, rated_at) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(movie_id) DO UPDATE SET stars = excluded.stars, "
                "title = excluded.title, year = excluded.year, rated_at = excluded.rated_at",
                (int(movie_id), title, year, float(stars), time.time()),
            )

    def remove_rating(self, movie_id: int) -> bool:
        with self._transaction():
            cursor = self._db.execute("DELETE FROM ratings WHERE movie_id = ?", (int(movie_id),))
        return cursor.rowcount > 0

    def sequence(self) -> list[SequenceEntry]:
        """The watch sequence, oldest first (in sequence order, which the person may edit)."""
        rows = self._rows(
            "SELECT id, movie_id, title, year, watched_on, added_at FROM sequence "
            "ORDER BY position, id"
        )
        return [
            SequenceEntry(entry_id, movie_id, title, year, _parse_date(watched_on), added_at)
            for entry_id, movie_id, title, year, watched_on, added_at in rows
        ]

    def append_to_sequence(
        self, movie_id: int, title: str, year: int | None, watched_on: date | None = None
    ) -> int:
        """Add a watch at the end of the sequence; the new entry's id."""
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO sequence (position, movie_id, title, year, watched_on, added_at) "
                "VALUES ((SELECT COALESCE(MAX(position), 0) + 1 FROM sequence), ?, ?, ?, ?, ?)",
                (
                    int(movie_id),
                    title,
                    year,
                    watched_on.isoformat() if watched_on else None,
                    time.time(),
                ),
            )
        return int(cursor.lastrowid or 0)

    def move_in_sequence(self, entry_id: int, offset: int) -> bool:
        """Move an entry ``offset`` places (-1: one earlier, +1: one later).

        False, and nothing changes, for an unknown entry, a zero offset or a move past either end.
        """
        with self._transaction():
            rows = self._db.execute(
                "SELECT id, position FROM sequence ORDER BY position, id"
            ).fetchall()
            ids = [row[0] for row in rows]
            positions = [row[1] for row in rows]
            if entry_id not in ids:
                return False
            start = ids.index(entry_id)
            target = start + offset
            if offset == 0 or not 0 <= target < len(ids):
                return False
            ids.insert(target, ids.pop(start))
            # The entries between the two places keep the same set of positions, reordered.
            span = range(min(start, target), max(start, target) + 1)
            self._db.executemany(
                "UPDATE sequence SET position = ? WHERE id = ?",
                [(positions[i], ids[i]) for i in span],
            )
        return True

    def remove_from_sequence(self, entry_id: int) -> bool:
        with self._transaction():
            cursor = self._db.execute("DELETE FROM sequence WHERE id = ?", (int(entry_id),))
        return cursor.rowcount > 0

    def clear_sequence(self) -> int:
        """Empty the sequence; how many entries it held."""
        with self._transaction():
            cursor = self._db.execute("DELETE FROM sequence")
        return cursor.rowcount

    def watchlist(self) -> list[MarkedMovie]:
        """The watchlist, newest mark first."""
        return self._marked("watchlist")

    def not_interested(self) -> list[MarkedMovie]:
        """The movies marked "not interested", newest mark first."""
        return self._marked("not_interested")

    def set_watchlisted(self, movie_id: int, title: str, year: int | None, on: bool) -> None:
        """Put a movie on the watchlist (taking off a "not interested" mark) or take it off."""
        self._set_mark("watchlist", movie_id, title, year, on)

    def set_not_interested(self, movie_id: int, title: str, year: int | None, on: bool) -> None:
        """Mark a movie "not interested" (taking it off the watchlist) or clear the mark."""
        self._set_mark("not_interested", movie_id, title, year, on)

    def _marked(self, table: str) -> list[MarkedMovie]:
        rows = self._rows(
            f"SELECT movie_id, title, year, marked_at FROM {table} "
            "ORDER BY marked_at DESC, rowid DESC"
        )
        return [MarkedMovie(*row) for row in rows]

    def _set_mark(self, table: str, movie_id: int, title: str, year: int | None, on: bool) -> None:
        with self._transaction():
            if not on:
                self._db.execute(f"DELETE FROM {table} WHERE movie_id = ?", (int(movie_id),))
                return
            other = next(name for name in _MARK_TABLES if name != table)
            self._db.execute(f"DELETE FROM {other} WHERE movie_id = ?", (int(movie_id),))
            # Marking again keeps the first mark's time, so the list order stays put.
            self._db.execute(
                f"INSERT INTO {table} (movie_id, title, year, marked_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(movie_id) DO UPDATE SET title = excluded.title, year = excluded.year",
                (int(movie_id), title, year, time.time()),
            )


def _parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
