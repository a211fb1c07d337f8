"""Two models tried on your own taste: their picks side by side, and how well each foresees
the stars you gave.

Each of your rated movies is held out in turn: the model scores the profile without it
(:func:`moviepick.models.base.without`), so it cannot simply echo your stars back. A model that
predicts ratings is scored on the stars it gives the held-out movie (RMSE, MAE); every model is
also scored on where it ranks each held-out movie you liked among the movies you have not seen
(hit rate at :data:`HIT_AT`), the one figure a ranking model and a rating model share.

One scoring per rated movie is the cost, so only your :data:`RECENT_RATINGS` most recent ratings
are held out; the result says how many it held out of how many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moviepick.fitting.fit import Cancelled, StopCheck
from moviepick.metrics import rating
from moviepick.models.base import Query, Recommender, without
from moviepick.services.picks import Comparison, Picker, PickFilters

PICKS = 20
HIT_AT = 20  # a held-out liked movie is a hit when ranked this high or higher
RECENT_RATINGS = 300  # the most recent ratings held out, one scoring each
LIKED_SHARE = 0.75  # liked: stars in the top quarter of the scale (4 and up on 0.5..5 or 1..5)


@dataclass(frozen=True)
class TasteRow:
    """One of your rated movies, held out: your stars, and each model's guess at them (None for
    a model that does not predict stars) and rank for it among your unseen movies."""

    item: int
    title: str
    stars: float
    stars_a: float | None
    stars_b: float | None
    rank_a: int
    rank_b: int


@dataclass(frozen=True)
class ModelTaste:
    """How one model foresaw your taste over the held-out movies."""

    name: str
    predicts_ratings: bool
    rmse: float | None  # None for a model that ranks without predicting stars, or no ratings
    mae: float | None
    hits: int  # held-out liked movies ranked within the comparison's hit_at
    liked: int  # held-out liked movies

    @property
    def hit_rate(self) -> float | None:
        """The share of your held-out liked movies that were hits; None with none."""
        return self.hits / self.liked if self.liked else None


@dataclass(frozen=True)
class TasteComparison:
    """Two models' picks for you and their fit to your stars, movie by movie."""

    picks: Comparison
    a: ModelTaste
    b: ModelTaste
    rows: list[TasteRow]  # newest rating first
    titles: dict[int, str]  # each picked movie's display title: a front end needs no catalogue
    rated: int  # your ratings of movies in this dataset
    liked_from: float  # stars at and above which a rating counts as liked
    hit_at: int  # the rank within which a held-out liked movie is a hit

    @property
    def overlap(self) -> int:
        """How many movies both models picked."""
        return len(self.picks.shared)

    @property
    def overlap_share(self) -> float:
        """The shared movies over the longer pick list (0 without picks)."""
        longest = max(len(self.picks.left), len(self.picks.right))
        return self.overlap / longest if longest else 0.0

    @property
    def capped(self) -> bool:
        """Whether only the most recent of your ratings were held out."""
        return len(self.rows) < self.rated


def compare_taste(
    picker: Picker,
    model_a: Recommender,
    model_b: Recommender,
    *,
    names: tuple[str, str] | None = None,
    n: int = PICKS,
    filters: PickFilters | None = None,
    cap: int = RECENT_RATINGS,
    hit_at: int = HIT_AT,
    should_stop: StopCheck | None = None,
) -> TasteComparison:
    """``model_a`` against ``model_b`` on the profile: each one's ``n`` picks
    (:meth:`Picker.compare`) and each one's leave-one-out fit to your ``cap`` most recent
    ratings, with hits counted within ``hit_at``. ``names`` label the models (their saved
    names, say; by default their class names); ``filters`` apply to the picks only.

    ``should_stop`` is asked before each held-out movie; True raises :class:`Cancelled`.
    """
    label_a, label_b = names or (model_a.name, model_b.name)
    picks = picker.compare(model_a, model_b, n, filters or PickFilters())
    query = picker.query()
    held_out = list(query.ratings)[-cap:][::-1] if cap > 0 else []
    low, high = picker.dataset.rating_scale
    liked_from = low + LIKED_SHARE * (high - low)
    stop = should_stop or (lambda: False)
    (stars_a, rank_a), (stars_b, rank_b) = (
        _held_out_guesses(model, query, held_out, (low, high), stop) for model in (model_a, model_b)
    )
    titles = picker.dataset.catalog.titles
    rows = [
        TasteRow(
            item,
            titles[item],
            float(query.ratings[item]),
            _star(stars_a, position),
            _star(stars_b, position),
            int(rank_a[position]),
            int(rank_b[position]),
        )
        for position, item in enumerate(held_out)
    ]
    yours = np.array([row.stars for row in rows], dtype=np.float64)
    liked = yours >= liked_from
    return TasteComparison(
        picks=picks,
        a=_model_taste(label_a, model_a, yours, stars_a, rank_a <= hit_at, liked),
        b=_model_taste(label_b, model_b, yours, stars_b, rank_b <= hit_at, liked),
        rows=rows,
        titles={pick.item: titles[pick.item] for pick in [*picks.left, *picks.right]},
        rated=len(query.ratings),
        liked_from=liked_from,
        hit_at=hit_at,
    )


def _held_out_guesses(
    model: Recommender,
    query: Query,
    held_out: list[int],
    scale: tuple[float, float],
    stop: StopCheck,
) -> tuple[np.ndarray | None, np.ndarray]:
    """For each held-out movie, the stars ``model`` gives it with the rest of the profile
    (within ``scale``; None for a model that does not predict stars) and its rank among the
    movies that profile has not seen."""
    stars = np.zeros(len(held_out), dtype=np.float64)
    ranks = np.zeros(len(held_out), dtype=np.int64)
    for position, item in enumerate(held_out):
        if stop():
            raise Cancelled("the comparison on your taste was stopped")
        rest = without(query, item)
        scores = np.asarray(model.score_query(rest), dtype=np.float64)
        stars[position] = np.clip(scores[item], *scale)
        ranks[position] = held_out_rank(scores, item, rest.seen)
    return (stars if model.gives_stars else None), ranks


def held_out_rank(scores: np.ndarray, item: int, seen: frozenset[int]) -> int:
    """``item``'s rank (1 = first) among the movies outside ``seen``, ties broken by the lower
    index as :func:`moviepick.models.base.top_n` breaks them."""
    candidates = np.ones(len(scores), dtype=bool)
    known = [other for other in seen if 0 <= other < len(scores) and other != item]
    candidates[known] = False
    score = scores[item]
    ahead = (scores > score) | ((scores == score) & (np.arange(len(scores)) < item))
    return int(np.count_nonzero(ahead & candidates)) + 1


def _star(stars: np.ndarray | None, position: int) -> float | None:
    return None if stars is None else float(stars[position])


def _model_taste(
    name: str,
    model: Recommender,
    yours: np.ndarray,
    stars: np.ndarray | None,
    hit: np.ndarray,
    liked: np.ndarray,
) -> ModelTaste:
    rmse = mae = None
    if stars is not None and len(yours):
        rmse, mae = rating.rmse(stars, yours), rating.mae(stars, yours)
    return ModelTaste(
        name=name,
        predicts_ratings=model.gives_stars,
        rmse=rmse,
        mae=mae,
        hits=int(np.count_nonzero(liked & hit)),
        liked=int(np.count_nonzero(liked)),
    )
