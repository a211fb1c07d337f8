"""Hostile and broken servers: each ends in one clear DownloadError, nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from test_download import (
    TINY_FILES,
    QuietFileHandler,
    leftovers,
    serve_tiny,
    serving,
    write_md5,
)

from moviepick.data.download import download_dataset
from moviepick.data.install_lock import install_lock
from moviepick.data.transfer import TransferLimits
from moviepick.errors import DownloadError

# Fast limits for the tests; the defaults wait minutes.
QUICK = TransferLimits(timeout=5, deadline=30, min_rate=0, rate_window=60)
RELEASE = threading.Event()  # set at teardown: handlers that hold a connection let it go


@pytest.fixture(autouse=True)
def no_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in (
        "MOVIEPICK_DOWNLOAD_DEADLINE",
        "MOVIEPICK_DOWNLOAD_MIN_RATE",
        "MOVIEPICK_MAX_UNZIPPED_BYTES",
    ):
        monkeypatch.delenv(variable, raising=False)
    RELEASE.clear()
    yield
    RELEASE.set()


@pytest.fixture
def served_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "served" / "movielens"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def base_url(served_dir: Path) -> Iterator[str]:
    with serving(partial(QuietFileHandler, directory=str(served_dir.parent))) as url:
        yield url


@pytest.fixture
def dest_root(tmp_path: Path) -> Path:
    return tmp_path / "datasets"


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class ServerErrorHandler(QuietHandler):
    def do_GET(self) -> None:
        self.send_error(500, "Internal Server Error")


class StallHandler(QuietHandler):
    """Sends the headers of a long body, then nothing."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.flush()
        RELEASE.wait(timeout=10)


class TrickleHandler(QuietHandler):
    """Sends a long body one byte at a time, each well within the stall timeout."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        while not RELEASE.wait(timeout=0.05):
            try:
                self.wfile.write(b"P")
                self.wfile.flush()
            except OSError:
                return


class SlowHeadersHandler(QuietHandler):
    """Never finishes its headers: a header byte now and then, forever."""

    def do_GET(self) -> None:
        self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        while not RELEASE.wait(timeout=0.05):
            try:
                self.wfile.write(b"z")
                self.wfile.flush()
            except OSError:
                return


class HugeHandler(QuietHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(10**12))
        self.end_headers()


def redirecting_to(location: str) -> type[QuietHandler]:
    class RedirectHandler(QuietHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"{location}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

    return RedirectHandler


def assert_one_line_failure(
    match: str, dest_root: Path, url: str, limits: TransferLimits = QUICK, name: str = "ml-100k"
) -> DownloadError:
    with pytest.raises(DownloadError, match=match) as raised:
        download_dataset(name, dest_root=dest_root, base_url=url, limits=limits)
    assert "\n" not in str(raised.value)
    assert leftovers(dest_root) == []
    return raised.value


def test_server_error_is_an_http_error(dest_root: Path) -> None:
    with serving(ServerErrorHandler) as url:
        assert_one_line_failure("HTTP 500 Internal Server Error", dest_root, url)


def test_stalled_server_times_out(dest_root: Path) -> None:
    limits = TransferLimits(timeout=0.3, deadline=30, min_rate=0)
    started = time.monotonic()
    with serving(StallHandler) as url:
        assert_one_line_failure("stalled: nothing came for 0.3 s", dest_root, url, limits)
    assert time.monotonic() - started < 5


def test_trickling_server_is_stopped_by_the_minimum_rate(dest_root: Path) -> None:
    limits = TransferLimits(timeout=5, deadline=30, min_rate=1000, rate_window=0.5)
    started = time.monotonic()
    with serving(TrickleHandler) as url:
        assert_one_line_failure(
            r"too slow: \d+ bytes/s over 1 s, under the minimum of 1000 "
            r"\(\$MOVIEPICK_DOWNLOAD_MIN_RATE\)",
            dest_root,
            url,
            limits,
        )
    assert time.monotonic() - started < 5


def test_deadline_stops_a_server_that_never_finishes_its_headers(dest_root: Path) -> None:
    limits = TransferLimits(timeout=5, deadline=0.5, min_rate=0)
    started = time.monotonic()
    with serving(SlowHeadersHandler) as url:
        assert_one_line_failure(
            r"took longer than 0.5 s \(\$MOVIEPICK_DOWNLOAD_DEADLINE\)", dest_root, url, limits
        )
    assert time.monotonic() - started < 5


def test_deadline_stops_a_trickling_body(dest_root: Path) -> None:
    limits = TransferLimits(timeout=5, deadline=0.5, min_rate=0)
    with serving(TrickleHandler) as url:
        assert_one_line_failure("took longer than 0.5 s", dest_root, url, limits)


def test_body_larger_than_the_dataset_can_be_is_refused(dest_root: Path) -> None:
    with serving(HugeHandler) as url:
        assert_one_line_failure(
            "is 1,000,000,000,000 bytes, more than the", dest_root, url, name="ml-latest-small"
        )


def test_redirect_to_another_host_is_refused(dest_root: Path) -> None:
    with serving(redirecting_to("http://localhost:9")) as url:
        assert_one_line_failure(
            r"redirects to another host \(http://localhost:9/movielens/ml-100k.zip\); refused",
            dest_root,
            url,
        )


def test_redirect_within_the_host_is_followed(served_dir: Path, dest_root: Path) -> None:
    serve_tiny(served_dir)
    files = partial(QuietFileHandler, directory=str(served_dir.parent))
    with serving(files) as files_url:
        origin = files_url.removesuffix("/movielens")
        with serving(redirecting_to(origin)) as url:
            # Another port of the same host: the host decides, as in a redirect to https.
            installed = download_dataset(
                "ml-latest-small", dest_root=dest_root, base_url=url, limits=QUICK
            )
    assert sorted(path.name for path in installed.iterdir()) == ["movies.csv", "ratings.csv"]


@pytest.mark.parametrize("address", ["files.grouplens.org/datasets", "127.0.0.1:8000", "ftp://x"])
def test_download_address_without_http_scheme_is_one_clear_line(
    address: str, dest_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEPICK_DOWNLOAD_URL", address)
    with pytest.raises(DownloadError, match="is not a URL: it starts with http://") as raised:
        download_dataset("ml-latest-small", dest_root=dest_root)
    assert f"{address!r} (set by $MOVIEPICK_DOWNLOAD_URL)" in str(raised.value)
    assert leftovers(dest_root) == []


def test_cli_download_with_a_schemeless_address_prints_one_line(tmp_path: Path) -> None:
    environment = {**os.environ, "MOVIEPICK_HOME": str(tmp_path), "MOVIEPICK_DOWNLOAD_URL": "x/y"}
    finished = subprocess.run(
        [sys.executable, "-m", "moviepick", "data", "download", "ml-latest-small"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 1
    printed = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(printed) == 1
    assert printed[0].startswith("moviepick: error: the download address 'x/y'")


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("MOVIEPICK_DOWNLOAD_DEADLINE", "soon", "a number of seconds above 0, not 'soon'"),
        ("MOVIEPICK_DOWNLOAD_DEADLINE", "0", "a number of seconds above 0, not '0'"),
        ("MOVIEPICK_DOWNLOAD_MIN_RATE", "-5", "a number of bytes a second, not '-5'"),
        ("MOVIEPICK_DOWNLOAD_MIN_RATE", "nan", "a number of bytes a second, not 'nan'"),
    ],
)
def test_wrong_limit_settings_are_named(
    variable: str, value: str, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(DownloadError, match=f"\\${variable} must be {problem}"):
        TransferLimits.from_environment()


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert TransferLimits.from_environment() == TransferLimits()
    monkeypatch.setenv("MOVIEPICK_DOWNLOAD_DEADLINE", "90")
    monkeypatch.setenv("MOVIEPICK_DOWNLOAD_MIN_RATE", "0")
    limits = TransferLimits.from_environment(timeout=7)
    assert (limits.timeout, limits.deadline, limits.min_rate) == (7, 90, 0)


def test_minimum_rate_from_the_environment_stops_a_trickle(
    dest_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEPICK_DOWNLOAD_DEADLINE", "0.5")
    with serving(TrickleHandler) as url, pytest.raises(DownloadError, match="longer than 0.5 s"):
        download_dataset("ml-100k", dest_root=dest_root, base_url=url, timeout=5)


def test_zip_bomb_is_refused_before_extraction(
    served_dir: Path, base_url: str, dest_root: Path
) -> None:
    archive = served_dir / "ml-latest-small.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for name, content in TINY_FILES.items():
            handle.writestr(name, content)
        handle.writestr("ml-latest-small/tags.csv", bytes(64 << 20))
    write_md5(archive)

    with pytest.raises(DownloadError, match=r"tags.csv inflates \d+-fold.*refused as a zip bomb"):
        download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)

    assert leftovers(dest_root) == []


def test_zip_over_the_size_limit_is_refused(
    served_dir: Path, base_url: str, dest_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_tiny(served_dir)
    monkeypatch.setenv("MOVIEPICK_MAX_UNZIPPED_BYTES", "64")
    with pytest.raises(DownloadError, match=r"inflates to 1\d\d bytes, over the limit of 64 bytes"):
        download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)
    assert leftovers(dest_root) == []


def test_leftovers_of_a_killed_download_are_cleared_by_the_next(
    served_dir: Path, base_url: str, dest_root: Path
) -> None:
    dest_root.mkdir()
    (dest_root / ".ml-latest-small.zip.k9x2.part").write_bytes(b"PK half")
    (dest_root / ".ml-latest-small.tmp-3fz").mkdir()
    (dest_root / ".ml-latest-small.tmp-3fz" / "ratings.csv").write_text("half")
    (dest_root / ".ml-100k.old-77a").mkdir()
    serve_tiny(served_dir)

    download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)

    assert leftovers(dest_root) == ["ml-latest-small"]


def test_a_second_download_into_the_folder_waits_its_turn(
    served_dir: Path, base_url: str, dest_root: Path
) -> None:
    serve_tiny(served_dir)
    with (
        install_lock(dest_root),
        pytest.raises(DownloadError, match="another download into .* is running"),
    ):
        download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)
    download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)
    assert leftovers(dest_root) == ["ml-latest-small"]


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_a_download_killed_midway_leaves_a_part_the_next_one_removes(
    stop: signal.Signals, served_dir: Path, base_url: str, dest_root: Path, tmp_path: Path
) -> None:
    download = (
        "from pathlib import Path; from moviepick.data.download import download_dataset; "
        f"download_dataset('ml-100k', dest_root=Path({str(dest_root)!r}), base_url={{url!r}})"
    )
    with serving(TrickleHandler) as trickle_url:
        child = subprocess.Popen(
            [sys.executable, "-c", download.format(url=trickle_url)],
            env={**os.environ, "MOVIEPICK_HOME": str(tmp_path / "home")},
        )
        try:
            parts = wait_for(lambda: list(dest_root.glob(".*.part")))
            child.send_signal(stop)
            assert child.wait(timeout=10) == -stop
        finally:
            child.kill()
    assert parts
    serve_tiny(served_dir)

    download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)

    assert leftovers(dest_root) == ["ml-latest-small"]


def wait_for(found: Callable[[], list[Path]], seconds: float = 20) -> list[Path]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := found():
            return result
        time.sleep(0.02)
    raise AssertionError("the download never started")


def test_broken_zip_from_the_server_leaves_nothing(
    served_dir: Path, base_url: str, dest_root: Path
) -> None:
    archive = served_dir / "ml-latest-small.zip"
    archive.write_bytes(b"PK\x03\x04 this is no zip")
    write_md5(archive)
    with pytest.raises(DownloadError, match="is not a readable zip .*nothing was installed"):
        download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)
    assert leftovers(dest_root) == []
