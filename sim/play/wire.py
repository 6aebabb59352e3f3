"""Views as JSON and back: what a seat's screen is fed, so it can cross a socket.

Views are frozen dataclasses of plain values (principle 8: views out). The codec follows their
type hints, so a view added later crosses without code here: tuples become lists and come back as
tuples, mappings become objects and come back read-only, dates are ISO strings, a nested view is an
object. A value the hints do not allow is a ``WireError`` naming the view and the field, never a
half-built view: what comes off a socket is input like any other.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any, TypeVar, Union, get_args, get_origin

T = TypeVar("T")


class WireError(ValueError):
    """A JSON value that is not the view it should be."""


_PLAIN = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...] | None] = {}  # a type -> its fields' names if a view, else None


def to_wire(value: Any) -> Any:
    """A view (or a value inside one) as plain JSON data."""
    t = type(value)
    if t in _PLAIN:  # most of what a view holds: first, and cheap (the server sends views often)
        return value
    names = _FIELDS.get(t, ())
    if names == ():  # a type not met yet: is it a view? (asked once: events, lists and tuples are most of it)
        names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(t)) if dataclasses.is_dataclass(t) else None
    if names is not None:
        return {n: to_wire(getattr(value, n)) for n in names}
    if t is dict or t is MappingProxyType or isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in value.items()}
    if t is tuple or t is list or isinstance(value, (tuple, list)):
        return [to_wire(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_wire(cls: type[T], data: Any) -> T:
    """The view of type ``cls`` that ``data`` (plain JSON data) describes."""
    return _decode(cls, data, cls.__name__)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, data: Any, where: str) -> Any:
    if tp is Any:
        return _frozen(data)
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        for option in get_args(tp):
            try:
                return _decode(option, data, where)
            except WireError:
                continue
        raise WireError(f"{where}: {_shown(data)} is none of {tp}")
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(data, dict):
            raise WireError(f"{where}: expected an object for {tp.__name__}, got {_shown(data)}")
        hints = _hints(tp)
        known = {f.name: f for f in dataclasses.fields(tp)}
        unknown = set(data) - set(known)
        if unknown:
            raise WireError(f"{where}: {tp.__name__} has no field {sorted(unknown)[0]!r}")
        values = {}
        for name, f in known.items():
            if name in data:
                values[name] = _decode(hints[name], data[name], f"{where}.{name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise WireError(f"{where}: {tp.__name__} needs {name!r}")
        return tp(**values)
    if origin is tuple:
        args = get_args(tp)
        if not isinstance(data, list):
            raise WireError(f"{where}: expected a list, got {_shown(data)}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(data))
        if len(args) != len(data):
            raise WireError(f"{where}: expected {len(args)} values, got {len(data)}")
        return tuple(_decode(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, data, strict=True)))
    if origin in (Mapping, dict, typing.Mapping) or tp in (dict, Mapping):
        args = get_args(tp) or (str, Any)
        if not isinstance(data, dict):
            raise WireError(f"{where}: expected an object, got {_shown(data)}")
        return MappingProxyType({k: _decode(args[1], v, f"{where}.{k}") for k, v in data.items()})
    if tp is date:
        if not isinstance(data, str):
            raise WireError(f"{where}: expected a date, got {_shown(data)}")
        try:
            return date.fromisoformat(data)
        except ValueError:
            raise WireError(f"{where}: {_shown(data)} is not a date") from None
    if tp is type(None):
        if data is not None:
            raise WireError(f"{where}: expected null, got {_shown(data)}")
        return None
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise WireError(f"{where}: expected a number, got {_shown(data)}")
        return float(data)
    if tp in (str, int, bool):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise WireError(f"{where}: expected {tp.__name__}, got {_shown(data)}")
        return data
    raise WireError(f"{where}: no wire form for {tp}")


def _frozen(data: Any) -> Any:
    """Plain JSON data as views hold it (a journal event's fields): read-only at the top, as the
    host hands events out; lists stay lists, as the journal has them."""
    return MappingProxyType(data) if isinstance(data, dict) else data


def _shown(data: Any) -> str:
    text = repr(data)
    return text if len(text) <= 60 else text[:59] + "…"
