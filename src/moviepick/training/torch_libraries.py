"""Importing torch from a worker thread without freezing the other threads.

Most of ``import torch`` runs Python code, which hands the GIL to the other threads every few
milliseconds. Its costly native step does not: loading ``libtorch_cpu`` (the dynamic linking and
the static initialisers of every operator, 130-290 ms on two cores) happens while the extension
module ``torch._C`` is created, under the GIL, and froze the app's interface that long whenever
a torch model was loaded. A foreign function called through ``ctypes`` runs without the GIL, so
calling the C library's ``dlopen`` on torch's libraries first (``ctypes.CDLL`` itself keeps the
GIL) leaves ``torch._C`` only libraries already in memory to link: the longest stall of the
other threads while torch then imported was 29 ms.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

# In the order torch's own import loads them; libtorch_cuda is only in the CUDA builds.
_LIBRARIES = (
    ("libtorch_global_deps.so", os.RTLD_NOW | os.RTLD_GLOBAL),  # as torch/__init__ loads it
    ("libtorch_cpu.so", os.RTLD_NOW | os.RTLD_LOCAL),
    ("libtorch_cuda.so", os.RTLD_NOW | os.RTLD_LOCAL),
    ("libtorch_python.so", os.RTLD_NOW | os.RTLD_LOCAL),
)


def import_torch() -> ModuleType:
    """``torch``, imported with its native libraries loaded outside the GIL first."""
    if "torch" not in sys.modules and sys.platform.startswith("linux"):
        _load_native_libraries()
    import torch

    return torch


def _load_native_libraries() -> None:
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return
    try:
        dlopen = ctypes.CDLL(None).dlopen
    except (OSError, AttributeError):
        return
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    dlopen.restype = ctypes.c_void_p
    folder = Path(spec.origin).parent / "lib"
    for name, mode in _LIBRARIES:
        path = folder / name
        if path.exists() and not dlopen(os.fsencode(path), mode):
            return  # torch's own import then loads it, and says what is missing
