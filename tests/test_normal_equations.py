"""Batched Gram matrices over CSR rows equal the plain per-row computation."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from moviepick.models.normal_equations import grams, row_groups


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
