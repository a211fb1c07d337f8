"""Split labels kept under the cache folder, one ``.npz`` per dataset, protocol and seed.

The file holds the labels (``int8``, one per interaction) and the key they were made for; it is
loaded with ``allow_pickle=False``. A file that cannot be read, or whose key or shape does not
match, is treated as absent and rebuilt; a cache that cannot be written is skipped.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from pathlib import Path

import numpy as np

from moviepick import atomic, paths

SPLIT_FORMAT = 1
_LABEL_VALUES = (0, 1, 2)


def split_path(fingerprint: str, protocol: str, seed: int) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", fingerprint)
    return paths.cache_dir() / "splits" / f"{safe}-{protocol}-seed{seed}.npz"


def _key(fingerprint: str, protocol: str, seed: int) -> str:
    return json.dumps([SPLIT_FORMAT, fingerprint, protocol, seed])


def read_labels(fingerprint: str, protocol: str, seed: int, n_rows: int) -> np.ndarray | None:
    """The cached labels for this key and ``n_rows`` interactions, else None."""
    try:
        with np.load(split_path(fingerprint, protocol, seed), allow_pickle=False) as archive:
            key = archive["key"].tobytes().decode()
            labels = archive["labels"]
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile):
        return None
    if key != _key(fingerprint, protocol, seed) or labels.shape != (n_rows,):
        return None
    if labels.dtype != np.int8 or not np.isin(labels, _LABEL_VALUES).all():
        return None
    return labels


def write_labels(fingerprint: str, protocol: str, seed: int, labels: np.ndarray) -> None:
    """Store ``labels`` atomically (a temporary file renamed into place)."""
    path = split_path(fingerprint, protocol, seed)
    key = np.frombuffer(_key(fingerprint, protocol, seed).encode(), dtype=np.uint8)
    with contextlib.suppress(OSError):
        atomic.write_npz(path, key=key, labels=np.asarray(labels, dtype=np.int8))
