"""The MovieLens variants moviepick knows, read from ``datasets.toml``.

The file lives at ``data/datasets.toml`` in the repository. A wheel carries a copy inside the
package (``moviepick/data/datasets.toml``, see ``force-include`` in pyproject.toml); an editable
install has no copy there and reads the repository file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from moviepick.errors import DatasetError

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

REGISTRY_FILENAME = "datasets.toml"
_REPOSITORY_COPY = Path(__file__).resolve().parents[3] / "data" / REGISTRY_FILENAME


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    description: str
    url: str
    md5: str | None  # None: GroupLens rebuilds this zip, fetch "<url>.md5" instead
    zip_bytes: int
    size_approx: bool
    folder: str  # the zip's top folder
    layout: str  # "100k", "dat" or "csv"
    encoding: str
    rating_step: float
    ratings: int
    users: int
    movies: int
    counts_approx: bool

    @property
    def filename(self) -> str:
        return PurePosixPath(self.url).name

    @property
    def md5_url(self) -> str:
        return f"{self.url}.md5"


def registry_file() -> Traversable:
    """The packaged copy when there is one (wheel install), else the repository's file."""
    packaged = resources.files(__package__) / REGISTRY_FILENAME
    return packaged if packaged.is_file() else _REPOSITORY_COPY


@cache
def registry() -> dict[str, DatasetSpec]:
    source = registry_file()
    try:
        tables = tomllib.loads(source.read_text(encoding="utf-8"))
        return {name: _spec_from_table(name, table) for name, table in tables.items()}
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise DatasetError(f"cannot read the dataset registry {source}: {error!r}") from error


def spec(name: str) -> DatasetSpec:
    known = registry()
    if name not in known:
        raise DatasetError(f"unknown dataset {name}; known: {', '.join(known)}")
    return known[name]


def _spec_from_table(name: str, table: dict[str, Any]) -> DatasetSpec:
    return DatasetSpec(
        name=name,
        description=str(table["description"]),
        url=str(table["url"]),
        md5=table.get("md5"),
        zip_bytes=int(table["zip_bytes"]),
        size_approx=bool(table.get("size_approx", False)),
        folder=str(table["folder"]),
        layout=str(table["layout"]),
        encoding=str(table["encoding"]),
        rating_step=float(table["rating_step"]),
        ratings=int(table["ratings"]),
        users=int(table["users"]),
        movies=int(table["movies"]),
        counts_approx=bool(table.get("counts_approx", False)),
    )
