"""How alike two movies are for a model: the cosine of its item vectors when it has them, else
how often the same people rated both (cosine over the dataset's user–item matrix).

The movie page lists the most similar movies, and diverse picks (:mod:`.diversity`) keep apart
movies that are too alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from moviepick.data.dataset import Dataset
from moviepick.models.base import Recommender, top_n

if TYPE_CHECKING:
    import scipy.sparse as sp


def similarity_rows(
    dataset: Dataset, model: Recommender, items: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """Cosine similarity ``(len(items), len(candidates))`` of each of ``items`` to each
    candidate; only these rows are computed, never the whole item–item matrix."""
    items = np.asarray(items, dtype=np.int64)
    candidates = np.asarray(candidates, dtype=np.int64)
    vectors = model.item_vectors()
    if vectors is not None:
        unit = _unit_rows(np.asarray(vectors, dtype=np.float32))
        return unit[items] @ unit[candidates].T
    raters = _raters(dataset)
    product = (raters[items] @ raters[candidates].T).toarray()
    norms = np.sqrt(np.diff(raters.indptr).astype(np.float32))
    scale = np.outer(norms[items], norms[candidates])
    return np.divide(product, scale, out=np.zeros_like(product), where=scale > 0)


def similar_movies(dataset: Dataset, model: Recommender, item: int, n: int = 10) -> list[int]:
    """The ``n`` movies most like ``item`` for ``model``, most alike first, never ``item``.

    Without item vectors, only movies that share at least one rater with ``item`` qualify.
    """
    everything = np.arange(len(dataset.catalog))
    similarity = similarity_rows(dataset, model, np.array([item]), everything)[0]
    if model.item_vectors() is None:
        similarity[similarity <= 0] = -np.inf
    return top_n(similarity, n, {int(item)}).items.tolist()


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def _raters(dataset: Dataset) -> sp.csr_matrix:
    """``(n_items, n_users)`` with a 1 where the user rated the movie."""
    import scipy.sparse as sp  # here, not above: the app opens a dataset without scipy

    by_item = dataset.interactions.by_item
    return sp.csr_matrix(
        (np.ones(by_item.nnz, dtype=np.float32), by_item.indices, by_item.indptr),
        shape=by_item.shape,
    )
