"""A loaded MovieLens dataset: its catalogue, its ratings and who rated."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from moviepick.data.catalog import Catalog
from moviepick.data.interactions import Interactions


@dataclass(eq=False)
class Dataset:
    name: str  # the variant: "ml-100k", "ml-1m", "ml-latest-small", ...
    source: Path  # the folder or zip it was read from
    catalog: Catalog
    interactions: Interactions
    user_ids: np.ndarray  # int64, dense user index -> MovieLens userId
    rating_step: float  # 1.0 for whole stars, 0.5 for half stars

    @property
    def rating_scale(self) -> tuple[float, float]:
        return (self.rating_step, 5.0)

    @cached_property
    def fingerprint(self) -> str:
        """Identifies the index spaces a model trained on this data depends on."""
        digest = hashlib.sha256()
        digest.update(np.ascontiguousarray(self.catalog.movie_ids, dtype=np.int64).tobytes())
        digest.update(np.ascontiguousarray(self.user_ids, dtype=np.int64).tobytes())
        digest.update(str(len(self.interactions)).encode())
        return f"{self.name}:{digest.hexdigest()[:16]}"
