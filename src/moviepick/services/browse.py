"""Browse the catalogue: the fuzzy search, narrowed by genre and years, in the order asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from moviepick.services.search import MovieSearch

Sort = Literal["match", "popularity", "rating"]
SORTS: dict[Sort, str] = {
    "match": "best match",
    "popularity": "most rated",
    "rating": "best rated (Bayesian)",
}
FILTERED_POOL = 2000  # search matches looked at when a filter may drop most of them


@dataclass(frozen=True)
class Browse:
    """What the person asks the catalogue for."""

    text: str = ""
    genre: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    sort: Sort = "match"

    @property
    def filtered(self) -> bool:
        return self.genre is not None or self.year_from is not None or self.year_to is not None


def parse_years(text: str) -> tuple[int | None, int | None]:
    """A year range as typed: "1990-1999", "1990-" (from), "-1980" (up to), "1995" (that year),
    "" (any). A ValueError for anything else."""
    text = text.strip()
    if not text:
        return None, None
    start, dash, end = text.partition("-")
    if not dash:
        end = start
    problem = f"not a year range: {text!r} (try 1990-1999, 1990- or -1980)"
    try:
        low, high = (int(part) if part.strip() else None for part in (start, end))
    except ValueError:
        raise ValueError(problem) from None
    if any(year is not None and not 1800 <= year <= 2200 for year in (low, high)):
        raise ValueError(problem)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


def browse(search: MovieSearch, asked: Browse, limit: int = 100) -> list[int]:
    """Up to ``limit`` items: the search matches (the most popular movies for no text) that
    pass the filters, in the order of ``asked.sort``."""
    catalog = search.catalog
    if asked.text.strip():
        pool = np.asarray(
            search.search(asked.text, FILTERED_POOL if asked.filtered else limit), dtype=np.int64
        )
    elif asked.filtered or asked.sort != "match":
        pool = np.arange(len(catalog), dtype=np.int64)
    else:
        return search.search("", limit)
    keep = np.ones(len(pool), dtype=bool)
    if asked.genre is not None and asked.genre in catalog.genre_names:
        keep &= catalog.genres[pool, catalog.genre_names.index(asked.genre)]
    years = catalog.years[pool].astype(np.int64)
    if asked.year_from is not None:
        keep &= years >= asked.year_from
    if asked.year_to is not None:
        keep &= (years <= asked.year_to) & (years > 0)
    pool = pool[keep]
    if asked.sort == "popularity" or (asked.sort == "match" and not asked.text.strip()):
        pool = pool[np.argsort(-catalog.rating_count[pool], kind="stable")]
    elif asked.sort == "rating":
        pool = pool[np.argsort(-catalog.score[pool], kind="stable")]
    return pool[:limit].tolist()
