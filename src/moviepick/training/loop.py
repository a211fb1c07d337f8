"""The epoch loop every torch model trains with.

Per epoch: the model's batches through its loss, an optimiser step each (mixed precision on
CUDA), a heartbeat between batches, then the validation metrics, the early-stopping decision,
the model's end-of-epoch hook (a checkpoint, say) and one fit event. When training stops, the
weights of the best validated epoch are restored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import torch
from torch import nn

from moviepick.training.precision import Precision
from moviepick.training.reporter import FitReporter

Batch = TypeVar("Batch")


@dataclass(frozen=True)
class EarlyStopping:
    """Stop when ``metric`` has not improved for ``patience`` epochs (0: never stop early)."""

    metric: str  # a key of the validation metrics, e.g. "valid RMSE"
    patience: int
    higher_is_better: bool = False

    def improves(self, value: float, best: float | None) -> bool:
        if best is None:
            return True
        return value > best if self.higher_is_better else value < best


@dataclass(frozen=True)
class LoopResult:
    epochs_run: int
    best_epoch: int | None  # the epoch whose weights the module holds, when validated
    best_value: float | None
    stopped_early: bool


def run_epochs(
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    batches: Callable[[int], Iterable[Batch]],
    batch_loss: Callable[[Batch], torch.Tensor],
    *,
    epochs: int,
    reporter: FitReporter,
    precision: Precision,
    first_epoch: int = 1,
    validate: Callable[[], Mapping[str, float]] | None = None,
    early_stopping: EarlyStopping | None = None,
    after_epoch: Callable[[int], None] | None = None,
) -> LoopResult:
    """Train epochs ``first_epoch..epochs`` (1-based); ``batches(epoch)`` yields that epoch's.

    ``validate`` runs in eval mode without gradients and returns the metrics reported for the
    epoch; ``early_stopping`` watches one of them. ``after_epoch(epoch)`` runs before the epoch's
    event is reported, so a cancel raised from the progress callback keeps its checkpoint.
    """
    best_value: float | None = None
    best_epoch: int | None = None
    best_weights: dict[str, torch.Tensor] | None = None
    stale = 0
    epoch = first_epoch - 1
    stopped_early = False
    for epoch in range(first_epoch, epochs + 1):
        loss = _train_epoch(module, optimizer, batches(epoch), batch_loss, reporter, precision)
        metrics: dict[str, float] = {}
        if validate is not None:
            module.eval()
            with torch.no_grad():
                metrics = dict(validate())
        if early_stopping is not None and early_stopping.metric in metrics:
            value = metrics[early_stopping.metric]
            if early_stopping.improves(value, best_value):
                best_value, best_epoch, stale = value, epoch, 0
                best_weights = {k: v.detach().clone() for k, v in module.state_dict().items()}
            else:
                stale += 1
            stopped_early = 0 < early_stopping.patience <= stale and epoch < epochs
            if stopped_early or epoch == epochs:
                metrics[f"best {early_stopping.metric}"] = best_value
        if after_epoch is not None:
            after_epoch(epoch)
        if stopped_early:
            reporter.skip(epochs - epoch)
        reporter.epoch(loss, metrics)
        if stopped_early:
            break
    if best_weights is not None and best_epoch != epoch:
        module.load_state_dict(best_weights)
    module.eval()
    return LoopResult(epoch - first_epoch + 1, best_epoch, best_value, stopped_early)


def _train_epoch(
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    batches: Iterable[Batch],
    batch_loss: Callable[[Batch], torch.Tensor],
    reporter: FitReporter,
    precision: Precision,
) -> float | None:
    """One pass over ``batches``; the mean batch loss (None without batches)."""
    module.train()
    total: torch.Tensor | None = None
    count = 0
    for batch in batches:
        with precision.autocast():
            loss = batch_loss(batch)
        precision.step(loss, optimizer)
        # summed on the device: reading a GPU value every batch would stall the pipeline
        total = loss.detach().float() if total is None else total + loss.detach().float()
        count += 1
        reporter.heartbeat()
    return None if total is None else float(total) / count
