"""A form of a model's hyper-parameters, built from its ``Params`` dataclass: the same source
as the ``moviepick train`` flags, so the form and the command line offer the same choices.

A field whose type lists its choices (a ``Literal``: the device, say) is a select, a bool is a
switch, and the rest are text boxes that start empty: empty keeps the model's default, which
the box shows as its placeholder. Each field's comment in the source is its tooltip.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Switch

from moviepick.errors import ModelError
from moviepick.models.base import Recommender
from moviepick.models.hyperparams import field_comments


def _plain_type(hint: Any) -> Any:
    """``int`` for ``int | None`` or ``Annotated[int, ...]``; Literal and bool stay."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        hint = args[0] if len(args) == 1 else str
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    return hint


def _shown(value: Any) -> str:
    return "unset" if value is None else str(value)


class ParamsForm(VerticalScroll):
    """The hyper-parameters of one model type; :meth:`values` reads what was given."""

    DEFAULT_CSS = """
    ParamsForm { height: 1fr; }
    ParamsForm .param-row { height: 1; margin-bottom: 1; }
    ParamsForm .switch-row { height: 3; margin-bottom: 0; }
    ParamsForm .param-name { width: 16; padding: 0 1 0 0; text-align: right; }
    ParamsForm .switch-row .param-name { padding: 1 1 0 0; }
    ParamsForm Input, ParamsForm Select { width: 1fr; max-width: 40; }
    """

    def __init__(self, model: type[Recommender], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self._hints = typing.get_type_hints(model.Params, include_extras=True)
        self._fields = dataclasses.fields(model.Params)

    def compose(self) -> ComposeResult:
        comments = field_comments(self.model.Params)
        for field in self._fields:
            default = field.default if field.default is not dataclasses.MISSING else None
            kind = _plain_type(self._hints[field.name])
            widget_id = f"param-{field.name}"
            editor: Switch | Select[Any] | Input
            if kind is bool:
                editor = Switch(value=bool(default), id=widget_id)
            elif typing.get_origin(kind) is Literal:
                options = [(str(choice), choice) for choice in typing.get_args(kind)]
                editor = Select(
                    options, value=default, allow_blank=False, compact=True, id=widget_id
                )
            else:
                editor = Input(placeholder=_shown(default), compact=True, id=widget_id)
            editor.tooltip = comments.get(field.name)
            with Horizontal(classes="param-row switch-row" if kind is bool else "param-row"):
                yield Label(field.name.replace("_", " "), classes="param-name")
                yield editor

    def values(self) -> dict[str, Any]:
        """The values given that differ from the defaults, typed; a ModelError naming the
        field when a box holds what its type cannot read."""
        given: dict[str, Any] = {}
        for field in self._fields:
            default = field.default if field.default is not dataclasses.MISSING else None
            widget = self.query_one(f"#param-{field.name}")
            if isinstance(widget, Switch | Select):
                value = widget.value
            else:
                assert isinstance(widget, Input)
                text = widget.value.strip()
                if not text:
                    continue
                value = self._read(field.name, text)
            if value != default:
                given[field.name] = value
        return given

    def set_value(self, name: str, value: str) -> None:
        """Write ``value`` into the text box of the field ``name``."""
        self.query_one(f"#param-{name}", Input).value = value

    def has_field(self, name: str) -> bool:
        return name in {field.name for field in self._fields}

    def _read(self, name: str, text: str) -> Any:
        kind = _plain_type(self._hints[name])
        try:
            return kind(text) if kind in (int, float) else text
        except ValueError:
            label = "a whole number" if kind is int else "a number"
            raise ModelError(f"{name} must be {label}, not {text!r}") from None
