"""The map of the movies: PCA built in, t-SNE when scikit-learn is there, the movies chosen,
and a clear refusal for a model without vectors."""

from __future__ import annotations

import importlib.util
import multiprocessing
from pathlib import Path

import numpy as np
import pytest
from tui_support import write_tiny_movielens

from moviepick.data.dataset import Dataset
from moviepick.data.loader import load_dataset
from moviepick.errors import MoviepickError
from moviepick.models.base import Recommender
from moviepick.models.popularity import Popularity
from moviepick.models.registry import model_class, model_names
from moviepick.services import embedding_map as maps
from moviepick.services.embedding_map import (
    MAPPABLE,
    MapStopped,
    NoItemVectors,
    TsneUnavailable,
    embedding_map,
    most_rated,
    pca,
    primary_genres,
    tsne_in_child,
    with_rated,
)


class Vectors:
    """A stand-in for a model with item vectors: all the map reads of one."""

    name = "vectors"

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors

    def item_vectors(self) -> np.ndarray:
        return self.vectors


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = write_tiny_movielens(tmp_path_factory.mktemp("data") / "ml-tiny")
    return load_dataset(folder, use_cache=False)


def planted(dataset: Dataset, seed: int = 0) -> np.ndarray:
    """16-d vectors: the sci-fi movies around one point, the romances around another."""
    rng = np.random.default_rng(seed)
    sci_fi = dataset.catalog.genres[:, dataset.catalog.genre_names.index("Sci-Fi")]
    centers = np.where(sci_fi[:, None], 3.0, -3.0) * np.ones(16)
    return (centers + rng.standard_normal((len(sci_fi), 16))).astype(np.float32)


def test_pca_gives_one_point_per_row_the_same_on_every_run():
    vectors = np.random.default_rng(1).standard_normal((200, 32))
    first, second = pca(vectors), pca(vectors.copy())
    assert first.shape == (200, 2)
    np.testing.assert_array_equal(first, second)


def test_pca_turns_each_axis_so_its_largest_loading_is_positive():
    rng = np.random.default_rng(2)
    along_x = np.column_stack([np.linspace(-10, 10, 50), rng.normal(0, 0.1, 50)])
    points = pca(along_x)
    np.testing.assert_allclose(points[:, 0], along_x[:, 0] - along_x[:, 0].mean(), atol=0.05)
    assert np.corrcoef(points[:, 0], along_x[:, 0])[0, 1] > 0.99  # not mirrored


def test_pca_of_too_few_movies_or_dimensions_is_zeros_where_it_has_no_axis():
    assert not pca(np.ones((1, 4))).any()
    points = pca(np.arange(10, dtype=float)[:, None])
    assert points.shape == (10, 2) and not points[:, 1].any() and points[:, 0].any()


def test_the_map_keeps_planted_clusters_apart(tiny: Dataset):
    points = embedding_map(tiny, Vectors(planted(tiny)), min_ratings=1)
    sci_fi = tiny.catalog.genres[points.items, tiny.catalog.genre_names.index("Sci-Fi")]
    assert len(points) == len(tiny.catalog)
    # The clusters fall on either side of the middle of the first axis, whichever side.
    assert len({bool(side) for side in points.x[sci_fi] > 0}) == 1
    assert len({bool(side) for side in points.x[~sci_fi] > 0}) == 1
    assert (points.x[sci_fi][0] > 0) != (points.x[~sci_fi][0] > 0)


def test_the_map_names_and_marks_its_movies(tiny: Dataset):
    catalog = tiny.catalog
    alien = catalog.titles.index("Alien")
    points = embedding_map(tiny, Vectors(planted(tiny)), {alien}, min_ratings=1)
    at = list(points.items).index(alien)
    assert points.titles[at] == "Alien (1979)"
    assert points.genres[at] == "Horror"  # of Horror and Sci-Fi, the genre fewer movies have
    assert points.rated.tolist() == [item == alien for item in points.items]
    assert points.model == "vectors" and points.method == "pca"


def test_the_map_takes_the_most_rated_movies_up_to_its_limit(tiny: Dataset):
    counts = tiny.catalog.rating_count
    items = most_rated(tiny, 5, 1)
    assert len(items) == 5
    assert sorted(counts[items].tolist(), reverse=True) == counts[items].tolist()
    assert counts[items].min() >= np.sort(counts)[-5]
    many = int(np.median(counts))
    assert (counts[most_rated(tiny, 100, many)] >= many).all()
    assert len(embedding_map(tiny, Vectors(planted(tiny)), limit=3, min_ratings=1)) == 3


def test_rating_a_movie_marks_it_without_moving_a_point(tiny: Dataset):
    points = embedding_map(tiny, Vectors(planted(tiny)), min_ratings=1)
    marked = with_rated(points, {int(points.items[2])})
    assert marked.rated.tolist() == [k == 2 for k in range(len(points))]
    np.testing.assert_array_equal(marked.x, points.x)


def test_a_model_without_item_vectors_is_refused_with_the_models_that_have_them(tiny: Dataset):
    model = Popularity()
    model.fit(tiny.interactions)
    with pytest.raises(NoItemVectors, match=r"popularity has no item vectors to map; try als"):
        embedding_map(tiny, model)


def test_the_mappable_models_are_those_whose_class_gives_item_vectors():
    mappable = {
        name
        for name in model_names()
        if model_class(name).item_vectors is not Recommender.item_vectors
    }
    assert set(MAPPABLE) == mappable


def test_tsne_without_scikit_learn_says_how_to_get_it(
    tiny: Dataset, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(maps, "tsne_available", lambda: False)
    with pytest.raises(TsneUnavailable, match="pip install scikit-learn"):
        embedding_map(tiny, Vectors(planted(tiny)), method="tsne")


def test_tsne_keeps_planted_clusters_apart_and_is_seeded(tiny: Dataset):
    pytest.importorskip("sklearn")
    vectors = Vectors(planted(tiny))
    first = embedding_map(tiny, vectors, method="tsne", min_ratings=1)
    second = embedding_map(tiny, vectors, method="tsne", min_ratings=1)
    np.testing.assert_allclose(first.x, second.x)
    assert first.method == "tsne" and len(first) == len(tiny.catalog)


def test_t_sne_no_longer_wanted_ends_its_child_process():
    vectors = np.random.default_rng(3).standard_normal((300, 8))
    with pytest.raises(MapStopped):
        tsne_in_child(vectors, 0, should_stop=lambda: True)
    assert not multiprocessing.active_children()


def test_a_failure_in_the_t_sne_child_is_one_clear_error():
    if importlib.util.find_spec("sklearn") is not None:
        pytest.skip("scikit-learn is installed: its t-SNE does not fail")
    with pytest.raises(MoviepickError, match="t-SNE failed: ModuleNotFoundError"):
        tsne_in_child(np.random.default_rng(3).standard_normal((30, 4)), 0)


def test_every_movie_without_a_genre_has_none(tmp_path: Path):
    folder = write_tiny_movielens(tmp_path / "ml-tiny")
    movies = folder / "movies.csv"
    movies.write_text(movies.read_text().replace("Mystery|Thriller", "(no genres listed)"))
    dataset = load_dataset(folder, use_cache=False)
    seven = dataset.catalog.titles.index("Seven")
    assert primary_genres(dataset, np.array([seven]))[0] == ""
