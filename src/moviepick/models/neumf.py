"""Neural matrix factorisation for explicit ratings (He et al. 2017), trained with torch.

``variant="gmf"`` is the classic form: a user and a movie embedding, their element-wise product,
a linear head. ``variant="neumf"`` is the full model: the GMF tower beside an MLP tower over the
concatenated user and movie embeddings of a second set (``2*dim -> dim -> dim/2``, ReLU), both
feeding the head, plus a bias per user and per movie. Both fit the ratings by MSE with Adam on
shuffled mini-batches, write a checkpoint per epoch (``<checkpoint_dir>/epoch-N.pt``) and can
resume from one (``resume``: a checkpoint file or a directory of them, continuing at the next
epoch). They early-stop on validation ratings (``valid RMSE``; without any, on a held-out share of
the training ratings) and keep the best epoch's weights.

A new person is folded in: their vector is fitted to their ratings by a few Gauss-Newton steps
with the network frozen, regularised towards the mean training user with per-coordinate
precisions estimated from the training users (:func:`moviepick.models._neumf_net.fold_in`,
:meth:`NeuMF._user_prior`). ``score_users`` folds training users in from their training
ratings the same way, so it ranks exactly like ``recommend``; ``predict`` uses the learned vectors
of training users. A query's watch sequence is read only when it has no ratings: each movie then
counts as rated at the top of the scale (:func:`moviepick.models.base.rated_or_watched`).

A pick's reason is exact leave-one-out up to :attr:`NeuMF.explain_exact_up_to` inputs (all
folded in as one batch) and a similarity estimate above; the item vectors are the movies as the
towers see them (:meth:`NeuMF.item_vectors`).

Torch is imported only inside methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.base import Query, liked_strengths, rated_or_watched
from moviepick.models.hyperparams import Count, NonNegativeInt, Positive, Share
from moviepick.models.torch_model import TorchParams, TorchRecommender, Training

if TYPE_CHECKING:
    import torch

    from moviepick.models._neumf_net import NeuMFNet

FOLD_IN_PAIRS = 1 << 18  # ratings per batch of training users folded in by score_users
PREDICT_CHUNK = 1 << 18
PRIOR_VARIANCE_FLOOR = 1e-6  # keeps the precision of a coordinate all users share finite


class NeuMF(TorchRecommender):
    name = "neumf"
    description = "Neural matrix factorisation: GMF, or GMF + MLP towers with biases (He 2017)"
    predicts_ratings = True

    @dataclass
    class Params(TorchParams):
        variant: Literal["gmf", "neumf"] = "neumf"
        dim: Count = 50
        epochs: Count = 10
        lr: Positive = 1e-3
        batch_size: Count = 512
        dropout: Share = 0.0  # in the MLP tower
        # epochs without a better valid RMSE before stopping; 0: never
        patience: NonNegativeInt = 2
        checkpoint_dir: str | None = None  # per-epoch checkpoints; unset: <data dir>/checkpoints
        resume: str | None = None  # a checkpoint file, or a directory: its latest epoch-N.pt

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.rating_range = (1.0, 5.0)
        self._net: NeuMFNet | None = None
        self._prior: tuple[torch.Tensor, torch.Tensor] | None = None  # see _user_prior

    @property
    def checkpoint_dir(self) -> Path:
        from moviepick.training.checkpoints import default_checkpoint_dir

        given = self.params.checkpoint_dir
        return Path(given).expanduser() if given else default_checkpoint_dir(self.name)

    def _train(self, training: Training) -> None:
        """Train on ``training.train``, early-stopping on its ``valid``.

        Without ``valid`` (as in evaluation) and with ``patience`` > 0, that is a seeded held-out
        share of ``train``, to choose the epoch: NeuMF overfits ratings within a few epochs at the
        classic settings (measured on ml-100k: best at epoch 4, RMSE 0.889, then 0.955 by epoch
        10).
        """
        import torch
        import torch.nn.functional as F

        from moviepick.models._neumf_net import NeuMFNet
        from moviepick.training import checkpoints
        from moviepick.training.batches import shuffled_batches
        from moviepick.training.loop import EarlyStopping, run_epochs
        from moviepick.training.precision import Precision
        from moviepick.training.reporter import FitReporter

        p = self.params
        train, valid, device = training.train, training.valid, training.device
        metric = training.metric("RMSE")
        net = NeuMFNet(
            train.n_users, train.n_items, p.dim, p.variant, p.dropout, train.global_mean
        ).to(device)
        optimizer = torch.optim.Adam(net.parameters(), lr=p.lr, weight_decay=p.weight_decay)
        directory = self.checkpoint_dir
        done = 0
        if p.resume:
            found = checkpoints.find_checkpoint(p.resume)
            done = checkpoints.load_checkpoint(found, net, optimizer)
            if done >= p.epochs:
                raise ModelError(
                    f"the checkpoint already ends at epoch {done}; "
                    f"resume with more than {p.epochs} epochs"
                )
        else:
            checkpoints.clear_checkpoints(directory)
        self.rating_range = (float(train.ratings.min()), float(train.ratings.max()))
        users, items, stars = _tensors(train, device)
        if valid is not None:
            valid_users, valid_items, valid_stars = _tensors(valid, device)

        def validation_metrics() -> dict[str, float]:
            predicted = net(valid_users, valid_items).float().clamp(*self.rating_range)
            return {metric: float(F.mse_loss(predicted, valid_stars).sqrt())}

        run_epochs(
            net,
            optimizer,
            lambda epoch: shuffled_batches(
                len(train), p.batch_size, seed=p.seed, epoch=epoch, device=device
            ),
            lambda rows: F.mse_loss(net(users[rows], items[rows]).float(), stars[rows]),
            epochs=p.epochs,
            first_epoch=done + 1,
            reporter=FitReporter(training.progress, p.epochs, done=done),
            precision=Precision(device),
            validate=None if valid is None else validation_metrics,
            early_stopping=None if valid is None else EarlyStopping(metric, p.patience),
            after_epoch=lambda epoch: checkpoints.save_checkpoint(directory, epoch, net, optimizer),
        )
        self._net = net.cpu().eval().requires_grad_(False)
        self.n_items = train.n_items
        self._prior = self._user_prior(train)

    def _user_prior(self, train: Interactions) -> tuple[torch.Tensor, torch.Tensor]:
        """The fold-in's prior: the mean vector of users with ratings, and per coordinate the
        precision ``noise variance / variance across those users`` (empirical Bayes), where the
        noise variance is the mean squared training error."""
        net = self._network()
        rated = np.flatnonzero(np.bincount(train.users, minlength=train.n_users))
        vectors = net.users.weight[rated] if len(rated) else net.users.weight
        error = self.predict(train.users, train.items) - train.ratings
        noise = float(np.mean(np.square(error, dtype=np.float64)))
        spread = vectors.var(dim=0, unbiased=False) + PRIOR_VARIANCE_FLOOR
        return vectors.mean(dim=0), noise / spread

    def _network(self) -> NeuMFNet:
        if self._net is None:
            raise ModelError("neumf is not fitted yet")
        return self._net

    def _fitted(self) -> tuple[NeuMFNet, tuple[torch.Tensor, torch.Tensor]]:
        if self._prior is None:
            raise ModelError("neumf is not fitted yet")
        return self._network(), self._prior

    def score_query(self, query: Query) -> np.ndarray:
        from moviepick.training.threads import torch_threads

        owners, items, stars = self._queries_ratings([query])
        # One person's ops are small: on a busy 2-core machine two threads made recommend 30
        # times slower (570 ms against 18 ms median on 3,706 movies).
        with torch_threads(1):
            return self._fold_in_scores(owners, items, stars, 1)[0]

    def _queries_ratings(
        self, queries: Sequence[Query]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(owners, items, stars)``: the ratings each query is folded in from (a query without
        ratings: its sequence at the top of the scale), ``owners[k]`` its position."""
        rated = [rated_or_watched(query, self.n_items, self.rating_range[1]) for query in queries]
        counts = [len(items) for items, _ in rated]
        owners = np.repeat(np.arange(len(queries)), counts)
        items = np.concatenate([items for items, _ in rated]).astype(np.int64)
        stars = np.concatenate([stars for _, stars in rated]).astype(np.float32)
        return owners, items, stars

    def _query_scores(self, queries: Sequence[Query], items: np.ndarray) -> np.ndarray:
        """Every query folded in in one batch, scored at ``items`` only."""
        import torch

        from moviepick.models._neumf_net import fold_in
        from moviepick.training.threads import torch_threads

        net, (mean, precision) = self._fitted()
        owners, rated, stars = self._queries_ratings(queries)
        with torch_threads(1):
            vectors = fold_in(
                net,
                mean,
                precision,
                torch.from_numpy(owners),
                torch.from_numpy(rated),
                torch.from_numpy(stars),
                len(queries),
            )
            picks = torch.from_numpy(np.tile(np.asarray(items, dtype=np.int64), len(queries)))
            people = vectors.repeat_interleave(len(items), dim=0)
            with torch.no_grad():
                scores = net.score_pairs(people, net.items.weight[picks])
        return scores.numpy().reshape(len(queries), len(items))

    def _input_strengths(self, query: Query, inputs: np.ndarray) -> np.ndarray:
        return liked_strengths(query, inputs, self.n_items, self.rating_range)

    def item_vectors(self) -> np.ndarray:
        """Each movie as the towers see it: its GMF vector times the head's weights (what every
        person's GMF vector meets) and, for ``neumf``, its MLP vector through the tower's first
        layer; each part scaled to unit length, so the towers count alike."""
        net = self._network()
        dim = net.dim
        items = net.items.weight.detach().double()
        parts = [items[:, :dim] * net.head.weight[0, :dim].double()]
        if net.with_mlp:
            first = net.tower[0].weight[:, dim:].double()
            parts.append(items[:, dim : 2 * dim] @ first.T)
        unit = [part / part.norm(dim=1, keepdim=True).clamp_min(1e-12) for part in parts]
        return np.hstack([part.numpy() for part in unit]).astype(np.float32)

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        """Training users folded in from their training ratings, as ``score_query`` does."""
        matrix = train.by_user[np.asarray(users, dtype=np.int64)]
        counts = np.diff(matrix.indptr)
        scores = np.empty((len(counts), self.n_items), dtype=np.float32)
        start = 0
        while start < len(counts):
            # whole users per batch, about FOLD_IN_PAIRS ratings each (at least one user)
            within = np.searchsorted(
                matrix.indptr[start + 1 :], matrix.indptr[start] + FOLD_IN_PAIRS
            )
            stop = start + max(1, int(within))
            rows = slice(matrix.indptr[start], matrix.indptr[stop])
            owners = np.repeat(np.arange(stop - start), counts[start:stop])
            scores[start:stop] = self._fold_in_scores(
                owners, matrix.indices[rows], matrix.data[rows], stop - start
            )
            start = stop
        return scores

    def _fold_in_scores(
        self, owners: np.ndarray, items: np.ndarray, stars: np.ndarray, n_people: int
    ) -> np.ndarray:
        import torch

        from moviepick.models._neumf_net import fold_in

        net, (mean, precision) = self._fitted()
        vectors = fold_in(
            net,
            mean,
            precision,
            torch.from_numpy(owners.astype(np.int64)),
            torch.from_numpy(items.astype(np.int64)),
            torch.from_numpy(stars.astype(np.float32)),
            n_people,
        )
        with torch.no_grad():
            return net.score_all(vectors).numpy()

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Stars for (training user, item) pairs, clipped to the range of the training ratings."""
        import torch

        net = self._network()
        users = np.asarray(users, dtype=np.int64)
        items = np.asarray(items, dtype=np.int64)
        predicted = np.empty(len(users), dtype=np.float32)
        with torch.no_grad():
            for start in range(0, len(users), PREDICT_CHUNK):
                chunk = slice(start, start + PREDICT_CHUNK)
                pairs = torch.from_numpy(users[chunk]), torch.from_numpy(items[chunk])
                predicted[chunk] = net(*pairs).numpy()
        return np.clip(predicted, *self.rating_range)

    def get_state(self) -> dict[str, np.ndarray]:
        from moviepick.training.state import module_arrays

        net, (mean, precision) = self._fitted()
        return {
            **module_arrays(net, prefix="net."),
            "prior_mean": mean.numpy(),
            "prior_precision": precision.numpy(),
            "rating_range": np.array(self.rating_range),
        }

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        from moviepick.training.torch_libraries import import_torch

        torch = import_torch()
        from moviepick.models._neumf_net import NeuMFNet
        from moviepick.training.state import load_module_arrays

        n_users = len(arrays["net.users.weight"])
        n_items = len(arrays["net.items.weight"])
        p = self.params
        net = NeuMFNet(n_users, n_items, p.dim, p.variant, p.dropout, 0.0)
        load_module_arrays(net, arrays, prefix="net.")
        self._net = net.eval().requires_grad_(False)
        mean, precision = (
            torch.from_numpy(np.asarray(arrays[key], dtype=np.float32))
            for key in ("prior_mean", "prior_precision")
        )
        self._prior = mean, precision
        low, high = (float(value) for value in arrays["rating_range"])
        self.rating_range = (low, high)
        self.n_items = n_items


def _tensors(
    ratings: Interactions, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Users, items (int64) and stars (float32) of ``ratings`` on ``device``."""
    import torch

    return (
        torch.from_numpy(ratings.users.astype(np.int64)).to(device),
        torch.from_numpy(ratings.items.astype(np.int64)).to(device),
        torch.from_numpy(ratings.ratings.astype(np.float32)).to(device),
    )
