"""`moviepick models list`: each saved model's figures and curve, readable when piped."""

import io
import json

import pytest
from rich.console import Console
from tui_support import write_tiny_movielens

from moviepick.cli import main, render
from moviepick.store import ModelStore, update_metrics

FAST_ALS = ["--factors", "4", "--iters", "3", "--reg", "0.1"]
LONG_NAMES = [
    "als-with-a-name-long-enough-to-be-wrapped-in-a-table-of-eighty-columns",
    "another-als-whose-name-is-also-far-longer-than-a-narrow-column-would-allow",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny_movielens(tmp_path_factory.mktemp("data") / "tiny")


def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def train(capsys, tiny, name: str) -> None:
    run(capsys, "train", "als", "--data", str(tiny), *FAST_ALS, "--name", name)


def assert_every_model_whole(lines: list[str]) -> None:
    """Each saved model's name, fit time and every figure are whole on some line."""
    for info in ModelStore().list():
        assert any(info.name in line for line in lines), info.name
        assert any(f"{info.metrics['fit seconds']:.3g} s" in line for line in lines)
        for metric, value in info.metrics.items():
            if metric != "fit seconds":
                assert any(f"{metric} {value:.4g}" in line for line in lines), metric


def test_piped_the_table_keeps_names_and_figures_whole(capsys, tiny, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    for name in LONG_NAMES:
        train(capsys, tiny, name)
    update_metrics(ModelStore().path(LONG_NAMES[0]), {"leave-last-out HR@10": 0.123456})
    lines = run(capsys, "models", "list").splitlines()
    assert any("leave-last-out HR@10 0.1235" in line for line in lines)
    assert_every_model_whole(lines)
    assert max(len(line) for line in lines) > 80


@pytest.mark.parametrize(("width", "as_table"), [(80, False), (300, True)])
def test_on_a_terminal_it_fits_the_screen(capsys, tiny, monkeypatch, width, as_table):
    for name in LONG_NAMES:
        train(capsys, tiny, name)
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, color_system=None, width=width)
    monkeypatch.setattr(render, "console", terminal)
    run(capsys, "models", "list")
    lines = screen.getvalue().splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    assert any("┃ name" in line for line in lines) == as_table
    assert_every_model_whole(lines)


def test_json_has_the_metrics_and_the_training_curve(capsys, tiny):
    train(capsys, tiny, "als-tiny")
    [saved] = json.loads(run(capsys, "models", "list", "--json"))
    curve = saved["curve"]
    assert curve and all(set(point) >= {"step", "total", "loss", "metrics"} for point in curve)
    steps = [point["step"] for point in curve]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    for metric, value in saved["metrics"].items():
        if metric != "fit seconds":
            latest = [point["metrics"][metric] for point in curve if metric in point["metrics"]]
            assert latest[-1] == value, metric


def test_a_model_saved_before_curves_is_listed(capsys, tiny):
    train(capsys, tiny, "old")
    config_file = ModelStore().path("old") / "config.json"
    config = json.loads(config_file.read_text())
    del config["curve"]
    config_file.write_text(json.dumps(config))
    [saved] = json.loads(run(capsys, "models", "list", "--json"))
    assert saved["name"] == "old" and saved["curve"] == []
    assert "old" in run(capsys, "models", "list")
