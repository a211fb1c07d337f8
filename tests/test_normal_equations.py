"""Batched Gram matrices over CSR rows equal the plain per-row computation; batched conjugate
gradients solve and never make the objective worse."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from moviepick.models.normal_equations import conjugate_gradient, grams, row_groups


@settings(max_examples=40, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 300), min_size=1, max_size=60),
    budget=st.integers(1, 2000),
)
def test_row_groups_cover_every_row_once_within_budget(lengths: list[int], budget: int) -> None:
    lengths_array = np.array(lengths)
    groups = list(row_groups(lengths_array, budget))
    assert sorted(np.concatenate(groups).tolist()) == list(range(len(lengths)))
    for rows in groups:
        padded = max(1, lengths_array[rows].max()) * len(rows)
        assert padded <= budget or len(rows) == 1


def test_grams_equal_per_row_sums_of_outer_products() -> None:
    rng = np.random.default_rng(3)
    present = rng.random((40, 25)) < 0.2
    present[5] = False  # an empty row
    matrix = sp.csr_matrix(present.astype(np.float32))
    features = rng.standard_normal((25, 4)).astype(np.float32)
    seen = []
    for rows, batch in grams(matrix.indptr, matrix.indices, features):
        for row, gram in zip(rows, batch, strict=True):
            columns = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
            expected = features[columns].T @ features[columns]
            np.testing.assert_allclose(gram, expected, rtol=1e-5, atol=1e-5)
        seen += rows.tolist()
    assert sorted(seen) == list(range(40))


def ridge_batch(seed: int, n: int = 30, size: int = 9) -> tuple[np.ndarray, np.ndarray]:
    """SPD systems ``X'X + diag(d)`` of various conditioning, and right-hand sides."""
    rng = np.random.default_rng(seed)
    features = rng.standard_normal((n, 20, size)) * rng.uniform(0.1, 3.0, (n, 1, size))
    systems = features.transpose(0, 2, 1) @ features + np.eye(size) * rng.uniform(0.1, 5, (n, 1, 1))
    return systems, rng.standard_normal((n, size))


def objective(systems: np.ndarray, rhs: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 0.5 * np.einsum("na,nab,nb->n", x, systems, x) - np.einsum("na,na->n", rhs, x)


def test_conjugate_gradient_reaches_the_exact_solution_in_as_many_steps_as_unknowns() -> None:
    systems, rhs = ridge_batch(seed=1)
    solved = conjugate_gradient(systems, rhs, np.zeros_like(rhs), steps=rhs.shape[1])
    np.testing.assert_allclose(solved, np.linalg.solve(systems, rhs[..., None])[..., 0], atol=1e-8)


def test_each_conjugate_gradient_step_lowers_the_objective_from_a_warm_start() -> None:
    systems, rhs = ridge_batch(seed=2)
    start = np.random.default_rng(3).standard_normal(rhs.shape)
    values = [objective(systems, rhs, conjugate_gradient(systems, rhs, start, s)) for s in range(4)]
    assert np.all(np.diff(values, axis=0) <= 1e-9)
    assert np.all(values[-1] < values[0])


def test_a_solved_system_stays_put() -> None:
    systems, rhs = ridge_batch(seed=4, n=3)
    start = np.linalg.solve(systems, rhs[..., None])[..., 0]
    start[0], rhs[0] = 0.0, 0.0  # a movie nobody rated: zero rhs, zero vector
    solved = conjugate_gradient(systems, rhs, start, steps=3)
    np.testing.assert_allclose(solved, start, atol=1e-9)
