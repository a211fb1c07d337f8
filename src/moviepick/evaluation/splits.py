"""The rating protocols' splits: a seeded random hold-out, and ml-100k's official five folds."""

from __future__ import annotations

import io

import numpy as np

from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.data.sources import MovieLensFiles, locate
from moviepick.errors import DatasetError, MoviepickError

ML100K_FOLDS = 5


def random_split(
    interactions: Interactions, test_fraction: float = 0.1, seed: int = 0
) -> tuple[Interactions, Interactions]:
    """``(train, test)``: a seeded random ``test_fraction`` of the ratings (rounded) is test."""
    if not 0.0 < test_fraction < 1.0:
        raise MoviepickError(f"the test fraction must lie between 0 and 1, not {test_fraction}")
    n_test = round(len(interactions) * test_fraction)
    test_rows = np.random.default_rng(seed).permutation(len(interactions))[:n_test]
    in_test = np.zeros(len(interactions), dtype=bool)
    in_test[test_rows] = True
    return interactions.select(~in_test), interactions.select(in_test)


def ml100k_folds(dataset: Dataset) -> list[tuple[Interactions, Interactions]]:
    """The official ``u1.base``/``u1.test`` .. ``u5`` folds, in the dataset's index space."""
    if dataset.name != "ml-100k":
        raise DatasetError(f"{dataset.name} has no official folds; they come with ml-100k only")
    files = locate(dataset.source)
    names = [f"u{fold}.{part}" for fold in range(1, ML100K_FOLDS + 1) for part in ("base", "test")]
    missing = [name for name in names if not files.has(name)]
    if missing:
        where = files.describe(missing[0])
        raise DatasetError(f"{where}: missing ({len(missing)} of the u1..u5 fold files are)")
    tables = [_read_fold(files, name, dataset) for name in names]
    return list(zip(tables[0::2], tables[1::2], strict=True))


def _read_fold(files: MovieLensFiles, name: str, dataset: Dataset) -> Interactions:
    """One fold file (``user item rating timestamp``, tab-separated) mapped to dense indices."""
    where = files.describe(name)
    try:
        table = np.loadtxt(io.BytesIO(files.read_bytes(name)), dtype=np.int64, ndmin=2)
    except ValueError as error:
        raise DatasetError(f"{where}: {str(error).splitlines()[0]}") from None
    if table.shape[1] != 4:
        raise DatasetError(f"{where}: expected 4 columns (user item rating timestamp)")
    return Interactions(
        users=_positions(dataset.user_ids, table[:, 0], where, "user").astype(np.int32),
        items=_positions(dataset.catalog.movie_ids, table[:, 1], where, "movie").astype(np.int32),
        ratings=table[:, 2].astype(np.float32),
        timestamps=table[:, 3],
        n_users=dataset.interactions.n_users,
        n_items=dataset.interactions.n_items,
    )


def _positions(known_ids: np.ndarray, ids: np.ndarray, where: str, kind: str) -> np.ndarray:
    """The index of each of ``ids`` in ``known_ids``; DatasetError naming one that is absent."""
    order = np.argsort(known_ids, kind="stable")
    sorted_ids = known_ids[order]
    found = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    absent = sorted_ids[found] != ids
    if absent.any():
        raise DatasetError(f"{where}: {kind} id {ids[absent][0]} is not in the dataset")
    return order[found]
