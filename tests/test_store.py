import json
from dataclasses import dataclass

import numpy as np
import pytest

from moviepick import store
from moviepick.errors import ModelError
from moviepick.models.base import Query, Recommender
from moviepick.store import ModelStore, load_model, save_model, update_metrics
from moviepick.training.events import FitEvent


class Fixed(Recommender):
    """Scores every item by a stored vector."""

    name = "fixed"
    description = "fixed scores, for store tests"

    @dataclass
    class Params:
        scale: float = 1.0

    def _fit(self, train, valid, progress):
        self.weights = np.arange(train.n_items, dtype=np.float32)
        self.n_items = train.n_items

    def score_query(self, query: Query) -> np.ndarray:
        return self.weights * self.params.scale

    def get_state(self):
        return {"weights": self.weights}

    def set_state(self, arrays):
        self.weights = np.asarray(arrays["weights"])
        self.n_items = len(self.weights)


@pytest.fixture(autouse=True)
def known_fixed(monkeypatch):
    monkeypatch.setattr(store, "model_class", lambda name: Fixed)


def fitted(n_items: int = 5, scale: float = 2.0) -> Fixed:
    model = Fixed(scale=scale)
    model.weights = np.arange(n_items, dtype=np.float32)
    model.n_items = n_items
    return model


def test_round_trip_keeps_params_arrays_and_metadata(tmp_path):
    save_model(
        fitted(), tmp_path / "m", dataset="ml-x", fingerprint="ml-x:1", metrics={"RMSE": 0.9}
    )
    loaded = load_model(tmp_path / "m", fingerprint="ml-x:1")
    assert loaded.params.scale == 2.0
    np.testing.assert_array_equal(loaded.score_query(Query()), fitted().score_query(Query()))
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["metrics"] == {"RMSE": 0.9}
    assert set(config["versions"]) >= {"moviepick", "numpy", "python"}


def test_a_model_from_another_dataset_is_refused(tmp_path):
    save_model(fitted(), tmp_path / "m", dataset="ml-100k", fingerprint="ml-100k:aa")
    with pytest.raises(ModelError, match="trained on ml-100k"):
        load_model(tmp_path / "m", fingerprint="ml-latest-small:bb")


def test_corrupt_files_are_clear_errors(tmp_path):
    save_model(fitted(), tmp_path / "m", dataset="d", fingerprint="f")
    (tmp_path / "m" / "arrays.npz").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="corrupt model arrays"):
        load_model(tmp_path / "m")
    (tmp_path / "m" / "config.json").write_text("{not json")
    with pytest.raises(ModelError, match="corrupt model config"):
        load_model(tmp_path / "m")
    with pytest.raises(ModelError, match="not a saved model"):
        load_model(tmp_path / "nothing-here")


def test_saving_again_replaces_the_whole_directory(tmp_path):
    save_model(fitted(5), tmp_path / "m", dataset="d", fingerprint="f")
    save_model(fitted(3), tmp_path / "m", dataset="d", fingerprint="f")
    assert load_model(tmp_path / "m").n_items == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


def test_update_metrics_merges(tmp_path):
    save_model(fitted(), tmp_path / "m", dataset="d", fingerprint="f", metrics={"a": 1})
    update_metrics(tmp_path / "m", {"b": 2})
    assert store.read_info(tmp_path / "m").metrics == {"a": 1, "b": 2}


def test_store_finds_by_saved_name_type_name_or_newest(tmp_path):
    models = ModelStore(tmp_path)
    models.save(fitted(), "als-ml-x", dataset="ml-x", fingerprint="x")
    models.save(fitted(), "mine", dataset="ml-x", fingerprint="x")
    models.save(fitted(), "other", dataset="ml-y", fingerprint="y")
    assert models.find("mine", "x", "ml-x").name == "mine"
    assert models.find("als", "x", "ml-x").name == "als-ml-x"
    assert models.find(None, "x", "ml-x").name == "mine"
    assert models.find(None, "z", "ml-z") is None
    assert models.find("ease", "x", "ml-x") is None
    assert [info.name for info in models.list()] == ["als-ml-x", "mine", "other"]
    models.delete("mine")
    with pytest.raises(ModelError):
        models.delete("mine")
    with pytest.raises(ModelError, match="invalid model name"):
        models.path("../escape")


def test_the_curve_round_trips_without_heartbeats(tmp_path):
    curve = [
        FitEvent(step=1, total=2, loss=0.5, metrics={"valid RMSE": np.float32(1.25)}, elapsed=0.1),
        FitEvent(step=1, total=2, loss=0.5, metrics={"valid RMSE": 1.25}, heartbeat=True),
        FitEvent(step=2, total=2, loss=None, metrics={"valid RMSE": 1.0}, elapsed=0.2),
    ]
    save_model(fitted(), tmp_path / "m", dataset="d", fingerprint="f", curve=curve)
    update_metrics(tmp_path / "m", {"leave-last-out HR@10": 0.25})
    assert store.read_info(tmp_path / "m").curve == (curve[0], curve[2])


def test_a_model_saved_before_curves_loads_with_an_empty_curve(tmp_path):
    save_model(fitted(), tmp_path / "m", dataset="d", fingerprint="f", metrics={"RMSE": 0.9})
    config_file = tmp_path / "m" / "config.json"
    config = json.loads(config_file.read_text())
    del config["curve"]
    config_file.write_text(json.dumps(config))
    info = store.read_info(tmp_path / "m")
    assert info.curve == () and info.metrics == {"RMSE": 0.9}
    assert load_model(tmp_path / "m", fingerprint="f").n_items == 5


def test_a_malformed_curve_is_a_corrupt_config(tmp_path):
    save_model(fitted(), tmp_path / "m", dataset="d", fingerprint="f")
    config_file = tmp_path / "m" / "config.json"
    config = json.loads(config_file.read_text())
    config["curve"] = [{"step": 1}]
    config_file.write_text(json.dumps(config))
    with pytest.raises(ModelError, match="corrupt model config"):
        store.read_info(tmp_path / "m")


def test_rename_moves_the_model_and_refuses_a_name_in_use(tmp_path):
    models = ModelStore(tmp_path)
    models.save(fitted(), "a", dataset="ml-x", fingerprint="ml-x:1", device="cpu")
    models.save(fitted(), "b", dataset="ml-x", fingerprint="ml-x:1")
    with pytest.raises(ModelError, match="already named 'b'"):
        models.rename("a", "b")
    with pytest.raises(ModelError, match="no saved model named 'zz'"):
        models.rename("zz", "c")
    with pytest.raises(ModelError, match="invalid model name"):
        models.rename("a", "../c")
    new_path = models.rename("a", "c")
    assert [info.name for info in models.list()] == ["b", "c"]
    info = store.read_info(new_path)
    assert info.device == "cpu" and info.size_on_disk > 0
    assert store.read_info(tmp_path / "b").device == ""
