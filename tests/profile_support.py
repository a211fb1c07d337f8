"""Faults to put under a profile: its SQLite connection failing a kind of statement as SQLite
fails it on a full disk or a damaged file."""

from __future__ import annotations

import sqlite3
from typing import Any

from moviepick.profile import Profile

DISK_FULL = "database or disk is full"
DAMAGED = "database disk image is malformed"


class FailingConnection:
    """A profile's connection whose statements starting with ``failing`` fail with ``error``
    while ``broken`` is set; every other statement runs for real."""

    def __init__(self, db: sqlite3.Connection, failing: str, error: sqlite3.Error) -> None:
        self._db = db
        self._failing = failing
        self._error = error
        self.broken = True

    def execute(self, sql: str, *parameters: Any) -> sqlite3.Cursor:
        if self.broken and sql.lstrip().upper().startswith(self._failing):
            raise self._error
        return self._db.execute(sql, *parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def break_profile(profile: Profile, failing: str, error: sqlite3.Error) -> FailingConnection:
    """Make ``profile``'s statements starting with ``failing`` fail with ``error``; clearing
    the returned connection's ``broken`` mends it."""
    connection = FailingConnection(profile._db, failing, error)
    profile._db = connection  # type: ignore[assignment]
    return connection


def disk_full_at_commit(profile: Profile) -> FailingConnection:
    """Every COMMIT of ``profile`` fails as on a full disk, until ``broken`` is cleared."""
    return break_profile(profile, "COMMIT", sqlite3.OperationalError(DISK_FULL))


def damaged_for_reading(profile: Profile) -> FailingConnection:
    """Every SELECT of ``profile`` fails as on a damaged file, until ``broken`` is cleared."""
    return break_profile(profile, "SELECT", sqlite3.DatabaseError(DAMAGED))
