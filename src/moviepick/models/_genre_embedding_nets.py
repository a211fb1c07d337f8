"""The torch side of :mod:`moviepick.models.genre_embedding`: the two networks it trains.

Imported only while the model fits, so ``moviepick`` starts without torch (scoring is numpy).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class GenreNet(nn.Module):
    """Stage 1: ``sigmoid(movie . genre)`` is the probability that the movie has the genre."""

    def __init__(self, n_items: int, n_genres: int, dim: int) -> None:
        super().__init__()
        self.movies = nn.Embedding(n_items, dim)
        self.genres = nn.Embedding(n_genres, dim)
        nn.init.normal_(self.movies.weight, std=0.1)
        nn.init.normal_(self.genres.weight, std=0.1)

    def loss(
        self, movies: torch.Tensor, positives: torch.Tensor, negatives: torch.Tensor
    ) -> torch.Tensor:
        """BCE of ``(movie, genre)`` pairs: ``positives`` (P,) true, ``negatives`` (P, k) not."""
        vectors = self.movies(movies)
        true = (vectors * self.genres(positives)).sum(dim=-1)
        false = (vectors[:, None, :] * self.genres(negatives)).sum(dim=-1)
        return _bce(true, false)


class PreferenceNet(nn.Module):
    """Stage 2: ``sigmoid(user . movie + user bias + movie bias)`` is the chance of watching.

    Each user row is ``[vector (dim) | bias]``. The movie vectors start from stage 1's and are
    trained further only with ``fine_tune``; the movie biases are always trained.
    """

    def __init__(self, n_users: int, movie_vectors: torch.Tensor, fine_tune: bool) -> None:
        super().__init__()
        n_items, dim = movie_vectors.shape
        self.users = nn.Embedding(n_users, dim + 1)
        nn.init.normal_(self.users.weight, std=0.1)
        self.movies = nn.Embedding.from_pretrained(movie_vectors.clone(), freeze=not fine_tune)
        self.movie_bias = nn.Embedding(n_items, 1)
        nn.init.zeros_(self.movie_bias.weight)

    def logits(self, users: torch.Tensor, movies: torch.Tensor) -> torch.Tensor:
        """Logits of ``users`` (N,) for ``movies`` (N,) or (N, k)."""
        user_rows = self.users(users)
        if movies.dim() == 2:
            user_rows = user_rows[:, None, :]
        vectors, bias = user_rows[..., :-1], user_rows[..., -1]
        return (vectors * self.movies(movies)).sum(dim=-1) + bias + self.movie_bias(movies)[..., 0]

    def loss(
        self, users: torch.Tensor, positives: torch.Tensor, negatives: torch.Tensor
    ) -> torch.Tensor:
        """BCE of watched ``positives`` (N,) against sampled ``negatives`` (N, k)."""
        return _bce(self.logits(users, positives), self.logits(users, negatives))


def _bce(true: torch.Tensor, false: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over each positive and its negatives, averaged over positives."""
    false = false.float()
    return (F.softplus(-true.float()) + F.softplus(false).sum(dim=-1)).mean()
