import json
from dataclasses import dataclass

import numpy as np
import pytest

from moviepick import store
from moviepick.errors import ModelError
from moviepick.models.base import Query, Recommender
from moviepick.store import ModelStore, load_model, save_model, update_metrics


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
