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
from collections.abc import Callable, Mapping
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
    try:
        return _decoder(typing.cast(Any, cls))(data)
    except _Bad as e:
        raise WireError(f"{cls.__name__}{e.path}: {e.detail}") from None


class _Bad(Exception):
    """Where (below the view decoded) and why a value is not what its hint says; from_wire names it."""

    def __init__(self, detail: str) -> None:
        self.detail, self.path = detail, ""


Decoder = Callable[[Any], Any]


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _decoder(tp: Any) -> Decoder:
    """The decoder of one type hint, made once: a client decodes every push of its views, and
    reading the hints again for every value was most of its time (the path of a field that went
    wrong is put together only then)."""
    if tp is Any:
        return _frozen
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return _union(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _view(tp)
    if origin is tuple:
        return _tuple(tp)
    if origin in (Mapping, dict, typing.Mapping) or tp in (dict, Mapping):
        return _mapping(tp)
    if tp is date:
        return _date
    if tp is type(None):
        return _none
    if tp is float:
        return _float
    if tp in (str, int, bool):
        return _plain(tp)

    def nothing(data: Any) -> Any:
        raise _Bad(f"no wire form for {tp}")
    return nothing


def _union(tp: Any) -> Decoder:
    options = [_decoder(option) for option in get_args(tp)]

    def decode(data: Any) -> Any:
        for option in options:
            try:
                return option(data)
            except _Bad:
                continue
        raise _Bad(f"{_shown(data)} is none of {tp}")
    return decode


def _view(tp: type) -> Decoder:
    fields: list[tuple[str, Decoder, bool]] = []  # made at the first value: a view may hold its own kind
    known: set[str] = set()

    def decode(data: Any) -> Any:
        if not isinstance(data, dict):
            raise _Bad(f"expected an object for {tp.__name__}, got {_shown(data)}")
        if not fields:
            hints = _hints(tp)
            for f in dataclasses.fields(tp):
                needed = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                fields.append((f.name, _decoder(hints[f.name]), needed))
                known.add(f.name)
        if not known.issuperset(data):
            raise _Bad(f"{tp.__name__} has no field {sorted(set(data) - known)[0]!r}")
        values = {}
        for name, field_decoder, needed in fields:
            if name in data:
                try:
                    values[name] = field_decoder(data[name])
                except _Bad as e:
                    e.path = f".{name}{e.path}"
                    raise
            elif needed:
                raise _Bad(f"{tp.__name__} needs {name!r}")
        return tp(**values)
    return decode


def _tuple(tp: Any) -> Decoder:
    args = get_args(tp)
    if len(args) == 2 and args[1] is Ellipsis:
        each = _decoder(args[0])

        def decode_all(data: Any) -> Any:
            if not isinstance(data, list):
                raise _Bad(f"expected a list, got {_shown(data)}")
            out = []
            try:
                for v in data:
                    out.append(each(v))
            except _Bad as e:
                e.path = f"[{len(out)}]{e.path}"
                raise
            return tuple(out)
        return decode_all
    decoders = [_decoder(a) for a in args]

    def decode(data: Any) -> Any:
        if not isinstance(data, list):
            raise _Bad(f"expected a list, got {_shown(data)}")
        if len(decoders) != len(data):
            raise _Bad(f"expected {len(decoders)} values, got {len(data)}")
        out = []
        try:
            for d, v in zip(decoders, data, strict=True):
                out.append(d(v))
        except _Bad as e:
            e.path = f"[{len(out)}]{e.path}"
            raise
        return tuple(out)
    return decode


def _mapping(tp: Any) -> Decoder:
    args = get_args(tp) or (str, Any)
    each = _decoder(args[1])

    def decode(data: Any) -> Any:
        if not isinstance(data, dict):
            raise _Bad(f"expected an object, got {_shown(data)}")
        out = {}
        for k, v in data.items():
            try:
                out[k] = each(v)
            except _Bad as e:
                e.path = f".{k}{e.path}"
                raise
        return MappingProxyType(out)
    return decode


def _date(data: Any) -> date:
    if not isinstance(data, str):
        raise _Bad(f"expected a date, got {_shown(data)}")
    try:
        return date.fromisoformat(data)
    except ValueError:
        raise _Bad(f"{_shown(data)} is not a date") from None


def _none(data: Any) -> None:
    if data is not None:
        raise _Bad(f"expected null, got {_shown(data)}")


def _float(data: Any) -> float:
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise _Bad(f"expected a number, got {_shown(data)}")
    return float(data)


def _plain(tp: type) -> Decoder:
    def decode(data: Any) -> Any:
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise _Bad(f"expected {tp.__name__}, got {_shown(data)}")
        return data
    return decode


def _frozen(data: Any) -> Any:
    """Plain JSON data as views hold it (a journal event's fields): read-only at the top, as the
    host hands events out; lists stay lists, as the journal has them."""
    return MappingProxyType(data) if isinstance(data, dict) else data


def _shown(data: Any) -> str:
    text = repr(data)
    return text if len(text) <= 60 else text[:59] + "…"
