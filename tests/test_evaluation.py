"""Rating splits, metrics and the rating protocols."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES
from planted import planted

from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.data.loader import load_dataset
from moviepick.errors import DatasetError, ModelError, MoviepickError
from moviepick.evaluation.rating import FoldEvent, evaluate_rating
from moviepick.evaluation.splits import ml100k_folds, random_split
from moviepick.metrics.rating import mae, rmse


def interactions(n: int) -> Interactions:
    rng = np.random.default_rng(0)
    return Interactions(
        users=rng.integers(0, 50, n).astype(np.int32),
        items=rng.integers(0, 80, n).astype(np.int32),
        ratings=rng.integers(1, 6, n).astype(np.float32),
        timestamps=np.arange(n, dtype=np.int64),
        n_users=50,
        n_items=80,
    )


def test_random_split_is_seeded_disjoint_and_complete() -> None:
    data = interactions(1001)
    train, test = random_split(data, test_fraction=0.2, seed=3)
    assert (len(train), len(test)) == (801, 200)
    assert train.n_items == test.n_items == 80
    assert not set(train.timestamps.tolist()) & set(test.timestamps.tolist())
    again = random_split(data, test_fraction=0.2, seed=3)[1]
    np.testing.assert_array_equal(again.timestamps, test.timestamps)
    other = random_split(data, test_fraction=0.2, seed=4)[1]
    assert not np.array_equal(other.timestamps, test.timestamps)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1])
def test_random_split_refuses_a_fraction_outside_zero_and_one(fraction: float) -> None:
    with pytest.raises(MoviepickError, match="between 0 and 1"):
        random_split(interactions(10), test_fraction=fraction)


def test_rmse_and_mae() -> None:
    predicted, actual = np.array([3.0, 4.0, 5.0]), np.array([4.0, 4.0, 2.0])
    assert rmse(predicted, actual) == pytest.approx(np.sqrt(10 / 3))
    assert mae(predicted, actual) == pytest.approx(4 / 3)


def write_folds(folder: Path) -> None:
    """u1..u5 .base/.test over the ml-100k fixture's ratings: fold k tests row k (cyclic)."""
    rows = (folder / "u.data").read_text().splitlines()
    for fold in range(1, 6):
        test = {fold % len(rows)}
        base = [row for index, row in enumerate(rows) if index not in test]
        (folder / f"u{fold}.base").write_text("\n".join(base) + "\n")
        (folder / f"u{fold}.test").write_text("\n".join(rows[i] for i in test) + "\n")


def fixture_with_folds(tmp_path: Path) -> Path:
    folder = tmp_path / "ml-100k"
    shutil.copytree(FIXTURES / "ml-100k", folder)
    write_folds(folder)
    return folder


def test_folds_map_raw_ids_to_the_datasets_indices(tmp_path: Path) -> None:
    dataset = load_dataset(fixture_with_folds(tmp_path), use_cache=False)
    folds = ml100k_folds(dataset)
    assert len(folds) == 5
    whole = dataset.interactions
    for train, test in folds:
        assert len(train) + len(test) == len(whole)
        for part in (train, test):
            stars = np.asarray(whole.by_user[part.users, part.items]).ravel()
            np.testing.assert_array_equal(stars, part.ratings)


def test_folds_are_read_from_a_zip(tmp_path: Path) -> None:
    folder = fixture_with_folds(tmp_path)
    archive = tmp_path / "ml-100k.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(folder.iterdir()):
            handle.write(path, f"ml-100k/{path.name}")
    folds = ml100k_folds(load_dataset(archive, use_cache=False))
    assert [len(test) for _, test in folds] == [1] * 5


def test_missing_fold_files_are_named(tmp_path: Path) -> None:
    folder = fixture_with_folds(tmp_path)
    (folder / "u3.test").unlink()
    with pytest.raises(DatasetError, match=r"u3\.test: missing"):
        ml100k_folds(load_dataset(folder, use_cache=False))


def test_a_fold_naming_an_unknown_movie_is_refused(tmp_path: Path) -> None:
    folder = fixture_with_folds(tmp_path)
    (folder / "u2.test").write_text("7\t99999\t4\t881250949\n")
    with pytest.raises(DatasetError, match=r"u2\.test: movie id 99999 is not in the dataset"):
        ml100k_folds(load_dataset(folder, use_cache=False))


def test_only_ml100k_has_official_folds() -> None:
    with pytest.raises(DatasetError, match="planted has no official folds"):
        ml100k_folds(planted_dataset())


def planted_dataset() -> Dataset:
    data = planted()
    user_ids = np.arange(1, data.train.n_users + 1, dtype=np.int64)
    return Dataset("planted", Path("planted"), data.catalog, data.train, user_ids, 1.0)


def test_rating_protocol_on_a_random_split_reports_one_fold() -> None:
    dataset = planted_dataset()
    events: list[FoldEvent] = []
    result = evaluate_rating("als", dataset, "rating-90-10", {"reg": 0.1}, events.append)
    assert len(result.folds) == 1 and result.folds[0].n_test == round(
        len(dataset.interactions) / 10
    )
    assert 0 < result.mae <= result.rmse < 1.5
    assert {event.fold for event in events} == {1} and events[-1].folds == 1
    record = result.as_record()
    assert record["protocol"] == "rating-90-10" and record["params"] == {"reg": 0.1}


def test_unknown_protocols_and_parameters_are_refused() -> None:
    dataset = planted_dataset()
    with pytest.raises(MoviepickError, match="unknown rating protocol"):
        evaluate_rating("popularity", dataset, "leave-one-out")
    with pytest.raises(ModelError, match="no parameter"):
        evaluate_rating("popularity", dataset, params={"factors": 3})


def test_official_folds_on_ml100k(shared_data: Path) -> None:
    dataset = load_dataset(shared_data / "ml-100k")
    result = evaluate_rating("popularity", dataset, "ml100k-folds")
    assert [fold.n_test for fold in result.folds] == [20_000] * 5
    assert 1.0 < result.rmse < 1.06 and result.mae < result.rmse
