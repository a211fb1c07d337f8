"""Two-stage genre embeddings: movies placed by their genres, then people placed among movies.

Stage 1 learns a vector per movie and per genre from the catalogue's movie-genre pairs:
``sigmoid(movie . genre)`` is trained by binary cross-entropy towards 1 for every true pair and
towards 0 for ``genre_negatives`` of the movie's other genres, sampled afresh each epoch.

Stage 2 learns a vector and a bias per user, and a bias per movie, from who watched what:
``sigmoid(user . movie + user bias + movie bias)`` towards 1 for every training interaction and
towards 0 for ``negatives`` movies drawn uniformly per interaction. The movie vectors start from
stage 1's; with ``fine_tune`` they keep training, without it they stay frozen, so that a movie's
place is its genres only. Stars are ignored: a rating says the person watched the movie. Stage 2
early-stops on the loss of validation interactions (without any, of a held-out share of the
training interactions) and keeps the best epoch's weights.

A person, known or new, is folded in: their vector and bias maximise the expected stage-2
objective given their movies, with every movie weighted as a negative by its chance of being
sampled (``negatives * n_watched / n_items``) and a ridge pull towards the mean training user.
That objective is concave, so a few Newton steps (:data:`NEWTON_STEPS`) solve it, without
sampling and the same for a batch as for one person. Scores are the logits; only numpy is needed
once the model is fitted.

:meth:`GenreEmbedding.project_embeddings` maps the movie vectors to 2-D for the embedding map;
:meth:`GenreEmbedding.item_vectors` gives them as they are. A pick's reason is exact
leave-one-out up to :attr:`GenreEmbedding.explain_exact_up_to` inputs and a similarity estimate
above, every watched movie counting alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import scipy.sparse as sp

from moviepick.data.catalog import Catalog
from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.base import Query, check_same_catalogue, query_inputs, read_only
from moviepick.models.hyperparams import Count, NonNegativeInt, Positive
from moviepick.models.torch_model import TorchParams, TorchRecommender, Training
from moviepick.training.events import Progress

if TYPE_CHECKING:
    import torch

    from moviepick.models._genre_embedding_nets import GenreNet, PreferenceNet
    from moviepick.training.precision import Precision
    from moviepick.training.reporter import FitReporter

NEWTON_STEPS = 6
MAX_HALVINGS = 8  # of a Newton step that would not decrease a person's objective
FOLD_IN_REG = 1.0  # ridge pull of a folded-in person towards the mean training user
FOLD_IN_CHUNK = 1 << 22  # values of a person x movie (or x Hessian) array per fold-in batch
VALID_STREAM = 0  # the shuffle-and-sample stream of validation; epochs are 1, 2, ...


class GenreEmbedding(TorchRecommender):
    name = "genre-embed"
    description = "Two-stage embeddings: movies from their genres, then users among the movies"

    @dataclass
    class Params(TorchParams):
        dim: Count = 32
        genre_epochs: Count = 30  # stage 1
        genre_negatives: NonNegativeInt = 4  # sampled non-genres per true movie-genre pair
        epochs: Count = 20  # stage 2
        negatives: NonNegativeInt = 4  # sampled movies per interaction
        fine_tune: bool = True  # False: stage 2 keeps the stage-1 movie vectors frozen
        lr: Positive = 0.01
        batch_size: Count = 1024
        # stage-2 epochs without a better validation loss before stopping
        patience: NonNegativeInt = 2

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.item_genres: np.ndarray | None = None  # (n_items, n_genres) bool, from prepare()
        self.genre_vectors = np.empty((0, 0), dtype=np.float32)
        self.movie_vectors = np.empty((0, 0), dtype=np.float32)
        self.item_bias = np.empty(0, dtype=np.float32)
        self.user_vectors = np.empty((0, 0), dtype=np.float32)  # learned, [vector | bias]
        self.prior = np.empty(0, dtype=np.float32)  # the mean training user's [vector | bias]

    def prepare(self, catalog: Catalog) -> None:
        super().prepare(catalog)
        self.item_genres = np.asarray(catalog.genres, dtype=bool)

    def _fit(
        self, train: Interactions, valid: Interactions | None, progress: Progress | None
    ) -> None:
        if self.item_genres is None:
            raise ModelError(
                "genre-embed needs the catalogue's genres: prepare it with the dataset"
            )
        check_same_catalogue(len(self.item_genres), train.n_items)
        super()._fit(train, valid, progress)

    def _train(self, training: Training) -> None:
        import torch

        from moviepick.models._genre_embedding_nets import PreferenceNet
        from moviepick.training.loop import EarlyStopping, run_epochs
        from moviepick.training.precision import Precision
        from moviepick.training.reporter import FitReporter

        p = self.params
        train, valid, device = training.train, training.valid, training.device
        metric = training.metric("loss")
        reporter = FitReporter(training.progress, p.genre_epochs + p.epochs)
        precision = Precision(device)
        genre_net = self._fit_genres(device, reporter, precision)
        net = PreferenceNet(train.n_users, genre_net.movies.weight.detach(), p.fine_tune)
        net = net.to(device)
        trained = [weight for weight in net.parameters() if weight.requires_grad]
        optimizer = torch.optim.Adam(trained, lr=p.lr, weight_decay=p.weight_decay)
        validate = None
        if valid is not None:
            valid_batches = list(_interaction_batches(valid, p, VALID_STREAM, device))

            def validate() -> dict[str, float]:
                losses = [float(net.loss(*batch)) * len(batch[0]) for batch in valid_batches]
                return {metric: sum(losses) / len(valid)}

        run_epochs(
            net,
            optimizer,
            lambda epoch: _interaction_batches(train, p, epoch, device),
            lambda batch: net.loss(*batch),
            epochs=p.epochs,
            reporter=reporter,
            precision=precision,
            validate=validate,
            early_stopping=None if valid is None else EarlyStopping(metric, p.patience),
        )
        self._keep(genre_net, net, train)

    def _fit_genres(
        self, device: torch.device, reporter: FitReporter, precision: Precision
    ) -> GenreNet:
        """Stage 1: movie and genre vectors from the movie-genre pairs."""
        import torch

        from moviepick.models._genre_embedding_nets import GenreNet
        from moviepick.training.loop import run_epochs

        p = self.params
        genres = torch.from_numpy(np.asarray(self.item_genres, dtype=bool))
        net = GenreNet(len(genres), max(genres.shape[1], 1), p.dim).to(device)
        optimizer = torch.optim.Adam(net.parameters(), lr=p.lr)
        run_epochs(
            net,
            optimizer,
            lambda epoch: _genre_batches(genres, p, epoch, device),
            lambda batch: net.loss(*batch),
            epochs=p.genre_epochs,
            reporter=reporter,
            precision=precision,
        )
        return net

    def _keep(self, genre_net: GenreNet, net: PreferenceNet, train: Interactions) -> None:
        """Copy the fitted weights to numpy, which is all scoring needs."""
        self.genre_vectors = genre_net.genres.weight.detach().cpu().float().numpy()
        self.movie_vectors = net.movies.weight.detach().cpu().float().numpy()
        self.item_bias = net.movie_bias.weight.detach().cpu().float().numpy()[:, 0]
        self.user_vectors = net.users.weight.detach().cpu().float().numpy()
        active = np.bincount(train.users, minlength=train.n_users) > 0
        self.prior = self.user_vectors[active if active.any() else slice(None)].mean(axis=0)
        self.n_items = len(self.movie_vectors)

    def score_query(self, query: Query) -> np.ndarray:
        return self._scores(self._watched([query]))[0]

    def _query_scores(self, queries: Sequence[Query], items: np.ndarray) -> np.ndarray:
        """Every query folded in in one batch (each person's fold-in is their own)."""
        return self._scores(self._watched(queries))[:, items]

    def _watched(self, queries: Sequence[Query]) -> sp.csr_matrix:
        """A row per query marking the movies it gave, rated or in its sequence."""
        rows = [np.sort(query_inputs(query, self.n_items)) for query in queries]
        indptr = np.concatenate([[0], np.cumsum([len(row) for row in rows])])
        indices = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        return sp.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(len(queries), self.n_items)
        )

    def item_vectors(self) -> np.ndarray:
        """The movie vectors every person's vector meets (after stage 2's fine-tuning, if any)."""
        return read_only(self.movie_vectors)

    def score_users(self, users: np.ndarray, train: Interactions) -> np.ndarray:
        """Training users folded in from their training movies, as ``score_query`` does."""
        matrix = train.by_user[np.asarray(users, dtype=np.int64)]
        return self._scores(
            sp.csr_matrix((np.ones(matrix.nnz), matrix.indices, matrix.indptr), matrix.shape)
        )

    def _scores(self, watched: sp.csr_matrix) -> np.ndarray:
        """Logits of every movie for the people whose rows of ``watched`` mark their movies."""
        self._check_fitted()
        features = np.hstack([self.movie_vectors, np.ones((self.n_items, 1), np.float32)])
        features = features.astype(np.float64)
        per_chunk = max(1, FOLD_IN_CHUNK // max(self.n_items, features.shape[1] ** 2))
        scores = np.empty((watched.shape[0], self.n_items), dtype=np.float32)
        for start in range(0, watched.shape[0], per_chunk):
            rows = slice(start, start + per_chunk)
            theta = self._fold_in(watched[rows].toarray(), features)
            scores[rows] = theta @ features.T + self.item_bias
        return scores

    def _fold_in(self, watched: np.ndarray, features: np.ndarray) -> np.ndarray:
        """Damped Newton steps on each person's expected stage-2 objective (see the module docs).

        A full Newton step can overshoot far from the optimum (people with many movies start far
        from the mean user), so each person's step is halved until their objective decreases.
        """
        n_people, width = len(watched), features.shape[1]
        weight = self.params.negatives * watched.sum(axis=1, keepdims=True) / self.n_items
        prior = self.prior.astype(np.float64)

        def objective(theta: np.ndarray) -> np.ndarray:
            logits = theta @ features.T + self.item_bias
            fit = watched * np.logaddexp(0.0, -logits) + weight * np.logaddexp(0.0, logits)
            return fit.sum(axis=1) + 0.5 * FOLD_IN_REG * np.square(theta - prior).sum(axis=1)

        theta = np.tile(prior, (n_people, 1))
        current = objective(theta)
        ridge = FOLD_IN_REG * np.eye(width)
        for _ in range(NEWTON_STEPS):
            chance = _sigmoid(theta @ features.T + self.item_bias)
            residual = weight * chance - watched * (1.0 - chance)
            gradient = residual @ features + FOLD_IN_REG * (theta - prior)
            curvature = (weight + watched) * chance * (1.0 - chance)
            hessian = _weighted_grams(curvature, features) + ridge
            step = np.linalg.solve(hessian, gradient[:, :, None])[:, :, 0]
            scale = np.ones((n_people, 1))
            accepted = np.zeros(n_people, dtype=bool)
            for _ in range(MAX_HALVINGS):
                candidate = objective(theta - scale * step)
                accepted |= candidate <= current
                if accepted.all():
                    break
                scale[~accepted] /= 2
            scale[~accepted] = 0.0
            theta = theta - scale * step
            current = objective(theta)
        return theta

    def project_embeddings(self, method: Literal["pca", "tsne"] = "pca") -> np.ndarray:
        """Movie vectors in 2-D, ``(n_items, 2)``: by PCA, or by t-SNE with scikit-learn."""
        self._check_fitted()
        vectors = self.movie_vectors.astype(np.float64)
        if method == "pca":
            centred = vectors - vectors.mean(axis=0)
            _, _, axes = np.linalg.svd(centred, full_matrices=False)
            axes = axes[:2] * np.sign(axes[:2, :1] + (axes[:2, :1] == 0))  # a fixed orientation
            projected = centred @ axes.T
            if projected.shape[1] < 2:
                projected = np.hstack(
                    [projected, np.zeros((len(projected), 2 - projected.shape[1]))]
                )
            return projected.astype(np.float32)
        if method == "tsne":
            try:
                from sklearn.manifold import TSNE
            except ImportError:
                raise ModelError("t-SNE needs scikit-learn: pip install scikit-learn") from None
            tsne = TSNE(n_components=2, init="pca", random_state=self.params.seed)
            return tsne.fit_transform(vectors).astype(np.float32)
        raise ModelError(f"unknown projection {method!r}; choose pca or tsne")

    def _check_fitted(self) -> None:
        if len(self.prior) == 0:
            raise ModelError("genre-embed is not fitted yet")

    def get_state(self) -> dict[str, np.ndarray]:
        return {
            "genre_vectors": self.genre_vectors,
            "item_vectors": self.movie_vectors,
            "item_bias": self.item_bias,
            "user_vectors": self.user_vectors,
            "prior": self.prior,
        }

    def set_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.genre_vectors = np.asarray(arrays["genre_vectors"], dtype=np.float32)
        self.movie_vectors = np.asarray(arrays["item_vectors"], dtype=np.float32)
        self.item_bias = np.asarray(arrays["item_bias"], dtype=np.float32)
        self.user_vectors = np.asarray(arrays["user_vectors"], dtype=np.float32)
        self.prior = np.asarray(arrays["prior"], dtype=np.float32)
        self.n_items = len(self.movie_vectors)


def _weighted_grams(weights: np.ndarray, features: np.ndarray) -> np.ndarray:
    """``features.T @ diag(weights[b]) @ features`` for every row ``b`` of ``weights``.

    For more than a few rows, one matrix product against the flattened outer products
    ``x_j x_j^T`` (built a chunk of movies at a time) is far faster than one product per row.
    """
    n_items, width = features.shape
    if len(weights) < width:
        return np.matmul(features.T[None] * weights[:, None, :], features)
    grams = np.zeros((len(weights), width * width))
    per_chunk = max(1, FOLD_IN_CHUNK // (width * width))
    for start in range(0, n_items, per_chunk):
        block = features[start : start + per_chunk]
        outer = (block[:, :, None] * block[:, None, :]).reshape(len(block), width * width)
        grams += weights[:, start : start + per_chunk] @ outer
    return grams.reshape(len(weights), width, width)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * values))


def _genre_batches(
    genres: torch.Tensor, p: GenreEmbedding.Params, epoch: int, device: torch.device
) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Stage 1's batches: ``(movies, true genres, sampled non-genres)``, shuffled per epoch."""
    import torch

    from moviepick.training.seeding import epoch_generator

    generator = epoch_generator(p.seed, epoch)
    movies, true = torch.nonzero(genres, as_tuple=True)
    # the k distinct non-genres with the highest random keys (true genres never qualify)
    k = min(p.genre_negatives, int((~genres).sum(dim=1).min()))
    keys = torch.rand(len(movies), genres.shape[1], generator=generator)
    keys[genres[movies]] = -1.0
    negatives = keys.topk(k, dim=1).indices
    order = torch.randperm(len(movies), generator=generator)
    for rows in order.split(p.batch_size):
        yield movies[rows].to(device), true[rows].to(device), negatives[rows].to(device)


def _interaction_batches(
    interactions: Interactions, p: GenreEmbedding.Params, stream: int, device: torch.device
) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Stage 2's batches ``(users, watched movies, sampled movies)``, shuffled and sampled anew
    for each ``stream`` (an epoch; validation uses one fixed stream)."""
    import torch

    from moviepick.training.seeding import epoch_generator

    generator = epoch_generator(p.seed + 1, stream)
    order = torch.randperm(len(interactions), generator=generator)
    negatives = torch.randint(
        interactions.n_items, (len(interactions), p.negatives), generator=generator
    )
    users = torch.from_numpy(interactions.users.astype(np.int64))
    items = torch.from_numpy(interactions.items.astype(np.int64))
    for rows in order.split(p.batch_size):
        yield users[rows].to(device), items[rows].to(device), negatives[rows].to(device)
