"""Data sources that would hang or exhaust memory are refused in one line, and quickly."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from moviepick.data.loader import load_dataset
from moviepick.errors import DatasetError

FIXTURES = Path(__file__).parent / "fixtures"
MOVIES = b"movieId,title,genres\n1,Toy Story (1995),Animation\n"
RATINGS_HEADER = b"userId,movieId,rating,timestamp\n"


@pytest.fixture(autouse=True)
def default_zip_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOVIEPICK_MAX_UNZIPPED_BYTES", raising=False)


def assert_refused(source: Path, match: str) -> None:
    started = time.monotonic()
    with pytest.raises(DatasetError, match=match) as raised:
        load_dataset(source, use_cache=False)
    assert "\n" not in str(raised.value) and str(source) in str(raised.value)
    assert time.monotonic() - started < 5


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "ratings.zip"
    os.mkfifo(fifo)
    assert_refused(fifo, "is a FIFO, not a MovieLens folder, zip or file")


def test_a_device_is_refused() -> None:
    assert_refused(Path("/dev/zero"), "is a device, not a MovieLens folder, zip or file")


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert_refused(path, "is a socket")


def test_a_fifo_in_place_of_a_movielens_file_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "ml-latest-small"
    folder.mkdir()
    (folder / "movies.csv").write_bytes(MOVIES)
    os.mkfifo(folder / "ratings.csv")
    assert_refused(folder, "has movies.csv but no ratings.csv")


def test_cli_with_a_fifo_as_data_prints_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    finished = subprocess.run(
        [sys.executable, "-m", "moviepick", "--data", str(fifo), "stats"],
        env={**os.environ, "MOVIEPICK_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 1
    assert (
        finished.stderr
        == f"moviepick: error: {fifo}: is a FIFO, not a MovieLens folder, zip or file\n"
    )


def bomb(path: Path, inflated: int) -> Path:
    """A zip whose ratings.csv inflates from kilobytes to ``inflated`` bytes of valid rows."""
    rows = b"1,1,4.0,964982703\n" * (1 << 12)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("ml-latest-small/movies.csv", MOVIES)
        with archive.open("ml-latest-small/ratings.csv", "w", force_zip64=True) as member:
            member.write(RATINGS_HEADER)
            for _ in range(inflated // len(rows)):
                member.write(rows)
    return path


def test_zip_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    archive = bomb(tmp_path / "ml-latest-small.zip", 64 << 20)
    assert archive.stat().st_size < 1 << 20
    assert_refused(archive, r"ratings.csv inflates \d+-fold, from .* bytes; refused as a zip bomb")


def test_zip_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "small.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted((FIXTURES / "ml-latest-small").iterdir()):
            handle.write(path, f"ml-latest-small/{path.name}")
    monkeypatch.setenv("MOVIEPICK_MAX_UNZIPPED_BYTES", "100")
    assert_refused(archive, r"inflates to \d+ bytes, over the limit of 100 bytes")
    monkeypatch.setenv("MOVIEPICK_MAX_UNZIPPED_BYTES", "lots")
    with pytest.raises(DatasetError, match=r"UNZIPPED_BYTES must be a whole number of bytes"):
        load_dataset(archive, use_cache=False)
    monkeypatch.delenv("MOVIEPICK_MAX_UNZIPPED_BYTES")
    assert len(load_dataset(archive, use_cache=False).interactions) == 5


def test_zip_that_understates_a_member_is_not_read_past_it(tmp_path: Path) -> None:
    """The central directory says 100 bytes; the member inflates to megabytes."""
    archive = tmp_path / "ml-latest-small.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("ml-latest-small/movies.csv", MOVIES)
        handle.writestr(
            "ml-latest-small/ratings.csv", RATINGS_HEADER + b"1,1,4.0,964982703\n" * 200_000
        )
    data = bytearray(archive.read_bytes())
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.rfind(signature)
        struct.pack_into("<I", data, at + size_offset, 100)
    archive.write_bytes(bytes(data))
    assert_refused(archive, "the zip archive is corrupt .*Bad CRC-32")
