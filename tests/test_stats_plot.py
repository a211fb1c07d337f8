"""``moviepick stats --plot FILE.svg``: the figures drawn by the app's widgets into an SVG,
written whole; a path it cannot write is one error line."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from tui_support import install_model

from moviepick.cli import main


@pytest.fixture
def folder(tiny_trained: tuple[Path, Path]) -> Path:
    return tiny_trained[0]


def svg_text(path: Path) -> str:
    """The SVG's text with its entities read (Textual writes a space as &#160;)."""
    return html.unescape(path.read_text(encoding="utf-8")).replace("\xa0", " ")


def test_plot_writes_the_distribution_curve_and_map_of_the_newest_model(
    tiny_trained: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder, als = tiny_trained
    install_model(als)
    out = tmp_path / "figures" / "stats.svg"
    assert main(["--data", str(folder), "stats", "--plot", str(out)]) == 0
    text = svg_text(out)
    assert text.lstrip().startswith("<svg")
    assert "moviepick stats: ml-tiny" in text and "Ratings by stars" in text
    assert "Training curve of als-ml-tiny" in text and "Map of the movies by als-ml-tiny" in text
    assert f"Wrote {out}" in capsys.readouterr().out
    assert [path.name for path in out.parent.iterdir()] == ["stats.svg"]  # no temporary left


def test_plot_without_a_saved_model_draws_the_distribution_and_says_so(
    folder: Path, tmp_path: Path
):
    out = tmp_path / "stats.svg"
    assert main(["--data", str(folder), "stats", "--plot", str(out)]) == 0
    text = svg_text(out)
    assert "Ratings by stars" in text and "No saved model for ml-tiny" in text
    assert "Training curve" not in text


@pytest.mark.parametrize("where", ["under a file", "a folder"])
def test_a_path_it_cannot_write_is_one_error_line(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
):
    (tmp_path / "afile").write_text("not a folder")
    out = tmp_path / "afile" / "stats.svg" if where == "under a file" else tmp_path
    assert main(["--data", str(folder), "stats", "--plot", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("moviepick: error: cannot write the figures to ")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_unknown_model_or_a_model_without_plot_is_an_error(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "stats.svg"
    assert main(["--data", str(folder), "stats", "--plot", str(out), "--model", "nope"]) == 1
    assert "no saved model 'nope'" in capsys.readouterr().err
    assert not out.exists()
    assert main(["--data", str(folder), "stats", "--model", "als"]) == 1
    assert "--plot" in capsys.readouterr().err
