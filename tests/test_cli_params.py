import argparse
from dataclasses import dataclass
from typing import Literal

import numpy as np

from moviepick.cli.params import add_param_flags, collect_params, field_comments
from moviepick.models.base import Query, Recommender


class Toy(Recommender):
    name = "toy"
    description = "a model for testing flags"

    @dataclass
    class Params:
        factors: int = 8  # latent dimensions
        # strength of the ridge,
        # per rating
        reg: float = 0.1
        genres: bool = True
        by: Literal["score", "count"] = "score"  # what ranks: "score" or count
        label: str | None = None

    def fit(self, train, *, valid=None, progress=None):
        self.n_items = train.n_items

    def score_query(self, query: Query) -> np.ndarray:
        return np.zeros(self.n_items, dtype=np.float32)

    def get_state(self):
        return {}

    def set_state(self, arrays):
        self.n_items = 0


def parse(*argv: str) -> dict:
    parser = argparse.ArgumentParser()
    add_param_flags(parser, Toy)
    return collect_params(parser.parse_args(argv), Toy)


def test_only_given_flags_are_collected():
    assert parse() == {}
    assert parse("--factors", "32", "--reg", "0.05") == {"factors": 32, "reg": 0.05}


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
