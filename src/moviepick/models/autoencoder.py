"""Autoencoders over rating vectors: the stacked autoencoder and AutoRec (Sedhain et al. 2015).

Ratings enter the networks as stars, with 0 for "not rated" (every rating is positive, so 0 is
never a rating), as in AutoRec. Scaling them to ``stars / 5`` was tried: with Adam and the same
weight decay relative to the error it trained slower and overfitted sooner on ml-100k. The
networks reconstruct those vectors and are trained on the rated cells only: the loss is the
squared error over rated cells plus ``weight_decay / 2`` times the squared weights (AutoRec's
objective), reported per rating. The reconstruction is the predicted stars.

- ``autoencoder``: a person's vector over all movies through ``n -> hidden -> dim -> hidden -> n``
  (sigmoid after each hidden layer, a linear output). A new person is encoded from their vector.
- ``autorec`` with ``variant="user"`` (U-AutoRec): a person's vector through one sigmoid layer of
  ``dim`` and a linear decoder; a new person is encoded the same way.
- ``autorec`` with ``variant="item"`` (I-AutoRec, the default and the stronger): a *movie's*
  vector over all people is encoded, and person ``u``'s rating of movie ``i`` is read from
  ``i``'s reconstruction as ``w_u . h_i + b_u``, where ``h_i`` is the movie's code and
  ``(w_u, b_u)`` is ``u``'s row of the decoder. A new person is not an input, so they are folded
  in: their decoder row is the ridge regression of their ratings on the codes of the movies they
  rated (:mod:`moviepick.models.ridge_fold_in`). That is the training objective restricted to
  the row, solved exactly, except that the penalty pulls towards the training people's mean row
  (bias included) rather than towards zero, so a person without ratings gets the mean row. At
  the end of training every training person's row is replaced by the same fold-in of all their
  training ratings: a training person and a new person with the same ratings score alike, and
  the refitted rows predict held-out ratings at least as well as the trained ones (RMSE 0.900
  against 0.903 on a tenth of ml-100k's u1.base).

A query without ratings is encoded or folded in from its sequence, each movie at the top of
the rating scale. A pick's reason is exact leave-one-out up to
:attr:`~moviepick.models.base.Recommender.explain_exact_up_to` inputs (scored as one batch) and a
similarity estimate above; the item vectors are I-AutoRec's movie codes, or the other networks'
output rows (one per movie).

Training uses the shared set-up (:mod:`moviepick.models.torch_model`) and loop
(:mod:`moviepick.training`): Adam on shuffled mini-batches of rows, a fit event per epoch with the
validation RMSE (of ``valid``, or without it of a held-out ``valid_share`` of the ratings), early
stopping on it with the best epoch's weights restored, and cancel points between batches. Torch
is imported only in ``fit`` and when a saved U-AutoRec or stacked autoencoder is loaded; a saved
I-AutoRec scores with numpy alone.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import scipy.sparse as sp

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.base import Query, liked_strengths, rated_or_watched, read_only
from moviepick.models.hyperparams import Count, NonNegative, NonNegativeInt, Positive, Share
from moviepick.models.ridge_fold_in import fold_in
from moviepick.models.torch_model import TorchParams, TorchRecommender, Training

if TYPE_CHECKING:
    from moviepick.models._autoencoder_torch import DeviceRows, RowNet, Schedule


class EncodedPeople:
    """People scored by passing their rating vectors through the network."""

    def __init__(self, net: RowNet, people_hidden: np.ndarray) -> None:
        self.net = net
        self.people_hidden = people_hidden  # the last hidden layer of each training person

    def scores(self, ratings: sp.csr_matrix) -> np.ndarray:
        from moviepick.models._autoencoder_torch import reconstruct

        return reconstruct(self.net, ratings)

    def outputs(self, people: np.ndarray, items: np.ndarray) -> np.ndarray:
        weight = self.net.output.weight.detach().float().cpu().numpy()
        bias = self.net.output.bias.detach().float().cpu().numpy()
        return _dot_pairs(self.people_hidden, people, weight, items) + bias[items]

    def state(self) -> dict[str, np.ndarray]:
        from moviepick.training.state import module_arrays

        return {**module_arrays(self.net, prefix="net."), "people_hidden": self.people_hidden}

    def item_vectors(self) -> np.ndarray:
        """Each movie's row of the output layer: what the last hidden layer meets to rate it."""
        return self.net.output.weight.detach().float().cpu().numpy().copy()


class FoldedInPeople:
    """People scored by their decoder rows over fixed movie codes (I-AutoRec)."""

    def __init__(
        self, item_codes: np.ndarray, people_rows: np.ndarray, prior: np.ndarray, reg: float
    ) -> None:
        self.item_codes = item_codes  # (n_items, dim)
        self.people_rows = people_rows  # (n_people, dim + 1): decoder weights, then the bias
        self.prior = prior  # (dim + 1,): the row of a person without ratings
        self.reg = reg

    def scores(self, ratings: sp.csr_matrix) -> np.ndarray:
        rows = fold_in(ratings, self.item_codes, self.prior, self.reg)
        return rows[:, :-1] @ self.item_codes.T + rows[:, -1:]

    def outputs(self, people: np.ndarray, items: np.ndarray) -> np.ndarray:
        weights, bias = self.people_rows[:, :-1], self.people_rows[:, -1]
        return _dot_pairs(weights, people, self.item_codes, items) + bias[people]

    def item_vectors(self) -> np.ndarray:
        """Each movie's code: what every person's decoder row meets."""
        return read_only(self.item_codes)

    def state(self) -> dict[str, np.ndarray]:
        return {
            "item_codes": self.item_codes,
            "people_rows": self.people_rows,
            "prior": self.prior,
        }


PREDICT_CHUNK = 1 << 16


def _dot_pairs(
    left: np.ndarray, rows: np.ndarray, right: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """``left[rows[k]] . right[cols[k]]`` for every ``k``, gathering a chunk at a time."""
    result = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), PREDICT_CHUNK):
        chunk = slice(start, start + PREDICT_CHUNK)
        result[chunk] = np.einsum("nk,nk->n", left[rows[chunk]], right[cols[chunk]])
    return result


@dataclass
class _AutoencoderParams(TorchParams):
    """The training hyper-parameters of both autoencoders; each redeclares the defaults that are
    its own."""

    epochs: Count = 200
    patience: NonNegativeInt = 10  # epochs without a better validation RMSE before stopping
    valid_share: Share = 0.05  # held out to stop early on when fit is given no valid


class _RatingAutoencoder(TorchRecommender):
    """What the autoencoders share: the fit pipeline, prediction and persistence.

    Subclasses say which rows the network reconstructs (people's or movies'), build the network
    and read the fitted network out into an :class:`EncodedPeople` or :class:`FoldedInPeople`.
    """

    predicts_ratings = True
    params: _AutoencoderParams
    # Batches of whole rating vectors are large enough to gain from intra-op threads.
    single_cpu_thread = False

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.rating_range = (1.0, 5.0)
        self.people: EncodedPeople | FoldedInPeople | None = None

    @property
    def reconstructs_items(self) -> bool:
        """Whether the network's rows are movies' vectors over people (else people's)."""
        return False

    def _held_out_share(self) -> float:
        return self.params.valid_share

    def _train(self, training: Training) -> None:
        from moviepick.models import _autoencoder_torch as torch_side
        from moviepick.training.precision import Precision
        from moviepick.training.reporter import FitReporter

        given, valid, device = training.given, training.valid, training.device
        self.n_items = given.n_items
        self.rating_range = (float(given.ratings.min()), float(given.ratings.max()))
        # the network trains without the held-out share; scoring (people's codes or decoder
        # rows) still uses all of the given ratings
        source = torch_side.DeviceRows(self._rows_of(training.train), device)
        net = self._build_net(source.matrix.shape[1]).to(device)
        validate = None
        if valid is not None:
            rows, cols = self._cells_of(valid)

            def validate() -> dict[str, float]:
                outputs = torch_side.pair_outputs(net, source, rows, cols)
                return {"valid RMSE": self._rmse(outputs, valid.ratings)}

        torch_side.train_rows(
            net,
            source,
            self._schedule(),
            reporter=FitReporter(training.progress, self.params.epochs),
            precision=Precision(device),
            validate=validate,
        )
        self.people = self._read_out(
            net, torch_side.DeviceRows(self._rows_of(given), device), given
        )

    def _rows_of(self, ratings: Interactions) -> sp.csr_matrix:
        """The matrix whose rows the network reconstructs."""
        return ratings.by_item if self.reconstructs_items else ratings.by_user

    def _cells_of(self, ratings: Interactions) -> tuple[np.ndarray, np.ndarray]:
        """Where each rating sits in :meth:`_rows_of`: ``(rows, columns)``."""
        if self.reconstructs_items:
            return ratings.items, ratings.users
        return ratings.users, ratings.items

    def _schedule(self) -> Schedule:
        from moviepick.models._autoencoder_torch import Schedule

        p = self.params
        return Schedule(p.epochs, p.lr, p.batch_size, p.weight_decay, p.patience, p.seed)

    @abstractmethod
    def _build_net(self, width: int) -> RowNet:
        """The untrained network for rows of ``width`` cells."""

    @abstractmethod
    def _read_out(
        self, net: RowNet, source: DeviceRows, train: Interactions
    ) -> EncodedPeople | FoldedInPeople:
        """What scoring keeps of the trained network."""

    def _rmse(self, outputs: np.ndarray, stars: np.ndarray) -> float:
        predicted = np.clip(outputs, *self.rating_range)
        return float(np.sqrt(np.mean(np.square(predicted - stars, dtype=np.float64))))

    def _fitted(self) -> EncodedPeople | FoldedInPeople:
        if self.people is None:
            raise ModelError(f"{self.name} is not fitted yet")
        return self.people

    def score_query(self, query: Query) -> np.ndarray:
        """Predicted stars for every movie (not clipped, so that they still rank)."""
        return self._fitted().scores(self._rating_rows([query]))[0]

    def _query_scores(self, queries: Sequence[Query], items: np.ndarray) -> np.ndarray:
        """Every query scored in one batch (each person's row is encoded or folded in alone)."""
        return self._fitted().scores(self._rating_rows(queries))[:, items]

    def _rating_rows(self, queries: Sequence[Query]) -> sp.csr_matrix:
        """A row of stars per query (a query without ratings: its sequence at the top of the
        scale, :func:`moviepick.models.base.rated_or_watched`)."""
        rated = [rated_or_watched(query, self.n_items, self.rating_range[1]) for query in queries]
        indptr = np.concatenate([[0], np.cumsum([len(items) for items, _ in rated])])
        indices = np.concatenate([items for items, _ in rated]).astype(np.int64)
        stars = np.concatenate([stars for _, stars in rated]).astype(np.float32)
        return sp.csr_matrix((stars, indices, indptr), shape=(len(queries), self.n_items))

    def _input_strengths(self, query: Query, inputs: np.ndarray) -> np.ndarray:
        return liked_strengths(query, inputs, self.n_items, self.rating_range)

    def item_vectors(self) -> np.ndarray:
        """A vector per movie: I-AutoRec's code of the movie, else the movie's decoder row."""
        return self._fitted().item_vectors()

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        """Each user's ``train`` ratings scored as ``score_query`` scores them, in one batch."""
        rows = train.by_user[np.asarray(users, dtype=np.int64)]
        return self._fitted().scores(rows)

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Stars for (training user, item) pairs, clipped to the training ratings' range."""
        users, items = np.asarray(users, dtype=np.int64), np.asarray(items, dtype=np.int64)
        outputs = self._fitted().outputs(users, items)
        return np.clip(outputs, *self.rating_range).astype(np.float32)

    def get_state(self) -> dict[str, np.ndarray]:
        return {
            **self._fitted().state(),
            "rating_range": np.array(self.rating_range),
            "n_items": np.array(self.n_items),
        }

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        low, high = (float(value) for value in arrays["rating_range"])
        self.rating_range = (low, high)
        self.n_items = int(arrays["n_items"])
        self.people = self._people_from(arrays)

    @abstractmethod
    def _people_from(self, arrays: Mapping[str, np.ndarray]) -> EncodedPeople | FoldedInPeople:
        """The inverse of ``self.people.state()``."""

    def _encoded_people_from(self, arrays: Mapping[str, np.ndarray]) -> EncodedPeople:
        from moviepick.training.torch_libraries import import_torch

        import_torch()
        from moviepick.training.state import load_module_arrays

        net = self._build_net(self.n_items)
        load_module_arrays(net, arrays, prefix="net.")
        net.eval()
        return EncodedPeople(net, np.asarray(arrays["people_hidden"], dtype=np.float32))

    def _encoded_people(self, net: RowNet, source: DeviceRows) -> EncodedPeople:
        from moviepick.models._autoencoder_torch import represent_rows

        return EncodedPeople(net, represent_rows(net, source, np.arange(len(source))))


class StackedAutoencoder(_RatingAutoencoder):
    name = "autoencoder"
    description = "Stacked autoencoder of a person's ratings (n -> 20 -> 10 -> 20 -> n, sigmoid)"

    @dataclass
    class Params(_AutoencoderParams):
        hidden: Count = 20  # the outer hidden layers
        dim: Count = 10  # the code in the middle
        lr: Positive = 0.01
        batch_size: Count = 64
        weight_decay: NonNegative = 5.0

    def _build_net(self, width: int) -> RowNet:
        from moviepick.models._autoencoder_torch import StackedNet

        return StackedNet(width, self.params.hidden, self.params.dim)

    def _read_out(self, net: RowNet, source: DeviceRows, train: Interactions) -> EncodedPeople:
        return self._encoded_people(net, source)

    def _people_from(self, arrays: Mapping[str, np.ndarray]) -> EncodedPeople:
        return self._encoded_people_from(arrays)


class AutoRec(_RatingAutoencoder):
    name = "autorec"
    description = "AutoRec: I-AutoRec (movies' rating vectors, people folded in) or U-AutoRec"

    @dataclass
    class Params(_AutoencoderParams):
        variant: Literal["item", "user"] = "item"
        dim: Count = 500
        lr: Positive = 0.003
        batch_size: Count = 256
        weight_decay: NonNegative = 150.0

    def _params_problem(self) -> str | None:
        if self.params.variant == "item" and self.params.weight_decay <= 0:
            return "weight_decay > 0 for the item variant, to fold people in"
        return None

    @property
    def reconstructs_items(self) -> bool:
        return self.params.variant == "item"

    def _build_net(self, width: int) -> RowNet:
        from moviepick.models._autoencoder_torch import AutoRecNet

        return AutoRecNet(width, self.params.dim)

    def _read_out(
        self, net: RowNet, source: DeviceRows, train: Interactions
    ) -> EncodedPeople | FoldedInPeople:
        if not self.reconstructs_items:
            return self._encoded_people(net, source)
        from moviepick.models._autoencoder_torch import decoder_rows, represent_rows

        codes = represent_rows(net, source, np.arange(len(source)))
        prior = decoder_rows(net).mean(axis=0)
        reg = self.params.weight_decay / 2
        rows = fold_in(train.by_user, codes, prior, reg)
        return FoldedInPeople(codes, rows, prior, reg)

    def _people_from(self, arrays: Mapping[str, np.ndarray]) -> EncodedPeople | FoldedInPeople:
        if not self.reconstructs_items:
            return self._encoded_people_from(arrays)
        return FoldedInPeople(
            np.asarray(arrays["item_codes"], dtype=np.float32),
            np.asarray(arrays["people_rows"], dtype=np.float32),
            np.asarray(arrays["prior"], dtype=np.float32),
            self.params.weight_decay / 2,
        )
