"""Download a MovieLens zip from GroupLens, check its md5 and install it atomically.

The zip streams to a hidden temp file beside the installs; once its md5 matches, its top folder
is extracted into a staging folder that replaces ``<dest_root>/<name>`` in one rename. Whatever
stops the download half-way (an error, Ctrl-C) leaves the previous install, if any, untouched
and no temp file behind; what a killed download left is cleared by the next one
(:mod:`install_lock`). The transfer's limits are :class:`transfer.TransferLimits`; the zip's
declared sizes are checked before extraction (:mod:`unzip`).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from moviepick import paths
from moviepick.atomic import replace_dir
from moviepick.data.install_lock import install_lock
from moviepick.data.registry import DatasetSpec, registry, spec
from moviepick.data.transfer import Progress, TransferLimits, fetch
from moviepick.data.unzip import check_sizes
from moviepick.errors import DownloadError

DOWNLOAD_URL_VARIABLE = "MOVIEPICK_DOWNLOAD_URL"
CHUNK_BYTES = 256 * 1024
MD5_FILE_LIMIT = 4096
# A zip may outgrow its registry size (GroupLens rebuilds some), not this much: a server that
# sends more is refused before it fills the disk.
_ZIP_SLACK_BYTES = 64 << 20
_MD5_LINE_STYLES = (
    re.compile(r"^MD5 \((?P<file>.+)\) = (?P<md5>[0-9a-fA-F]{32})$"),
    re.compile(r"^(?P<md5>[0-9a-fA-F]{32}) [ *]?(?P<file>.+)$"),
)


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
    limits: TransferLimits | None = None,
) -> Path:
    """Download, verify and install ``name``; return its folder ``<dest_root>/<name>``.

    ``base_url`` (or ``$MOVIEPICK_DOWNLOAD_URL``) replaces the GroupLens folder the zip and its
    ``.md5`` are fetched from. ``limits`` default to :meth:`TransferLimits.from_environment`
    with ``timeout`` as the stall timeout.
    """
    dataset = spec(name)
    limits = limits or TransferLimits.from_environment(timeout)
    url = _zip_url(dataset, base_url)
    target = install_dir(name, dest_root)
    with install_lock(target.parent):
        expected_md5 = dataset.md5 or _fetch_md5(f"{url}.md5", dataset.filename, limits)
        handle, part_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{dataset.filename}.", suffix=".part"
        )
        part = Path(part_name)
        try:
            digest = hashlib.md5(usedforsecurity=False)
            with os.fdopen(handle, "wb") as sink:
                max_bytes = 2 * dataset.zip_bytes + _ZIP_SLACK_BYTES
                fetch(
                    url, sink, limits, max_bytes=max_bytes, progress=progress, chunk=digest.update
                )
            actual_md5 = digest.hexdigest()
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
    base, origin = base_url, ""
    if not base and (base := os.environ.get(DOWNLOAD_URL_VARIABLE)):
        origin = f" (set by ${DOWNLOAD_URL_VARIABLE})"
    if not base:
        return dataset.url
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DownloadError(
            f"the download address {base!r}{origin} is not a URL: it starts with http:// "
            "or https://, like https://files.grouplens.org/datasets/movielens"
        )
    return f"{base.rstrip('/')}/{dataset.filename}"


def _fetch_md5(url: str, filename: str, limits: TransferLimits) -> str:
    body = io.BytesIO()
    fetch(url, body, limits, max_bytes=MD5_FILE_LIMIT)
    return parse_md5(body.getvalue().decode("ascii", errors="replace"), filename)


def _extract(archive: Path, folder: str, staging: Path, url: str) -> None:
    """Extract the contents of the zip's top ``folder`` into ``staging``."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [(info, _inside(info.filename, folder, url)) for info in zipped.infolist()]
            check_sizes(zipped.infolist(), url, DownloadError)
            for info, relative in members:
                target = staging.joinpath(*relative.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink, CHUNK_BYTES)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as error:
        raise DownloadError(
            f"{url} is not a readable zip ({error}); nothing was installed"
        ) from None


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
