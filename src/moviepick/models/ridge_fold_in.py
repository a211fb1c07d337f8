"""Ridge regression of each person's ratings on fixed item features: a decoder row per person.

I-AutoRec predicts person ``u``'s rating of item ``i`` as ``w_u . h_i + b_u``, where ``h_i`` is
item ``i``'s code and ``(w_u, b_u)`` is ``u``'s row of the decoder. With the codes fixed, the
training objective restricted to one person's row is a ridge regression over the items they
rated, so a new person's row has a closed form. :func:`fold_in` solves it for many people at once:

    theta = argmin  sum_{i rated} (y_i - [h_i, 1] . theta)^2 + reg * ||theta - prior||^2

The prior (the mean row of the training people) is what a person with no ratings gets. Each
group of people with a similar number of ratings is solved in whichever form is smaller: the
primal ``(d + 1) x (d + 1)`` normal equations, or, for people with fewer ratings than that, the
dual ``n x n`` system ``theta = prior + F' (F F' + reg I)^-1 (y - F prior)`` (the same solution).
Solves run in float64: the systems are ill-conditioned when ``reg`` is small.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from moviepick.models.normal_equations import row_groups

GATHERED_VALUES_PER_GROUP = 1 << 22  # float64 feature values gathered at once (32 MiB)


def fold_in(ratings: sp.csr_matrix, codes: np.ndarray, prior: np.ndarray, reg: float) -> np.ndarray:
    """``(people, d + 1)`` rows ``[w, b]`` for the people of ``ratings`` (people x items)."""
    ratings = ratings.tocsr()
    ratings.sort_indices()
    width = codes.shape[1] + 1
    prior = np.asarray(prior, dtype=np.float64)
    lengths = np.diff(ratings.indptr)
    rows = np.repeat(prior[None, :], ratings.shape[0], axis=0)
    for group in row_groups(lengths, budget=max(1, GATHERED_VALUES_PER_GROUP // width)):
        longest = int(lengths[group].max())
        if longest == 0:
            continue
        offsets = np.arange(longest)
        rated = offsets < lengths[group, None]  # the rest pads the group to a rectangle
        positions = np.where(rated, ratings.indptr[group, None] + offsets, 0)
        selected = np.empty((len(group), longest, width))  # [h_i, 1] per rating, zero padding
        selected[..., :-1] = codes[ratings.indices[positions]]
        selected[..., -1] = 1.0
        selected *= rated[..., None]
        targets = np.where(rated, ratings.data[positions], 0.0)
        residual = targets - selected @ prior
        if longest < width:
            kernel = selected @ selected.transpose(0, 2, 1)
            kernel[:, offsets, offsets] += reg
            weights = np.linalg.solve(kernel, residual[..., None])
            rows[group] += (selected.transpose(0, 2, 1) @ weights)[..., 0]
        else:
            gram = selected.transpose(0, 2, 1) @ selected
            diagonal = np.arange(width)
            gram[:, diagonal, diagonal] += reg
            rhs = selected.transpose(0, 2, 1) @ residual[..., None]
            rows[group] += np.linalg.solve(gram, rhs)[..., 0]
    return rows.astype(np.float32)
