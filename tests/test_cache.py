from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from moviepick.data import loader
from moviepick.data.cache import cache_key, cache_path, read_cached
from moviepick.data.dataset import Dataset
from moviepick.data.loader import load_dataset
from moviepick.data.sources import locate

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "ml-latest-small", tmp_path / "ml-latest-small"))


def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> Dataset:
        raise AssertionError("the dataset was parsed again instead of read from the cache")

    monkeypatch.setattr(loader, "build_dataset", fail)


def assert_same(first: Dataset, second: Dataset) -> None:
    assert (second.name, second.source, second.rating_step) == (
        first.name,
        first.source,
        first.rating_step,
    )
    assert second.fingerprint == first.fingerprint
    np.testing.assert_array_equal(second.user_ids, first.user_ids)
    for column in ("users", "items", "ratings", "timestamps"):
        expected = getattr(first.interactions, column)
        actual = getattr(second.interactions, column)
        np.testing.assert_array_equal(actual, expected)
        assert actual.dtype == expected.dtype
    assert (second.interactions.n_users, second.interactions.n_items) == (
        first.interactions.n_users,
        first.interactions.n_items,
    )
    one, other = first.catalog, second.catalog
    for column in ("movie_ids", "years", "genres", "imdb_ids", "tmdb_ids", "rating_count",
                   "rating_mean", "score"):  # fmt: skip
        np.testing.assert_array_equal(getattr(other, column), getattr(one, column))
        assert getattr(other, column).dtype == getattr(one, column).dtype
    assert (other.raw_titles, other.titles, other.aliases, other.genre_names) == (
        one.raw_titles,
        one.titles,
        one.aliases,
        one.genre_names,
    )


def test_second_load_comes_from_the_cache(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_dataset(source)
    assert cache_path(source).exists()
    forbid_parsing(monkeypatch)
    assert_same(first, load_dataset(source))


def test_cache_round_trips_every_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("ml-100k", "ml-1m", "ml-10M100K", "ml-latest-small")
    folders = [Path(shutil.copytree(FIXTURES / name, tmp_path / name)) for name in names]
    parsed = [load_dataset(folder) for folder in folders]
    forbid_parsing(monkeypatch)
    for folder, dataset in zip(folders, parsed, strict=True):
        assert_same(dataset, load_dataset(folder))


def test_changed_source_is_parsed_again(source: Path) -> None:
    assert len(load_dataset(source).interactions) == 5
    ratings = source / "ratings.csv"
    with ratings.open("a") as handle:
        handle.write("12,1,4.5,1527202500\n")
    stat = ratings.stat()
    os.utime(ratings, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert len(load_dataset(source).interactions) == 6


def test_zip_is_cached_by_the_zip_file(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = Path(shutil.make_archive(str(tmp_path / "small"), "zip", tmp_path, source.name))
    first = load_dataset(archive)
    forbid_parsing(monkeypatch)
    assert_same(first, load_dataset(archive))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign npz"])
def test_damaged_cache_is_rebuilt(source: Path, damage: str) -> None:
    first = load_dataset(source)
    path = cache_path(source)
    if damage == "garbage":
        path.write_bytes(b"not a numpy archive at all")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        np.savez(path, meta=np.zeros(3, dtype=np.uint8))
    assert_same(first, load_dataset(source))
    rebuilt = read_cached(source, cache_key(locate(source)))
    assert rebuilt is not None
    assert_same(first, rebuilt)


def test_without_cache_nothing_is_written(source: Path) -> None:
    load_dataset(source, use_cache=False)
    assert not cache_path(source).exists()


def test_unwritable_cache_still_loads(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = source.parent / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("MOVIEPICK_CACHE_DIR", str(blocked))
    assert len(load_dataset(source).interactions) == 5
    assert sorted(path.name for path in source.parent.iterdir()) == ["blocked", source.name]


def test_cache_lives_under_the_cache_dir(source: Path, moviepick_home: Path) -> None:
    load_dataset(source)
    assert cache_path(source).is_relative_to(moviepick_home / "cache")
    assert [path.suffix for path in cache_path(source).parent.iterdir()] == [".npz"]


@pytest.mark.parametrize("size", ["small", "large"])
def test_change_that_keeps_size_and_mtime_is_noticed(
    size: str, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ratings = source / "ratings.csv"
    if size == "large":  # past the sampled head, middle and tail
        padding = "".join(f"{user},1,4.0,964982703\n" for user in range(100, 200_000))
        ratings.write_text(ratings.read_text() + padding)
    first = load_dataset(source)
    stat = ratings.stat()
    data = bytearray(ratings.read_bytes())
    at = data.rindex(b"4.0")  # the last 4-star rating: in the tail of a large file
    data[at : at + 3] = b"2.5"
    ratings.write_bytes(bytes(data))
    os.utime(ratings, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert ratings.stat().st_size == stat.st_size
    second = load_dataset(source)
    changed = second.interactions.ratings != first.interactions.ratings
    assert changed.sum() == 1 and second.interactions.ratings[changed].tolist() == [2.5]
