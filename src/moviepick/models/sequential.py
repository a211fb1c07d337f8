"""Sequential recommenders: the next movie from the order a person watched movies in.

- ``seq-mean``: the mean embedding of the last ``window`` movies watched, dropout, a linear layer
  scoring every movie; trained by next-movie cross-entropy on every interaction (its history is
  the ``window`` movies before it, an empty one for a user's first).
- ``sasrec``: self-attentive sequential recommendation (Kang & McAuley 2018): a causal
  transformer over the watch sequence with learned positions, trained by cross-entropy at every
  position over the whole catalogue, or by sampled softmax over ``negatives`` uniformly drawn
  movies for catalogues of more than ``sampled_above`` movies (``loss="auto"``). With
  ``exclude_watched`` (the default) a position's softmax leaves out the movies watched by then:
  recommendations never include them, so the loss need not push them down (ml-100k next-item
  test HR@10 with training seeds 0, 1, 2: 0.217, 0.211, 0.224, against 0.197, 0.203, 0.195 with
  them in). Every history starts with a learned begin token, so an empty one predicts a first
  movie. Long histories are cut into windows of ``max_len`` from the most recent end, each a
  training sequence. The defaults are sized for MovieLens on a CPU: on ml-100k, windows of 200
  (the paper's) learned more slowly per CPU minute than windows of 50 (valid HR@10 0.17 after 24
  epochs against 0.21), and dropout 0.5 suits data this small.

Training sequences are each user's interactions in time order (ties in row order, as
:func:`moviepick.models.base.user_query`). A person is scored from ``Query.sequence``, or their
rated movies in the given order when it is empty; movies outside the catalogue are dropped.
``score_users`` builds the same inputs for a batch of training users, so it ranks exactly like
``recommend``. Ratings play no part: a watched movie is a step of the sequence whatever its stars.

Without ``valid`` (and with ``patience``), a seeded share of ``train`` is held out as ``valid``
(:func:`moviepick.training.validation.validation_split`). Each epoch reports ``valid HR@10``
(a valid user's held-out movies against everything outside their training history, scored
from it) and training stops after ``patience`` epochs without a better one, keeping the best
epoch's weights. With ``refit`` (the default) a fresh network is then trained on ``train`` and
``valid`` together for that many epochs, which roughly doubles the fit time: for next-item,
``valid`` is every user's latest training movie, the step that tells most about the next one
(SASRec on ml-100k, before ``exclude_watched``: test HR@10 about 0.19 without the refit, 0.20
with it).

A pick's reason is the movie whose removal from the sequence lowers its score most, exact at
any length (only the most recent ``window`` or ``max_len`` movies can matter); the item vectors
are the input embedding table. Both models read the order: seq-mean only through which movies
are the last ``window``, SASRec through every position.

Torch is imported only inside methods (the modules are in :mod:`._sequential_nets`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.base import Query
from moviepick.models.hyperparams import Count, NonNegativeInt, Positive, Share
from moviepick.models.sequences import (
    UserSequences,
    chunked_sequences,
    query_sequence,
    watched_before_windows,
)
from moviepick.models.torch_model import TorchParams, TorchRecommender, Training
from moviepick.training.validation import valid_hit_rate

if TYPE_CHECKING:
    import torch
    from torch import nn

    from moviepick.training.reporter import FitReporter

SCORE_BATCH = 256  # users scored per forward pass
VALID_METRIC = "valid HR@10"
VALID_CUTOFF = 10

BatchLoss = Callable[["torch.Tensor"], "torch.Tensor"]


@dataclass
class _SequentialParams(TorchParams):
    """The hyper-parameters both sequential models have; each redeclares its own defaults."""

    dropout: Share = 0.1
    patience: NonNegativeInt = 5  # epochs without a better valid HR@10 before stopping; 0: never
    refit: bool = True  # with valid: retrain on train + valid for the best epoch count


class _SequentialRecommender(TorchRecommender):
    """Training, validation, scoring and state shared by the sequential models.

    A subclass builds its network (:meth:`_new_net`), its training rows and their loss
    (:meth:`_training_task`), and the scores of a batch of users from their sequences
    (:meth:`_batch_scores`). Its ``Params`` subclass :class:`_SequentialParams`.
    """

    params: _SequentialParams

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self._net: nn.Module | None = None

    def _train(self, training: Training) -> None:
        from moviepick.training.reporter import FitReporter
        from moviepick.training.seeding import seed_torch

        p = self.params
        train, valid, device = training.train, training.valid, training.device
        self.n_items = train.n_items
        refitting = valid is not None and p.refit
        reporter = FitReporter(training.progress, p.epochs * (2 if refitting else 1))
        net, best_epoch = self._train_net(train, valid, p.epochs, reporter, device)
        if refitting:
            epochs = best_epoch or p.epochs
            reporter.skip(p.epochs - epochs)
            seed_torch(p.seed)  # the fresh network starts from the first one's initial weights
            net, _ = self._train_net(_joined(train, valid), None, epochs, reporter, device)
        self._net = net.cpu().eval().requires_grad_(False)

    def _train_net(
        self,
        train: Interactions,
        valid: Interactions | None,
        epochs: int,
        reporter: FitReporter,
        device: torch.device,
    ) -> tuple[nn.Module, int | None]:
        """A fresh network (initialised from torch's seeded generator) trained for up to
        ``epochs`` on ``train``, early-stopping on ``valid`` and keeping its best epoch's
        weights; returns it and that epoch."""
        import torch

        from moviepick.training.batches import shuffled_batches
        from moviepick.training.loop import EarlyStopping, run_epochs
        from moviepick.training.precision import Precision

        p = self.params
        sequences = UserSequences.from_interactions(train)
        net = self._new_net(train.n_items).to(device)
        optimizer = torch.optim.Adam(net.parameters(), lr=p.lr, weight_decay=p.weight_decay)
        n_rows, batch_loss = self._training_task(net, sequences, device)
        validate = early_stopping = None
        if valid is not None:

            def validate() -> dict[str, float]:
                hit_rate = valid_hit_rate(
                    lambda users: self._batch_scores(net, sequences, users, device),
                    train,
                    valid,
                    VALID_CUTOFF,
                    SCORE_BATCH,
                )
                return {VALID_METRIC: hit_rate}

            early_stopping = EarlyStopping(VALID_METRIC, p.patience, higher_is_better=True)

        result = run_epochs(
            net,
            optimizer,
            lambda epoch: shuffled_batches(
                n_rows, p.batch_size, seed=p.seed, epoch=epoch, device=torch.device("cpu")
            ),
            batch_loss,
            epochs=epochs,
            reporter=reporter,
            precision=Precision(device),
            validate=validate,
            early_stopping=early_stopping,
        )
        return net, result.best_epoch

    def score_query(self, query: Query) -> np.ndarray:
        return self._query_scores([query], np.arange(self.n_items))[0]

    def _query_scores(self, queries: Sequence[Query], items: np.ndarray) -> np.ndarray:
        """The queries' sequences as one batch of users, scored as ``score_users`` scores them."""
        parts = [query_sequence(query, self.n_items) for query in queries]
        lengths = np.array([len(part) for part in parts], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        flat = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        everyone = UserSequences(flat.astype(np.int64), starts)
        return self._scores(everyone, np.arange(len(queries)))[:, items]

    def _contributions(self, query: Query, inputs: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Exact at any length: the model reads only the last :meth:`_read_length` movies of the
        sequence, and removing a movie seen only before them leaves those as they are (the
        shortened sequence still holds all of them), so only the movies in that window are
        removed and scored again; every other input contributes exactly 0."""
        recent = query_sequence(query, self.n_items)[-self._read_length() :]
        in_window = np.isin(inputs, recent)
        drops = np.zeros((len(inputs), len(items)))
        if in_window.any():
            drops[in_window] = self._leave_one_out(query, inputs[in_window], items)
        return drops

    def _read_length(self) -> int:
        """How many of the most recent movies a prediction reads."""
        raise NotImplementedError

    def item_vectors(self) -> np.ndarray:
        """The movies' rows of the input embedding table (no padding or begin token)."""
        return self._embedding_table()[: self.n_items].detach().float().numpy().copy()

    def _embedding_table(self) -> torch.Tensor:
        """The network's input embedding weights, a row per token."""
        raise NotImplementedError

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        """Training users scored from their time-ordered ``train`` items, as ``score_query``."""
        return self._scores(UserSequences.from_interactions(train), np.asarray(users))

    def _fitted_net(self) -> nn.Module:
        if self._net is None:
            raise ModelError(f"{self.name} is not fitted yet")
        return self._net

    def _scores(self, sequences: UserSequences, users: np.ndarray) -> np.ndarray:
        import torch

        net = self._fitted_net()
        users = users.astype(np.int64)
        scores = np.empty((len(users), self.n_items), dtype=np.float32)
        cpu = torch.device("cpu")
        with torch.no_grad():
            for start in range(0, len(users), SCORE_BATCH):
                batch = users[start : start + SCORE_BATCH]
                scores[start : start + len(batch)] = self._batch_scores(net, sequences, batch, cpu)
        return scores

    def get_state(self) -> dict[str, np.ndarray]:
        from moviepick.training.state import module_arrays

        net = self._fitted_net()
        return {**module_arrays(net, prefix="net."), "n_items": np.array(self.n_items)}

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        from moviepick.training.torch_libraries import import_torch

        import_torch()
        from moviepick.training.state import load_module_arrays

        self.n_items = int(arrays["n_items"])
        net = self._new_net(self.n_items)
        load_module_arrays(net, arrays, prefix="net.")
        self._net = net.eval().requires_grad_(False)

    def _new_net(self, n_items: int) -> nn.Module:
        raise NotImplementedError

    def _training_task(
        self, net: nn.Module, sequences: UserSequences, device: torch.device
    ) -> tuple[int, BatchLoss]:
        """The number of training rows, and the loss of a batch of row indices (on the CPU)."""
        raise NotImplementedError

    def _batch_scores(
        self, net: nn.Module, sequences: UserSequences, users: np.ndarray, device: torch.device
    ) -> np.ndarray:
        """``(len(users), n_items)`` scores of the users' next movie, from their sequences."""
        raise NotImplementedError


class SeqMean(_SequentialRecommender):
    name = "seq-mean"
    reads_order = True  # which movies are the last window; within it, the order is not read
    description = "Mean embedding of the last movies watched, a linear layer over the catalogue"

    @dataclass
    class Params(_SequentialParams):
        window: Count = 20  # the last movies watched that are averaged
        dim: Count = 256
        dropout: Share = 0.1
        epochs: Count = 30
        lr: Positive = 1e-3
        batch_size: Count = 256
        patience: NonNegativeInt = 5

    def _read_length(self) -> int:
        return self.params.window

    def _embedding_table(self) -> torch.Tensor:
        return self._fitted_net().embedding.weight

    def _new_net(self, n_items: int) -> nn.Module:
        from moviepick.models._sequential_nets import MeanOfLast

        return MeanOfLast(n_items, self.params.dim, self.params.dropout)

    def _training_task(
        self, net: nn.Module, sequences: UserSequences, device: torch.device
    ) -> tuple[int, BatchLoss]:
        import torch
        import torch.nn.functional as F

        targets = torch.from_numpy(sequences.items).to(device)

        def batch_loss(rows: torch.Tensor) -> torch.Tensor:
            histories = sequences.histories(rows.numpy(), self.params.window, self.n_items)
            logits = net(torch.from_numpy(histories).to(device))
            return F.cross_entropy(logits.float(), targets[rows.to(device)])

        return len(sequences.items), batch_loss

    def _batch_scores(
        self, net: nn.Module, sequences: UserSequences, users: np.ndarray, device: torch.device
    ) -> np.ndarray:
        import torch

        histories = sequences.last(users, self.params.window, self.n_items)
        return net(torch.from_numpy(histories).to(device)).float().cpu().numpy()


class SASRec(_SequentialRecommender):
    name = "sasrec"
    reads_order = True
    description = "Self-attentive sequential recommendation: a causal transformer (Kang 2018)"

    @dataclass
    class Params(_SequentialParams):
        max_len: Count = 50  # the most recent movies a prediction attends to
        stride: Count | None = None  # training windows end every stride movies (unset: max_len)
        dim: Count = 64
        heads: Count = 1
        blocks: Count = 2
        dropout: Share = 0.5
        epochs: Count = 200
        lr: Positive = 2e-3
        batch_size: Count = 32  # sequences of up to max_len movies
        patience: NonNegativeInt = 10
        loss: Literal["auto", "full", "sampled"] = "auto"
        sampled_above: NonNegativeInt = 20_000  # auto: sampled softmax for more movies than this
        negatives: Count = 256  # uniformly drawn movies per batch for the sampled softmax
        exclude_watched: bool = True  # the loss ranks each next movie among the unwatched ones

    def _params_problem(self) -> str | None:
        p = self.params
        if p.stride is not None and p.stride > p.max_len:
            return f"stride <= max_len ({p.max_len}), not {p.stride}"
        if p.dim % p.heads:
            return f"dim ({p.dim}) divisible by heads ({p.heads})"
        return None

    def uses_sampled_softmax(self, n_items: int) -> bool:
        return self.params.loss == "sampled" or (
            self.params.loss == "auto" and n_items > self.params.sampled_above
        )

    def _read_length(self) -> int:
        return self.params.max_len

    def _embedding_table(self) -> torch.Tensor:
        return self._fitted_net().items.weight

    def _new_net(self, n_items: int) -> nn.Module:
        from moviepick.models._sequential_nets import SASRecNet

        p = self.params
        return SASRecNet(n_items, p.max_len, p.dim, p.heads, p.blocks, p.dropout)

    def _training_task(
        self, net: nn.Module, sequences: UserSequences, device: torch.device
    ) -> tuple[int, BatchLoss]:
        import torch

        from moviepick.models._sequential_nets import (
            full_softmax_loss,
            sampled_softmax_loss,
            watched_mask,
        )

        p = self.params
        n_items = self.n_items
        inputs, targets = chunked_sequences(
            sequences, p.max_len, begin=n_items + 1, pad=n_items, stride=p.stride
        )
        earlier = (
            watched_before_windows(sequences, p.max_len, n_items, stride=p.stride)
            if p.exclude_watched
            else None
        )
        inputs_on = torch.from_numpy(inputs).to(device)
        targets_on = torch.from_numpy(targets).to(device)
        negatives = p.negatives if self.uses_sampled_softmax(n_items) else 0

        def batch_loss(rows: torch.Tensor) -> torch.Tensor:
            rows_on = rows.to(device)
            tokens, wanted = inputs_on[rows_on], targets_on[rows_on]
            real = wanted != n_items
            hidden = net(tokens)[real]
            drawn = torch.randint(n_items, (negatives,), device=device) if negatives else None
            watched = None
            if earlier is not None:
                watched_earlier = torch.from_numpy(earlier[rows.numpy()].toarray()).to(device)
                watched = watched_mask(tokens, watched_earlier, drawn)[real]
            if drawn is not None:
                return sampled_softmax_loss(net, hidden, wanted[real], drawn, watched)
            return full_softmax_loss(net, hidden, wanted[real], watched)

        return len(inputs), batch_loss

    def _batch_scores(
        self, net: nn.Module, sequences: UserSequences, users: np.ndarray, device: torch.device
    ) -> np.ndarray:
        import torch

        from moviepick.models.sequences import recent_tokens

        tokens, last = recent_tokens(
            sequences, users, self.params.max_len, begin=self.n_items + 1, pad=self.n_items
        )
        # right-padded and causal: columns after the longest sequence change nothing
        tokens = tokens[:, : int(last.max(initial=0)) + 1]
        hidden = net(torch.from_numpy(tokens).to(device))
        final = hidden[torch.arange(len(users), device=device), torch.from_numpy(last).to(device)]
        return net.logits(final).float().cpu().numpy()


def _joined(train: Interactions, valid: Interactions) -> Interactions:
    """Both sets of interactions; at equal timestamps a valid one counts as the later."""
    return Interactions(
        np.concatenate([train.users, valid.users]),
        np.concatenate([train.items, valid.items]),
        np.concatenate([train.ratings, valid.ratings]),
        np.concatenate([train.timestamps, valid.timestamps]),
        max(train.n_users, valid.n_users),
        train.n_items,
    )
