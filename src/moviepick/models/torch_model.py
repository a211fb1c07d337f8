"""What the torch models share: their training hyper-parameters and the set-up around training.

:meth:`TorchRecommender._fit` resolves the device, seeds torch (before any network is built),
holds out a seeded validation share of the training data when ``fit`` is given no ``valid``
(:meth:`TorchRecommender._held_out_share`), trains with one intra-op thread on the CPU (unless
the model's :attr:`~TorchRecommender.single_cpu_thread` says otherwise) and records the device
used. In between, the model's :meth:`~TorchRecommender._train` builds and trains its network
from a :class:`Training`.

Torch is imported only inside methods, so importing a model module does not import it.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from moviepick.data.interactions import Interactions
from moviepick.models.base import Recommender
from moviepick.models.hyperparams import Count, NonNegative, NonNegativeInt, Positive, Seed
from moviepick.training.device import DeviceName
from moviepick.training.events import Progress
from moviepick.training.validation import HELD_OUT_SHARE, validation_split

if TYPE_CHECKING:
    import torch


@dataclass
class TorchParams:
    """The training hyper-parameters of every torch model; each model's ``Params`` subclasses
    this and redeclares the fields whose defaults are its own."""

    epochs: Count = 10
    lr: Positive = 1e-3
    batch_size: Count = 256
    weight_decay: NonNegative = 0.0
    patience: NonNegativeInt = 2  # epochs without a better validation score before stopping
    device: DeviceName = "auto"
    seed: Seed = 0


@dataclass(frozen=True)
class Training:
    """What a torch model trains from, once the set-up is done."""

    given: Interactions  # all of fit's train, the held-out share included
    train: Interactions  # what the network trains on: given without the held-out share
    valid: Interactions | None  # what it stops early on: fit's valid, or the held-out share
    held_out: bool  # whether valid was held out of given
    device: torch.device
    progress: Progress | None

    def metric(self, name: str) -> str:
        """``name`` as the validation metric's label: ``held-out <name>`` or ``valid <name>``."""
        return f"{'held-out' if self.held_out else 'valid'} {name}"


class TorchRecommender(Recommender):
    """A model trained with torch: the set-up of :mod:`moviepick.models.torch_model` around the
    subclass's :meth:`_train`."""

    params: TorchParams
    # Small batches gain nothing from intra-op threads on the CPU, and threads that wait for each
    # other made them many times slower on a busy 2-core machine (NeuMF's batches of 512
    # ratings 30 times, SASRec's up to 4.6 times).
    single_cpu_thread: ClassVar[bool] = True

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.device_used = ""  # "cpu", "mps" or "cuda (<GPU name>)" once fitted

    def _held_out_share(self) -> float:
        """The share of ``train`` held out to stop early on when ``fit`` gets no ``valid``:
        :data:`HELD_OUT_SHARE`, none when ``patience`` is 0."""
        return HELD_OUT_SHARE if self.params.patience > 0 else 0.0

    def _fit(
        self, train: Interactions, valid: Interactions | None, progress: Progress | None
    ) -> None:
        import torch

        from moviepick.training.allocator import keep_freed_memory
        from moviepick.training.device import describe_device, resolve_device
        from moviepick.training.seeding import seed_torch
        from moviepick.training.threads import torch_threads

        keep_freed_memory()
        p = self.params
        device = resolve_device(p.device)
        seed_torch(p.seed)
        fitting, valid, held_out = validation_split(train, valid, self._held_out_share(), p.seed)
        threads = 1 if self.single_cpu_thread and device.type == "cpu" else torch.get_num_threads()
        with torch_threads(threads):
            self._train(Training(train, fitting, valid, held_out, device, progress))
        self.device_used = describe_device(device)

    @abstractmethod
    def _train(self, training: Training) -> None:
        """Build the network, train it and keep what scoring needs."""
