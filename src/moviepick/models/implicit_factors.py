"""Weighted matrix factorisation of who watched what (Hu, Koren & Volinsky 2008), by ALS.

Every (person, movie) cell is a target: 1 where the person rated the movie, whatever the stars,
0 elsewhere. Observed cells weigh ``1 + alpha``, the others 1, so missing cells count as weak
evidence of no interest: the factors learn which movies a person picks, which is what ranking
protocols measure, rather than how they rate the ones they picked. Each half step solves, for
every row ``u`` of a binary matrix with columns ``I_u``,

    (Y'Y + alpha * sum_{i in I_u} y_i y_i' + reg * I) x_u = (1 + alpha) * sum_{i in I_u} y_i,

where ``Y'Y`` is shared by every row, so the cost follows the observed cells, not the whole
matrix.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from moviepick.models.normal_equations import grams


def binary(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix``'s sparsity pattern with every stored value 1."""
    ones = np.ones(len(matrix.indices), dtype=np.float32)
    return sp.csr_matrix((ones, matrix.indices, matrix.indptr), matrix.shape)


def half_step(watched: sp.csr_matrix, other: np.ndarray, reg: float, alpha: float) -> np.ndarray:
    """The factors of every row of the binary ``watched`` given the column factors ``other``."""
    k = other.shape[1]
    shared = (other.T @ other).astype(np.float64)
    shared[np.diag_indices(k)] += reg
    rhs = (1.0 + alpha) * np.asarray(watched @ other, dtype=np.float64)
    factors = np.zeros((watched.shape[0], k), dtype=np.float32)
    for rows, gram in grams(watched.indptr, watched.indices, other):
        systems = shared[None] + alpha * gram
        factors[rows] = np.linalg.solve(systems, rhs[rows, :, None])[..., 0]
    return factors


def loss(
    watched: sp.csr_matrix, rows: np.ndarray, columns: np.ndarray, reg: float, alpha: float
) -> float:
    """The weighted objective over every cell, per observed cell.

    The sum of ``(x_u . y_i)^2`` over all cells is ``trace(X'X Y'Y)``; the observed cells then
    correct it for their target of 1 and their extra weight.
    """
    rows64, columns64 = rows.astype(np.float64), columns.astype(np.float64)
    everywhere = float(np.sum((rows64.T @ rows64) * (columns64.T @ columns64)))
    coo = watched.tocoo()
    fitted = np.einsum("nk,nk->n", rows64[coo.row], columns64[coo.col])
    observed = np.sum((1.0 + alpha) * np.square(1.0 - fitted) - np.square(fitted))
    penalty = reg * (np.square(rows64).sum() + np.square(columns64).sum())
    return float((everywhere + observed + penalty) / max(watched.nnz, 1))
