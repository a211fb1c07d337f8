"""The movie a person means by a piece of text: an exact "Title (year)", else the best fuzzy
match."""

from __future__ import annotations

import re

from moviepick.data.catalog import Catalog
from moviepick.errors import MoviepickError
from moviepick.services.matching import TitleIndex

_TITLE_WITH_YEAR = re.compile(r"^(?P<title>.*\S)\s*\((?P<year>\d{4})\)$")


def find_movie(catalog: Catalog, index: TitleIndex, text: str, dataset_name: str) -> int:
    """The item ``text`` names in ``catalog``; a MoviepickError when none matches."""
    from moviepick.services.search import MovieSearch

    if match := _TITLE_WITH_YEAR.match(text.strip()):
        item = index.find(match["title"], int(match["year"]))
    else:
        item = index.lookup(text)
    if item is None:
        found = MovieSearch(catalog).search(text, limit=1)
        item = found[0] if found else None
    if item is None:
        raise MoviepickError(f"no movie in {dataset_name} matches {text!r}")
    return item
