"""NeuMF beyond the shared contract: variants, checkpoints and resuming, fold-in, devices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from planted import FAST_PARAMS, USERS_PER_GROUP, Planted, planted, training_query

from moviepick.errors import ModelError
from moviepick.models.base import Query
from moviepick.models.neumf import NeuMF
from moviepick.training.events import FitEvent

FAST = {**FAST_PARAMS["neumf"], "patience": 0}


def fitted(tmp_path: Path, **params: object) -> NeuMF:
    model = NeuMF(**{**FAST, "checkpoint_dir": str(tmp_path / "checkpoints"), **params})
    model.fit(planted().train)
    return model


@pytest.fixture(scope="module")
def gmf(tmp_path_factory: pytest.TempPathFactory) -> NeuMF:
    return fitted(tmp_path_factory.mktemp("gmf"), variant="gmf")


def test_a_checkpoint_is_written_every_epoch(tmp_path: Path) -> None:
    fitted(tmp_path, epochs=3)
    names = sorted(path.name for path in (tmp_path / "checkpoints").iterdir())
    assert names == ["epoch-1.pt", "epoch-2.pt", "epoch-3.pt"]


def test_resuming_continues_at_the_next_epoch_as_if_never_stopped(tmp_path: Path) -> None:
    whole = fitted(tmp_path / "whole", epochs=4)
    fitted(tmp_path / "first", epochs=2)
    resumed = NeuMF(
        **{
            **FAST,
            "epochs": 4,
            "resume": str(tmp_path / "first" / "checkpoints"),
            "checkpoint_dir": str(tmp_path / "resumed"),
        }
    )
    events: list[FitEvent] = []
    resumed.fit(planted().train, progress=events.append)
    assert [(event.step, event.total) for event in events if not event.heartbeat] == [
        (3, 4),
        (4, 4),
    ]
    users, items = planted().train.users, planted().train.items
    np.testing.assert_allclose(
        resumed.predict(users, items), whole.predict(users, items), rtol=1e-5
    )


def test_resuming_a_finished_run_asks_for_more_epochs(tmp_path: Path) -> None:
    fitted(tmp_path, epochs=2)
    model = NeuMF(**{**FAST, "epochs": 2, "resume": str(tmp_path / "checkpoints" / "epoch-2.pt")})
    with pytest.raises(ModelError, match="more than 2 epochs"):
        model.fit(planted().train)


def test_resuming_from_nothing_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no checkpoint"):
        NeuMF(**FAST, resume=str(tmp_path / "missing")).fit(planted().train)


def test_the_classic_gmf_variant_finds_a_groups_taste(gmf: NeuMF) -> None:
    block = Planted.block_of(0)
    ratings = {**dict.fromkeys(block[:6].tolist(), 5.0), int(Planted.block_of(15)[0]): 1.0}
    assert set(gmf.recommend(Query(ratings=ratings), 4).items.tolist()) <= set(block.tolist())
    assert not hasattr(gmf._fitted()[0], "tower")


@pytest.mark.parametrize("variant", ["gmf", "neumf"])
def test_folding_in_a_training_user_ranks_like_their_learned_vector(
    tmp_path: Path, gmf: NeuMF, variant: str
) -> None:
    model = gmf if variant == "gmf" else fitted(tmp_path)
    train = planted().train
    items = np.arange(model.n_items)
    for user in (0, USERS_PER_GROUP + 2):
        learned = model.predict(np.full(len(items), user), items)
        folded = model.score_query(training_query(train, user))
        assert np.corrcoef(learned, folded)[0, 1] > 0.9


def test_fit_reports_the_device_and_validation_figures(tmp_path: Path) -> None:
    events: list[FitEvent] = []
    model = NeuMF(**{**FAST, "patience": 2, "checkpoint_dir": str(tmp_path)})
    train = planted().train
    model.fit(
        train.select(slice(20, None)), valid=train.select(slice(0, 20)), progress=events.append
    )
    assert model.device_used == "cpu"
    assert all("valid RMSE" in event.metrics for event in events)
    assert "best valid RMSE" in events[-1].metrics


def test_without_validation_it_early_stops_on_held_out_ratings(tmp_path: Path) -> None:
    events: list[FitEvent] = []
    NeuMF(**{**FAST, "patience": 2, "checkpoint_dir": str(tmp_path)}).fit(
        planted().train, progress=events.append
    )
    assert all("held-out RMSE" in event.metrics for event in events)


def test_an_absent_gpu_is_one_clear_error(tmp_path: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelError, match="'cuda' is not available"):
        fitted(tmp_path, device="cuda")


@pytest.mark.parametrize(
    "params",
    [{"variant": "mlp"}, {"dim": 0}, {"lr": 0.0}, {"dropout": 1.0}, {"device": "tpu"}],
)
def test_bad_parameters_are_one_clear_error(params: dict[str, object]) -> None:
    with pytest.raises(ModelError):
        NeuMF(**params)
