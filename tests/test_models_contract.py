"""What every registered model must do, whatever its architecture (run against each one)."""

from __future__ import annotations

import numpy as np
import pytest
from planted import (
    FAST_PARAMS,
    FINGERPRINT,
    N_ITEMS,
    N_USERS,
    USERS_PER_GROUP,
    Planted,
    planted,
    training_query,
)

from moviepick.errors import ModelError
from moviepick.models.base import Query, Recommender, without
from moviepick.models.hyperparams import accepted, literal_choices
from moviepick.models.registry import create_model, model_names
from moviepick.store import load_model, save_model
from moviepick.training.events import FitEvent

# Models that rank the same for everyone cannot find planted tastes; their own tests say what
# they do instead.
NOT_PERSONALISED = {"popularity": "ranks alike for everyone (see test_popularity.py)"}
# Sequential models learn what is watched next and ignore stars: the planted 1-star movies of the
# other block are, to them, watched like the rest, and come last in every user's order.
# test_sequential.py plants an order for them instead.
ORDER_BASED = dict.fromkeys(("seq-mean", "sasrec"), "reads the watch order, not the stars")


# Every registered model with its test settings, and the modes that change how it ranks.
CASES: dict[str, tuple[str, dict[str, object]]] = {
    **{name: (name, FAST_PARAMS.get(name, {})) for name in model_names()},
    "als-implicit": ("als", {"feedback": "implicit"}),
}


def fresh(case: str) -> Recommender:
    name, params = CASES[case]
    model = create_model(name, **params)
    model.prepare(planted().catalog)
    return model


@pytest.fixture(scope="module", params=list(CASES))
def fitted(request: pytest.FixtureRequest) -> Recommender:
    model = fresh(request.param)
    model.fit(planted().train)
    return model


def implicit(model: Recommender) -> bool:
    """Whether the model counts what was rated, not the stars (``als --feedback implicit``):
    to it the planted 1-star movies are picked by the whole group, and rightly rank high."""
    return getattr(model.params, "feedback", "") == "implicit"


def skip_unless_personalised(model: Recommender) -> None:
    reason = NOT_PERSONALISED.get(model.name) or ORDER_BASED.get(model.name)
    if implicit(model):
        reason = "counts what was rated, not the stars (test_als.py)"
    if reason:
        pytest.skip(f"{model.name} {reason}")


@pytest.mark.parametrize("case", list(CASES))
def test_fit_reports_numbered_events_up_to_the_total(case: str) -> None:
    events: list[FitEvent] = []
    fresh(case).fit(
        planted().train, valid=planted().train.select(slice(0, 20)), progress=events.append
    )
    steps = [event.step for event in events if not event.heartbeat]
    assert steps and steps == sorted(set(steps)) and steps[-1] == events[-1].total
    assert all(event.elapsed >= 0 for event in events)


def test_a_new_person_like_a_group_gets_that_groups_movies(fitted: Recommender) -> None:
    skip_unless_personalised(fitted)
    block = Planted.block_of(0)
    liked, disliked = block[:6], Planted.block_of(USERS_PER_GROUP)[0]
    ratings = {**dict.fromkeys(liked.tolist(), 5.0), int(disliked): 1.0}
    ranked = fitted.recommend(Query(ratings=ratings, sequence=[*liked.tolist(), int(disliked)]), 4)
    assert set(ranked.items.tolist()) <= set(block.tolist())


def test_held_out_movies_rank_among_a_users_own_block(fitted: Recommender) -> None:
    skip_unless_personalised(fitted)
    data = planted()
    users = np.arange(2 * USERS_PER_GROUP)
    scores = fitted.score_users(users, data.train).astype(np.float64)
    scores[data.train.users, data.train.items] = -np.inf
    held_scores = scores[users, data.held_out]
    unseen_in_block = [
        np.isin(Planted.block_of(user), data.train.items[data.train.users == user], invert=True)
        for user in users
    ]
    # the held-out movie beats every unseen movie outside the user's block
    rank = (scores > held_scores[:, None]).sum(axis=1)
    within_block = rank < np.array([mask.sum() for mask in unseen_in_block])
    assert within_block.mean() >= 0.9


def test_batch_scores_equal_single_query_scores(fitted: Recommender) -> None:
    train = planted().train
    users = np.array([0, 3, USERS_PER_GROUP + 1, N_USERS - 1])
    batch = fitted.score_users(users, train)
    single = np.vstack([fitted.score_query(training_query(train, user)) for user in users])
    assert batch.shape == (len(users), N_ITEMS)
    np.testing.assert_allclose(batch, single, rtol=1e-4, atol=1e-4)


def test_an_empty_query_scores_every_movie(fitted: Recommender) -> None:
    scores = fitted.score_query(Query())
    assert scores.shape == (N_ITEMS,) and np.isfinite(scores).all()
    assert len(fitted.recommend(Query(), 5)) == 5


def test_unknown_movies_in_a_query_are_ignored(fitted: Recommender) -> None:
    query = training_query(planted().train, 0)
    noisy = Query(
        ratings={**query.ratings, N_ITEMS + 3: 5.0, -1: 1.0},
        sequence=[*query.sequence, N_ITEMS + 3],
    )
    np.testing.assert_allclose(fitted.score_query(noisy), fitted.score_query(query), rtol=1e-5)


def test_recommendations_skip_seen_and_excluded_movies(fitted: Recommender) -> None:
    query = Query(ratings={0: 5.0, 1: 4.0}, sequence=[2], exclude=frozenset({3, 4}))
    ranked = fitted.recommend(query, N_ITEMS)
    assert not set(ranked.items.tolist()) & {0, 1, 2, 3, 4}
    assert len(ranked) == N_ITEMS - 5
    assert np.all(np.diff(ranked.scores) <= 0)


def test_a_saved_model_loads_with_identical_scores(fitted: Recommender, tmp_path) -> None:
    save_model(fitted, tmp_path / "model", dataset="planted", fingerprint=FINGERPRINT)
    loaded = load_model(tmp_path / "model", FINGERPRINT)
    assert type(loaded) is type(fitted) and loaded.n_items == fitted.n_items
    query = training_query(planted().train, 1)
    np.testing.assert_array_equal(loaded.score_query(query), fitted.score_query(query))
    np.testing.assert_array_equal(loaded.score_query(Query()), fitted.score_query(Query()))


def test_loading_for_another_dataset_is_refused(fitted: Recommender, tmp_path) -> None:
    save_model(fitted, tmp_path / "model", dataset="planted", fingerprint=FINGERPRINT)
    with pytest.raises(ModelError, match="retrain"):
        load_model(tmp_path / "model", "planted:other")


def test_predicted_stars_stay_on_the_scale_for_cold_users_and_movies(fitted: Recommender) -> None:
    if not fitted.predicts_ratings or implicit(fitted):
        pytest.skip(f"{fitted.name} with {fitted.params} does not predict ratings")
    cold_user, cold_items = N_USERS - 1, Planted.cold_items()
    users = np.array([0, cold_user, cold_user, 0])
    items = np.array([*cold_items, 0, 1])
    predicted = fitted.predict(users, items)
    assert predicted.shape == (4,)
    assert np.all((predicted >= 1.0) & (predicted <= 5.0))


@pytest.mark.parametrize("name", model_names())
def test_a_choice_outside_a_parameters_choices_is_one_line_naming_them(name: str) -> None:
    choices = literal_choices(create_model(name).Params)
    if not choices:
        pytest.skip(f"{name} has no parameter with fixed choices")
    for param, allowed in choices.items():
        with pytest.raises(ModelError, match=f"unknown {param} 'nonsense' for {name}") as raised:
            create_model(name, **{param: "nonsense"})
        assert str(raised.value).endswith("choose one of " + ", ".join(allowed))
        assert "\n" not in str(raised.value)


def ranged_fields(name: str) -> list[tuple[str, object]]:
    """``(field, its Range)`` for each ranged hyper-parameter of the model ``name``."""
    fields = accepted(create_model(name).Params).items()
    return [(param, field.range) for param, field in fields if field.range is not None]


@pytest.mark.parametrize("name", model_names())
def test_every_model_accepts_its_defaults_and_none_where_optional(name: str) -> None:
    defaults = create_model(name).params
    for param, field in accepted(type(defaults)).items():
        if field.optional:
            assert getattr(create_model(name, **{param: None}).params, param) is None


@pytest.mark.parametrize("name", model_names())
def test_a_value_outside_a_parameters_range_is_one_line_naming_it(name: str) -> None:
    for param, rule in ranged_fields(name):
        is_float = accepted(create_model(name).Params)[param].finite
        outside = [rule.low - 1, *([rule.low] if rule.low_open else [])]
        outside += [rule.high] if rule.high < float("inf") else []
        for value in [float(v) if is_float else int(v) for v in outside]:
            with pytest.raises(ModelError) as raised:
                create_model(name, **{param: value})
            assert str(raised.value) == f"{name} needs {param} {rule}, not {value!r}"


@pytest.mark.parametrize("name", model_names())
def test_a_float_parameter_must_be_finite(name: str) -> None:
    floats = [param for param, field in accepted(create_model(name).Params).items() if field.finite]
    for param in floats:
        for value in (float("nan"), float("inf"), float("-inf")):
            with pytest.raises(ModelError) as raised:
                create_model(name, **{param: value})
            assert str(raised.value) == f"{name} needs a finite {param}, not {value!r}"


def test_a_range_error_says_the_rule() -> None:
    with pytest.raises(ModelError) as raised:
        create_model("neumf", dropout=1.5)
    assert str(raised.value) == "neumf needs dropout in [0, 1), not 1.5"
    with pytest.raises(ModelError, match=r"^als needs reg > 0, not 0.0$"):
        create_model("als", reg=0.0)
    with pytest.raises(ModelError, match=r"^sasrec needs epochs >= 1, not 0$"):
        create_model("sasrec", epochs=0)


@pytest.mark.parametrize("case", list(CASES))
def test_fitting_no_data_is_one_line_saying_what_it_needs(case: str) -> None:
    model = fresh(case)
    empty = planted().train.select(np.zeros(len(planted().train), dtype=bool))
    unit = "rating" if model.predicts_ratings else "interaction"
    with pytest.raises(ModelError) as raised:
        model.fit(empty)
    assert str(raised.value) == f"{model.name} needs at least one {unit} to fit"


def liking_block_zero() -> Query:
    """A small profile: four movies of block 0 liked, one of block 1 disliked, in that order."""
    liked = Planted.block_of(0)[:4].tolist()
    disliked = int(Planted.block_of(USERS_PER_GROUP)[0])
    ratings = {**dict(zip(liked, [5.0, 4.0, 5.0, 4.0], strict=True)), disliked: 1.0}
    return Query(ratings=ratings, sequence=[*liked, disliked])


def test_removing_a_picks_named_source_lowers_its_score_by_the_weight(fitted: Recommender) -> None:
    query = liking_block_zero()
    picks = fitted.recommend(query, 4).items
    reasons = fitted.explain(query, picks)
    assert len(reasons) == len(picks)
    if not fitted.explains:
        assert reasons == [None] * len(picks)
        return
    named = [(int(pick), reason) for pick, reason in zip(picks, reasons, strict=True) if reason]
    assert named, f"{fitted.name} names no reason for any of its top picks"
    full = fitted.score_query(query).astype(np.float64)
    for pick, reason in named:
        assert reason.source in query.ratings and reason.weight > 0
        reduced = fitted.score_query(without(query, reason.source)).astype(np.float64)
        assert full[pick] - reduced[pick] == pytest.approx(reason.weight, rel=1e-3, abs=1e-5)


def test_explanations_name_nothing_for_nothing(fitted: Recommender) -> None:
    assert fitted.explain(Query(), [0, 1]) == [None, None]
    assert fitted.explain(liking_block_zero(), []) == []
    reasons = fitted.explain(liking_block_zero(), [-1, N_ITEMS, 6])
    assert reasons[:2] == [None, None]


def test_item_vectors_are_a_row_per_movie_or_none(fitted: Recommender) -> None:
    vectors = fitted.item_vectors()
    if vectors is None:
        return
    assert vectors.dtype == np.float32 and vectors.ndim == 2
    assert vectors.shape[0] == N_ITEMS and vectors.shape[1] >= 1
    assert np.isfinite(vectors).all()


def test_item_vectors_hold_a_blocks_movies_alike(fitted: Recommender) -> None:
    skip_unless_personalised(fitted)
    vectors = fitted.item_vectors()
    if vectors is None:
        pytest.skip(f"{fitted.name} has no item vectors")
    rated = np.setdiff1d(np.arange(N_ITEMS), Planted.cold_items())
    unit = vectors[rated] / np.linalg.norm(vectors[rated], axis=1, keepdims=True)
    cosine = unit @ unit.T
    block = rated // len(Planted.block_of(0))
    same = block[:, None] == block[None, :]
    others = ~np.eye(len(rated), dtype=bool)
    assert cosine[same & others].mean() > cosine[~same].mean() + 0.2


def test_only_models_that_read_order_score_a_reversed_sequence_differently(
    fitted: Recommender,
) -> None:
    watched = training_query(planted().train, 0)
    for query in (Query(sequence=watched.sequence), watched):
        reversed_query = Query(ratings=query.ratings, sequence=query.sequence[::-1])
        scores, reversed_scores = fitted.score_query(query), fitted.score_query(reversed_query)
        if fitted.reads_order:
            assert np.abs(scores - reversed_scores).max() > 1e-3
        else:
            np.testing.assert_allclose(reversed_scores, scores, rtol=1e-5, atol=1e-6)


def test_a_sequence_alone_is_read(fitted: Recommender) -> None:
    if not fitted.explains:
        pytest.skip(f"{fitted.name} ranks alike for everyone")
    watched = Planted.block_of(0)[:6].tolist()
    alone = Query(sequence=watched)
    assert np.abs(fitted.score_query(alone) - fitted.score_query(Query())).max() > 1e-3
    skip_unless_personalised(fitted)
    assert set(fitted.recommend(alone, 4).items.tolist()) <= set(Planted.block_of(0).tolist())


def test_a_rating_model_reads_a_sequence_alone_as_top_stars(fitted: Recommender) -> None:
    if not fitted.predicts_ratings or implicit(fitted) or not fitted.explains:
        pytest.skip(f"{fitted.name} with {fitted.params} does not read stars")
    watched = [3, 1, 2, 1]
    top = float(planted().train.ratings.max())
    np.testing.assert_allclose(
        fitted.score_query(Query(sequence=watched)),
        fitted.score_query(Query(ratings=dict.fromkeys(watched, top))),
        rtol=1e-5,
        atol=1e-6,
    )


def test_a_saved_model_explains_and_places_movies_as_before(fitted: Recommender, tmp_path) -> None:
    save_model(fitted, tmp_path / "model", dataset="planted", fingerprint=FINGERPRINT)
    loaded = load_model(tmp_path / "model", FINGERPRINT)
    query = liking_block_zero()
    picks = fitted.recommend(query, 4).items
    assert loaded.explain(query, picks) == fitted.explain(query, picks)
    vectors = fitted.item_vectors()
    if vectors is None:
        assert loaded.item_vectors() is None
    else:
        np.testing.assert_array_equal(loaded.item_vectors(), vectors)
