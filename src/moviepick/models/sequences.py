"""Watch sequences as padded numpy arrays, built without a Python loop per interaction.

Every user's items are put in time order (ties keep their row order, as
:func:`moviepick.models.base.user_query` does) in one flat array with per-user offsets. Windows
over that array are gathered with fancy indexing: a window is right-padded, so its items sit at
positions ``0..length-1`` and a causal model reads the last item at ``length - 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from moviepick.data.interactions import Interactions
from moviepick.models.base import Query


@dataclass(frozen=True)
class UserSequences:
    """All users' items oldest first: user ``u`` holds ``items[starts[u]:starts[u + 1]]``."""

    items: np.ndarray  # int64
    starts: np.ndarray  # int64, n_users + 1 offsets

    @classmethod
    def from_interactions(cls, train: Interactions) -> UserSequences:
        order = np.lexsort((train.timestamps, train.users))
        starts = np.searchsorted(train.users[order], np.arange(train.n_users + 1))
        return cls(train.items[order].astype(np.int64), starts.astype(np.int64))

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)

    @cached_property
    def owners(self) -> np.ndarray:
        """The user of every position of ``items``."""
        return np.repeat(np.arange(len(self.lengths)), self.lengths)

    def histories(self, positions: np.ndarray, length: int, pad: int) -> np.ndarray:
        """``(len(positions), length)``: the up to ``length`` items its user watched before each
        flat position, oldest first, right-padded with ``pad``."""
        ends = np.asarray(positions, dtype=np.int64)
        user_starts = self.starts[self.owners[ends]]
        return _windows(self.items, np.maximum(user_starts, ends - length), ends, length, pad)

    def last(self, users: np.ndarray, length: int, pad: int) -> np.ndarray:
        """``(len(users), length)``: each user's last ``length`` items, right-padded."""
        users = np.asarray(users, dtype=np.int64)
        ends = self.starts[users + 1]
        return _windows(
            self.items, np.maximum(self.starts[users], ends - length), ends, length, pad
        )


def _windows(
    flat: np.ndarray, starts: np.ndarray, ends: np.ndarray, length: int, pad: int
) -> np.ndarray:
    """Rows ``flat[starts[r]:ends[r]]`` (each at most ``length`` long), right-padded."""
    offsets = np.arange(length)
    positions = starts[:, None] + offsets
    inside = offsets < (ends - starts)[:, None]
    if len(flat) == 0:
        return np.full(positions.shape, pad, dtype=np.int64)
    return np.where(inside, flat[np.minimum(positions, len(flat) - 1)], pad)


def chunked_sequences(
    sequences: UserSequences, length: int, begin: int, pad: int, stride: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Next-item training windows over every user's whole history, oldest first.

    A user's inputs are ``[begin, i1, .., i(n-1)]`` and their targets ``[i1, .., in]``, cut into
    windows of ``length`` that end every ``stride`` items (default ``length``: disjoint chunks)
    counted from the most recent end. A window's targets before its last ``stride`` positions
    are ``pad``: the window before it already predicts them, with less context. So with a
    ``stride`` below ``length`` every target but a user's first ones is predicted from at least
    ``length - stride`` movies, closer to what the model reads at recommendation time (the
    ``length`` most recent ones). Returns ``(inputs, targets)``, each ``(n_windows, length)``,
    right-padded with ``pad``.
    """
    stride = length if stride is None else stride
    owner, start, stop = _window_bounds(sequences.lengths, length, stride)
    first = sequences.starts[owner]
    targets = _windows(sequences.items, first + start, first + stop, length, pad)
    # each input is the item before its target; the begin token precedes a user's first item
    inputs = _windows(sequences.items, first + start - 1, first + stop - 1, length, pad)
    inputs[:, 0] = np.where(start == 0, begin, inputs[:, 0])
    already_predicted = np.maximum(0, stop - stride) - start
    targets[np.arange(length) < already_predicted[:, None]] = pad
    return inputs, targets


def watched_before_windows(
    sequences: UserSequences, length: int, n_items: int, stride: int | None = None
) -> sp.csr_matrix:
    """``(n_windows, n_items)`` bool, a row per window of :func:`chunked_sequences`: the movies
    its user watched before the window's first input."""
    stride = length if stride is None else stride
    owner, start, _ = _window_bounds(sequences.lengths, length, stride)
    counts = np.maximum(start - 1, 0)  # a window's first input is the item before its start
    items = sequences.items[np.repeat(sequences.starts[owner], counts) + _ranks(counts)]
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sp.csr_matrix(
        (np.ones(len(items), dtype=bool), items, indptr), shape=(len(owner), n_items)
    )


def _window_bounds(
    lengths: np.ndarray, length: int, stride: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every training window's user and the span ``[start, stop)`` of its targets within that
    user's items: windows end every ``stride`` items from the most recent, ``length`` long."""
    counts = -(-lengths // stride)  # windows per user (ceil); none for a user without items
    owner = np.repeat(np.arange(len(lengths)), counts)
    index = _ranks(counts)
    stop = lengths[owner] - (counts[owner] - 1 - index) * stride
    return owner, np.maximum(0, stop - length), stop


def _ranks(counts: np.ndarray) -> np.ndarray:
    """``0, 1, .., count - 1`` for every count, one after another."""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def query_sequence(query: Query, n_items: int) -> np.ndarray:
    """The person's watch order (their rated items in the given order when it is empty),
    without items outside the catalogue."""
    items = np.fromiter(query.sequence or query.ratings, dtype=np.int64)
    return items[(items >= 0) & (items < n_items)]


def recent_tokens(
    sequences: UserSequences, users: np.ndarray, length: int, begin: int, pad: int
) -> tuple[np.ndarray, np.ndarray]:
    """What a causal model reads for each user's next movie: ``begin`` and their items, the last
    ``length`` of those tokens, right-padded; and the position of each row's last token.

    This matches the inputs of :func:`chunked_sequences`: a history too long for the window loses
    its begin token and its oldest items.
    """
    users = np.asarray(users, dtype=np.int64)
    lengths = sequences.lengths[users]
    with_begin = np.concatenate(
        [np.full((len(users), 1), begin, dtype=np.int64), sequences.last(users, length - 1, pad)],
        axis=1,
    )
    tokens = np.where((lengths < length)[:, None], with_begin, sequences.last(users, length, pad))
    return tokens, np.minimum(lengths, length - 1)
