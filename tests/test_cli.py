"""The headless commands, driven through ``main`` as a script would."""

import json
import subprocess
import sys

import pytest
from tui_support import SCI_FI_IDS, write_tiny_movielens

from moviepick.cli import main
from moviepick.models.registry import model_names
from moviepick.profile import Profile

FAST_ALS = ["--factors", "4", "--iters", "3", "--reg", "0.1"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny_movielens(tmp_path_factory.mktemp("data") / "tiny")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("moviepick: error: "), err
    for fragment in fragments:
        assert fragment in lines[0]


def test_data_info_as_json(capsys, tiny):
    code, out, _ = run(capsys, "data", "info", "--data", str(tiny), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["n_movies"] == 16 and summary["n_users"] == 40


def test_train_saves_a_model_and_lists_it(capsys, tiny):
    code, out, _ = run(capsys, "train", "als", "--data", str(tiny), *FAST_ALS, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["name"] == "als-tiny"
    assert result["params"]["factors"] == 4
    assert {"train RMSE", "valid RMSE", "fit seconds"} <= set(result["metrics"])
    code, out, _ = run(capsys, "models", "list", "--json")
    assert [model["name"] for model in json.loads(out)] == ["als-tiny"]


@pytest.mark.parametrize("model", model_names())
def test_recommend_trains_and_answers_with_every_model(capsys, tiny, model):
    rates = ["--rate", "The Matrix=5", "--rate", "Alien (1979)=4.5"]
    argv = ["recommend", "--data", str(tiny), "--model", model, "-n", "3", *rates, "--json"]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    picks = json.loads(out)
    assert len(picks) == 3 and {1, 2}.isdisjoint(pick["movieId"] for pick in picks)
    code, out, _ = run(capsys, "models", "list", "--json")
    assert model in {saved["model"] for saved in json.loads(out)}


def test_recommend_rates_then_recommends_from_the_saved_ratings(capsys, tiny):
    run(capsys, "train", "als", "--data", str(tiny), *FAST_ALS)
    rates = ["--rate", "The Matrix=5", "--rate", "Alien (1979)=4.5", "--rate", "titanic=1"]
    code, out, _ = run(capsys, "recommend", "--data", str(tiny), "-n", "4", *rates, "--json")
    assert code == 0
    picks = json.loads(out)
    assert len(picks) == 4
    assert {pick["movieId"] for pick in picks} <= SCI_FI_IDS - {1, 2}
    with Profile() as profile:
        assert {entry.title: entry.stars for entry in profile.ratings()} == {
            "The Matrix": 5.0,
            "Alien": 4.5,
            "Titanic": 1.0,
        }


def test_a_profile_entry_missing_from_the_dataset_is_named_and_skipped(capsys, tiny):
    with Profile() as profile:
        profile.set_rating(999999, "A Film Nobody Has", 1990, 4.0)
        profile.set_rating(1, "The Matrix", 1999, 5.0)
    run(capsys, "train", "als", "--data", str(tiny), *FAST_ALS)
    code, out, err = run(capsys, "recommend", "--data", str(tiny), "-n", "3")
    assert code == 0
    assert "not in tiny, ignored: A Film Nobody Has (1990)" in " ".join(err.split())
    assert "Recommended by als-tiny" in out


def test_a_model_trained_on_other_data_is_refused(capsys, tmp_path, tiny):
    other = write_tiny_movielens(tmp_path / "other", seed=1)
    run(capsys, "train", "als", "--data", str(other), *FAST_ALS, "--name", "mine")
    code, _, err = run(capsys, "recommend", "--data", str(tiny), "--model", "mine")
    assert_one_line_error(code, err, "model 'mine' was trained on other", "retrain")


def test_recommend_help_names_the_model_types_and_saved_models(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")  # no name broken at its hyphen
    with pytest.raises(SystemExit):
        main(["recommend", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert all(name in text for name in model_names())
    assert "saved model" in text and "moviepick models list" in text


def test_an_unknown_model_is_one_line_naming_the_choices(capsys, tiny):
    run(capsys, "train", "als", "--data", str(tiny), *FAST_ALS, "--name", "mine")
    code, _, err = run(capsys, "recommend", "--data", str(tiny), "--model", "nope")
    assert_one_line_error(code, err, "unknown model 'nope'", "saved model (mine)", "sasrec")
    with Profile() as profile:
        assert profile.ratings() == []  # nothing happened before the refusal


def test_recommend_says_why_each_movie_is_picked(capsys, tiny):
    run(capsys, "train", "als", "--data", str(tiny), *FAST_ALS)
    rates = ["--rate", "The Matrix=5", "--rate", "Alien (1979)=4.5"]
    code, out, _ = run(capsys, "recommend", "--data", str(tiny), "-n", "3", *rates, "--json")
    assert code == 0
    reasons = {pick["reason"] for pick in json.loads(out)}
    assert reasons <= {"because you rated The Matrix ★★★★★", "because you rated Alien ★★★★½"}
    code, out, _ = run(capsys, "recommend", "--data", str(tiny), "-n", "3")
    assert code == 0 and "why" in out and "because you rated" in out


def test_the_watch_sequence_and_marks_keep_movies_out_of_the_picks(capsys, tiny):
    with Profile() as profile:
        profile.set_rating(1, "The Matrix", 1999, 5.0)
        profile.append_to_sequence(2, "Alien", 1979)
        profile.set_watchlisted(3, "Blade Runner", 1982, on=True)
        profile.set_not_interested(4, "The Terminator", 1984, on=True)
    run(capsys, "train", "als", "--data", str(tiny), *FAST_ALS)
    code, out, _ = run(capsys, "recommend", "--data", str(tiny), "-n", "12", "--json")
    assert code == 0
    picked = {pick["movieId"] for pick in json.loads(out)}
    assert len(picked) == 12 and picked.isdisjoint({1, 2, 3, 4})
    argv = ["recommend", "--data", str(tiny), "-n", "2", "--what-next", "--json"]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and len(json.loads(out)) == 2
    code, out, _ = run(capsys, "recommend", "--data", str(tiny), "-n", "2", "--what-next")
    assert "What next, by als-tiny" in out


def test_recommend_filters_by_genre_and_year(capsys, tiny):
    run(capsys, "train", "als", "--data", str(tiny), *FAST_ALS)
    argv = ["recommend", "--data", str(tiny), "-n", "20", "--genre", "romance", "--json"]
    code, out, _ = run(capsys, *argv, "--rate", "The Matrix=5", "--from-year", "1990")
    assert code == 0
    picks = json.loads(out)
    assert picks and all("Romance" in pick["genres"] for pick in picks)
    assert all(pick["year"] >= 1990 for pick in picks)
    assert {pick["title"] for pick in picks} == {
        "Notting Hill",
        "Titanic",
        "Before Sunrise",
        "Love Actually",
        "Pretty Woman",
        "Amelie",
    }


def test_evaluate_rating_protocol_as_json(capsys, tiny):
    code, out, _ = run(
        capsys,
        "evaluate",
        "popularity",
        "--protocol",
        "rating-90-10",
        "--data",
        str(tiny),
        "--json",
    )
    assert code == 0
    [record] = json.loads(out)
    assert record["model"] == "popularity" and record["protocol"] == "rating-90-10"
    assert 0 < record["RMSE"] < 3 and 0 < record["MAE"] <= record["RMSE"]


def test_evaluate_all_ranks_every_model_and_reuses_stored_results(capsys, monkeypatch, tiny):
    # --all means every registered model; two keep the test fast whatever gets registered
    monkeypatch.setattr(
        "moviepick.evaluation.protocols.model_names", lambda: ["popularity", "ease"]
    )
    argv = ["evaluate", "--all", "--protocol", "next-item", "--data", str(tiny)]
    code, out, _ = run(capsys, *argv, "--json")
    assert code == 0
    records = json.loads(out)
    assert {record["model"] for record in records} == {"popularity", "ease"}
    assert records[0]["HR@10"] >= records[1]["HR@10"]
    for record in records:
        assert {"HR@10", "NDCG@10", "MRR", "genre-Jaccard", "coverage", "fit seconds"} <= set(
            record
        )
        assert not record["reused"]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "next-item on tiny" in out and "MRR" in out
    assert "stored results reused for popularity, ease" in " ".join(out.split())


def test_evaluate_without_a_protocol_runs_each_model_on_every_protocol_it_takes_part_in(
    capsys, monkeypatch, tiny
):
    monkeypatch.setattr(
        "moviepick.evaluation.protocols.model_names", lambda: ["popularity", "ease"]
    )
    code, out, _ = run(capsys, "evaluate", "--all", "--data", str(tiny), "--json")
    assert code == 0
    measured = {(record["model"], record["protocol"]) for record in json.loads(out)}
    assert measured == {
        ("popularity", "rating-90-10"),
        *(
            (model, ranking)
            for model in ("popularity", "ease")
            for ranking in ("top-n", "next-item")
        ),
    }  # no ml100k-folds: tiny is not ml-100k
    by = {
        record["protocol"]: record["params"]["by"]
        for record in json.loads(out)
        if record["model"] == "popularity"
    }
    assert by == {"rating-90-10": "score", "top-n": "count", "next-item": "count"}
    code, out, _ = run(capsys, "evaluate", "ease", "popularity", "--data", str(tiny))
    assert code == 0
    for title in ("rating-90-10 on tiny", "top-n on tiny", "next-item on tiny"):
        assert title in out
    assert "(by=count)" in out  # the model column names settings other than the defaults
    assert "stored results reused for ease, popularity" in " ".join(out.split())


def test_evaluate_all_skips_a_model_that_refuses_the_data(capsys, monkeypatch, tiny):
    from moviepick.errors import ModelError
    from moviepick.models.ease import EASE

    def refuse(*args, **kwargs):
        raise ModelError("ease would invert a dense matrix over --max-items")

    monkeypatch.setattr(
        "moviepick.evaluation.protocols.model_names", lambda: ["popularity", "ease"]
    )
    monkeypatch.setattr(EASE, "fit", refuse)
    argv = ["evaluate", "--all", "--protocol", "top-n", "--data", str(tiny), "--json"]
    code, out, err = run(capsys, *argv)
    assert code == 0
    assert [record["model"] for record in json.loads(out)] == ["popularity"]
    assert "skipped ease on top-n: ease would invert" in err
    code, _, err = run(capsys, *argv[:1], "ease", *argv[2:])
    assert_one_line_error(code, err, "ease would invert")


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["evaluate", "--protocol", "top-n"], ["name the models to evaluate, or give --all"]),
        (["evaluate", "ease", "--all", "--protocol", "top-n"], ["not both"]),
        (["evaluate", "ease", "--protocol", "rating-90-10"], ["ease cannot predict ratings"]),
        (["evaluate", "nope", "--protocol", "top-n"], ["unknown model 'nope'"]),
    ],
)
def test_evaluate_mistakes_are_one_line_errors(capsys, argv, fragments):
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, *fragments)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["data", "info", "--data", "/no/such/place"], ["no such file or folder"]),
        (["data", "info"], ["no MovieLens dataset found", "moviepick data download"]),
        (["evaluate", "als", "--protocol", "ml100k-folds"], ["ml-100k"]),
        (["recommend", "--rate", "The Matrix"], ["--rate wants TITLE=STARS"]),
        (["recommend", "--rate", "The Matrix=6"], ["half steps"]),
        (["recommend", "--rate", "qqqqzzzzxxxx=4"], ["no movie in tiny matches"]),
        (["recommend", "--model", "no-such-model"], ["unknown model", "als, ease"]),
        (["recommend", "--genre", "Western"], ["no genre 'Western'", "Sci-Fi"]),
        (["recommend", "--diversity", "2"], ["--diversity goes from 0 to 1"]),
    ],
)
def test_user_mistakes_about_data_are_one_line_errors(capsys, tiny, argv, fragments):
    if argv[0] != "data":
        argv = [*argv, "--data", str(tiny)]
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, *fragments)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["data", "download", "ml-nothing"], ["unknown dataset ml-nothing"]),
        (["models", "delete", "ghost"], ["no saved model named 'ghost'"]),
    ],
)
def test_user_mistakes_about_names_are_one_line_errors(capsys, argv, fragments):
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, *fragments)


def test_download_without_network_names_the_alternative(capsys, monkeypatch):
    monkeypatch.setenv("MOVIEPICK_DOWNLOAD_URL", "http://127.0.0.1:9")
    code, _, err = run(capsys, "data", "download", "ml-100k")
    assert code == 1
    assert "--data PATH" in err and "Traceback" not in err


def test_the_installed_script_prints_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "moviepick", "data", "info", "--data", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("moviepick: error: no such file or folder")
    assert "Traceback" not in result.stderr


def test_recommend_trains_the_model_the_config_names(capsys, tiny):
    from moviepick import paths

    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('model = "popularity"\n', encoding="utf-8")
    code, _, _ = run(capsys, "recommend", "--data", str(tiny), "-n", "3", "--json")
    assert code == 0
    code, out, _ = run(capsys, "models", "list", "--json")
    assert [saved["model"] for saved in json.loads(out)] == ["popularity"]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["train", "neumf", "--lr", "nan"], "neumf needs a finite lr, not nan"),
        (["train", "neumf", "--dropout", "1.5"], "neumf needs dropout in [0, 1), not 1.5"),
        (["train", "sasrec", "--heads", "3"], "sasrec needs dim (64) divisible by heads (3)"),
    ],
)
def test_a_refused_hyper_parameter_is_one_line_before_any_work(capsys, tiny, argv, fragment):
    code, out, err = run(capsys, *argv, "--data", str(tiny))
    assert_one_line_error(code, err, fragment)
    assert out == ""
