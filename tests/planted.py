"""A tiny data set with planted structure, shared by the model tests.

Two groups of users and two disjoint blocks of movies with a genre each. A user rates most of
their own group's block with 4-5 stars and two movies of the other block with 1 star; one more
movie of their block is held out. The last movie of each block has no ratings at all, and the
last user none either, so models meet cold movies and a cold user.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from moviepick.data.catalog import Catalog
from moviepick.data.dataset import Dataset
from moviepick.data.interactions import Interactions
from moviepick.models.base import Query

USERS_PER_GROUP = 15
BLOCK = 12  # movies per block; the last one of each block is never rated
RATED_IN_BLOCK = 8
RATED_ACROSS = 2
N_USERS = 2 * USERS_PER_GROUP + 1  # the last user has no ratings
N_ITEMS = 2 * BLOCK
FINGERPRINT = "planted:0"

# Fewer epochs for models whose defaults are sized for real data (torch models, say), so the
# shared suite stays fast; models missing here are tested with their defaults.
FAST_PARAMS: dict[str, dict[str, object]] = {
    "autoencoder": {
        "epochs": 20,
        "lr": 0.05,
        "batch_size": 4,
        "weight_decay": 0.01,
        "valid_share": 0.0,
        "device": "cpu",
    },
    "autorec": {
        "dim": 16,
        "epochs": 30,
        "lr": 0.02,
        "batch_size": 16,
        "weight_decay": 0.01,
        "device": "cpu",
    },
    "neumf": {"epochs": 30, "dim": 8, "batch_size": 32, "lr": 0.01, "device": "cpu"},
    "genre-embed": {
        "genre_epochs": 20,
        "epochs": 30,
        "dim": 8,
        "batch_size": 32,
        "lr": 0.05,
        "device": "cpu",
    },
    "seq-mean": {"window": 4, "dim": 16, "epochs": 5, "device": "cpu"},
    "sasrec": {"max_len": 12, "dim": 16, "blocks": 1, "epochs": 5, "device": "cpu"},
}


@dataclass(frozen=True)
class Planted:
    train: Interactions
    held_out: np.ndarray  # per user of the two groups: an own-block movie not in train
    catalog: Catalog

    @staticmethod
    def block_of(user: int) -> np.ndarray:
        """The movies of ``user``'s group, the never-rated one included."""
        group = user // USERS_PER_GROUP
        return np.arange(group * BLOCK, (group + 1) * BLOCK)

    @staticmethod
    def cold_items() -> np.ndarray:
        return np.array([BLOCK - 1, 2 * BLOCK - 1])


@cache
def planted() -> Planted:
    rng = np.random.default_rng(7)
    users, items, ratings, held_out = [], [], [], []
    for user in range(2 * USERS_PER_GROUP):
        own = Planted.block_of(user)
        other = np.setdiff1d(np.arange(N_ITEMS), own)
        chosen = rng.permutation(own[:-1])[: RATED_IN_BLOCK + 1]
        held_out.append(chosen[-1])
        liked = chosen[:-1]
        disliked = rng.choice(other[:-1], RATED_ACROSS, replace=False)
        users += [user] * (RATED_IN_BLOCK + RATED_ACROSS)
        items += [*liked, *disliked]
        ratings += [*rng.choice([4.0, 5.0], RATED_IN_BLOCK), *[1.0] * RATED_ACROSS]
    train = Interactions(
        users=np.array(users, dtype=np.int32),
        items=np.array(items, dtype=np.int32),
        ratings=np.array(ratings, dtype=np.float32),
        timestamps=1_000_000_000 + np.arange(len(users), dtype=np.int64),
        n_users=N_USERS,
        n_items=N_ITEMS,
    )
    return Planted(train, np.array(held_out), planted_catalog(train))


def planted_catalog(train: Interactions) -> Catalog:
    genres = np.zeros((N_ITEMS, 2), dtype=bool)
    genres[:BLOCK, 0] = genres[BLOCK:, 1] = True
    count = np.bincount(train.items, minlength=N_ITEMS)
    titles = [f"Movie {item}" for item in range(N_ITEMS)]
    return Catalog(
        movie_ids=np.arange(1, N_ITEMS + 1, dtype=np.int64),
        raw_titles=titles,
        titles=titles,
        years=np.zeros(N_ITEMS, dtype=np.int16),
        aliases=[() for _ in range(N_ITEMS)],
        genre_names=("Alpha", "Beta"),
        genres=genres,
        imdb_ids=np.zeros(N_ITEMS, dtype=np.int64),
        tmdb_ids=np.zeros(N_ITEMS, dtype=np.int64),
        rating_count=count.astype(np.int32),
        rating_mean=np.zeros(N_ITEMS, dtype=np.float32),
        score=np.zeros(N_ITEMS, dtype=np.float32),
    )


def training_query(train: Interactions, user: int) -> Query:
    """The Query of a training user: their training ratings, in time order."""
    rows = np.flatnonzero(train.users == user)
    rows = rows[np.argsort(train.timestamps[rows])]
    items = train.items[rows].tolist()
    return Query(
        ratings=dict(zip(items, train.ratings[rows].tolist(), strict=True)), sequence=items
    )


def planted_dataset(rating_step: float = 1.0) -> Dataset:
    """The planted catalogue and training ratings as a loaded dataset."""
    data = planted()
    return Dataset(
        name="planted",
        source=Path("planted"),
        catalog=data.catalog,
        interactions=data.train,
        user_ids=np.arange(data.train.n_users, dtype=np.int64),
        rating_step=rating_step,
    )
