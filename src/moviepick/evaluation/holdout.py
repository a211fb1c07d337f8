"""The ranking protocols' splits: each interaction is labelled train, validation or test.

- ``top-n``: per user, a seeded random 20% of their interactions (rounded half up) is test; a
  user with too few interactions for one test item (fewer than 3) keeps all in train.
- ``next-item``: leave-last-out by timestamp: each user's latest interaction is test, the one
  before it validation. Equal timestamps keep the order of the rows in the ratings file (the
  later row counts as the later interaction). Users with fewer than 3 interactions keep all in
  train.

Labels are cached per dataset fingerprint, protocol and seed (:mod:`split_cache`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.errors import MoviepickError
from moviepick.evaluation.protocols import NEXT_ITEM, TOP_N
from moviepick.evaluation.split_cache import read_labels, write_labels

TRAIN, VALID, TEST = 0, 1, 2
TOP_N_TEST_SHARE = 0.2
LEAVE_LAST_OUT_MIN = 3  # interactions a user needs to give a test and a validation item


@dataclass(frozen=True)
class Holdout:
    train: Interactions  # what models are fitted on
    valid: Interactions | None  # for early stopping (next-item only)
    test: Interactions
    history: Interactions  # what a test user is scored from: train, and valid where there is one


def per_user_labels(
    interactions: Interactions, test_share: float = TOP_N_TEST_SHARE, seed: int = 0
) -> np.ndarray:
    """TEST for a seeded random ``test_share`` of each user's interactions, TRAIN for the rest."""
    if not 0.0 < test_share < 1.0:
        raise MoviepickError(f"the test share must lie between 0 and 1, not {test_share}")
    shuffle = np.random.default_rng(seed).random(len(interactions))
    order = np.lexsort((shuffle, interactions.users))
    position, count = _positions_within_user(interactions.users[order])
    n_test = np.floor(test_share * count + 0.5)
    labels = np.full(len(interactions), TRAIN, dtype=np.int8)
    labels[order[position < n_test]] = TEST
    return labels


def leave_last_out_labels(interactions: Interactions) -> np.ndarray:
    """TEST for each user's latest interaction, VALID for the one before, TRAIN for the rest."""
    order = np.lexsort((interactions.timestamps, interactions.users))  # stable: ties keep rows
    position, count = _positions_within_user(interactions.users[order])
    from_end = count - 1 - position
    eligible = count >= LEAVE_LAST_OUT_MIN
    labels = np.full(len(interactions), TRAIN, dtype=np.int8)
    labels[order[eligible & (from_end == 0)]] = TEST
    labels[order[eligible & (from_end == 1)]] = VALID
    return labels


def _positions_within_user(sorted_users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows grouped by user: each row's 0-based position in its group, and the group size."""
    starts = np.searchsorted(sorted_users, sorted_users, side="left")
    ends = np.searchsorted(sorted_users, sorted_users, side="right")
    return np.arange(len(sorted_users)) - starts, ends - starts


def labels_for(interactions: Interactions, protocol: str, seed: int) -> np.ndarray:
    if protocol == TOP_N:
        return per_user_labels(interactions, seed=seed)
    if protocol == NEXT_ITEM:
        return leave_last_out_labels(interactions)
    raise MoviepickError(f"unknown ranking protocol {protocol!r}; known: {TOP_N}, {NEXT_ITEM}")


def ranking_holdout(dataset: Dataset, protocol: str, seed: int = 0) -> Holdout:
    """The split of ``protocol`` for ``dataset``, from the cache when it holds a valid one."""
    interactions = dataset.interactions
    labels = read_labels(dataset.fingerprint, protocol, seed, len(interactions))
    if labels is None:
        labels = labels_for(interactions, protocol, seed)
        write_labels(dataset.fingerprint, protocol, seed, labels)
    return holdout_from_labels(interactions, labels)


def holdout_from_labels(interactions: Interactions, labels: np.ndarray) -> Holdout:
    valid = labels == VALID
    return Holdout(
        train=interactions.select(labels == TRAIN),
        valid=interactions.select(valid) if valid.any() else None,
        test=interactions.select(labels == TEST),
        history=interactions.select(labels != TEST),
    )
