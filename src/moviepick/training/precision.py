"""Mixed precision on CUDA; full float32 elsewhere.

On a GPU with bfloat16 (Ampere and later) the forward pass runs in bfloat16, which needs no loss
scaling; older GPUs get float16 with a gradient scaler. Weights stay float32 either way, so saved
states are float32.
"""

from __future__ import annotations

import contextlib

import torch


class Precision:
    """Autocast context and optimiser step for one device."""

    def __init__(self, device: torch.device, enabled: bool = True) -> None:
        self.dtype: torch.dtype | None = None
        if enabled and device.type == "cuda":
            self.dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        self.scaler = torch.amp.GradScaler("cuda") if self.dtype == torch.float16 else None

    @property
    def mixed(self) -> bool:
        return self.dtype is not None

    def autocast(self) -> contextlib.AbstractContextManager[object]:
        """Run the forward pass and loss inside this."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=self.dtype)

    def step(self, loss: torch.Tensor, optimizer: torch.optim.Optimizer) -> None:
        """Back-propagate ``loss`` and update the weights (scaling the loss for float16)."""
        optimizer.zero_grad(set_to_none=True)
        if self.scaler is None:
            loss.backward()
            optimizer.step()
            return
        self.scaler.scale(loss).backward()
        self.scaler.step(optimizer)
        self.scaler.update()
