"""One download at a time into a datasets folder, which first clears what killed ones left.

A download killed by ``kill -9``, SIGTERM or SIGHUP cannot remove its hidden ``.part`` file or
its half-extracted staging folder. The next download takes an exclusive lock on the folder, so
no other download is running: every such hidden leftover in it is stale, and removed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from moviepick.errors import DownloadError

try:
    import fcntl
except ImportError:  # Windows: no lock, and so no clearing either
    fcntl = None  # type: ignore[assignment]

# The download's temp zip, and atomic.replace_dir's staging and retired folders.
LEFTOVER_PATTERNS = (".*.part", ".*.tmp-*", ".*.old-*")


@contextmanager
def install_lock(root: Path) -> Iterator[None]:
    """Hold the lock on ``root`` (created if missing), its leftovers cleared."""
    root.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    handle = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DownloadError(
                f"another download into {root} is running; wait for it to finish"
            ) from None
        remove_leftovers(root)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def remove_leftovers(root: Path) -> None:
    """Remove the hidden temp files and folders of downloads that did not finish."""
    for pattern in LEFTOVER_PATTERNS:
        for path in root.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
