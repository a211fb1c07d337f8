"""Ratings as columnar arrays over dense user and item indices, with CSR views."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp


@dataclass(frozen=True, eq=False)
class Interactions:
    """One row per (user, item) rating; indices are dense, 0-based."""

    users: np.ndarray  # int32
    items: np.ndarray  # int32
    ratings: np.ndarray  # float32
    timestamps: np.ndarray  # int64, seconds since the epoch
    n_users: int
    n_items: int

    def __post_init__(self) -> None:
        n = len(self.users)
        if not (len(self.items) == len(self.ratings) == len(self.timestamps) == n):
            raise ValueError("interaction columns differ in length")

    def __len__(self) -> int:
        return len(self.users)

    @cached_property
    def by_user(self) -> sp.csr_matrix:
        """``(n_users, n_items)`` ratings matrix in CSR form, rows sorted by item."""
        import scipy.sparse as sp  # here, not above: opening a dataset must not wait for scipy

        matrix = sp.csr_matrix(
            (self.ratings, (self.users, self.items)),
            shape=(self.n_users, self.n_items),
            dtype=np.float32,
        )
        matrix.sort_indices()
        return matrix

    @cached_property
    def by_item(self) -> sp.csr_matrix:
        """``(n_items, n_users)`` ratings matrix in CSR form."""
        matrix = self.by_user.T.tocsr()
        matrix.sort_indices()
        return matrix

    @cached_property
    def _rows_by_user(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.users, kind="stable")
        starts = np.searchsorted(self.users[order], np.arange(self.n_users + 1))
        return order, starts

    def user_rows(self, user: int) -> np.ndarray:
        """Row positions of one user's interactions, in their original order."""
        order, starts = self._rows_by_user
        return order[starts[user] : starts[user + 1]]

    @property
    def global_mean(self) -> float:
        return float(self.ratings.mean()) if len(self) else 0.0

    def select(self, rows: np.ndarray) -> Interactions:
        """The interactions at ``rows`` (a boolean mask or integer indices), same index space."""
        return Interactions(
            users=self.users[rows],
            items=self.items[rows],
            ratings=self.ratings[rows],
            timestamps=self.timestamps[rows],
            n_users=self.n_users,
            n_items=self.n_items,
        )
