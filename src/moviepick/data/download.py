"""Download a MovieLens zip from GroupLens, check its md5 and install it atomically.

The zip streams to a hidden temp file beside the installs; once its md5 matches, its top folder
is extracted into a staging folder that replaces ``<dest_root>/<name>`` in one rename. Whatever
stops the download half-way (an error, Ctrl-C) leaves the previous install, if any, untouched
and no temp file behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from http.client import HTTPException, HTTPResponse
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import urlsplit

from moviepick import __version__, paths
from moviepick.atomic import replace_dir
from moviepick.data.registry import DatasetSpec, registry, spec
from moviepick.errors import DownloadError

Progress = Callable[[int, int | None], None]
"""Called with (bytes done, total bytes or None when the server does not say)."""

DOWNLOAD_URL_VARIABLE = "MOVIEPICK_DOWNLOAD_URL"
CHUNK_BYTES = 256 * 1024
MD5_FILE_LIMIT = 4096
_MD5_LINE_STYLES = (
    re.compile(r"^MD5 \((?P<file>.+)\) = (?P<md5>[0-9a-fA-F]{32})$"),
    re.compile(r"^(?P<md5>[0-9a-fA-F]{32}) [ *]?(?P<file>.+)$"),
)
_NO_NETWORK_HINT = "check your connection, or pass --data PATH to a MovieLens folder or zip"


def install_dir(name: str, dest_root: Path | None = None) -> Path:
    """Where the dataset ``name`` is (or would be) installed."""
    return (dest_root or paths.datasets_dir()) / name


def installed_datasets(dest_root: Path | None = None) -> list[str]:
    """The registry datasets installed under ``dest_root``, in registry order."""
    return [name for name in registry() if install_dir(name, dest_root).is_dir()]


def download_dataset(
    name: str,
    *,
    dest_root: Path | None = None,
    progress: Progress | None = None,
    base_url: str | None = None,
    timeout: float = 30,
) -> Path:
    """Download, verify and install ``name``; return its folder ``<dest_root>/<name>``.

    ``base_url`` (or ``$MOVIEPICK_DOWNLOAD_URL``) replaces the GroupLens folder the zip and its
    ``.md5`` are fetched from.
    """
    dataset = spec(name)
    url = _zip_url(dataset, base_url)
    expected_md5 = dataset.md5 or _fetch_md5(f"{url}.md5", dataset.filename, timeout)
    target = install_dir(name, dest_root)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, part_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{dataset.filename}.", suffix=".part"
    )
    part = Path(part_name)
    try:
        with os.fdopen(handle, "wb") as sink:
            actual_md5 = _stream(url, sink, progress, timeout)
        if actual_md5 != expected_md5.lower():
            raise DownloadError(
                f"{url} did not verify: md5 {actual_md5}, expected {expected_md5}; "
                "nothing was installed, try again"
            )
        with replace_dir(target) as staging:
            _extract(part, dataset.folder, staging, url)
    finally:
        part.unlink(missing_ok=True)
    return target


def parse_md5(text: str, filename: str) -> str:
    """The md5 of ``filename`` in a GroupLens ``.md5`` file, in either style it uses:
    ``MD5 (ml-1m.zip) = <md5>`` or ``<md5>  ml-1m.zip``."""
    for line in text.splitlines():
        for style in _MD5_LINE_STYLES:
            found = style.match(line.strip())
            if found and PurePosixPath(found["file"].strip()).name == filename:
                return found["md5"].lower()
    raise DownloadError(f"the checksum file for {filename} does not give its md5")


def _zip_url(dataset: DatasetSpec, base_url: str | None) -> str:
    base = base_url or os.environ.get(DOWNLOAD_URL_VARIABLE)
    return f"{base.rstrip('/')}/{dataset.filename}" if base else dataset.url


def _fetch_md5(url: str, filename: str, timeout: float) -> str:
    with _open(url, timeout) as response:
        text = _read(response, MD5_FILE_LIMIT, url).decode("ascii", errors="replace")
    return parse_md5(text, filename)


def _stream(url: str, sink: BinaryIO, progress: Progress | None, timeout: float) -> str:
    """Copy the body of ``url`` into ``sink`` and return its md5."""
    digest = hashlib.md5(usedforsecurity=False)
    with _open(url, timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        done = 0
        if progress:
            progress(done, total)
        while chunk := _read(response, CHUNK_BYTES, url):
            sink.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    if total is not None and done != total:
        raise DownloadError(f"download of {url} was cut off after {done} of {total} bytes")
    return digest.hexdigest()


def _open(url: str, timeout: float) -> HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": f"moviepick/{__version__}"})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        raise DownloadError(f"cannot download {url}: HTTP {error.code} {error.reason}") from error
    except urllib.error.URLError as error:
        raise _no_network(url, error.reason) from error
    except (OSError, HTTPException) as error:
        raise _no_network(url, error) from error


def _read(response: HTTPResponse, size: int, url: str) -> bytes:
    """Read up to ``size`` bytes of the body; a connection lost meanwhile is a DownloadError."""
    try:
        return response.read(size)
    except (OSError, HTTPException) as error:
        raise DownloadError(
            f"download of {url} was interrupted ({error!r}): try again, or pass --data PATH "
            "to a MovieLens folder or zip"
        ) from error


def _no_network(url: str, reason: object) -> DownloadError:
    host = urlsplit(url).netloc or url
    return DownloadError(f"download failed, cannot reach {host} ({reason}): {_NO_NETWORK_HINT}")


def _extract(archive: Path, folder: str, staging: Path, url: str) -> None:
    """Extract the contents of the zip's top ``folder`` into ``staging``."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [(info, _inside(info.filename, folder, url)) for info in zipped.infolist()]
            for info, relative in members:
                target = staging.joinpath(*relative.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink, CHUNK_BYTES)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise DownloadError(f"{url} is not a readable zip: {error}") from error


def _inside(member: str, folder: str, url: str) -> PurePosixPath:
    """The member's path below ``folder``; refuses paths that could land outside it."""
    path = PurePosixPath(member.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in member:
        raise DownloadError(f"{url} holds an unsafe path {member!r}; nothing was installed")
    if not path.parts or path.parts[0] != folder:
        raise DownloadError(
            f"{url} holds {member!r} outside its expected folder {folder}/; nothing was installed"
        )
    return PurePosixPath(*path.parts[1:])
