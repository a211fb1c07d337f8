"""The ranking protocols: metrics on hand-computed cases, splits, their cache, the entry point
and the stored leaderboard."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from planted import N_ITEMS, N_USERS, planted
from tui_support import write_tiny_movielens

from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.data.loader import load_dataset
from moviepick.errors import MoviepickError
from moviepick.evaluation import ranking
from moviepick.evaluation.evaluate import evaluate
from moviepick.evaluation.events import EvaluationEvent
from moviepick.evaluation.holdout import (
    TEST,
    TRAIN,
    VALID,
    Holdout,
    leave_last_out_labels,
    per_user_labels,
    ranking_holdout,
)
from moviepick.evaluation.leaderboard import (
    evaluate_or_reuse,
    leaderboard_path,
    rank_records,
    read_leaderboard,
)
from moviepick.evaluation.protocols import PROTOCOLS, changed_params, models_for
from moviepick.evaluation.split_cache import read_labels, split_path, write_labels
from moviepick.fitting import fit
from moviepick.metrics import ranking as metrics
from moviepick.models.base import Query, Recommender
from moviepick.models.registry import create_model, model_class, model_names
from moviepick.services.saved_models import train_and_save
from moviepick.store import ModelStore, read_info


class FixedScores(Recommender):
    """Scores every user with rows of a fixed table; records what fit was given."""

    name = "fixed"
    description = "test double"

    def __init__(self, table: np.ndarray) -> None:
        super().__init__()
        self.table = table.astype(np.float32)
        self.n_items = table.shape[1]
        self.fitted_on: tuple[Interactions, Interactions | None] | None = None

    def _fit(self, train, valid, progress) -> None:
        self.fitted_on = (train, valid)

    def score_query(self, query: Query) -> np.ndarray:
        return self.table[0]

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        return self.table[users % len(self.table)]

    def get_state(self) -> dict[str, np.ndarray]:
        return {"table": self.table}

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.table = arrays["table"]


def interactions(users, items, timestamps=None, n_users=None, n_items=None) -> Interactions:
    users, items = np.asarray(users, dtype=np.int32), np.asarray(items, dtype=np.int32)
    stamps = np.arange(len(users)) if timestamps is None else timestamps
    return Interactions(
        users,
        items,
        np.full(len(users), 4.0, dtype=np.float32),
        np.asarray(stamps, dtype=np.int64),
        n_users or int(users.max()) + 1,
        n_items or int(items.max()) + 1,
    )


def planted_dataset() -> Dataset:
    data = planted()
    return Dataset("planted", Path("planted"), data.catalog, data.train, np.arange(N_USERS), 1.0)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = write_tiny_movielens(tmp_path_factory.mktemp("data") / "tiny")
    return load_dataset(folder, use_cache=False)


# metrics


def test_top_items_break_ties_by_the_lower_index_and_flag_excluded_fillers() -> None:
    scores = np.array(
        [
            [0.1, 0.5, 0.5, -np.inf, 0.3],
            [1.0, 1.0, 1.0, 1.0, 1.0],
            [-np.inf, 2.0, -np.inf, -np.inf, -np.inf],
        ],
        dtype=np.float32,
    )
    top, real = metrics.top_items(scores, 3)
    np.testing.assert_array_equal(top[0], [1, 2, 4])
    np.testing.assert_array_equal(top[1], [0, 1, 2])
    assert top[2, 0] == 1 and real[2].tolist() == [True, False, False]
    assert real[:2].all()


def test_recall_ndcg_and_hit_rate_on_a_hand_computed_ranking() -> None:
    hits = np.array([[True, False, True], [False, False, False], [False, True, False]])
    n_relevant = np.array([2, 1, 4])
    np.testing.assert_allclose(metrics.recall_at(hits, n_relevant, 3), [1.0, 0.0, 1 / 3])
    np.testing.assert_allclose(metrics.recall_at(hits, n_relevant, 2), [0.5, 0.0, 0.5])
    gain = 1 / np.log2([2, 3, 4])
    np.testing.assert_allclose(
        metrics.ndcg_at(hits, n_relevant, 3),
        [(gain[0] + gain[2]) / (gain[0] + gain[1]), 0.0, gain[1] / gain.sum()],
    )
    np.testing.assert_array_equal(metrics.hit_rate_at(hits, 1), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(metrics.hit_rate_at(hits, 3), [1.0, 0.0, 1.0])


def test_reciprocal_rank_counts_higher_and_earlier_tied_items() -> None:
    scores = np.array([[0.2, 0.9, 0.2, 0.1]] * 3, dtype=np.float32)
    scores[2, 3] = -np.inf
    np.testing.assert_allclose(
        metrics.reciprocal_rank(scores, np.array([2, 0, 3])), [1 / 3, 0.5, 0]
    )


def test_jaccard_of_genre_sets() -> None:
    left = np.array([[True, True, False], [False, False, False]])
    right = np.array([[False, True, True], [False, False, False]])
    np.testing.assert_allclose(metrics.jaccard(left, right), [1 / 3, 1.0])


# splits


def test_top_n_holds_out_a_seeded_fifth_of_each_users_interactions() -> None:
    users = np.repeat([0, 1, 2, 3], [10, 5, 2, 3])
    data = interactions(users, np.arange(len(users)))
    labels = per_user_labels(data, seed=1)
    assert np.bincount(users[labels == TEST], minlength=4).tolist() == [2, 1, 0, 1]
    assert set(labels.tolist()) == {TRAIN, TEST}
    np.testing.assert_array_equal(per_user_labels(data, seed=1), labels)
    seeds = [per_user_labels(data, seed=seed) for seed in range(2, 6)]
    assert any(not np.array_equal(other, labels) for other in seeds)


def test_leave_last_out_tests_the_latest_and_validates_the_one_before() -> None:
    # user 0: the file is not in time order; user 1: the two latest share a timestamp
    # (the later row counts as later); user 2 has too few interactions to hold any out
    data = interactions(
        users=[0, 0, 0, 0, 1, 1, 1, 1, 2, 2],
        items=[0, 1, 2, 3, 0, 1, 2, 3, 0, 1],
        timestamps=[50, 10, 40, 20, 1, 2, 9, 9, 5, 6],
    )
    labels = leave_last_out_labels(data)
    assert labels.tolist() == [TEST, TRAIN, VALID, TRAIN, TRAIN, TRAIN, VALID, TEST, TRAIN, TRAIN]


def test_the_next_item_holdout_scores_users_from_train_and_validation() -> None:
    split = ranking_holdout(planted_dataset(), "next-item")
    assert split.valid is not None
    assert len(split.history) == len(split.train) + len(split.valid)
    assert len(split.test) == len(np.unique(planted().train.users))


def test_a_cached_split_is_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = planted_dataset()
    first = ranking_holdout(dataset, "top-n", seed=3)
    assert split_path(dataset.fingerprint, "top-n", 3).exists()

    def not_again(*args: object) -> np.ndarray:
        raise AssertionError("the split was computed again")

    monkeypatch.setattr("moviepick.evaluation.holdout.labels_for", not_again)
    again = ranking_holdout(dataset, "top-n", seed=3)
    np.testing.assert_array_equal(again.test.items, first.test.items)


@pytest.mark.parametrize("damage", ["garbage", "short", "other protocol"])
def test_a_damaged_cached_split_is_rebuilt(damage: str) -> None:
    dataset = planted_dataset()
    expected = ranking_holdout(dataset, "top-n").test
    path = split_path(dataset.fingerprint, "top-n", 0)
    if damage == "garbage":
        path.write_bytes(b"not an npz file")
    elif damage == "short":
        write_labels(dataset.fingerprint, "top-n", 0, np.zeros(5, dtype=np.int8))
    else:
        ranking_holdout(dataset, "next-item")
        path.write_bytes(split_path(dataset.fingerprint, "next-item", 0).read_bytes())
    assert read_labels(dataset.fingerprint, "top-n", 0, len(dataset.interactions)) is None
    rebuilt = ranking_holdout(dataset, "top-n").test
    np.testing.assert_array_equal(rebuilt.items, expected.items)
    assert read_labels(dataset.fingerprint, "top-n", 0, len(dataset.interactions)) is not None


# ranking


def test_an_oracle_ranking_scores_perfectly() -> None:
    dataset = planted_dataset()
    split = ranking_holdout(dataset, "top-n")
    oracle = FixedScores(split.test.by_user.toarray())
    means, n_users = ranking.rank_test_users(oracle, split, dataset.catalog.genres, "top-n")
    assert n_users == len(np.unique(split.test.users))
    assert means["Recall@20"] == means["NDCG@10"] == means["HR@10"] == 1.0


def test_genre_consistency_uses_the_last_ten_history_items() -> None:
    # history: item 0 (genre 2) first, then items 1..10 (genre 0); the test item is 29
    history = interactions([0] * 11, range(11), n_users=1, n_items=30)
    test = interactions([0], [29], timestamps=[99], n_users=1, n_items=30)
    genres = np.zeros((30, 3), dtype=bool)
    genres[0, 2] = genres[1:16, 0] = genres[16:, 1] = True
    scores = np.zeros((1, 30))
    scores[0, 11:21] = 1.0  # the top 10: items 11..15 (genre 0) and 16..20 (genre 1)
    scores[0, 29] = 0.5  # the test item ranks 11th
    split = Holdout(train=history, valid=None, test=test, history=history)
    means, _ = ranking.rank_test_users(FixedScores(scores), split, genres, "next-item")
    assert means["genre-Jaccard"] == pytest.approx(1 / 2)  # {0} vs {0, 1}; all: {0, 2} vs {0, 1}
    assert means["MRR"] == pytest.approx(1 / 11)
    assert means["HR@10"] == means["NDCG@10"] == 0.0
    assert means["coverage"] == pytest.approx(10 / 30)


def test_ranking_in_small_chunks_gives_the_same_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = planted_dataset()
    whole = evaluate("ease", dataset, "next-item").metrics
    monkeypatch.setattr(ranking, "SCORE_BUDGET", 3 * N_ITEMS)
    events: list[EvaluationEvent] = []
    chunked = evaluate("ease", dataset, "next-item", progress=events.append).metrics
    assert chunked == pytest.approx(whole)
    ranking_steps = [event.event for event in events if event.stage == "ranking"]
    assert len(ranking_steps) == 10 and ranking_steps[-1].step == ranking_steps[-1].total


def test_next_item_fits_with_the_validation_items(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = planted_dataset()
    spy = FixedScores(np.zeros((1, N_ITEMS)))
    monkeypatch.setattr(fit, "create_model", lambda name, **params: spy)
    ranking.evaluate_ranking("fixed", dataset, "next-item")
    assert spy.fitted_on is not None
    train, valid = spy.fitted_on
    assert valid is not None and np.bincount(valid.users).max() == 1
    assert len(train) + len(valid) + len(valid) == len(dataset.interactions)


# the entry point


@pytest.mark.parametrize(
    ("model", "protocol", "stage"),
    [
        ("ease", "top-n", "fit"),
        ("ease", "next-item", "ranking"),
        ("popularity", "rating-90-10", "fold 1/1"),
    ],
)
def test_records_carry_the_protocols_metrics_under_the_tables_names(
    tiny: Dataset, model: str, protocol: str, stage: str
) -> None:
    events: list[EvaluationEvent] = []
    record = evaluate(model, tiny, protocol, progress=events.append).as_record()
    assert set(PROTOCOLS[protocol].metrics) <= set(record)
    assert record["fit seconds"] >= 0 and record["protocol"] == protocol
    assert record["params"] == dataclasses.asdict(create_model(model).params)
    assert stage in {event.stage for event in events}


@pytest.mark.parametrize(
    ("model", "ranking_setting"),
    [("popularity", {"by": "count"}), ("als", {"feedback": "implicit"})],
)
def test_ranking_protocols_use_a_models_ranking_params_unless_told_otherwise(
    tiny: Dataset, model: str, ranking_setting: dict[str, str]
) -> None:
    assert model_class(model).ranking_params == ranking_setting
    ranked = evaluate(model, tiny, "top-n").as_record()
    assert ranked["params"] | ranking_setting == ranked["params"]
    assert changed_params(model, ranked["params"]) == ranking_setting
    rated = evaluate(model, tiny, "rating-90-10").as_record()
    assert rated["params"] == dataclasses.asdict(create_model(model).params)
    name, value = next(iter(ranking_setting.items()))
    default = getattr(create_model(model).params, name)
    told = evaluate(model, tiny, "top-n", params={name: default}).as_record()
    assert told["params"][name] == default


def test_every_model_ranks_but_only_rating_models_are_rated() -> None:
    assert models_for("top-n") == models_for("next-item") == model_names()
    rating_models = [name for name in model_names() if model_class(name).predicts_ratings]
    assert models_for("rating-90-10") == rating_models


# the stored leaderboard


def test_a_stored_result_is_reused_until_retrain(tiny: Dataset) -> None:
    first, reused = evaluate_or_reuse("popularity", tiny, "top-n")
    assert not reused and leaderboard_path("tiny", "top-n").exists()
    again, reused = evaluate_or_reuse("popularity", tiny, "top-n")
    assert reused and again == first
    other_seed, reused = evaluate_or_reuse("popularity", tiny, "top-n", seed=1)
    assert not reused
    fresh, reused = evaluate_or_reuse("popularity", tiny, "top-n", retrain=True)
    assert not reused and fresh["created"] > first["created"]
    assert len(read_leaderboard("tiny", "top-n")) == 2  # seeds 0 and 1


def test_results_merge_into_saved_models_with_the_same_params(tiny: Dataset) -> None:
    _, default = train_and_save(tiny, "ease", valid_fraction=0)
    _, tuned = train_and_save(tiny, "ease", {"reg": 5.0}, save_as="ease-tuned", valid_fraction=0)
    record, _ = evaluate_or_reuse("ease", tiny, "next-item")
    assert read_info(default.path).metrics["next-item HR@10"] == record["HR@10"]
    assert "next-item HR@10" not in read_info(tuned.path).metrics
    assert {info.name for info in ModelStore().list()} == {"ease-tiny", "ease-tuned"}


def test_records_rank_best_first_by_the_main_metric() -> None:
    records = [{"model": "a", "RMSE": 0.9}, {"model": "b", "RMSE": float("nan")}, {"model": "c"}]
    records.append({"model": "d", "RMSE": 0.8})
    assert [r["model"] for r in rank_records(records, "ml100k-folds")] == ["d", "a", "b", "c"]
    ranked = rank_records([{"model": "a", "HR@10": 0.1}, {"model": "b", "HR@10": 0.2}], "next-item")
    assert [r["model"] for r in ranked] == ["b", "a"]


def test_an_unreadable_leaderboard_is_one_clear_error() -> None:
    path = leaderboard_path("tiny", "top-n")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(MoviepickError, match="unreadable leaderboard .*tiny-top-n.json") as error:
        read_leaderboard("tiny", "top-n")
    assert "\n" not in str(error.value)
    assert path.read_text() == "{not json"
