"""Reasons for picks and item vectors beyond the shared contract: the models with an exact form
are exact at any size, the others' estimate above the leave-one-out limit is plausible, and on
real data the reasons are fast and the neighbours look right."""

from __future__ import annotations

import time
from functools import cache

import numpy as np
import pytest
from planted import FAST_PARAMS, Planted, planted

from moviepick.models.base import Contribution, Query, Recommender, query_inputs, without
from moviepick.models.registry import create_model

BLOCK_ZERO = Planted.block_of(0).tolist()
BLOCK_ONE = Planted.block_of(15).tolist()

# Models whose reasons are exact whatever the number of inputs.
EXACT = {
    "als": ("als", {}),
    "als-implicit": ("als", {"feedback": "implicit"}),
    "ease": ("ease", {}),
    "ease-binary": ("ease", {"weights": "binary"}),
    "seq-mean": ("seq-mean", FAST_PARAMS["seq-mean"]),  # reads the last 4 movies
    "sasrec": ("sasrec", FAST_PARAMS["sasrec"]),  # reads the last 12 movies
}
# Models that estimate from item similarity above the limit.
ESTIMATING = {
    name: (name, FAST_PARAMS[name]) for name in ("neumf", "genre-embed", "autoencoder", "autorec")
}


@cache
def fitted(case: str) -> Recommender:
    name, params = {**EXACT, **ESTIMATING}[case]
    model = create_model(name, **params)
    model.prepare(planted().catalog)
    model.fit(planted().train)
    return model


def drops(model: Recommender, query: Query, picks: np.ndarray) -> np.ndarray:
    """``(inputs, picks)``: what each pick's score loses without each input, by rescoring."""
    full = model.score_query(query).astype(np.float64)[picks]
    inputs = query_inputs(query, model.n_items)
    rows = [full - model.score_query(without(query, int(item)))[picks] for item in inputs]
    return np.array(rows)


def assert_exact(model: Recommender, query: Query, picks: np.ndarray) -> None:
    """Every reason is an input whose removal costs the pick the most, by the weight said."""
    inputs = query_inputs(query, model.n_items).tolist()
    lost = drops(model, query, picks)
    for column, reason in enumerate(model.explain(query, picks)):
        best = lost[:, column].max()
        if reason is None:
            assert best <= 1e-4
            continue
        assert reason.weight == pytest.approx(best, rel=1e-3, abs=1e-5)
        assert lost[inputs.index(reason.source), column] == pytest.approx(best, abs=1e-5)


LONG_QUERIES = {
    # 20 steps with repeats, longer than either sequential model's window; rated and not
    "mixed": Query(
        ratings={0: 5.0, 1: 4.0, 2: 5.0, 3: 4.0, 13: 1.0, 16: 1.0},
        sequence=[16, 0, 1, 13, 2, 3, 4, 0, 5, 6, 7, 1, 8, 9, 2, 10, 3, 4, 5, 6],
    ),
    "sequence alone": Query(sequence=[0, 1, 2, 13, 3, 4, 5, 6, 0, 7, 8, 1, 9, 2, 3, 4]),
    # removing the only rating leaves the sequence to be read in its place
    "one rating and a sequence": Query(ratings={3: 5.0}, sequence=[3, 4, 6, 14]),
}


@pytest.mark.parametrize("query_name", list(LONG_QUERIES))
@pytest.mark.parametrize("case", list(EXACT))
def test_exact_models_stay_exact_past_the_leave_one_out_limit(
    case: str, query_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = fitted(case)
    monkeypatch.setattr(type(model), "explain_exact_up_to", 0)
    query = LONG_QUERIES[query_name]
    picks = np.concatenate([model.recommend(query, 5).items, [11, 23]])
    assert_exact(model, query, picks)


@pytest.mark.parametrize("case", ["seq-mean", "sasrec"])
def test_a_movie_watched_only_before_the_window_is_never_a_reason(case: str) -> None:
    model = fitted(case)
    early = [12, 14, 15, 17, 18, 19, 20, 21, 22]
    query = Query(sequence=[*early, *BLOCK_ZERO[:12]])
    picks = model.recommend(query, 8).items
    window = {"seq-mean": 4, "sasrec": 12}[case]
    read = set(query.sequence[-window:])
    lost = drops(model, query, picks)
    inputs = query_inputs(query, model.n_items).tolist()
    for item in early:
        if item not in read:
            assert np.all(lost[inputs.index(item)] == 0.0)
    assert all(reason is None or reason.source in read for reason in model.explain(query, picks))


@pytest.mark.parametrize("case", list(ESTIMATING))
def test_up_to_the_limit_the_others_are_exact_leave_one_out(case: str) -> None:
    model = fitted(case)
    query = LONG_QUERIES["mixed"]
    assert len(query_inputs(query, model.n_items)) <= model.explain_exact_up_to
    assert_exact(model, query, np.concatenate([model.recommend(query, 5).items, [11, 23]]))


@pytest.mark.parametrize("case", list(ESTIMATING))
def test_past_the_limit_the_estimate_names_a_liked_movie_like_the_pick(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = fitted(case)
    monkeypatch.setattr(type(model), "explain_exact_up_to", 2)
    liked, disliked = BLOCK_ZERO[:6], BLOCK_ONE[:2]
    query = Query(
        ratings={**dict.fromkeys(liked, 5.0), **dict.fromkeys(disliked, 1.0)},
        sequence=[*liked, *disliked],
    )
    picks = model.recommend(query, 4).items
    reasons = model.explain(query, picks)
    assert all(isinstance(reason, Contribution) for reason in reasons)
    for pick, reason in zip(picks.tolist(), reasons, strict=True):
        assert reason is not None and reason.weight > 0
        assert reason.source in liked and (reason.source in BLOCK_ZERO) == (pick in BLOCK_ZERO)


def test_popularity_names_no_reason_and_holds_no_movies_alike() -> None:
    model = create_model("popularity")
    model.fit(planted().train)
    query = Query(ratings={0: 5.0, 1: 4.0}, sequence=[0, 1, 2])
    assert model.explains is False
    assert model.explain(query, model.recommend(query, 3).items) == [None, None, None]
    assert model.item_vectors() is None


def test_implicit_als_reads_unrated_movies_of_the_sequence_beside_the_ratings() -> None:
    rated = {0: 5.0, 1: 4.0}
    beside = Query(ratings=rated, sequence=[0, 1, 5, 6])
    implicit, explicit = fitted("als-implicit"), fitted("als")
    np.testing.assert_allclose(
        implicit.score_query(beside),
        implicit.score_query(Query(ratings={**rated, 5: 1.0, 6: 1.0})),
        rtol=1e-5,
    )
    np.testing.assert_array_equal(
        explicit.score_query(beside), explicit.score_query(Query(ratings=rated))
    )


@pytest.fixture(scope="module")
def small_latest(shared_data):
    """ml-latest-small with explicit ALS fitted on all of it (``reg`` near the one it chooses,
    fewer sweeps, to keep the test short)."""
    from moviepick.data.loader import load_dataset

    dataset = load_dataset(shared_data / "ml-latest-small")
    model = create_model("als", reg=0.08, iters=8)
    model.prepare(dataset.catalog)
    model.fit(dataset.interactions)
    return dataset, model


def test_toy_storys_neighbours_by_als_vectors_are_family_films(small_latest) -> None:
    dataset, model = small_latest
    catalog = dataset.catalog
    vectors = model.item_vectors()
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    toy_story = catalog.index_of(1)
    cosine = unit @ unit[toy_story]
    cosine[toy_story] = -np.inf
    cosine[catalog.rating_count < 20] = -np.inf  # the rarely rated sit on their genres' vector
    nearest = np.argsort(-cosine)[:10]
    family = [i for i, name in enumerate(catalog.genre_names) if name in ("Animation", "Children")]
    assert catalog.genres[nearest][:, family].any(axis=1).sum() >= 8


def test_als_explains_twenty_picks_of_twenty_ratings_well_within_a_refresh(small_latest) -> None:
    dataset, model = small_latest
    popular = np.argsort(-dataset.catalog.rating_count, kind="stable")[:200]
    rng = np.random.default_rng(1)
    rated = rng.choice(popular, 20, replace=False).tolist()
    stars = rng.choice([1.0, 2.5, 3.5, 4.0, 4.5, 5.0], 20).tolist()
    query = Query(ratings=dict(zip(rated, stars, strict=True)), sequence=rated)
    picks = model.recommend(query, 20).items
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        model.explain(query, picks)
        timings.append(time.perf_counter() - started)
    assert np.median(timings) < 0.05
    assert_exact(model, query, picks)
