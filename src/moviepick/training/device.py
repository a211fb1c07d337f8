"""Which torch device a model trains on.

``auto`` picks CUDA when a GPU is present, else the CPU; Apple's ``mps`` is used only when asked
for, since the small embedding models here rarely gain from it. This module imports torch only
inside its functions, so a model's ``Params`` can name :data:`DeviceName` without loading torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from moviepick.errors import ModelError

if TYPE_CHECKING:
    import torch

DeviceName = Literal["auto", "cpu", "cuda", "mps"]
DEVICE_NAMES: tuple[str, ...] = get_args(DeviceName)


def resolve_device(name: str) -> torch.device:
    """The device ``name`` stands for; a ModelError if it is unknown or absent here."""
    import torch

    if name not in DEVICE_NAMES:
        raise ModelError(f"unknown device {name!r}; choose one of {', '.join(DEVICE_NAMES)}")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        reason = "this torch build has no CUDA" if torch.version.cuda is None else "no GPU found"
        raise ModelError(f"device 'cuda' is not available ({reason}); use --device cpu or auto")
    if name == "mps" and not torch.backends.mps.is_available():
        raise ModelError("device 'mps' is not available here; use --device cpu or auto")
    return torch.device(name)


def describe_device(device: torch.device) -> str:
    """``cpu``, ``mps`` or ``cuda (<GPU name>)``: what a person reads as the device used."""
    import torch

    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type
