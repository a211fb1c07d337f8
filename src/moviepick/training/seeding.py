"""Reproducible training: seeded weight initialisation and per-epoch shuffling."""

from __future__ import annotations

import numpy as np
import torch


def seed_torch(seed: int) -> None:
    """Seed torch's global generators (CPU and every GPU), which initialise module weights."""
    torch.manual_seed(seed)


def epoch_generator(seed: int, epoch: int) -> torch.Generator:
    """A CPU generator for epoch ``epoch``'s shuffle, independent of the epochs before it.

    Deriving it from ``(seed, epoch)`` rather than drawing from one stream makes a run resumed
    from a checkpoint shuffle exactly like the uninterrupted run.
    """
    state = np.random.SeedSequence([seed, epoch]).generate_state(1, dtype=np.uint64)[0]
    return torch.Generator().manual_seed(int(state))
