"""The shared torch training utilities, on a tiny regression module (CPU only)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

from moviepick.errors import ModelError
from moviepick.training.batches import shuffled_batches
from moviepick.training.checkpoints import find_checkpoint, load_checkpoint, save_checkpoint
from moviepick.training.device import describe_device, resolve_device
from moviepick.training.events import FitEvent
from moviepick.training.loop import EarlyStopping, run_epochs
from moviepick.training.precision import Precision
from moviepick.training.reporter import FitReporter
from moviepick.training.seeding import seed_torch
from moviepick.training.state import load_module_arrays, module_arrays

CPU = torch.device("cpu")


class Cancelled(Exception):
    pass


def line_data(n: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.linspace(-1, 1, n)[:, None]
    return x, 3 * x + 1


def train(
    module: nn.Module,
    *,
    epochs: int,
    progress=None,
    validate=None,
    early_stopping=None,
    heartbeat_seconds: float = 0.0,
    lr: float = 0.1,
):
    x, y = line_data()
    optimizer = torch.optim.SGD(module.parameters(), lr=lr)
    return run_epochs(
        module,
        optimizer,
        lambda epoch: shuffled_batches(len(x), 16, seed=0, epoch=epoch, device=CPU),
        lambda rows: nn.functional.mse_loss(module(x[rows]), y[rows]),
        epochs=epochs,
        reporter=FitReporter(progress, epochs, heartbeat_seconds=heartbeat_seconds),
        precision=Precision(CPU),
        validate=validate,
        early_stopping=early_stopping,
    )


def test_every_epoch_reports_its_loss_and_the_loss_falls() -> None:
    seed_torch(0)
    events: list[FitEvent] = []
    train(nn.Linear(1, 1), epochs=5, progress=events.append, heartbeat_seconds=1e9)
    assert [event.step for event in events] == [1, 2, 3, 4, 5]
    assert all(event.total == 5 and not event.heartbeat for event in events)
    assert events[-1].loss < events[0].loss


def test_early_stopping_restores_the_best_epochs_weights() -> None:
    seed_torch(0)
    module = nn.Linear(1, 1)
    # a validation metric that is best at epoch 2 and worse after, whatever the weights do
    scripted = iter([3.0, 1.0, 2.0, 2.5, 4.0, 5.0])
    weights_after_epoch: list[float] = []

    def validate() -> dict[str, float]:
        weights_after_epoch.append(module.weight.item())
        return {"valid error": next(scripted)}

    events: list[FitEvent] = []
    result = train(
        module,
        epochs=6,
        progress=events.append,
        validate=validate,
        early_stopping=EarlyStopping("valid error", patience=2),
        heartbeat_seconds=1e9,
    )
    assert result.stopped_early and result.best_epoch == 2 and result.epochs_run == 4
    assert module.weight.item() == weights_after_epoch[1]
    assert [event.step for event in events] == [1, 2, 3, 4]
    assert events[-1].total == 4 and events[-1].metrics["best valid error"] == 1.0


def test_a_raising_progress_callback_stops_training_between_batches() -> None:
    seed_torch(0)
    module = nn.Linear(1, 1)
    calls: list[FitEvent] = []

    def progress(event: FitEvent) -> None:
        calls.append(event)
        if event.heartbeat:
            raise Cancelled

    before = module.weight.detach().clone()
    with pytest.raises(Cancelled):
        train(module, epochs=3, progress=progress, heartbeat_seconds=0.0)
    # stopped after the first batch of the first epoch: one heartbeat, no epoch event
    assert len(calls) == 1 and calls[0].step == 0 and calls[0].heartbeat
    assert not torch.equal(module.weight, before)


def test_state_round_trips_through_numpy_arrays() -> None:
    seed_torch(1)
    source, target = nn.Linear(3, 2), nn.Linear(3, 2)
    arrays = module_arrays(source, prefix="net.")
    assert set(arrays) == {"net.weight", "net.bias"}
    assert all(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in arrays.values())
    load_module_arrays(target, arrays, prefix="net.")
    assert torch.equal(target.weight, source.weight) and torch.equal(target.bias, source.bias)


def test_arrays_of_another_shape_are_one_clear_error() -> None:
    arrays = module_arrays(nn.Linear(3, 2))
    with pytest.raises(ModelError, match="shape"):
        load_module_arrays(nn.Linear(4, 2), arrays)
    with pytest.raises(ModelError, match="lack"):
        load_module_arrays(nn.Linear(3, 2), {"weight": arrays["weight"]})


def test_a_checkpoint_restores_module_optimiser_and_epoch(tmp_path) -> None:
    seed_torch(2)
    module = nn.Linear(1, 1)
    optimizer = torch.optim.Adam(module.parameters(), lr=0.01)
    module(torch.ones(1, 1)).sum().backward()
    optimizer.step()
    save_checkpoint(tmp_path, 1, module, optimizer)
    save_checkpoint(tmp_path, 3, module, optimizer)
    restored = nn.Linear(1, 1)
    restored_optimizer = torch.optim.Adam(restored.parameters(), lr=0.01)
    assert find_checkpoint(tmp_path).name == "epoch-3.pt"
    assert load_checkpoint(find_checkpoint(tmp_path), restored, restored_optimizer) == 3
    assert torch.equal(restored.weight, module.weight)
    assert restored_optimizer.state_dict()["state"][0]["step"] == 1


def test_a_missing_or_mismatched_checkpoint_is_one_clear_error(tmp_path) -> None:
    with pytest.raises(ModelError, match="no epoch-N.pt"):
        find_checkpoint(tmp_path)
    module = nn.Linear(2, 1)
    path = save_checkpoint(tmp_path, 1, module, torch.optim.SGD(module.parameters(), lr=0.1))
    other = nn.Linear(3, 1)
    with pytest.raises(ModelError, match="cannot resume") as raised:
        load_checkpoint(path, other, torch.optim.SGD(other.parameters(), lr=0.1))
    assert "\n" not in str(raised.value)


def test_shuffles_are_seeded_per_epoch() -> None:
    def order(epoch: int) -> list[int]:
        return torch.cat(list(shuffled_batches(10, 4, seed=5, epoch=epoch, device=CPU))).tolist()

    assert sorted(order(1)) == list(range(10))
    assert order(1) == order(1) and order(1) != order(2)


def test_auto_is_the_cpu_here_and_an_absent_cuda_is_one_clear_error() -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    assert describe_device(resolve_device("auto")) == "cpu"
    with pytest.raises(ModelError, match="not available") as raised:
        resolve_device("cuda")
    assert "\n" not in str(raised.value)
    with pytest.raises(ModelError, match="unknown device"):
        resolve_device("tpu")


def test_mixed_precision_only_on_cuda() -> None:
    assert not Precision(CPU).mixed


def test_the_package_and_device_names_import_without_torch() -> None:
    script = (
        "import sys, moviepick.training, moviepick.training.device; print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_validation_split_holds_out_a_seeded_share_only_when_none_is_given() -> None:
    from planted import planted

    from moviepick.training.validation import validation_split

    train = planted().train
    kept, held, was_held_out = validation_split(train, None, 0.2, seed=3)
    assert was_held_out and len(kept) + len(held) == len(train)
    assert 0.1 < len(held) / len(train) < 0.3
    again = validation_split(train, None, 0.2, seed=3)[1]
    np.testing.assert_array_equal(again.items, held.items)
    given = train.select(slice(0, 5))
    kept, held, was_held_out = validation_split(train, given, 0.2, seed=3)
    assert (kept, held, was_held_out) == (train, given, False)
    kept, held, was_held_out = validation_split(train, None, 0.0, seed=3)
    assert (kept, held, was_held_out) == (train, None, False)


def test_a_training_process_keeps_its_freed_memory_on_glibc():
    import platform

    from moviepick.training.allocator import keep_freed_memory

    expected = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_freed_memory() is expected
