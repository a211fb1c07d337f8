"""Torch's native libraries are loaded without the GIL before torch is imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="dlopen is Linux's")

LOADS_FIRST = """
import sys
from pathlib import Path
from moviepick.training import torch_libraries

torch_libraries._load_native_libraries()
maps = Path("/proc/self/maps").read_text()
assert "torch" not in sys.modules
assert "libtorch_cpu.so" in maps, "libtorch_cpu was not loaded"
torch = torch_libraries.import_torch()
assert torch.ones(3).sum().item() == 3.0
print("ok")
"""

OTHER_THREADS_RUN = """
import threading, time
from moviepick.training.torch_libraries import _load_native_libraries

worker = threading.Thread(target=_load_native_libraries)
ticks = 0
worker.start()
while worker.is_alive():
    time.sleep(0.001)
    ticks += 1
print(ticks)
"""


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_libraries_load_before_torch_and_torch_then_works() -> None:
    assert run(LOADS_FIRST) == "ok"


def test_the_main_thread_keeps_running_while_the_libraries_load() -> None:
    # Under the GIL (ctypes.CDLL, or the import of torch._C) the main thread would not wake
    # once in the 100-300 ms that loading libtorch_cpu takes.
    assert int(run(OTHER_THREADS_RUN)) > 10
