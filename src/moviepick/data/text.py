"""The text of a MovieLens file: decoded in its layout's encoding, a bad byte replaced, not fatal.

ml-100k and ml-1m are ISO-8859-1, the others UTF-8. A UTF-8 file with a stray byte keeps its
encoding: only that byte becomes U+FFFD, and a warning names the line, so one bad byte cannot
garble every accented title of the file.
"""

from __future__ import annotations

import logging

LATIN_1 = "iso-8859-1"
UTF_8 = "utf-8"

logger = logging.getLogger(__name__)


def decode(data: bytes, encoding: str, where: str) -> str:
    """``data`` as text; bytes that are not ``encoding`` become U+FFFD, with one warning."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        bad_lines = _undecodable_lines(data, encoding)
        more = f" (and {len(bad_lines) - 1} more lines)" if len(bad_lines) > 1 else ""
        logger.warning(
            "%s: line %d%s holds bytes that are not %s; they read as \ufffd",
            where,
            bad_lines[0],
            more,
            encoding.upper(),
        )
        return data.decode(encoding, errors="replace")


def looks_like_utf8(data: bytes) -> bool:
    """Whether non-ASCII lines read as UTF-8 at least as often as not.

    Latin-1 accents almost never form a valid UTF-8 sequence, so a Latin-1 file fails on nearly
    every such line, while a UTF-8 file fails only where a byte went astray.
    """
    valid = invalid = 0
    for line in data.splitlines():
        if line.isascii():
            continue
        try:
            line.decode(UTF_8)
        except UnicodeDecodeError:
            invalid += 1
        else:
            valid += 1
    return valid >= invalid


def _undecodable_lines(data: bytes, encoding: str) -> list[int]:
    """The numbers (from 1) of the lines that do not decode."""
    numbers = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            numbers.append(number)
    return numbers
