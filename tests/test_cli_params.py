import argparse
import dataclasses
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pytest

from moviepick.cli.params import add_param_flags, collect_params, field_comments
from moviepick.models.base import Query, Recommender
from moviepick.models.hyperparams import Count, Positive
from moviepick.models.registry import model_class, model_names
from moviepick.models.sequential import SASRec


class Toy(Recommender):
    name = "toy"
    description = "a model for testing flags"

    @dataclass
    class Params:
        factors: Count = 8  # latent dimensions
        # strength of the ridge,
        # per rating
        reg: float = 0.1
        genres: bool = True
        by: Literal["score", "count"] = "score"  # what ranks: "score" or count
        label: str | None = None
        rate: Positive | None = None

    def _fit(self, train, valid, progress):
        self.n_items = train.n_items

    def score_query(self, query: Query) -> np.ndarray:
        return np.zeros(self.n_items, dtype=np.float32)

    def get_state(self):
        return {}

    def set_state(self, arrays):
        self.n_items = 0


class LongerToy(Toy):
    @dataclass
    class Params(Toy.Params):
        factors: Count = 16  # latent dimensions, more of them
        reg: float = 0.2
        extra: int = 1  # a field of its own


def parse(*argv: str, model: type[Recommender] = Toy) -> dict:
    parser = argparse.ArgumentParser()
    add_param_flags(parser, model)
    return collect_params(parser.parse_args(argv), model)


def test_only_given_flags_are_collected():
    assert parse() == {}
    assert parse("--factors", "32", "--reg", "0.05") == {"factors": 32, "reg": 0.05}
    assert parse("--rate", "0.5") == {"rate": 0.5}


def test_bool_literal_and_optional_flags():
    assert parse("--no-genres", "--by", "count", "--label", "x") == {
        "genres": False,
        "by": "count",
        "label": "x",
    }
    assert Toy(**parse("--factors", "4")).params.factors == 4


def test_help_shows_each_fields_comment_and_default():
    assert field_comments(Toy.Params) == {
        "factors": "latent dimensions",
        "reg": "strength of the ridge, per rating",
        "by": 'what ranks: "score" or count',
    }
    parser = argparse.ArgumentParser()
    add_param_flags(parser, Toy)
    text = " ".join(parser.format_help().split())
    assert "--factors FACTORS latent dimensions (default: 8)" in text
    assert "--label LABEL default: unset" in text


def test_inherited_fields_keep_their_comments_unless_redeclared_with_one():
    assert field_comments(LongerToy.Params) == {
        "factors": "latent dimensions, more of them",
        "reg": "strength of the ridge, per rating",
        "by": 'what ranks: "score" or count',
        "extra": "a field of its own",
    }
    assert field_comments(SASRec.Params)["refit"].startswith("with valid: retrain")
    assert field_comments(SASRec.Params)["patience"].startswith("epochs without a better")


@pytest.mark.parametrize("name", model_names())
def test_every_models_defaults_parse_back_from_their_flags(name: str):
    model = model_class(name)
    for field in dataclasses.fields(model.Params):
        if field.default is None or isinstance(field.default, bool):
            continue
        flag = "--" + field.name.replace("_", "-")
        parsed = parse(flag, str(field.default), model=model)
        assert parsed == {field.name: field.default}
        assert type(parsed[field.name]) is type(field.default)
