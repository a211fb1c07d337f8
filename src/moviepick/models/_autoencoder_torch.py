"""The autoencoders' torch side: the networks, their rows as dense batches, and their training.

Imported by :mod:`moviepick.models.autoencoder` only when a network is built (``fit`` or
``set_state``), so importing the model module does not import torch.

Every network reconstructs the rows of a ratings matrix (a person's ratings of every movie, or a
movie's ratings by every person) and is read in two parts: ``represent`` maps a row to its last
hidden layer, and ``output`` (a linear layer) maps that to the reconstruction. A rating is thus
``output.weight[col] . represent(row) + output.bias[col]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from torch import nn

from moviepick.training.batches import shuffled_batches
from moviepick.training.loop import EarlyStopping, LoopResult, run_epochs
from moviepick.training.precision import Precision
from moviepick.training.reporter import FitReporter

# Matrices up to this many cells live densely on the device (ml-1m's 6,040 x 3,706 does); larger
# ones are kept sparse on the CPU and densified one batch at a time.
DENSE_CELLS = 1 << 26
# Rows densified at once when reading outputs, as a number of cells.
CHUNK_CELLS = 1 << 24


class StackedNet(nn.Module):
    """``width -> hidden -> code -> hidden -> width``, sigmoid after every hidden layer."""

    def __init__(self, width: int, hidden: int, code: int) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(width, hidden),
            nn.Sigmoid(),
            nn.Linear(hidden, code),
            nn.Sigmoid(),
            nn.Linear(code, hidden),
            nn.Sigmoid(),
        )
        self.output = nn.Linear(hidden, width)

    def represent(self, rows: torch.Tensor) -> torch.Tensor:
        return self.layers(rows)

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        return self.output(self.represent(rows))

    def weights(self) -> list[torch.Tensor]:
        """The weight matrices that weight decay applies to (not the biases)."""
        linear = [layer for layer in self.layers if isinstance(layer, nn.Linear)]
        return [layer.weight for layer in [*linear, self.output]]


class AutoRecNet(nn.Module):
    """AutoRec: ``width -> dim`` with a sigmoid, then a linear ``dim -> width`` decoder."""

    def __init__(self, width: int, dim: int) -> None:
        super().__init__()
        self.encoder = nn.Linear(width, dim)
        self.output = nn.Linear(dim, width)

    def represent(self, rows: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.encoder(rows))

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        return self.output(self.represent(rows))

    def weights(self) -> list[torch.Tensor]:
        return [self.encoder.weight, self.output.weight]


RowNet = StackedNet | AutoRecNet


class DeviceRows:
    """The rows of a sparse matrix as dense batches on a device; zero means "not rated"."""

    def __init__(self, matrix: sp.csr_matrix, device: torch.device) -> None:
        self.matrix = matrix
        self.device = device
        self.dense = (
            torch.from_numpy(matrix.toarray()).to(device)
            if matrix.shape[0] * matrix.shape[1] <= DENSE_CELLS
            else None
        )

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def rows(self, index: np.ndarray) -> torch.Tensor:
        if self.dense is not None:
            return self.dense[torch.from_numpy(index.astype(np.int64)).to(self.device)]
        return torch.from_numpy(self.matrix[index].toarray()).to(self.device)

    def chunks(self, index: np.ndarray) -> Iterator[torch.Tensor]:
        """The dense rows ``index``, in chunks of bounded size."""
        size = max(1, CHUNK_CELLS // max(1, self.matrix.shape[1]))
        for start in range(0, len(index), size):
            yield self.rows(index[start : start + size])


@torch.no_grad()
def represent_rows(net: RowNet, source: DeviceRows, index: np.ndarray) -> np.ndarray:
    """The last hidden layer of ``net`` for the rows ``index`` of ``source``, as float32."""
    net.eval()
    parts = [net.represent(rows).float().cpu().numpy() for rows in source.chunks(index)]
    return np.vstack(parts) if parts else np.empty((0, net.output.in_features), dtype=np.float32)


@torch.no_grad()
def reconstruct(net: RowNet, matrix: sp.csr_matrix) -> np.ndarray:
    """``net``'s reconstruction of every row of ``matrix``, as float32."""
    net.eval()
    source = DeviceRows(matrix, net.output.weight.device)
    parts = [net(rows).float().cpu().numpy() for rows in source.chunks(np.arange(len(source)))]
    return np.vstack(parts) if parts else np.empty((0, matrix.shape[1]), dtype=np.float32)


@torch.no_grad()
def pair_outputs(net: RowNet, source: DeviceRows, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``net``'s reconstruction of cell ``(rows[k], cols[k])`` for every ``k``."""
    unique, inverse = np.unique(rows, return_inverse=True)
    hidden = torch.from_numpy(represent_rows(net, source, unique)).to(source.device)
    weight, bias = net.output.weight.float(), net.output.bias.float()
    result = np.empty(len(rows), dtype=np.float32)
    size = max(1, CHUNK_CELLS // weight.shape[1])
    for start in range(0, len(rows), size):
        positions = slice(start, start + size)
        at_rows = torch.from_numpy(inverse[positions]).to(source.device)
        at_cols = torch.from_numpy(cols[positions].astype(np.int64)).to(source.device)
        values = (hidden[at_rows] * weight[at_cols]).sum(dim=1) + bias[at_cols]
        result[positions] = values.cpu().numpy()
    return result


def decoder_rows(net: RowNet) -> np.ndarray:
    """``(width, hidden + 1)``: each output cell's decoder weights, then its bias."""
    weight, bias = net.output.weight.detach().float(), net.output.bias.detach().float()
    return torch.cat([weight, bias[:, None]], dim=1).cpu().numpy()


@dataclass(frozen=True)
class Schedule:
    """How a network trains: the hyper-parameters its model's ``Params`` share."""

    epochs: int
    lr: float
    batch_size: int
    weight_decay: float
    patience: int
    seed: int


def train_rows(
    net: RowNet,
    source: DeviceRows,
    schedule: Schedule,
    *,
    reporter: FitReporter,
    precision: Precision,
    validate: Callable[[], Mapping[str, float]] | None,
) -> LoopResult:
    """Fit ``net`` to reconstruct the rated cells of ``source``'s rows (Adam, mini-batches).

    The objective is AutoRec's: the squared error over rated cells plus ``weight_decay / 2``
    times the squared weights. Each batch's loss estimates it divided by the number of ratings,
    so the reported loss is the objective per rating whatever the batch size.
    """
    n_rows, n_ratings = len(source), max(1, source.matrix.nnz)
    optimizer = torch.optim.Adam(net.parameters(), lr=schedule.lr)

    def batches(epoch: int) -> Iterator[np.ndarray]:
        cpu = torch.device("cpu")
        for index in shuffled_batches(
            n_rows, schedule.batch_size, seed=schedule.seed, epoch=epoch, device=cpu
        ):
            yield index.numpy()

    def batch_loss(index: np.ndarray) -> torch.Tensor:
        rows = source.rows(index)
        error = torch.where(rows != 0, net(rows).float() - rows, 0.0)
        squared_error = error.square().sum() * (n_rows / len(index))
        penalty = sum(weight.float().square().sum() for weight in net.weights())
        return (squared_error + 0.5 * schedule.weight_decay * penalty) / n_ratings

    stopping = EarlyStopping("valid RMSE", schedule.patience) if validate is not None else None
    return run_epochs(
        net,
        optimizer,
        batches,
        batch_loss,
        epochs=schedule.epochs,
        reporter=reporter,
        precision=precision,
        validate=validate,
        early_stopping=stopping,
    )
