from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from moviepick.data.registry import REGISTRY_FILENAME, registry, registry_file, spec
from moviepick.errors import DatasetError

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
SOURCE_PACKAGE = REPO / "src" / "moviepick"
REPO_REGISTRY = REPO / "data" / REGISTRY_FILENAME


def test_registry_lists_every_movielens_variant() -> None:
    assert list(registry()) == [
        "ml-100k",
        "ml-1m",
        "ml-10m",
        "ml-20m",
        "ml-25m",
        "ml-32m",
        "ml-latest-small",
        "ml-latest",
    ]


@pytest.mark.parametrize("name", list(registry()))
def test_every_spec_is_complete(name: str) -> None:
    dataset = spec(name)
    assert dataset.url == f"https://files.grouplens.org/datasets/movielens/{name}.zip"
    assert dataset.filename == f"{name}.zip"
    assert dataset.md5_url == f"{dataset.url}.md5"
    assert dataset.layout in {"100k", "dat", "csv"}
    assert dataset.encoding in {"iso-8859-1", "utf-8"}
    assert dataset.rating_step in {0.5, 1.0}
    assert dataset.zip_bytes > 0
    assert dataset.ratings > dataset.users > 0
    assert dataset.movies > 0
    assert dataset.md5 is None or len(dataset.md5) == 32


def test_known_facts() -> None:
    ml_100k, ml_1m, ml_10m = spec("ml-100k"), spec("ml-1m"), spec("ml-10m")
    assert ml_100k.md5 == "0e33842e24a9c977be4e0107933c0723"
    assert (ml_100k.layout, ml_100k.encoding, ml_100k.zip_bytes) == ("100k", "iso-8859-1", 4924029)
    assert (ml_100k.ratings, ml_100k.users, ml_100k.movies) == (100_000, 943, 1682)
    assert (ml_1m.layout, ml_1m.encoding, ml_1m.ratings) == ("dat", "iso-8859-1", 1_000_209)
    assert (ml_10m.folder, ml_10m.encoding, ml_10m.rating_step) == ("ml-10M100K", "utf-8", 0.5)
    assert ml_10m.size_approx and not ml_100k.size_approx
    assert spec("ml-latest").counts_approx and not spec("ml-25m").counts_approx


@pytest.mark.parametrize("name", ["ml-32m", "ml-latest-small", "ml-latest"])
def test_rebuilt_zips_have_no_fixed_md5(name: str) -> None:
    assert spec(name).md5 is None


def test_unknown_dataset_names_the_known_ones() -> None:
    with pytest.raises(DatasetError, match=r"^unknown dataset ml-5m; known: ml-100k, ml-1m, "):
        spec("ml-5m")


def test_editable_install_reads_the_repository_file() -> None:
    assert Path(str(registry_file())) == REPO_REGISTRY


def test_wheel_build_packages_the_registry_file() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include["data/datasets.toml"] == "moviepick/data/datasets.toml"


def test_installed_package_reads_its_packaged_copy(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    shutil.copytree(
        SOURCE_PACKAGE, site / "moviepick", ignore=shutil.ignore_patterns("__pycache__")
    )
    packaged = site / "moviepick" / "data" / REGISTRY_FILENAME
    marked = REPO_REGISTRY.read_text(encoding="utf-8").replace("[ml-100k]", "[ml-packaged]")
    packaged.write_text(marked, encoding="utf-8")
    script = (
        "from moviepick.data.registry import registry, registry_file\n"
        "print(registry_file())\n"
        "print(next(iter(registry())))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == [str(packaged), "ml-packaged"]


def test_built_wheel_contains_the_registry_file(tmp_path: Path) -> None:
    wheel_builder = pytest.importorskip("hatchling.builders.wheel", reason="needs hatchling")
    builder = wheel_builder.WheelBuilder(str(REPO))
    wheel = Path(next(builder.build(directory=str(tmp_path), versions=["standard"])))
    with zipfile.ZipFile(wheel) as built:
        packaged = built.read("moviepick/data/datasets.toml")
    assert packaged == REPO_REGISTRY.read_bytes()
