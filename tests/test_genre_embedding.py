"""The two-stage genre embedding model beyond the shared contract."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from planted import BLOCK, FAST_PARAMS, USERS_PER_GROUP, planted, training_query

from moviepick.data.interactions import Interactions
from moviepick.errors import ModelError
from moviepick.models.genre_embedding import GenreEmbedding
from moviepick.training.events import FitEvent

FAST = FAST_PARAMS["genre-embed"]


def fitted(train: Interactions | None = None, **params: object) -> GenreEmbedding:
    model = GenreEmbedding(**{**FAST, **params})
    model.prepare(planted().catalog)
    model.fit(planted().train if train is None else train)
    return model


@pytest.fixture(scope="module")
def model() -> GenreEmbedding:
    return fitted()


def test_stage_one_places_each_movie_nearest_its_own_genre(model: GenreEmbedding) -> None:
    chance = model.item_vectors() @ model.genre_vectors.T
    np.testing.assert_array_equal(chance.argmax(axis=1), planted().catalog.genres.argmax(axis=1))


def test_frozen_movie_vectors_come_from_the_genres_alone() -> None:
    train = planted().train
    fewer = train.select(slice(0, len(train) // 2))
    frozen = [fitted(data, fine_tune=False).item_vectors() for data in (train, fewer)]
    tuned = [fitted(data, fine_tune=True).item_vectors() for data in (train, fewer)]
    np.testing.assert_array_equal(frozen[0], frozen[1])
    assert not np.allclose(tuned[0], tuned[1])
    assert not np.allclose(tuned[0], frozen[0])


def test_events_number_both_stages_and_validate_only_the_second(tmp_path) -> None:
    events: list[FitEvent] = []
    model = GenreEmbedding(**{**FAST, "patience": 0})
    model.prepare(planted().catalog)
    train = planted().train
    model.fit(
        train.select(slice(20, None)), valid=train.select(slice(0, 20)), progress=events.append
    )
    epochs = [event for event in events if not event.heartbeat]
    total = FAST["genre_epochs"] + FAST["epochs"]
    assert [event.step for event in epochs] == list(range(1, total + 1))
    assert not any(event.metrics for event in epochs[: FAST["genre_epochs"]])
    assert all("valid loss" in event.metrics for event in epochs[FAST["genre_epochs"] :])
    assert model.device_used == "cpu"


@pytest.mark.parametrize("user", [0, 4, USERS_PER_GROUP + 2])
def test_folding_in_a_training_user_scores_like_their_learned_vector(
    model: GenreEmbedding, user: int
) -> None:
    features = np.hstack([model.item_vectors(), np.ones((model.n_items, 1), np.float32)])
    learned = features @ model.user_vectors[user] + model.item_bias
    folded = model.score_query(training_query(planted().train, user))
    assert np.corrcoef(learned, folded)[0, 1] > 0.9


def test_the_pca_map_has_a_point_per_movie_and_splits_the_genres(model: GenreEmbedding) -> None:
    points = model.project_embeddings("pca")
    assert points.shape == (model.n_items, 2) and points.dtype == np.float32
    first_axis = np.sign(points[:, 0])
    assert abs(first_axis[:BLOCK].sum()) == BLOCK and first_axis[0] != first_axis[BLOCK]


def test_tsne_maps_with_scikit_learn_or_says_to_install_it(model: GenreEmbedding) -> None:
    if importlib.util.find_spec("sklearn") is None:
        with pytest.raises(ModelError, match="pip install scikit-learn"):
            model.project_embeddings("tsne")
    else:
        assert model.project_embeddings("tsne").shape == (model.n_items, 2)


def test_an_unknown_projection_is_one_clear_error(model: GenreEmbedding) -> None:
    with pytest.raises(ModelError, match="unknown projection"):
        model.project_embeddings("umap")  # type: ignore[arg-type]


def test_fitting_without_the_catalogue_is_one_clear_error() -> None:
    with pytest.raises(ModelError, match="genres"):
        GenreEmbedding(**FAST).fit(planted().train)


@pytest.mark.parametrize("params", [{"dim": 0}, {"lr": -1.0}, {"negatives": -1}, {"device": "x"}])
def test_bad_parameters_are_one_clear_error(params: dict[str, object]) -> None:
    with pytest.raises(ModelError):
        GenreEmbedding(**params)
