"""Shared torch training utilities for the neural models.

One job per module: :mod:`.device` (which device), :mod:`.seeding` (reproducible runs),
:mod:`.precision` (mixed precision on CUDA), :mod:`.batches` (shuffled mini-batches),
:mod:`.reporter` (fit events and cancel points), :mod:`.loop` (the epoch loop with early
stopping), :mod:`.state` (module weights as numpy arrays for saving) and :mod:`.checkpoints`
(per-epoch checkpoints and resuming).

Importing this package does not import torch; models import its modules inside ``fit`` or
``set_state`` so that ``moviepick`` starts without torch.
"""
