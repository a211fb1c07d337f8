from __future__ import annotations

import hashlib
import shutil
import socket
import socketserver
import struct
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from moviepick import paths
from moviepick.data.download import download_dataset, installed_datasets, parse_md5
from moviepick.errors import DownloadError

REAL_ZIP_MD5 = "31a303aabbc519bd33d025e44d6c2570"
TINY_FILES = {
    "ml-latest-small/": b"",
    "ml-latest-small/ratings.csv": b"userId,movieId,rating,timestamp\n1,1,4.0,964982703\n",
    "ml-latest-small/movies.csv": b"movieId,title,genres\n1,Toy Story (1995),Animation\n",
}


class QuietFileHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class CutOffHandler(BaseHTTPRequestHandler):
    """Promises a long body, sends a little of it, then hangs up."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"PK" + bytes(998))
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class ResetHandler(socketserver.BaseRequestHandler):
    """Sends the headers and part of the body, waits until the client has the headers, then
    resets the connection (SO_LINGER 0) instead of closing it."""

    headers_read = threading.Event()

    def handle(self) -> None:
        self.request.recv(65536)
        self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 100000\r\n\r\n" + bytes(1000))
        self.headers_read.wait(timeout=5)
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()


@contextmanager
def serving(handler: type[socketserver.BaseRequestHandler] | partial) -> Iterator[str]:
    """Serve on a free port of 127.0.0.1; yield the base URL of the MovieLens folder."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/movielens"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


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


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def write_md5(zip_path: Path, md5: str | None = None, style: str = "bsd") -> None:
    md5 = md5 or hashlib.md5(zip_path.read_bytes()).hexdigest()
    line = f"MD5 ({zip_path.name}) = {md5}" if style == "bsd" else f"{md5}  {zip_path.name}"
    zip_path.with_name(f"{zip_path.name}.md5").write_text(line + "\n", encoding="ascii")


def serve_tiny(served_dir: Path, members: dict[str, bytes] = TINY_FILES) -> Path:
    archive = write_zip(served_dir / "ml-latest-small.zip", members)
    write_md5(archive)
    return archive


def leftovers(root: Path) -> list[str]:
    return sorted(entry.name for entry in root.iterdir()) if root.exists() else []


def test_downloads_verifies_and_installs_the_real_zip(
    shared_data: Path, served_dir: Path, base_url: str, dest_root: Path
) -> None:
    archive = served_dir / "ml-latest-small.zip"
    shutil.copyfile(shared_data / "ml-latest-small.zip", archive)
    write_md5(archive, REAL_ZIP_MD5)
    reports: list[tuple[int, int | None]] = []

    installed = download_dataset(
        "ml-latest-small",
        dest_root=dest_root,
        base_url=base_url,
        progress=lambda done, total: reports.append((done, total)),
    )

    assert installed == dest_root / "ml-latest-small"
    assert sorted(path.name for path in installed.iterdir()) == [
        "README.txt",
        "links.csv",
        "movies.csv",
        "ratings.csv",
        "tags.csv",
    ]
    assert (installed / "ratings.csv").stat().st_size == 2483723
    size = archive.stat().st_size
    assert reports[0] == (0, size) and reports[-1] == (size, size)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    assert leftovers(dest_root) == ["ml-latest-small"]
    assert installed_datasets(dest_root) == ["ml-latest-small"]


def test_corrupted_download_is_refused_and_leaves_nothing(
    shared_data: Path, served_dir: Path, base_url: str, dest_root: Path
) -> None:
    corrupted = bytearray((shared_data / "ml-latest-small.zip").read_bytes())
    corrupted[len(corrupted) // 2] ^= 0xFF
    archive = served_dir / "ml-latest-small.zip"
    archive.write_bytes(corrupted)
    write_md5(archive, REAL_ZIP_MD5)
    actual = hashlib.md5(corrupted).hexdigest()

    with pytest.raises(DownloadError, match=f"md5 {actual}, expected {REAL_ZIP_MD5}"):
        download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)

    assert leftovers(dest_root) == []


def test_registry_md5_is_checked_without_fetching_one(
    served_dir: Path, base_url: str, dest_root: Path
) -> None:
    write_zip(served_dir / "ml-100k.zip", {"ml-100k/u.data": b"1\t1\t5\t881250949\n"})

    with pytest.raises(DownloadError, match="expected 0e33842e24a9c977be4e0107933c0723"):
        download_dataset("ml-100k", dest_root=dest_root, base_url=base_url)

    assert leftovers(dest_root) == []


@pytest.mark.parametrize("style", ["bsd", "gnu"])
def test_both_md5_file_styles_verify(
    style: str, served_dir: Path, base_url: str, dest_root: Path
) -> None:
    archive = write_zip(served_dir / "ml-latest-small.zip", TINY_FILES)
    write_md5(archive, style=style)

    installed = download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)

    assert (installed / "ratings.csv").read_bytes() == TINY_FILES["ml-latest-small/ratings.csv"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "MD5 (ml-1m.zip) = C4D9EECFCA2AB87C1945AFE126590906\n",
            "c4d9eecfca2ab87c1945afe126590906",
        ),
        ("c4d9eecfca2ab87c1945afe126590906  ml-1m.zip\n", "c4d9eecfca2ab87c1945afe126590906"),
        ("c4d9eecfca2ab87c1945afe126590906 *ml-1m.zip", "c4d9eecfca2ab87c1945afe126590906"),
        (
            "MD5 (/srv/movielens/ml-1m.zip) = c4d9eecfca2ab87c1945afe126590906",
            "c4d9eecfca2ab87c1945afe126590906",
        ),
    ],
)
def test_parse_md5(text: str, expected: str) -> None:
    assert parse_md5(text, "ml-1m.zip") == expected


@pytest.mark.parametrize(
    "text", ["", "<html>Not Found</html>", "c4d9eecfca2ab87c1945afe126590906  ml-20m.zip"]
)
def test_parse_md5_refuses_a_file_without_our_md5(text: str) -> None:
    with pytest.raises(DownloadError, match="checksum file for ml-1m.zip"):
        parse_md5(text, "ml-1m.zip")


def test_environment_variable_moves_the_download_host(
    served_dir: Path, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_tiny(served_dir)
    monkeypatch.setenv("MOVIEPICK_DOWNLOAD_URL", base_url)

    installed = download_dataset("ml-latest-small")

    assert installed == paths.datasets_dir() / "ml-latest-small"
    assert installed_datasets() == ["ml-latest-small"]


@pytest.mark.parametrize("name", ["ml-latest-small", "ml-100k"])
def test_unreachable_server_says_so_and_names_the_alternative(name: str, dest_root: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    with pytest.raises(DownloadError) as raised:
        download_dataset(name, dest_root=dest_root, base_url=f"http://127.0.0.1:{closed_port}/")

    message = str(raised.value)
    assert message.startswith(f"download failed, cannot reach 127.0.0.1:{closed_port} (")
    assert "pass --data PATH" in message and "\n" not in message
    assert leftovers(dest_root) == []


def test_missing_file_on_the_server_is_an_http_error(base_url: str, dest_root: Path) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)


def test_connection_cut_mid_body_leaves_nothing(dest_root: Path) -> None:
    with (
        serving(CutOffHandler) as cut_off_url,
        pytest.raises(DownloadError, match="cut off after 1000 of 100000 bytes"),
    ):
        download_dataset("ml-100k", dest_root=dest_root, base_url=cut_off_url, timeout=5)

    assert leftovers(dest_root) == []


def test_connection_reset_mid_body_leaves_nothing(dest_root: Path) -> None:
    ResetHandler.headers_read.clear()
    with (
        serving(ResetHandler) as reset_url,
        pytest.raises(DownloadError, match="was interrupted .*pass --data PATH"),
    ):
        download_dataset(
            "ml-100k",
            dest_root=dest_root,
            base_url=reset_url,
            progress=lambda done, total: ResetHandler.headers_read.set(),
            timeout=5,
        )

    assert leftovers(dest_root) == []


def test_interrupt_during_download_leaves_nothing(
    served_dir: Path, base_url: str, dest_root: Path
) -> None:
    serve_tiny(served_dir)

    def press_ctrl_c(done: int, total: int | None) -> None:
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download_dataset(
            "ml-latest-small", dest_root=dest_root, base_url=base_url, progress=press_ctrl_c
        )

    assert leftovers(dest_root) == []


def test_new_download_replaces_an_existing_install(
    served_dir: Path, base_url: str, dest_root: Path
) -> None:
    (dest_root / "ml-latest-small").mkdir(parents=True)
    (dest_root / "ml-latest-small" / "stale.csv").write_text("old", encoding="utf-8")
    serve_tiny(served_dir)

    installed = download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)

    assert sorted(path.name for path in installed.iterdir()) == ["movies.csv", "ratings.csv"]
    assert leftovers(dest_root) == ["ml-latest-small"]


def test_failed_download_keeps_the_existing_install(
    served_dir: Path, base_url: str, dest_root: Path
) -> None:
    (dest_root / "ml-latest-small").mkdir(parents=True)
    (dest_root / "ml-latest-small" / "ratings.csv").write_text("kept", encoding="utf-8")
    archive = write_zip(served_dir / "ml-latest-small.zip", TINY_FILES)
    write_md5(archive, "0" * 32)

    with pytest.raises(DownloadError, match="did not verify"):
        download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)

    assert (dest_root / "ml-latest-small" / "ratings.csv").read_text(encoding="utf-8") == "kept"
    assert leftovers(dest_root) == ["ml-latest-small"]


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        ("ml-latest-small/../../escaped.csv", "unsafe path"),
        ("/tmp/escaped.csv", "unsafe path"),
        ("ml-latest-small\\..\\..\\escaped.csv", "unsafe path"),
        ("C:/escaped.csv", "unsafe path"),
        ("another-folder/escaped.csv", "outside its expected folder ml-latest-small/"),
    ],
)
def test_zip_members_outside_the_top_folder_are_refused(
    member: str, problem: str, served_dir: Path, base_url: str, dest_root: Path, tmp_path: Path
) -> None:
    serve_tiny(served_dir, {**TINY_FILES, member: b"escaped"})

    with pytest.raises(DownloadError, match=problem):
        download_dataset("ml-latest-small", dest_root=dest_root, base_url=base_url)

    assert leftovers(dest_root) == []
    assert not list(tmp_path.rglob("escaped.csv"))


def test_installed_datasets_lists_only_registry_folders(dest_root: Path) -> None:
    for folder in ("ml-1m", "ml-100k", "my-notes", ".ml-25m.tmp-x"):
        (dest_root / folder).mkdir(parents=True)

    assert installed_datasets(dest_root) == ["ml-100k", "ml-1m"]
