"""The one line under a pick that says why it is there; every wording lives here so the app and
the CLI say the same thing."""

from __future__ import annotations

from moviepick.data.catalog import Catalog


def stars_text(stars: float) -> str:
    """Stars as glyphs, a half as ½: 4.5 -> "★★★★½"."""
    halves = round(stars * 2)
    return "★" * (halves // 2) + ("½" if halves % 2 else "")


def rated_reason(title: str, stars: float) -> str:
    return f"because you rated {title} {stars_text(stars)}"


def watched_reason(title: str) -> str:
    return f"because you watched {title}"


def follows_reason(title: str) -> str:
    """For a model that reads the order of the sequence, asked what comes next."""
    return f"because it follows {title} in your sequence"


def popular_reason(catalog: Catalog, item: int) -> str:
    """Why a pick no input of the person explains is there: how the dataset rates it."""
    count = int(catalog.rating_count[item])
    if count == 0:
        return "not rated in this dataset yet"
    return f"popular: {count:,} ratings, mean ★{float(catalog.rating_mean[item]):.1f}"
