"""Parameter paths: where in a scenario an experiment's swept value goes.

A path is field names joined by dots (``ndtf.reviewers``, ``world.extradites_nationals.FR``);
an item of a list is chosen by its position or by its id, in brackets (``requests[0].to``,
``subjects[S1].plan.route``, ``injects[I3].at``) or, for a position, as a dotted number
(``requests.0.to``). Under ``parameters.`` the rest of the path is one key
(``parameters.ndtf.review_time``), since model parameter names contain dots themselves.

``resolve`` turns a path into the keys and list positions it stands for in one scenario's data.
Given the scenario model as well, it checks every step against it and says what is wrong in a
person's words (a field that does not exist, with a suggestion; an id that no item has; a
position past the end), so ``ncbsim validate`` refuses a path before any run is made.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Annotated, Any

from pydantic import BaseModel

from ..scenario.parameters import PARAMETERS

PATH_HELP = ("dotted path into the scenario, e.g. ndtf.reviewers; an item of a list by id or position in "
             "brackets: requests[D1].to, subjects[S1].plan.route, injects[0].at; parameters.NAME for a "
             "model parameter, e.g. parameters.ndtf.review_time")

_PATH = re.compile(r"[^.\[\]]+(?:\.[^.\[\]]+|\[[^\[\]]+\])*")
_STEP = re.compile(r"\.?([^.\[\]]+)|\[([^\[\]]+)\]")


class PathError(ValueError):
    """A path that is not well formed, or does not lead anywhere in the scenario."""


class Select(str):
    """A bracketed step: an item of a list, by position (digits) or by id."""

    __slots__ = ()


def parse(path: str) -> list[str]:
    """The steps of a path: plain strings for names, ``Select`` for bracketed selections."""
    if path.startswith("parameters."):
        return ["parameters", path[len("parameters."):]]
    if not _PATH.fullmatch(path):
        raise PathError("not a path: write field names joined by dots, and an item of a list by id or "
                        "position in brackets, like requests[D1].to or injects[0].at")
    return [Select(m[2].strip()) if m[2] is not None else m[1] for m in _STEP.finditer(path)]


def _candidates(ann: Any) -> list[Any]:
    origin = typing.get_origin(ann)
    if origin is Annotated:
        return _candidates(typing.get_args(ann)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for a in typing.get_args(ann) for c in _candidates(a)]
    return [ann]


def suggest(word: str, options: typing.Iterable[str], cutoff: float = 0.6) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _shown(steps: list[str]) -> str:
    out = ""
    for s in steps:
        out += f"[{s}]" if isinstance(s, Select) else (f".{s}" if out else s)
    return out


def _like(where: str, items: Any) -> str:
    """An example selection of the list at ``where``: by its first id, and by position."""
    first = items[0] if isinstance(items, list) and items else None
    if isinstance(first, dict) and first.get("id") is not None:
        return f"{where}[{first['id']}] or {where}[0]"
    return f"{where}[0]"


def _value(node: Any) -> str:
    text = repr(node)
    return text if len(text) <= 40 else text[:39] + "…"


def _item(step: str, items: list, where: str, item_models: list[type[BaseModel]]) -> int:
    """The position of the item ``step`` selects in ``items`` (the list at ``where``)."""
    if step.isdigit():
        k = int(step)
        if k < len(items):
            return k
        have = "has no items" if not items else f"has {len(items)} item(s), positions 0 to {len(items) - 1}"
        raise PathError(f"'{where}' {have}; there is no item {k}")
    ids = [str(it.get("id")) for it in items if isinstance(it, dict) and it.get("id") is not None]
    if item_models and not any("id" in m.model_fields for m in item_models):
        raise PathError(f"the items of '{where}' have no id; choose one by position, like {where}[0]")
    for k, it in enumerate(items):
        if isinstance(it, dict) and str(it.get("id")) == step:
            return k
    known = f"; its ids: {', '.join(ids[:12])}{', …' if len(ids) > 12 else ''}" if ids else "; it has no items"
    raise PathError(f"no item of '{where}' has the id '{step}'{suggest(step, ids, cutoff=0.5)}{known}")  # ids are short: D9 is close to D1


def resolve(path: str, data: dict[str, Any], model: type[BaseModel] | None = None) -> tuple:
    """The keys and list positions ``path`` stands for in ``data`` (scenario data, not changed).

    With ``model``, every step is checked against it too, so a section the scenario leaves to
    its defaults (``ndtf`` in a scenario without one) can still be swept, while a field the
    model does not have is refused. Raises PathError saying what is wrong.
    """
    steps = parse(path)
    if steps[0] == "parameters" and len(steps) == 2:
        if model is not None and steps[1] not in PARAMETERS:
            raise PathError(f"'{steps[1]}' is not a model parameter{suggest(steps[1], PARAMETERS)}; "
                            f"known: {', '.join(PARAMETERS)}")
        return ("parameters", steps[1])
    ann: Any = model
    node: Any = data
    out: list = []
    for n, step in enumerate(steps):
        where = _shown(steps[:n]) or "the scenario"
        quoted = f"'{where}'" if n else where
        cands = _candidates(ann) if model is not None else []
        models = [c for c in cands if isinstance(c, type) and issubclass(c, BaseModel)]
        lists = [c for c in cands if typing.get_origin(c) is list]
        dicts = [c for c in cands if typing.get_origin(c) is dict]
        is_list = isinstance(node, list) or (node is None and lists and not models and not dicts)
        if isinstance(step, Select) or (is_list and step.isdigit()):
            if model is not None and not lists:
                raise PathError(f"{quoted} is not a list; [{step}] chooses an item of a list")
            if node is not None and not isinstance(node, list):
                raise PathError(f"{quoted} is {_value(node)} in the scenario, not a list; [{step}] chooses an item of a list")
            if node is None:
                raise PathError(f"{quoted} has no items in the scenario; there is no item [{step}] to set")
            item_ann = typing.get_args(lists[0])[0] if lists else None
            item_models = [c for c in _candidates(item_ann) if isinstance(c, type) and issubclass(c, BaseModel)]
            k = _item(step, node, where, item_models)
            ann, node = item_ann, node[k]
            out.append(k)
            continue
        if model is not None:
            if models:
                fields = {name: f.annotation for m in models for nm, f in m.model_fields.items()
                          for name in (nm, f.alias) if name}
                if step not in fields:
                    raise PathError(f"{quoted} has no field '{step}'{suggest(step, fields)}")
                ann = fields[step]
            elif dicts:
                ann = typing.get_args(dicts[0])[1]
            elif lists:
                raise PathError(f"{quoted} is a list; choose an item by id or position, like {_like(where, node)}.{step}")
            elif Any in cands:
                ann = Any
            else:
                raise PathError(f"{quoted} is a single value, not a section with a field '{step}'")
        if isinstance(node, list):
            raise PathError(f"{quoted} is a list; choose an item by id or position, like {_like(where, node)}.{step}")
        if node is not None and not isinstance(node, dict):
            raise PathError(f"{quoted} is a single value, not a section with a field '{step}'")
        node = node.get(step) if isinstance(node, dict) else None
        out.append(step)
    return tuple(out)


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in scenario data to ``value``; a section written empty or left out is made."""
    keys = resolve(path, data)
    node: Any = data
    for k in keys[:-1]:
        if isinstance(node, dict) and node.get(k) is None:  # ``ndtf:`` written empty takes its fields from the path
            node[k] = {}
        node = node[k]
    node[keys[-1]] = value
