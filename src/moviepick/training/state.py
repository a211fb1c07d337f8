"""A module's weights as numpy arrays, so models save through the store's ``.npz`` (no pickle)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from moviepick.errors import ModelError


def module_arrays(module: nn.Module, prefix: str = "") -> dict[str, np.ndarray]:
    """The state dict as numpy arrays (floating point as float32), keys prefixed by ``prefix``."""
    arrays = {}
    for key, tensor in module.state_dict().items():
        value = tensor.detach().cpu()
        if value.is_floating_point():
            value = value.float()
        arrays[prefix + key] = value.numpy()
    return arrays


def load_module_arrays(
    module: nn.Module, arrays: Mapping[str, np.ndarray], prefix: str = ""
) -> None:
    """Load the arrays written by :func:`module_arrays` into ``module`` (same architecture)."""
    expected = module.state_dict()
    given = {key[len(prefix) :]: value for key, value in arrays.items() if key.startswith(prefix)}
    missing = sorted(set(expected) - set(given))
    if missing:
        raise ModelError(f"saved weights lack {', '.join(missing)}")
    state = {}
    for key, tensor in expected.items():
        value = np.asarray(given[key])
        if value.shape != tuple(tensor.shape):
            raise ModelError(
                f"saved weights {key} have shape {value.shape}, the network {tuple(tensor.shape)}"
            )
        state[key] = torch.from_numpy(value.copy()).to(dtype=tensor.dtype, device=tensor.device)
    module.load_state_dict(state)
