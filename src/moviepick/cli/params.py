"""Command-line flags generated from a model's ``Params`` dataclass."""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any, Literal

from moviepick.models.base import Recommender
from moviepick.models.hyperparams import field_comments


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _unwrap_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def add_param_flags(parser: argparse.ArgumentParser, model: type[Recommender]) -> None:
    """One flag per hyper-parameter; unset flags keep the model's own default."""
    hints = typing.get_type_hints(model.Params)
    comments = field_comments(model.Params)
    group = parser.add_argument_group(f"{model.name} hyper-parameters")
    for field in dataclasses.fields(model.Params):
        hint = _unwrap_optional(hints[field.name])
        default = field.default if field.default is not dataclasses.MISSING else None
        comment = comments.get(field.name)
        shown = "unset" if default is None else default
        help_text = f"{comment} (default: {shown})" if comment else f"default: {shown}"
        if hint is bool:
            group.add_argument(
                _flag(field.name),
                dest=field.name,
                action=argparse.BooleanOptionalAction,
                default=argparse.SUPPRESS,
                help=help_text,
            )
        elif typing.get_origin(hint) is Literal:
            choices = typing.get_args(hint)
            group.add_argument(
                _flag(field.name),
                dest=field.name,
                choices=choices,
                type=type(choices[0]),
                default=argparse.SUPPRESS,
                help=help_text,
            )
        else:
            group.add_argument(
                _flag(field.name),
                dest=field.name,
                type=hint,
                default=argparse.SUPPRESS,
                metavar=field.name.upper(),
                help=help_text,
            )


def collect_params(args: argparse.Namespace, model: type[Recommender]) -> dict[str, Any]:
    """The hyper-parameters given on the command line."""
    given = vars(args)
    return {f.name: given[f.name] for f in dataclasses.fields(model.Params) if f.name in given}
