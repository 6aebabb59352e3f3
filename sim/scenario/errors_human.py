"""Pydantic's validation errors rewritten for scenario authors, located in their files."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import shown

MAX_LISTED = 12  # choices listed in full in a message; beyond, the nearest one and where to look

_PATTERN_HELP = {
    "^[A-Za-z][A-Za-z0-9_.-]{0,63}$": "an identifier: a letter, then letters, digits, _ . or - (64 at most)",
    "^(ncb:[A-Z]{2}|ndtf|ccc)$": "a seat: ncb:CC (an NCB, e.g. ncb:FR), ndtf or ccc",
    "^(ncb:[A-Z]{2}|ndtf|ccc|trainer)$": "a seat: ncb:CC (an NCB, e.g. ncb:FR), ndtf, ccc or trainer",
}
_TYPE_WORDS = {dict: "a mapping", list: "a list", str: "text", int: "a whole number", float: "a number",
               bool: "true or false", type(None): "nothing (empty)"}


def kind_of(value: Any) -> str:
    for t, word in _TYPE_WORDS.items():
        if type(value) is t:
            return word
    return type(value).__name__


def data_path(data: Any, loc: tuple) -> tuple:
    """Keep the loc elements that address the data; drop pydantic's union and tag markers."""
    path: list = []
    node = data
    for i, part in enumerate(loc):
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            # A union's tag can also be a key of the data (a condition tagged "event" has a field
            # "event"): when the next element addresses this node and not the child, it is the tag.
            after = loc[i + 1] if i + 1 < len(loc) else None
            if (isinstance(node, dict) and after is not None and after in node
                    and not (isinstance(node[part], dict) and after in node[part])):
                continue
            path.append(part)
            node = node[part]
    return tuple(path)


def _model_fields_at(root: type[BaseModel], path: tuple) -> list[str]:
    """Names accepted at ``path`` (for did-you-mean); empty when unknown."""
    ann: Any = root
    for part in path:
        ann = _descend(ann, part)
        if ann is None:
            return []
    return _field_names(ann)


def _field_names(ann: Any) -> list[str]:
    for cand in _candidates(ann):
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return [f.alias or n for n, f in cand.model_fields.items()]
    return []


def _candidates(ann: Any) -> list[Any]:
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return _candidates(typing.get_args(ann)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for a in typing.get_args(ann):
            out.extend(_candidates(a))
        return out
    return [ann]


def _descend(ann: Any, part: Any) -> Any:
    for cand in _candidates(ann):
        origin = typing.get_origin(cand)
        if isinstance(cand, type) and issubclass(cand, BaseModel) and isinstance(part, str):
            for name, f in cand.model_fields.items():
                if part in (name, f.alias):
                    return f.annotation
        elif origin is list and isinstance(part, int):
            return typing.get_args(cand)[0]
        elif origin is dict and isinstance(part, str):
            return typing.get_args(cand)[1]
    return None


_BOUNDS = ("gt", "ge", "lt", "le")


def _bounds_of(items: Any) -> dict[str, Any]:
    """ge/gt/le/lt found in Field(...) or annotated_types metadata (pydantic keeps either)."""
    found: dict[str, Any] = {}
    for item in items:
        for name in _BOUNDS:
            value = getattr(item, name, None)
            if value is not None and not callable(value):
                found.setdefault(name, value)
        found.update({k: v for k, v in _bounds_of(getattr(item, "metadata", ())).items() if k not in found})
    return found


def _annotated_bounds(ann: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for cand in [ann, *_candidates(ann)]:
        if typing.get_origin(cand) is typing.Annotated:
            found.update({k: v for k, v in _bounds_of(typing.get_args(cand)[1:]).items() if k not in found})
    return found


def _bounds_at(root: type[BaseModel], path: tuple) -> dict[str, Any]:
    """The bounds a number at ``path`` must keep, from the model (empty when unknown)."""
    ann: Any = root
    found: dict[str, Any] = {}
    for part in path:
        found = {}
        step = None
        for cand in _candidates(ann):
            if isinstance(cand, type) and issubclass(cand, BaseModel) and isinstance(part, str):
                for name, f in cand.model_fields.items():
                    if part in (name, f.alias):
                        step, found = f.annotation, _bounds_of(f.metadata)
                        break
            elif typing.get_origin(cand) is list and isinstance(part, int):
                step = typing.get_args(cand)[0]
            elif typing.get_origin(cand) is dict and isinstance(part, str):
                step = typing.get_args(cand)[1]
            if step is not None:
                break
        if step is None:
            return {}
        ann = step
        found = {**_annotated_bounds(ann), **found}
    return found


def _number(x: Any) -> str:
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:g}" if isinstance(x, float) else str(x)


def _range(bounds: dict[str, Any]) -> str:
    low = (f"at least {_number(bounds['ge'])}" if "ge" in bounds else
           f"more than {_number(bounds['gt'])}" if "gt" in bounds else "")
    high = (f"at most {_number(bounds['le'])}" if "le" in bounds else
            f"less than {_number(bounds['lt'])}" if "lt" in bounds else "")
    if "ge" in bounds and "le" in bounds:
        return f"between {_number(bounds['ge'])} and {_number(bounds['le'])}"
    return " and ".join(x for x in (low, high) if x)


def _message(err: Mapping[str, Any], data: Any, path: tuple, root: type[BaseModel]) -> tuple[tuple, str]:
    typ, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if typ == "missing":
        return path, f"required field '{err['loc'][-1]}' is missing"
    if typ == "extra_forbidden":
        key = err["loc"][-1]
        parent = path[:-1] if path and path[-1] == key else path
        names = _model_fields_at(root, parent)
        close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else (
            f"; expected one of: {', '.join(names)}" if names else "")
        return path, f"unknown field {shown(key)}{hint}"
    if typ == "literal_error":
        expected = str(ctx.get("expected", ""))
        options = re.findall(r"'([^']*)'", expected)
        close = difflib.get_close_matches(value, options, n=1, cutoff=0.6) if isinstance(value, str) else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        if len(options) > MAX_LISTED:  # an event kind, an offence: a screenful of choices hides the answer
            return path, f"{shown(value)} is not one of the {len(options)} allowed values{hint}; docs/scenarios.md lists them"
        return path, f"expected one of {expected}, got {shown(value)}{hint}"
    if typ == "string_pattern_mismatch":
        pat = ctx.get("pattern", "")
        return path, f"expected {_PATTERN_HELP.get(pat, 'text matching ' + pat)}, got {shown(value)}"
    if typ in ("value_error", "assertion_error"):
        msg = str(ctx.get("error", err["msg"]))
        return path, msg
    if typ in ("timezone_aware",):
        return path, "expected a time with its zone, in UTC: e.g. 2026-03-02T06:00:00Z"
    if typ.startswith("datetime"):
        return path, f"expected an ISO 8601 date and time like 2026-03-02T06:00:00Z, got {shown(value)}"
    if typ in ("int_parsing", "int_type", "int_from_float"):
        return path, f"expected a whole number, got {kind_of(value)} {shown(value)}"
    if typ in ("float_parsing", "float_type"):
        return path, f"expected a number, got {kind_of(value)} {shown(value)}"
    if typ == "finite_number":
        allowed = _range(_bounds_at(root, path))
        return path, f"expected a finite number{' ' + allowed if allowed else ''}, got {shown(value)}"
    if typ == "int_parsing_size":
        allowed = _range(_bounds_at(root, path))
        return path, f"the number is far too large{'; expected ' + allowed if allowed else ''}"
    if typ in ("bool_parsing", "bool_type"):
        return path, f"expected true or false, got {shown(value)}"
    if typ in ("string_type",):
        return path, f"expected text, got {kind_of(value)}"
    if typ in ("list_type", "tuple_type"):
        return path, f"expected a list, got {kind_of(value)}"
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return path, f"expected a mapping of fields, got {kind_of(value)}"
    if typ in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        key = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}[typ]
        bounds = {**_bounds_at(root, path), key: next(iter(ctx.values()), "")}
        return path, f"must be {_range(bounds)}, got {shown(value)}"
    if typ in ("too_short", "string_too_short"):
        return path, "must not be empty"
    if typ in ("too_long", "string_too_long"):
        return path, f"is too long ({err['msg'].lower()})"
    if typ == "union_tag_not_found" or typ == "distribution":
        return path, err["msg"]
    return path, err["msg"]


def translate(exc: ValidationError, data: Any, root: type[BaseModel]) -> list[tuple[tuple, str]]:
    """(data path, message) per problem; union branches failing at one place become one line."""
    by_path: dict[tuple, list[str]] = {}
    for err in exc.errors(include_url=False):
        path, msg = _message(err, data, data_path(data, err["loc"]), root)
        if err["type"] == "extra_forbidden" and err["loc"][-1] not in path:
            path = path + (err["loc"][-1],)
        msgs = by_path.setdefault(path, [])
        if msg not in msgs:
            msgs.append(msg)
    # A union (e.g. `'all'` or a list of codes) fails once per branch; when the input clearly
    # chose a branch and failed inside it, the other branch's "expected 'all'" is noise.
    for path in [p for p in by_path if any(q[:len(p)] == p and len(q) > len(p) for q in by_path)]:
        kept = [m for m in by_path[path] if not m.startswith("expected")]
        if kept:
            by_path[path] = kept
        else:
            del by_path[path]
    out: list[tuple[tuple, str]] = []
    for path, msgs in by_path.items():
        if len(msgs) > 1 and all(m.startswith("expected") for m in msgs):
            msgs = ["expected " + " or ".join(m[len("expected "):].split(", got")[0] for m in msgs)]
        out.extend((path, m) for m in msgs)
    return out
