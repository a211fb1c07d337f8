"""The person's own ratings, kept in SQLite under the data dir.

Entries are keyed by MovieLens movieId and also keep title and year, so they can be matched again
on another MovieLens variant (ml-100k numbers its movies differently). Every change is its own
transaction: once a call returns, the change is on disk.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from moviepick import paths
from moviepick.errors import ProfileError

SCHEMA_VERSION = 1

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE ratings (
        movie_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        year INTEGER,
        stars REAL NOT NULL CHECK (stars > 0 AND stars <= 5),
        rated_at REAL NOT NULL
    );
    """,
}


@dataclass(frozen=True)
class ProfileRating:
    movie_id: int
    title: str
    year: int | None
    stars: float
    rated_at: float


class Profile:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else paths.profile_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # the TUI reads and writes from worker threads too
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise ProfileError(f"cannot open profile {self.path}: {error}") from None

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ProfileError(
                f"profile {self.path} has schema {version}, newer than this moviepick "
                f"({SCHEMA_VERSION}); upgrade moviepick"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # executescript commits on its own, so the migration and its version are one script.
            self._db.executescript(
                f"BEGIN IMMEDIATE; {_MIGRATIONS[target]} PRAGMA user_version = {target}; COMMIT;"
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self._lock)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ratings(self) -> list[ProfileRating]:
        rows = self._db.execute(
            "SELECT movie_id, title, year, stars, rated_at FROM ratings ORDER BY rated_at DESC"
        ).fetchall()
        return [ProfileRating(*row) for row in rows]

    def rating(self, movie_id: int) -> float | None:
        row = self._db.execute(
            "SELECT stars FROM ratings WHERE movie_id = ?", (movie_id,)
        ).fetchone()
        return row[0] if row else None

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


class _Transaction:
    """One thread at a time; commit on success, roll back on error."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db = db
        self._lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            self._lock.release()
            raise ProfileError(f"cannot write the profile: {error}") from None
        return self._db

    def __exit__(self, exc_type: type | None, error: BaseException | None, *rest: object) -> None:
        try:
            self._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()
        if isinstance(error, sqlite3.Error):
            raise ProfileError(f"cannot write the profile: {error}") from None
