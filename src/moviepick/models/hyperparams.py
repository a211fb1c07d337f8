"""What each hyper-parameter accepts, declared on the ``Params`` fields, and the one check of it.

A field's type says what it accepts: a ``Literal`` lists its choices, and the aliases here carry
a :class:`Range` as ``Annotated`` metadata (``epochs: Count = 10``, ``dropout: Share = 0.0``).
:func:`check_params`, which :class:`moviepick.models.base.Recommender` runs on construction,
refuses a value outside its field's choices or range, any float that is not finite (nan, inf),
and None unless the field is optional (``reg: Positive | None = None``). Checks that relate two
fields stay with their model (``Recommender._params_problem``).
"""

from __future__ import annotations

import functools
import inspect
import io
import math
import numbers
import tokenize
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from moviepick.errors import ModelError


@dataclass(frozen=True)
class Range:
    """``low <= value < high``, or ``low < value < high`` with ``low_open``."""

    low: float
    high: float = math.inf
    low_open: bool = False

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, numbers.Real):
            return False
        above = value > self.low if self.low_open else value >= self.low
        return above and value < self.high

    def __str__(self) -> str:
        if self.high < math.inf:
            return f"in {'(' if self.low_open else '['}{self.low:g}, {self.high:g})"
        return f"{'>' if self.low_open else '>='} {self.low:g}"


Count = Annotated[int, Range(1)]  # epochs, sizes, dimensions: one or more
NonNegativeInt = Annotated[int, Range(0)]  # patience, numbers of sampled negatives
Seed = NonNegativeInt  # numpy refuses negative seeds
NonNegative = Annotated[float, Range(0)]  # weight decay
Positive = Annotated[float, Range(0, low_open=True)]  # learning rates, ridge strengths
Share = Annotated[float, Range(0, 1)]  # dropout, a held-out share: 0 <= x < 1


@dataclass(frozen=True)
class Accepts:
    """What one field of a ``Params`` dataclass accepts."""

    choices: tuple[Any, ...] = ()  # a Literal's values; empty: any
    range: Range | None = None
    finite: bool = False  # a float: nan and inf are refused
    optional: bool = False  # None is accepted


def _accepts(hint: Any) -> Accepts:
    optional = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        optional = len(args) < len(typing.get_args(hint))
        hint = args[0] if len(args) == 1 else hint
    ranges: list[Range] = []
    if typing.get_origin(hint) is Annotated:
        ranges = [extra for extra in hint.__metadata__ if isinstance(extra, Range)]
        hint = typing.get_args(hint)[0]
    choices = typing.get_args(hint) if typing.get_origin(hint) is Literal else ()
    return Accepts(choices, ranges[0] if ranges else None, hint is float, optional)


@functools.cache
def accepted(params: type) -> dict[str, Accepts]:
    """What each field of a ``Params`` dataclass accepts, from its type hints."""
    hints = typing.get_type_hints(params, include_extras=True)
    return {name: _accepts(hint) for name, hint in hints.items()}


def literal_choices(params: type) -> dict[str, tuple[Any, ...]]:
    """The allowed values of each ``Literal`` field of a ``Params`` dataclass."""
    return {name: field.choices for name, field in accepted(params).items() if field.choices}


def check_params(model: str, params: object) -> None:
    """A one-line ModelError naming ``model``, the field and its rule at the first field of
    ``params`` whose value its type does not accept."""
    for name, field in accepted(type(params)).items():
        value = getattr(params, name)
        if value is None and field.optional:
            continue
        if field.choices and value not in field.choices:
            known = ", ".join(map(str, field.choices))
            raise ModelError(f"unknown {name} {value!r} for {model}; choose one of {known}")
        if field.finite and not (isinstance(value, numbers.Real) and math.isfinite(value)):
            raise ModelError(f"{model} needs a finite {name}, not {value!r}")
        if field.range is not None and value not in field.range:
            raise ModelError(f"{model} needs {name} {field.range}, not {value!r}")


def field_comments(params: type) -> dict[str, str]:
    """Each field's comment in the source of a ``Params`` dataclass or of the classes it
    inherits fields from (a subclass's comment wins): the one after the field on its line,
    else the comment lines right above it."""
    comments: dict[str, str] = {}
    for cls in reversed(params.__mro__[:-1]):
        comments.update(_class_comments(cls))
    return comments


def _class_comments(cls: type) -> dict[str, str]:
    """The field comments written in ``cls`` itself (none where its source is unavailable)."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    comments: dict[str, str] = {}
    above: list[str] = []
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    line_field: str | None = None
    for token in tokens:
        if token.type == tokenize.COMMENT:
            text = token.string.lstrip("#").strip()
            if line_field is not None:
                comments[line_field] = text
            else:
                above.append(text)
        elif token.type == tokenize.NAME and token.start[1] > 0 and line_field is None:
            line_field = token.string
            if above:
                comments[line_field] = " ".join(above)
            above = []
        elif token.type in (tokenize.NEWLINE, tokenize.NL):
            line_field = None
    return comments
