"""Batched Gram matrices over the rows of a CSR matrix, and batched conjugate gradients for the
ridge systems built from them, for alternating least squares.

Row ``r`` of a CSR matrix selects rows ``j`` of a dense feature matrix ``X``; its Gram matrix is
``sum X[j] X[j]^T``. Rows are grouped by length and padded with a zero feature row, so each group
is one gather and one batched matrix product. Groups are bounded in padded size, so memory stays
flat however large the data set is, and in length spread, so little work goes to padding.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

PADDED_ENTRIES_PER_GROUP = 1 << 16
LENGTH_SPREAD = 1.25  # the longest row of a group is at most this much longer than the shortest


def row_groups(lengths: np.ndarray, budget: int = PADDED_ENTRIES_PER_GROUP) -> Iterator[np.ndarray]:
    """Row indices in groups of similar length, each padded to at most ``budget`` entries."""
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = np.maximum(lengths[order], 1)
    start, n_rows = 0, len(order)
    while start < n_rows:
        # Lengths ascend, so the group [start, end) pads to sorted_lengths[end - 1] * (end - start)
        padded = sorted_lengths[start:] * np.arange(1, n_rows - start + 1)
        within_budget = int(np.searchsorted(padded, budget, side="right"))
        ceiling = np.ceil(sorted_lengths[start] * LENGTH_SPREAD)
        within_spread = int(np.searchsorted(sorted_lengths[start:], ceiling, side="right"))
        end = start + max(1, min(within_budget, within_spread))
        yield order[start:end]
        start = end


def grams(
    indptr: np.ndarray, indices: np.ndarray, features: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(rows, grams)`` per group: ``grams[n] = sum of outer(features[j], features[j])`` over
    the columns ``j`` of row ``rows[n]``; every row of the matrix comes in exactly one group."""
    lengths = np.diff(indptr)
    zero_row = len(features)
    padded_features = np.vstack([features, np.zeros((1, features.shape[1]), features.dtype)])
    padded_indices = np.append(indices, zero_row)  # position len(indices) reads the zero row
    for rows in row_groups(lengths):
        width = max(1, int(lengths[rows].max()))
        offsets = np.arange(width)
        positions = np.where(
            offsets < lengths[rows, None], indptr[rows, None] + offsets, len(indices)
        )
        selected = padded_features[padded_indices[positions]]
        yield rows, np.matmul(selected.transpose(0, 2, 1), selected)


def conjugate_gradient(
    systems: np.ndarray, rhs: np.ndarray, start: np.ndarray, steps: int
) -> np.ndarray:
    """``steps`` of Jacobi-preconditioned conjugate gradients on the SPD ``systems[n] x = rhs[n]``
    from ``start``, for the whole batch at once.

    Each step minimises ``x'Ax / 2 - b'x`` along its direction, so the objective never rises
    above its value at ``start``: warm-started from the last sweep, a few steps make an
    alternating least squares step as good as an exact solve, at a fraction of the cost of one
    LAPACK call per small system.
    """
    solution = np.array(start, dtype=np.result_type(systems, rhs))
    diagonal = np.einsum("nii->ni", systems)
    residual = rhs - np.einsum("nab,nb->na", systems, solution)
    preconditioned = residual / diagonal
    direction = preconditioned
    alignment = np.einsum("na,na->n", residual, preconditioned)
    for _ in range(steps):
        product = np.einsum("nab,nb->na", systems, direction)
        step = _ratio(alignment, np.einsum("na,na->n", direction, product))
        solution += step[:, None] * direction
        residual -= step[:, None] * product
        preconditioned = residual / diagonal
        next_alignment = np.einsum("na,na->n", residual, preconditioned)
        direction = preconditioned + _ratio(next_alignment, alignment)[:, None] * direction
        alignment = next_alignment
    return solution


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, 0 where the denominator is 0 (a system already solved)."""
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)
