"""Limits on what a zip may inflate to, checked on the declared sizes before anything is read.

A member's declared size is checked against a limit (``$MOVIEPICK_MAX_UNZIPPED_BYTES``, 8 GiB by
default) and its compression ratio against what deflate achieves on MovieLens text (3-8x; a zip
bomb reaches hundreds to millions). A member that inflates past its declared size is safe too:
zipfile stops reading it there and reports a bad CRC.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable

from moviepick.errors import MoviepickError

MAX_UNZIPPED_VARIABLE = "MOVIEPICK_MAX_UNZIPPED_BYTES"
DEFAULT_MAX_UNZIPPED_BYTES = 8 << 30
MAX_RATIO = 100
# A member this small may compress as well as it likes: inflated, it still cannot hurt.
RATIO_FREE_BYTES = 16 << 20


def max_unzipped_bytes(error: type[MoviepickError]) -> int:
    """The limit on what one zip may inflate to: the environment's, or the default."""
    value = os.environ.get(MAX_UNZIPPED_VARIABLE, "").strip()
    if not value:
        return DEFAULT_MAX_UNZIPPED_BYTES
    if not value.isdecimal() or int(value) == 0:
        raise error(f"${MAX_UNZIPPED_VARIABLE} must be a whole number of bytes, not {value!r}")
    return int(value)


def check_sizes(
    members: Iterable[zipfile.ZipInfo], where: str, error: type[MoviepickError]
) -> None:
    """Refuse members whose declared sizes add up past the limit, or that inflate like a bomb."""
    members = list(members)
    limit = max_unzipped_bytes(error)
    total = sum(info.file_size for info in members)
    if total > limit:
        raise error(
            f"{where}: inflates to {total:,} bytes, over the limit of {limit:,} bytes "
            f"(${MAX_UNZIPPED_VARIABLE}); refused"
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FREE_BYTES and ratio > MAX_RATIO:
            raise error(
                f"{where}: {info.filename} inflates {ratio:.0f}-fold, from "
                f"{info.compress_size:,} to {info.file_size:,} bytes; refused as a zip bomb"
            )
