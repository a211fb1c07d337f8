"""Shuffled mini-batches of row indices, for data that already lives on the device."""

from __future__ import annotations

from collections.abc import Iterator

import torch

from moviepick.training.seeding import epoch_generator


def shuffled_batches(
    n_rows: int, batch_size: int, *, seed: int, epoch: int, device: torch.device
) -> Iterator[torch.Tensor]:
    """Index tensors on ``device`` covering ``range(n_rows)`` once, in a seeded random order."""
    order = torch.randperm(n_rows, generator=epoch_generator(seed, epoch)).to(device)
    yield from order.split(batch_size)
