"""The torch side of :mod:`moviepick.models.neumf`: the network and the new-person fold-in.

Imported only when a NeuMF model fits, loads or scores, so ``moviepick`` starts without torch.

Each user is one row of ``users`` and each movie one row of ``items``, laid out as
``[GMF vector (dim) | MLP vector (dim, neumf only) | bias (1, neumf only)]``. Keeping a person's
parameters in one vector lets the fold-in fit a new person with one tensor and the same code that
scores a training user.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

GAUSS_NEWTON_STEPS = 3  # of the fold-in of a new person
MAX_HALVINGS = 8  # of a fold-in step that would not decrease a person's objective
GRAM_CHUNK = 1 << 22  # values of the per-rating outer products summed at once
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
    precision: torch.Tensor,
    owners: torch.Tensor,
    items: torch.Tensor,
    stars: torch.Tensor,
    n_people: int,
) -> torch.Tensor:
    """User vectors for ``n_people`` people from their ratings, the network frozen.

    ``owners[k]`` rated ``items[k]`` with ``stars[k]``. Each person's vector minimises their
    squared errors plus ``sum(precision * (vector - prior) ** 2)``, by Gauss-Newton steps from
    the prior, each halved until the objective decreases. The prediction is linear in the GMF part
    and the bias (one step solves the classic form) and piecewise linear in the MLP part, so a
    few steps converge. A person's objective involves only their own vector, so it does not
    depend on who else is in the batch.
    """
    item_rows = net.items.weight[items]
    theta = prior.expand(n_people, -1).clone()

    def objective(vectors: torch.Tensor) -> torch.Tensor:
        error = net.score_pairs(vectors[owners], item_rows) - stars
        penalty = (precision * (vectors - prior).square()).sum(dim=1)
        return penalty.index_add(0, owners, error.square())

    current = objective(theta)
    for _ in range(GAUSS_NEWTON_STEPS):
        rows = theta[owners].requires_grad_(True)
        with torch.enable_grad():
            predicted = net.score_pairs(rows, item_rows)
            # each prediction depends on its own row only: the gradient of the sum is the Jacobian
            (jacobian,) = torch.autograd.grad(predicted.sum(), rows)
        residual = predicted.detach() - stars
        gradient = (precision * (theta - prior)).index_add(0, owners, jacobian * residual[:, None])
        hessian = _grams(owners, jacobian, n_people) + torch.diag(precision)
        step = torch.linalg.solve(hessian, gradient)
        theta, current = _halved_until_better(theta, step, current, objective)
    return theta


def _grams(owners: torch.Tensor, jacobian: torch.Tensor, n_people: int) -> torch.Tensor:
    """``J_b^T J_b`` per person ``b``, from the Jacobian rows of their ratings."""
    width = jacobian.shape[1]
    grams = jacobian.new_zeros((n_people, width, width))
    per_chunk = max(1, GRAM_CHUNK // (width * width))
    for rows in range(0, len(owners), per_chunk):
        part = jacobian[rows : rows + per_chunk]
        grams.index_add_(0, owners[rows : rows + per_chunk], part[:, :, None] * part[:, None, :])
    return grams


def _halved_until_better(
    theta: torch.Tensor,
    step: torch.Tensor,
    current: torch.Tensor,
    objective: Callable[[torch.Tensor], torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor]:
    """``theta - scale * step`` per person, the largest scale in 1, 1/2, ... that does not
    increase their objective (0 when none does); and the objective there."""
    scale = torch.ones(len(theta), 1)
    accepted = torch.zeros(len(theta), dtype=torch.bool)
    for _ in range(MAX_HALVINGS):
        accepted |= objective(theta - scale * step) <= current
        if bool(accepted.all()):
            break
        scale[~accepted] /= 2
    scale[~accepted] = 0.0
    theta = theta - scale * step
    return theta, objective(theta)
