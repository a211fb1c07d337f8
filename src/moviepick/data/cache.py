"""A parsed Dataset kept as one uncompressed ``.npz`` under the cache folder.

One file per source (named from the source's path). It holds a key made of the cache format
version and the size, mtime and a content hash of every source file, so a changed source is
parsed again and overwrites its entry, even when whatever changed it kept its size and mtime.
Strings travel as JSON inside the archive, never pickled; files are loaded with
``allow_pickle=False``. A cache file that cannot be read is treated as absent.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from moviepick import atomic, paths
from moviepick.data.catalog import Catalog
from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.data.sources import MovieLensFiles
from moviepick.errors import DatasetError

CACHE_FORMAT = 1
_CATALOG_ARRAYS = (
    "movie_ids",
    "years",
    "genres",
    "imdb_ids",
    "tmdb_ids",
    "rating_count",
    "rating_mean",
    "score",
)
_INTERACTION_ARRAYS = ("users", "items", "ratings", "timestamps")
# What a damaged or foreign cache file can raise while being read and rebuilt into a Dataset.
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile)


# The content hash covers this much at the head, the middle and the tail of a file (all of it
# when smaller): every change an editor makes, at the price of a few milliseconds a load.
_SAMPLE_BYTES = 1 << 20


def cache_key(files: MovieLensFiles) -> str:
    """Changes whenever a source file or the cache format changes."""
    stamps = [(*stamp, content_hash(Path(stamp[0]), stamp[1])) for stamp in files.stamps()]
    text = json.dumps([CACHE_FORMAT, stamps])
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(path: Path, size: int) -> str:
    """The sha256 of the file when small, else of its head, middle and tail."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as source:
            if size <= 3 * _SAMPLE_BYTES:
                digest.update(source.read())
            else:
                for offset in (0, (size - _SAMPLE_BYTES) // 2, size - _SAMPLE_BYTES):
                    source.seek(offset)
                    digest.update(source.read(_SAMPLE_BYTES))
    except OSError as error:
        raise DatasetError(f"{path}: cannot read ({error.strerror})") from None
    return digest.hexdigest()


def cache_path(source: Path) -> Path:
    digest = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:24]
    return paths.cache_dir() / "datasets" / f"{source.name}-{digest}.npz"


def read_cached(source: Path, key: str) -> Dataset | None:
    """The cached Dataset for ``source`` when its key is ``key``, else None."""
    try:
        with np.load(cache_path(source), allow_pickle=False) as archive:
            meta = json.loads(archive["meta"].tobytes())
            if meta.get("key") != key:
                return None
            arrays = {name: archive[name] for name in (*_CATALOG_ARRAYS, *_INTERACTION_ARRAYS)}
            user_ids = archive["user_ids"]
        return _dataset(meta, arrays, user_ids)
    except _UNREADABLE:
        return None


def write_cached(dataset: Dataset, key: str) -> None:
    """Store ``dataset`` atomically; a cache that cannot be written is skipped, not an error."""
    path = cache_path(dataset.source)
    catalog, interactions = dataset.catalog, dataset.interactions
    meta = {
        "key": key,
        "name": dataset.name,
        "source": str(dataset.source),
        "rating_step": dataset.rating_step,
        "n_users": interactions.n_users,
        "n_items": interactions.n_items,
        "raw_titles": catalog.raw_titles,
        "titles": catalog.titles,
        "aliases": catalog.aliases,
        "genre_names": catalog.genre_names,
    }
    arrays = {name: getattr(catalog, name) for name in _CATALOG_ARRAYS}
    arrays |= {name: getattr(interactions, name) for name in _INTERACTION_ARRAYS}
    encoded_meta = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8)
    # The cache is only a speed-up: when it cannot be written, the data still loads.
    with contextlib.suppress(OSError):
        atomic.write_npz(path, meta=encoded_meta, user_ids=dataset.user_ids, **arrays)


def _dataset(meta: dict[str, Any], arrays: dict[str, np.ndarray], user_ids: np.ndarray) -> Dataset:
    n_items = int(meta["n_items"])
    catalog_lengths = {len(arrays[name]) for name in _CATALOG_ARRAYS}
    string_lengths = {len(meta[name]) for name in ("raw_titles", "titles", "aliases")}
    if catalog_lengths | string_lengths != {n_items}:
        raise ValueError("cached catalogue columns differ in length")
    catalog = Catalog(
        raw_titles=list(meta["raw_titles"]),
        titles=list(meta["titles"]),
        aliases=[tuple(aliases) for aliases in meta["aliases"]],
        genre_names=tuple(meta["genre_names"]),
        **{name: arrays[name] for name in _CATALOG_ARRAYS},
    )
    interactions = Interactions(
        **{name: arrays[name] for name in _INTERACTION_ARRAYS},
        n_users=int(meta["n_users"]),
        n_items=n_items,
    )
    return Dataset(
        name=str(meta["name"]),
        source=Path(meta["source"]),
        catalog=catalog,
        interactions=interactions,
        user_ids=user_ids,
        rating_step=float(meta["rating_step"]),
    )
