"""Find the MovieLens files behind a path: a folder, a zip, or a folder holding exactly one."""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from moviepick.data.unzip import check_sizes
from moviepick.errors import DatasetError

# Each layout is recognised by its ratings file and its movies file.
LAYOUT_FILES: dict[str, tuple[str, str]] = {
    "100k": ("u.data", "u.item"),
    "dat": ("ratings.dat", "movies.dat"),
    "csv": ("ratings.csv", "movies.csv"),
}
_MARKERS = ", ".join(ratings for ratings, _ in LAYOUT_FILES.values())


@dataclass(frozen=True)
class MovieLensFiles:
    """The files of one MovieLens folder, on disk or inside a zip (read without extracting)."""

    location: Path  # the folder, or the zip file
    prefix: str  # the folder inside the zip, with a trailing "/"; "" on disk or at the zip's root
    layout: str  # a key of LAYOUT_FILES
    members: frozenset[str]  # the file names in the MovieLens folder
    is_zip: bool

    @property
    def folder_name(self) -> str:
        """The MovieLens folder's own name: "ml-latest-small"."""
        if not self.is_zip:
            return self.location.name
        return PurePosixPath(self.prefix).name or self.location.stem

    @property
    def ratings_file(self) -> str:
        return LAYOUT_FILES[self.layout][0]

    @property
    def movies_file(self) -> str:
        return LAYOUT_FILES[self.layout][1]

    def has(self, name: str) -> bool:
        return name in self.members

    def describe(self, name: str) -> str:
        """Where ``name`` is, for messages."""
        if self.is_zip:
            return f"{self.location} ({self.prefix}{name})"
        return str(self.location / name)

    def path(self, name: str) -> Path | None:
        """The file on disk, or None inside a zip."""
        return None if self.is_zip else self.location / name

    def read_bytes(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        """The file as a stream: a zip member inflates as it is read, once its declared size
        passed the limits; damage found while reading is a DatasetError."""
        where = self.describe(name)
        try:
            if not self.is_zip:
                with (self.location / name).open("rb") as stream:
                    yield stream
                return
            with zipfile.ZipFile(self.location) as archive:
                member = archive.getinfo(self.prefix + name)
                check_sizes([member], where, DatasetError)
                with archive.open(member) as stream:
                    yield stream
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise DatasetError(f"{where}: the zip archive is corrupt ({error})") from None
        except OSError as error:
            raise DatasetError(f"{where}: cannot read ({error.strerror or error})") from None

    def stamps(self) -> list[tuple[str, int, int]]:
        """(path, size, mtime_ns) of every source file: they change when the data changes."""
        if self.is_zip:
            paths = [self.location]
        else:
            paths = [self.location / name for name in sorted(self.members)]
        stamps = []
        for path in paths:
            try:
                stat = path.stat()
            except OSError as error:
                raise DatasetError(f"{path}: cannot read ({error.strerror})") from None
            stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
        return stamps


def locate(source: Path | str) -> MovieLensFiles:
    """The MovieLens files at ``source``: a MovieLens folder or zip, a file inside such a folder,
    or a folder that holds exactly one MovieLens folder."""
    path = Path(source).expanduser()
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    if path.is_dir():
        return _locate_in_folder(path)
    _refuse_special_file(path)
    if zipfile.is_zipfile(path):
        return _locate_in_zip(path)
    if path.suffix.lower() == ".zip":
        raise DatasetError(f"{path}: not a readable zip archive (truncated or corrupt)")
    names = _file_names(path.parent)
    layout = _layout(names, str(path.parent))
    if layout is None:
        raise DatasetError(f"{path}: not a MovieLens zip, nor a file in a MovieLens folder")
    return MovieLensFiles(path.parent.resolve(), "", layout, names, is_zip=False)


def _refuse_special_file(path: Path) -> None:
    """A FIFO or a device would block or never end when read: only regular files are data."""
    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return
    kinds = {stat.S_ISFIFO: "a FIFO", stat.S_ISCHR: "a device", stat.S_ISBLK: "a device",
             stat.S_ISSOCK: "a socket"}  # fmt: skip
    kind = next((name for test, name in kinds.items() if test(mode)), "a special file")
    raise DatasetError(f"{path}: is {kind}, not a MovieLens folder, zip or file")


def _locate_in_folder(folder: Path) -> MovieLensFiles:
    names = _file_names(folder)
    layout = _layout(names, str(folder))
    if layout is not None:
        return MovieLensFiles(folder.resolve(), "", layout, names, is_zip=False)
    found = []
    for child in sorted(path for path in folder.iterdir() if path.is_dir()):
        child_names = _file_names(child)
        if any(all(name in child_names for name in pair) for pair in LAYOUT_FILES.values()):
            found.append(child)
    if len(found) == 1:
        return _locate_in_folder(found[0])
    if found:
        listed = ", ".join(child.name for child in found)
        raise DatasetError(f"{folder}: holds several MovieLens folders ({listed}); name one")
    raise DatasetError(f"{folder}: not a MovieLens folder (it has none of {_MARKERS})")


def _locate_in_zip(path: Path) -> MovieLensFiles:
    try:
        with zipfile.ZipFile(path) as archive:
            member_paths = [PurePosixPath(info.filename) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError) as error:
        raise DatasetError(f"{path}: not a readable zip archive ({error})") from None
    folders: dict[str, set[str]] = {}
    for member in member_paths:
        parent = "" if str(member.parent) == "." else f"{member.parent}/"
        folders.setdefault(parent, set()).add(member.name)
    found = []
    for prefix, names in sorted(folders.items()):
        layout = _layout(frozenset(names), f"{path} ({prefix})" if prefix else str(path))
        if layout is not None:
            files = MovieLensFiles(path.resolve(), prefix, layout, frozenset(names), is_zip=True)
            found.append(files)
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(files.prefix for files in found)
        raise DatasetError(f"{path}: holds several MovieLens folders ({listed}); extract one")
    raise DatasetError(f"{path}: not a MovieLens zip (it has none of {_MARKERS})")


def _file_names(folder: Path) -> frozenset[str]:
    try:
        return frozenset(path.name for path in folder.iterdir() if path.is_file())
    except OSError as error:
        raise DatasetError(f"{folder}: cannot list the folder ({error.strerror})") from None


def _layout(names: frozenset[str], where: str) -> str | None:
    """The layout ``names`` make up; None when there is no MovieLens file at all."""
    for layout, (ratings, movies) in LAYOUT_FILES.items():
        if ratings in names and movies in names:
            return layout
        if ratings in names or movies in names:
            present, missing = (ratings, movies) if ratings in names else (movies, ratings)
            raise DatasetError(f"{where}: has {present} but no {missing}")
    return None
