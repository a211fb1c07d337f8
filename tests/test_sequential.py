"""Sequential recommenders (seq-mean, sasrec) and their sequence arrays.

The shared contract suite checks the interface; here a planted *order* checks what these models
are for: users walk their group's block of movies in a cycle, so the next movie follows from the
last ones watched.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.base import Query, Recommender, user_query
from moviepick.models.sequences import (
    UserSequences,
    chunked_sequences,
    query_sequence,
    recent_tokens,
    watched_before_windows,
)
from moviepick.models.sequential import SASRec, SeqMean
from moviepick.training.events import FitEvent

BLOCK = 20
USERS_PER_GROUP = 25
WALK = 8  # movies each user watched; the next one of their walk is held out
N_USERS = 2 * USERS_PER_GROUP
N_ITEMS = 2 * BLOCK
PAD = 99

# patience 0: a fixed number of epochs on the whole walk, nothing held out
CHAIN_PARAMS: dict[str, dict[str, object]] = {
    "seq-mean": {"window": 2, "epochs": 15, "lr": 0.02, "batch_size": 64, "patience": 0},
    "sasrec": {
        "max_len": 6,
        "dim": 32,
        "blocks": 1,
        "dropout": 0.1,
        "epochs": 25,
        "lr": 0.02,
        "batch_size": 16,
        "patience": 0,
    },
}
MODELS: dict[str, type[Recommender]] = {"seq-mean": SeqMean, "sasrec": SASRec}


def interactions(users: list[int], items: list[int], timestamps: list[int]) -> Interactions:
    return Interactions(
        np.array(users, dtype=np.int32),
        np.array(items, dtype=np.int32),
        np.full(len(users), 4.0, dtype=np.float32),
        np.array(timestamps, dtype=np.int64),
        n_users=max(users) + 2,  # the last user has no interactions
        n_items=max(items) + 1,
    )


@cache
def chain() -> tuple[Interactions, np.ndarray]:
    """Walks of ``WALK`` movies from random starts, rows shuffled; and each user's next movie."""
    rng = np.random.default_rng(3)
    users = np.repeat(np.arange(N_USERS), WALK)
    steps = np.tile(np.arange(WALK), N_USERS)
    starts = rng.integers(BLOCK, size=N_USERS)
    block_start = (np.arange(N_USERS) // USERS_PER_GROUP) * BLOCK
    items = block_start[users] + (starts[users] + steps) % BLOCK
    shuffle = rng.permutation(len(users))
    train = Interactions(
        users[shuffle].astype(np.int32),
        items[shuffle].astype(np.int32),
        np.full(len(users), 4.0, dtype=np.float32),
        1_000 * users[shuffle] + steps[shuffle],
        N_USERS,
        N_ITEMS,
    )
    return train, block_start + (starts + WALK) % BLOCK


@pytest.fixture(scope="module", params=list(MODELS))
def chain_model(request: pytest.FixtureRequest) -> Recommender:
    model = MODELS[request.param](**CHAIN_PARAMS[request.param])
    model.fit(chain()[0])
    return model


# sequence arrays


def test_sequences_are_in_time_order_with_ties_in_row_order() -> None:
    data = interactions([1, 0, 1, 1, 0], [5, 6, 7, 8, 9], [30, 2, 10, 10, 1])
    sequences = UserSequences.from_interactions(data)
    assert sequences.lengths.tolist() == [2, 3, 0]
    assert sequences.items.tolist() == [9, 6, 7, 8, 5]
    for user in range(data.n_users):
        expected = list(user_query(data, user).sequence)
        start, stop = sequences.starts[user], sequences.starts[user + 1]
        assert sequences.items[start:stop].tolist() == expected


def test_histories_hold_up_to_length_earlier_items_of_the_same_user() -> None:
    sequences = UserSequences(np.array([1, 2, 3, 4, 5, 6]), np.array([0, 4, 6]))
    histories = sequences.histories(np.arange(6), 2, PAD)
    assert histories.tolist() == [
        [PAD, PAD],
        [1, PAD],
        [1, 2],
        [2, 3],
        [PAD, PAD],  # user 1 starts afresh
        [5, PAD],
    ]
    last = sequences.last(np.array([0, 1]), 3, PAD)
    assert last.tolist() == [[2, 3, 4], [5, 6, PAD]]


def test_training_chunks_give_every_item_once_as_a_target_after_its_history() -> None:
    sequences = UserSequences(np.array([10, 11, 12, 13, 14, 20, 21]), np.array([0, 5, 7, 7]))
    inputs, targets = chunked_sequences(sequences, 3, begin=-1, pad=PAD)
    assert inputs.tolist() == [[-1, 10, PAD], [11, 12, 13], [-1, 20, PAD]]
    assert targets.tolist() == [[10, 11, PAD], [12, 13, 14], [20, 21, PAD]]


def test_overlapping_windows_predict_each_item_once_with_the_longest_context() -> None:
    sequences = UserSequences(np.array([10, 11, 12, 13, 14, 20, 21]), np.array([0, 5, 7, 7]))
    inputs, targets = chunked_sequences(sequences, 3, begin=-1, pad=PAD, stride=1)
    assert inputs.tolist() == [
        [-1, PAD, PAD],
        [-1, 10, PAD],
        [-1, 10, 11],
        [10, 11, 12],
        [11, 12, 13],
        [-1, PAD, PAD],
        [-1, 20, PAD],
    ]
    assert targets.tolist() == [
        [10, PAD, PAD],
        [PAD, 11, PAD],
        [PAD, PAD, 12],
        [PAD, PAD, 13],
        [PAD, PAD, 14],
        [20, PAD, PAD],
        [PAD, 21, PAD],
    ]


def test_each_window_knows_the_movies_watched_before_its_first_input() -> None:
    sequences = UserSequences(np.array([10, 11, 12, 13, 14, 20, 21]), np.array([0, 5, 7, 7]))
    inputs, _ = chunked_sequences(sequences, 2, begin=-1, pad=PAD)
    assert inputs.tolist() == [[-1, PAD], [10, 11], [12, 13], [-1, 20]]
    earlier = watched_before_windows(sequences, 2, n_items=30)
    assert earlier.shape == (4, 30) and earlier.dtype == bool
    assert [row.indices.tolist() for row in earlier] == [[], [], [10, 11], []]
    overlapping = watched_before_windows(sequences, 3, n_items=30, stride=1)
    assert [row.indices.tolist() for row in overlapping] == [[], [], [], [], [10], [], []]


def test_the_watched_mask_grows_along_the_window_from_the_earlier_movies() -> None:
    import torch

    from moviepick.models._sequential_nets import watched_mask

    begin, pad = 5, 4  # four movies
    tokens = torch.tensor([[begin, 0, 2, pad]])
    earlier = torch.tensor([[False, True, False, False]])
    assert watched_mask(tokens, earlier).int().tolist() == [
        [[0, 1, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 0]]
    ]
    candidates = torch.tensor([2, 3, 1])
    assert watched_mask(tokens, earlier, candidates).int().tolist() == [
        [[0, 0, 1], [0, 0, 1], [1, 0, 1], [1, 0, 1]]
    ]


def test_watched_movies_leave_the_softmax_but_a_row_keeps_its_own_target() -> None:
    import torch

    from moviepick.models._sequential_nets import SASRecNet, full_softmax_loss

    net = SASRecNet(n_items=4, max_len=3, dim=8, heads=1, blocks=1, dropout=0.0)
    hidden = torch.randn(2, 8)
    targets = torch.tensor([1, 3])
    everything_else = torch.ones(2, 4, dtype=torch.bool)
    assert full_softmax_loss(net, hidden, targets, everything_else).item() == pytest.approx(0.0)
    watched = torch.tensor([[True, False, False, False], [False, False, False, False]])
    logits = net.logits(hidden)
    by_hand = -(torch.log_softmax(logits[0, 1:], 0)[0] + torch.log_softmax(logits[1], 0)[3]) / 2
    loss = full_softmax_loss(net, hidden, targets, watched)
    assert loss.item() == pytest.approx(by_hand.item(), rel=1e-5)


def test_scoring_tokens_continue_the_training_chunks() -> None:
    sequences = UserSequences(np.array([10, 11, 12, 13, 14, 20, 21]), np.array([0, 5, 7, 7]))
    tokens, last = recent_tokens(sequences, np.array([0, 1, 2]), 3, begin=-1, pad=PAD)
    assert tokens.tolist() == [[12, 13, 14], [-1, 20, 21], [-1, PAD, PAD]]
    assert last.tolist() == [2, 2, 0]


def test_a_query_reads_its_sequence_else_its_ratings_in_order() -> None:
    assert query_sequence(Query(ratings={4: 5.0}, sequence=[3, 7, -1, 2]), 5).tolist() == [3, 2]
    assert query_sequence(Query(ratings={4: 5.0, 1: 2.0, 9: 1.0}), 5).tolist() == [4, 1]
    assert query_sequence(Query(), 5).tolist() == []


# models on the planted chain


def test_the_next_movie_of_the_walk_comes_first_for_a_new_person(chain_model: Recommender) -> None:
    for sequence, following in (([2, 3, 4], 5), ([37, 38, 39], 20), ([18, 19], 0)):
        assert chain_model.recommend(Query(sequence=sequence), 1).items.tolist() == [following]


def test_training_users_next_movies_rank_first(chain_model: Recommender) -> None:
    train, following = chain()
    users = np.arange(N_USERS)
    scores = chain_model.score_users(users, train)
    scores[train.users, train.items] = -np.inf
    assert (scores.argmax(axis=1) == following).mean() >= 0.9


def test_an_empty_history_scores_from_what_users_watch_first(chain_model: Recommender) -> None:
    scores = chain_model.score_query(Query())
    assert scores.shape == (N_ITEMS,) and np.isfinite(scores).all()


@pytest.mark.parametrize("name", list(MODELS))
def test_histories_longer_than_the_window_score_alike_in_batch_and_alone(name: str) -> None:
    train, _ = chain()
    params = {**CHAIN_PARAMS[name], "epochs": 2}
    params["window" if name == "seq-mean" else "max_len"] = 3
    model = MODELS[name](**params)
    model.fit(train)
    users = np.array([0, 5, USERS_PER_GROUP + 2])
    single = np.vstack([model.score_query(user_query(train, user)) for user in users])
    np.testing.assert_allclose(model.score_users(users, train), single, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("exclude_watched", [True, False])
def test_sampled_softmax_learns_the_walk_too(exclude_watched: bool) -> None:
    params = {"loss": "sampled", "negatives": 8, "exclude_watched": exclude_watched}
    model = SASRec(**{**CHAIN_PARAMS["sasrec"], **params})
    assert model.uses_sampled_softmax(N_ITEMS)
    assert not SASRec().uses_sampled_softmax(5_000) and SASRec().uses_sampled_softmax(50_000)
    model.fit(chain()[0])
    assert model.recommend(Query(sequence=[2, 3, 4]), 1).items.tolist() == [5]


def walk_ends() -> Interactions:
    """Each user's next movie, watched after all their training movies."""
    _, following = chain()
    return Interactions(
        np.arange(N_USERS, dtype=np.int32),
        following.astype(np.int32),
        np.full(N_USERS, 4.0, dtype=np.float32),
        np.full(N_USERS, 10**6, dtype=np.int64),
        N_USERS,
        N_ITEMS,
    )


def epoch_events(events: list[FitEvent]) -> list[FitEvent]:
    return [event for event in events if not event.heartbeat]


@pytest.mark.parametrize("name", list(MODELS))
def test_validation_hit_rate_is_reported_and_the_best_epoch_kept(name: str) -> None:
    train, following = chain()
    events: list[FitEvent] = []
    model = MODELS[name](**{**CHAIN_PARAMS[name], "patience": 2, "refit": False})
    model.fit(train, valid=walk_ends(), progress=events.append)
    epochs = epoch_events(events)
    rates = [event.metrics["valid HR@10"] for event in epochs]
    assert epochs[-1].metrics["best valid HR@10"] == max(rates) >= 0.9
    assert [event.step for event in epochs] == list(range(1, len(epochs) + 1))
    assert epochs[-1].step == epochs[-1].total
    scores = model.score_users(np.arange(N_USERS), train)
    scores[train.users, train.items] = -np.inf
    top = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    assert (top == following[:, None]).any(axis=1).mean() == max(rates)


@pytest.mark.parametrize("name", list(MODELS))
def test_a_refit_trains_on_train_and_valid_for_the_best_epoch_count(name: str) -> None:
    # movie 5 is watched only in valid: the model learns it only by training on valid too
    everything, _ = chain()
    in_valid = everything.items == 5
    train, valid = everything.select(~in_valid), everything.select(in_valid)
    events: list[FitEvent] = []
    model = MODELS[name](**{**CHAIN_PARAMS[name], "patience": 2})
    model.fit(train, valid=valid, progress=events.append)
    epochs = epoch_events(events)
    validated = [event for event in epochs if "valid HR@10" in event.metrics]
    rates = [event.metrics["valid HR@10"] for event in validated]
    assert len(epochs) - len(validated) == rates.index(max(rates)) + 1
    assert [event.step for event in epochs] == list(range(1, len(epochs) + 1))
    assert epochs[-1].step == epochs[-1].total
    assert model.recommend(Query(sequence=[2, 3, 4]), 1).items.tolist() == [5]
    without = MODELS[name](**{**CHAIN_PARAMS[name], "patience": 2, "refit": False})
    without.fit(train, valid=valid)
    assert without.recommend(Query(sequence=[2, 3, 4]), 1).items.tolist() != [5]


@pytest.mark.parametrize("name", list(MODELS))
def test_without_valid_a_share_of_train_is_held_out_to_choose_the_epochs(name: str) -> None:
    events: list[FitEvent] = []
    model = MODELS[name](**{**CHAIN_PARAMS[name], "patience": 2})
    model.fit(chain()[0], progress=events.append)
    epochs = epoch_events(events)
    validated = [event for event in epochs if "valid HR@10" in event.metrics]
    rates = [event.metrics["valid HR@10"] for event in validated]
    assert validated and len(epochs) - len(validated) == rates.index(max(rates)) + 1
    assert epochs[-1].step == epochs[-1].total


class Cancelled(Exception):
    pass


@pytest.mark.parametrize("name", list(MODELS))
def test_a_raising_progress_callback_stops_training_between_batches(name: str) -> None:
    seen: list[FitEvent] = []

    def cancel(event: FitEvent) -> None:
        seen.append(event)
        raise Cancelled

    model = MODELS[name](**{**CHAIN_PARAMS[name], "epochs": 10_000, "batch_size": 1})
    with pytest.raises(Cancelled):
        model.fit(chain()[0], progress=cancel)
    # Whichever comes first, a mid-epoch heartbeat or the first epoch's end, training stops there.
    assert len(seen) == 1 and seen[0].step <= 1


@pytest.mark.parametrize("name", list(MODELS))
def test_fits_with_the_same_seed_score_identically(name: str) -> None:
    train, _ = chain()
    params = {**CHAIN_PARAMS[name], "epochs": 2, "device": "cpu"}
    first, second = MODELS[name](**params), MODELS[name](**params)
    first.fit(train)
    second.fit(train)
    query = Query(sequence=[1, 2, 3])
    np.testing.assert_array_equal(first.score_query(query), second.score_query(query))
    assert first.device_used == "cpu"


@pytest.mark.parametrize("name", list(MODELS))
def test_the_state_is_plain_arrays_that_rebuild_the_model(name: str) -> None:
    model = MODELS[name](**{**CHAIN_PARAMS[name], "epochs": 1})
    model.fit(chain()[0])
    state = model.get_state()
    assert all(isinstance(array, np.ndarray) and array.dtype != object for array in state.values())
    loaded = MODELS[name](**CHAIN_PARAMS[name])
    loaded.set_state(state)
    query = Query(sequence=[22, 23])
    np.testing.assert_array_equal(loaded.score_query(query), model.score_query(query))


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("seq-mean", {"window": 0}, "window"),
        ("seq-mean", {"dropout": 1.0}, "dropout"),
        ("sasrec", {"dim": 30, "heads": 4}, "divisible"),
        ("sasrec", {"loss": "exact"}, "auto, full, sampled"),
        ("sasrec", {"device": "tpu"}, "unknown device"),
        ("sasrec", {"epochs": 0}, "epochs"),
        ("sasrec", {"max_len": 10, "stride": 20}, "stride"),
    ],
)
def test_bad_parameters_are_one_line_model_errors(
    name: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(ModelError, match=message):
        MODELS[name](**params)


def test_an_unfitted_model_or_empty_data_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="not fitted"):
        SeqMean().score_query(Query(sequence=[1]))
    empty = chain()[0].select(np.zeros(len(chain()[0]), dtype=bool))
    with pytest.raises(ModelError, match="at least one"):
        SASRec().fit(empty)
