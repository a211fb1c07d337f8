"""The torch side of :mod:`moviepick.models.neumf`: the network and the new-person fold-in.

Imported only when a NeuMF model fits, loads or scores, so ``moviepick`` starts without torch.

Each user is one row of ``users`` and each movie one row of ``items``, laid out as
``[GMF vector (dim) | MLP vector (dim, neumf only) | bias (1, neumf only)]``. Keeping a person's
parameters in one vector lets the fold-in fit a new person with one tensor and the same code that
scores a training user.
"""

from __future__ import annotations

import torch
from torch import nn

# Fold-in of a new person: Adam steps on their vector with the item side frozen, from the mean
# training user, with a ridge penalty towards that mean (few ratings -> near the mean person).
FOLD_IN_STEPS = 40
FOLD_IN_LR = 0.05
FOLD_IN_REG = 0.05  # per unit of squared distance from the mean user, against summed errors
SCORE_CHUNK = 1 << 22  # (users x items x hidden) values per chunk of full scoring


class NeuMFNet(nn.Module):
    """GMF (``p * q`` through a linear head), optionally with the MLP tower and biases."""

    def __init__(
        self, n_users: int, n_items: int, dim: int, variant: str, dropout: float, mean: float
    ) -> None:
        super().__init__()
        self.dim = dim
        self.with_mlp = variant == "neumf"
        width = 2 * dim + 1 if self.with_mlp else dim
        self.users = nn.Embedding(n_users, width)
        self.items = nn.Embedding(n_items, width)
        nn.init.normal_(self.users.weight, std=0.01)
        nn.init.normal_(self.items.weight, std=0.01)
        hidden = max(dim // 2, 1)
        if self.with_mlp:
            with torch.no_grad():  # biases start at zero
                self.users.weight[:, -1] = 0.0
                self.items.weight[:, -1] = 0.0
            self.tower = nn.Sequential(
                nn.Linear(2 * dim, dim),
                nn.ReLU(),
                nn.Dropout(dropout),
                nn.Linear(dim, hidden),
                nn.ReLU(),
                nn.Dropout(dropout),
            )
        self.head = nn.Linear(dim + (hidden if self.with_mlp else 0), 1)
        with torch.no_grad():
            self.head.bias.fill_(mean)

    def forward(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """Predicted stars of ``users[k]`` for ``items[k]`` (training users)."""
        return self.score_pairs(self.users(users), self.items(items))

    def score_pairs(self, user_rows: torch.Tensor, item_rows: torch.Tensor) -> torch.Tensor:
        """Predicted stars for aligned rows of user vectors and item vectors."""
        dim = self.dim
        features = user_rows[:, :dim] * item_rows[:, :dim]
        if not self.with_mlp:
            return self.head(features)[:, 0]
        mlp_input = torch.cat([user_rows[:, dim : 2 * dim], item_rows[:, dim : 2 * dim]], dim=1)
        features = torch.cat([features, self.tower(mlp_input)], dim=1)
        return self.head(features)[:, 0] + user_rows[:, -1] + item_rows[:, -1]

    def score_all(self, user_rows: torch.Tensor) -> torch.Tensor:
        """``(len(user_rows), n_items)`` predicted stars of every movie.

        The same function as :meth:`score_pairs`, arranged so that the item side of the head and
        of the tower's first layer is computed once for all people.
        """
        dim = self.dim
        items = self.items.weight
        head = self.head.weight[0]
        scores = (user_rows[:, :dim] * head[:dim]) @ items[:, :dim].T + self.head.bias
        if not self.with_mlp:
            return scores
        first = self.tower[0]
        user_part = user_rows[:, dim : 2 * dim] @ first.weight[:, :dim].T + first.bias
        item_part = items[:, dim : 2 * dim] @ first.weight[:, dim:].T
        per_chunk = max(1, SCORE_CHUNK // (len(items) * dim))
        tower_rest = self.tower[1:]
        mlp = [
            tower_rest(part[:, None, :] + item_part[None, :, :]) @ head[dim:]
            for part in user_part.split(per_chunk)
        ]
        scores = scores + torch.cat(mlp) if mlp else scores
        return scores + user_rows[:, -1:] + items[:, -1]


def fold_in(
    net: NeuMFNet,
    prior: torch.Tensor,
    owners: torch.Tensor,
    items: torch.Tensor,
    stars: torch.Tensor,
    n_people: int,
) -> torch.Tensor:
    """User vectors for ``n_people`` people from their ratings, the network frozen.

    ``owners[k]`` rated ``items[k]`` with ``stars[k]``. Each person's objective (their squared
    errors plus the ridge towards ``prior``) involves only their own vector and Adam updates each
    coordinate on its own, so a person's vector does not depend on who else is in the batch.
    """
    vectors = prior.expand(n_people, -1).clone().requires_grad_(True)
    optimizer = torch.optim.Adam([vectors], lr=FOLD_IN_LR)
    item_rows = net.items.weight[items].detach()
    for _ in range(FOLD_IN_STEPS):
        error = net.score_pairs(vectors[owners], item_rows) - stars
        loss = error.square().sum() + FOLD_IN_REG * (vectors - prior).square().sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return vectors.detach()
