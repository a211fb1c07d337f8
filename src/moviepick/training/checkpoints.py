"""Per-epoch checkpoints (``epoch-N.pt``) and resuming from one.

A checkpoint is ``torch.save`` of a plain dict of tensors and numbers (the module's and the
optimiser's state dicts and the epoch), loaded with ``weights_only=True`` so loading never runs
code from the file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import torch
from torch import nn

from moviepick import paths
from moviepick.errors import ModelError

_CHECKPOINT = re.compile(r"^epoch-(\d+)\.pt$")


def default_checkpoint_dir(model: str) -> Path:
    """Where ``model``'s training writes its checkpoints unless told otherwise."""
    return paths.data_dir() / "checkpoints" / model


def save_checkpoint(
    directory: Path, epoch: int, module: nn.Module, optimizer: torch.optim.Optimizer
) -> Path:
    """Write ``directory/epoch-<epoch>.pt`` atomically; returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"epoch-{epoch}.pt"
    staging = path.with_name(f".{path.name}.tmp")
    state = {"epoch": epoch, "model": module.state_dict(), "optimizer": optimizer.state_dict()}
    torch.save(state, staging)
    os.replace(staging, path)
    return path


def find_checkpoint(source: str | Path) -> Path:
    """``source`` itself if it is a file, else the latest ``epoch-N.pt`` in that directory."""
    source = Path(source).expanduser()
    if source.is_file():
        return source
    if not source.is_dir():
        raise ModelError(f"no checkpoint at {source}")
    epochs = {
        int(match[1]): path for path in source.iterdir() if (match := _CHECKPOINT.match(path.name))
    }
    if not epochs:
        raise ModelError(f"no epoch-N.pt checkpoint in {source}")
    return epochs[max(epochs)]


def load_checkpoint(path: Path, module: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    """Restore ``module`` and ``optimizer`` from ``path``; returns the epoch it ended."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        module.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        return int(state["epoch"])
    except (OSError, RuntimeError, KeyError, TypeError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelError(f"cannot resume from {path}: {reason}") from None


def clear_checkpoints(directory: Path) -> None:
    """Remove the ``epoch-N.pt`` files of an earlier run, so the latest one is this run's."""
    if directory.is_dir():
        for path in directory.iterdir():
            if _CHECKPOINT.match(path.name):
                path.unlink()
