from __future__ import annotations

from pathlib import Path

import pytest

from moviepick import paths
from moviepick.config import Config
from moviepick.data.resolve import resolve_source
from moviepick.errors import DatasetError


def folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def install(name: str) -> Path:
    return folder(paths.datasets_dir() / name)


@pytest.fixture
def everything_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A folder for every step of the order, so each test can check which one wins."""
    sources = {
        "flag": folder(tmp_path / "from-flag"),
        "environment": folder(tmp_path / "from-environment"),
        "config": folder(tmp_path / "from-config"),
        "installed": install("ml-latest-small"),
    }
    monkeypatch.setenv("MOVIEPICK_DATA", str(sources["environment"]))
    return sources


def test_data_flag_comes_first(everything_set: dict[str, Path]) -> None:
    config = Config(data=str(everything_set["config"]))

    assert resolve_source(str(everything_set["flag"]), config) == everything_set["flag"]


def test_environment_comes_before_the_config(everything_set: dict[str, Path]) -> None:
    config = Config(data=str(everything_set["config"]))

    assert resolve_source(None, config) == everything_set["environment"]


def test_config_data_comes_before_the_installed_dataset(
    everything_set: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOVIEPICK_DATA")
    config = Config(data=str(everything_set["config"]))

    assert resolve_source(None, config) == everything_set["config"]


def test_installed_default_dataset_comes_last(
    everything_set: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOVIEPICK_DATA")

    assert resolve_source(None, Config()) == everything_set["installed"]


def test_config_dataset_picks_which_install() -> None:
    install("ml-latest-small")
    ml_100k = install("ml-100k")

    assert resolve_source(None, Config(dataset="ml-100k")) == ml_100k


def test_data_may_be_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "ml-latest-small.zip"
    archive.write_bytes(b"PK")

    assert resolve_source(str(archive), Config()) == archive


def test_relative_path_comes_back_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    movielens = folder(tmp_path / "movielens")
    monkeypatch.chdir(tmp_path)

    assert resolve_source("movielens", Config()) == movielens


def test_dataset_name_means_its_install_at_every_step(monkeypatch: pytest.MonkeyPatch) -> None:
    ml_1m = install("ml-1m")

    assert resolve_source("ml-1m", Config()) == ml_1m
    assert resolve_source(None, Config(data="ml-1m")) == ml_1m
    monkeypatch.setenv("MOVIEPICK_DATA", "ml-1m")
    assert resolve_source(None, Config()) == ml_1m


def test_dataset_name_not_downloaded_says_how_to_get_it() -> None:
    with pytest.raises(
        DatasetError,
        match=r"^dataset ml-1m is not downloaded: run `moviepick data download ml-1m`$",
    ):
        resolve_source("ml-1m", Config())


def test_missing_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    with pytest.raises(DatasetError, match=f"^no such file or folder: {missing}$"):
        resolve_source(str(missing), Config())


def test_missing_path_from_the_environment_says_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOVIEPICK_DATA", "/nowhere/ml-1m")

    with pytest.raises(DatasetError, match=r"^no such file or folder: /nowhere/ml-1m \(set by"):
        resolve_source(None, Config())


def test_missing_path_from_the_config_says_where_it_came_from() -> None:
    with pytest.raises(DatasetError, match=r"set by the `data` setting in config.toml\)$"):
        resolve_source(None, Config(data="/nowhere/ml-1m"))


def test_nothing_found_says_how_to_get_a_dataset() -> None:
    with pytest.raises(DatasetError) as raised:
        resolve_source(None, Config())

    assert str(raised.value) == (
        "no MovieLens dataset found: run `moviepick data download ml-latest-small` "
        "or pass --data PATH"
    )


def test_unknown_configured_dataset_is_named() -> None:
    with pytest.raises(DatasetError, match="^unknown dataset ml-2m; known: "):
        resolve_source(None, Config(dataset="ml-2m"))
