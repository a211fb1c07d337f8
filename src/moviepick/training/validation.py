"""The ratings a model early-stops on when ``fit`` is given none: a seeded share of ``train``."""

from __future__ import annotations

import numpy as np

from moviepick.data.interactions import Interactions

HELD_OUT_SHARE = 0.05  # the usual share held out of the training ratings


def validation_split(
    train: Interactions, valid: Interactions | None, share: float, seed: int
) -> tuple[Interactions, Interactions | None, bool]:
    """``(ratings to train on, ratings to stop early on, whether those were held out of train)``.

    A non-empty ``valid`` is used as it is. Otherwise a seeded random ``share`` of ``train`` is
    held out, unless that would leave one side empty (or ``share`` is 0): then nothing is.
    """
    if valid is not None and len(valid):
        return train, valid, False
    held_out = np.random.default_rng(seed).random(len(train)) < share
    if not 0 < held_out.sum() < len(train):
        return train, None, False
    return train.select(~held_out), train.select(held_out), True
