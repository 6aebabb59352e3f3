"""Load a scenario file: safe YAML, includes, typed validation, cross-checks — all errors at once.

``load_scenario`` returns the Scenario and the linter's warnings, or raises InputError naming
file, line, column and field for every problem found.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem, shown
from ..files import read_input_bytes
from .errors_human import translate
from .model import Scenario
from .yamlsafe import DEFAULT_LIMITS, Limits, YamlDocument, load_yaml_text

Marks = dict[tuple, tuple[str, int, int]]


@dataclass
class Located:
    """Merged data of a file and its includes, with where each value was written."""

    data: dict
    marks: Marks
    files: list[str] = field(default_factory=list)
    digest: str = ""

    def where(self, path: tuple) -> tuple[str, int, int]:
        p = tuple(path)
        while p not in self.marks and p:
            p = p[:-1]
        return self.marks.get(p, (self.files[0], 0, 0))

    def problem(self, path: tuple, message: str, severity: str = "error") -> Problem:
        file, line, col = self.where(path)
        return Problem(file, line, col, dotted(path), message, severity)


def plain_data(value: Any) -> Any:
    """Scenario data as JSON: dates and times become the ISO text they were written as."""
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _marks(doc: YamlDocument) -> Marks:
    return {p: (doc.file, ln, col) for p, (ln, col) in doc.marks.items()}


def _by_key(marks: Marks, depth: int = 1) -> dict[Any, list[tuple[tuple, tuple[str, int, int]]]]:
    """Marks grouped by their path's element at ``depth - 1``, in one pass (merging stays linear)."""
    groups: dict[Any, list[tuple[tuple, tuple[str, int, int]]]] = {}
    for p, m in marks.items():
        if len(p) >= depth:
            groups.setdefault(p[depth - 1], []).append((p, m))
    return groups


@dataclass
class _Source:
    """One file's top-level data and its marks, grouped by top-level key."""

    data: dict
    marks: dict[Any, list[tuple[tuple, tuple[str, int, int]]]]


def _merge(own: _Source, fragments: list[_Source], root_marks: Marks) -> Located:
    """The scenario with its fragments merged in, in one pass over every value and mark.

    Lists are joined, the fragments' items first in the order they are included, then the
    scenario's own (so ids read top-down in the MSEL); mappings gain the keys they lack, the
    scenario's own first, then each fragment in order; any other value written in the scenario
    wins, then the first fragment's.
    """
    data: dict = {}
    marks: Marks = dict(root_marks)
    keys = list(own.data) + [k for f in fragments for k in f.data if k != "include"]
    for key in dict.fromkeys(keys):
        ranked = ([own] if key in own.data else []) + [f for f in fragments if key in f.data and key != "include"]
        winner = ranked[0]
        value = winner.data[key]
        marks.update((p, m) for p, m in winner.marks.get(key, ()) if len(p) == 1)
        if isinstance(value, list):
            parts = [f for f in fragments if f is not winner and isinstance(f.data.get(key), list)]
            parts = sorted(parts + [winner], key=lambda f: len(fragments) if f is own else fragments.index(f))
            joined: list = []
            for src in parts:
                offset = len(joined)
                joined.extend(src.data[key])
                for p, m in src.marks.get(key, ()):
                    if len(p) >= 2 and isinstance(p[1], int):
                        marks[(key, p[1] + offset) + p[2:]] = m
            data[key] = joined
        elif isinstance(value, dict):
            merged: dict = {}
            for src in ranked:
                theirs = src.data[key]
                if not isinstance(theirs, dict):
                    continue
                fresh = [k for k in theirs if k not in merged]
                if not fresh:
                    continue
                below = _by_key(dict(src.marks.get(key, ())), depth=2)
                for k in fresh:
                    merged[k] = theirs[k]
                    marks.update(below.get(k, ()))
            data[key] = merged
        else:
            data[key] = value
            marks.update((p, m) for p, m in winner.marks.get(key, ()) if len(p) > 1)
    return Located(data, marks)


def _included_from(where: tuple[str, int, int]) -> str:
    file, line, col = where
    return f"{file}:{line}:{col}" if line else file


def _fragments(located: Located, doc: YamlDocument, base: Path, root: Path, limits: Limits,
               used: int, reads: list[bytes]) -> tuple[list[_Source], list[Problem]]:
    """Read the scenario's includes, each counted against limits for the scenario as a whole."""
    problems: list[Problem] = []
    fragments: list[_Source] = []
    includes = located.data.get("include", [])
    if not isinstance(includes, list):
        return [], []  # the model reports the wrong type
    if len(includes) > limits.max_includes:
        return [], [located.problem(("include",), f"{len(includes)} includes; at most {limits.max_includes} "
                                                  "are allowed (join fragments into fewer files)")]
    nodes = doc.nodes
    for i, rel in enumerate(includes):
        here = ("include", i)
        if not isinstance(rel, str) or not rel:
            continue
        if "\0" in rel:
            problems.append(located.problem(here, "an include path cannot contain a NUL character"))
            continue
        quoted = shown(rel, limit=200)  # a path is recognised by its end too: a longer cut
        target = (base / rel).resolve()
        if os.path.isabs(rel) or not target.is_relative_to(root):
            problems.append(located.problem(here, f"{quoted} is outside the scenario's folder; includes must "
                                                  "stay in the folder of the scenario or below it"))
            continue
        display = os.path.relpath(target)
        left = limits.max_bytes - used
        try:
            info = os.stat(target)  # never blocks, even on a FIFO; reading it below says what is wrong
            size = info.st_size if stat.S_ISREG(info.st_mode) else 0
        except OSError:
            size = 0
        if size > left:
            problems.append(located.problem(here, f"including {quoted} ({size:,} bytes) takes the scenario and its "
                                                  f"includes past {limits.max_bytes:,} bytes together"))
            break
        try:
            raw = read_input_bytes(target, limit=max(left, 0), what="scenario fragment", display=display)
        except InputError as e:
            problems.extend(located.problem(here, f"cannot include {quoted}: {p.message}") for p in e.problems)
            continue
        used += len(raw)
        try:
            frag = load_yaml_text(raw, display, limits, nodes_before=nodes)
        except InputError as e:
            origin = _included_from(located.where(here))
            problems.extend(replace(p, message=f"{p.message} (included from {origin})")
                            for p in e.problems)
            if any("too many values" in p.message for p in e.problems):
                break  # the budget is spent: later fragments would only repeat it
            continue
        nodes = frag.nodes
        reads.append(raw)
        located.files.append(frag.file)
        if "include" in frag.data:
            problems.append(Problem(frag.file, *frag.mark(("include",)), "include",
                                    "included fragments cannot include others (one level only)"))
        fragments.append(_Source(frag.data, _by_key(_marks(frag))))
    return fragments, problems


def locate(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS, what: str = "scenario") -> Located:
    """Read a scenario and its includes into plain data with marks (no validation yet).

    Every file is read once, as a regular file of bounded size (sim.files); the limits hold for
    the scenario and its includes together, and the digest is of the bytes that were read.
    """
    p = Path(path)
    display = os.fspath(path)
    raw = read_input_bytes(p, limit=limits.max_bytes, what=what, display=display)
    doc = load_yaml_text(raw, display, limits)
    located = Located(doc.data, _marks(doc), [doc.file])
    reads = [raw]
    folder = p.resolve().parent
    fragments, problems = _fragments(located, doc, folder, folder, limits, len(raw), reads)
    if problems:
        raise InputError(problems)
    if fragments:
        merged = _merge(_Source(doc.data, _by_key(located.marks)), fragments, {(): located.marks[()]}
                        if () in located.marks else {})
        located.data, located.marks = merged.data, merged.marks
    h = hashlib.sha256()
    for chunk in reads:
        h.update(chunk)
    located.digest = h.hexdigest()
    return located


def validate_model(located: Located, model: type[BaseModel], extra: Sequence[Problem] = ()) -> Any:
    """Validate, reporting the model's problems together with ``extra`` ones found on raw data."""
    try:
        value = model.model_validate(located.data)
    except ValidationError as exc:
        raise InputError([located.problem(path, msg) for path, msg in
                          translate(exc, located.data, model)] + list(extra)) from None
    if extra:
        raise InputError(list(extra))
    return value


@dataclass
class LoadedScenario:
    scenario: Scenario
    warnings: list[Problem]
    located: Located

    @property
    def digest(self) -> str:
        return self.located.digest


def load_scenario(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> LoadedScenario:
    from .checks import check_parameter_names, check_scenario

    located = locate(path, limits)
    scenario = validate_model(located, Scenario, check_parameter_names(located))
    problems = check_scenario(scenario, located)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(problems)
    return LoadedScenario(scenario, sorted(problems), located)
