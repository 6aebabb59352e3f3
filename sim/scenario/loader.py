"""Load a scenario file: safe YAML, includes, typed validation, cross-checks — all errors at once.

``load_scenario`` returns the Scenario and the linter's warnings, or raises InputError naming
file, line, column and field for every problem found.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem
from .errors_human import translate
from .model import Scenario
from .yamlsafe import Limits, YamlDocument, load_yaml_file

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


def _shift(marks: Marks, key: str, by: int) -> Marks:
    """Renumber marks under list ``key`` after ``by`` included items were put before them."""
    out: Marks = {}
    for p, m in marks.items():
        if len(p) >= 2 and p[0] == key and isinstance(p[1], int):
            p = (key, p[1] + by) + p[2:]
        out[p] = m
    return out


def _include(located: Located, base: Path, root: Path, limits: Limits) -> list[Problem]:
    problems: list[Problem] = []
    includes = located.data.get("include", [])
    if not isinstance(includes, list):
        return []  # the model reports the wrong type
    for i, rel in enumerate(includes):
        here = ("include", i)
        if not isinstance(rel, str) or not rel:
            continue
        if "\0" in rel:
            problems.append(located.problem(here, "an include path cannot contain a NUL character"))
            continue
        target = (base / rel).resolve()
        if os.path.isabs(rel) or not target.is_relative_to(root):
            problems.append(located.problem(here, f"'{rel}' is outside the scenario's folder; includes must "
                                                  "stay in the folder of the scenario or below it"))
            continue
        try:
            frag = load_yaml_file(target, limits, display_name=os.path.relpath(target))
        except InputError as e:
            problems.extend(e.problems)
            continue
        located.files.append(frag.file)
        if "include" in frag.data:
            problems.append(Problem(frag.file, *frag.mark(("include",)), "include",
                                    "included fragments cannot include others (one level only)"))
        fmarks = _marks(frag)
        for key, value in frag.data.items():
            if key == "include":
                continue
            mine = located.data.get(key)
            if key not in located.data:
                located.data[key] = value
                located.marks.update({p: m for p, m in fmarks.items() if p[:1] == (key,)})
            elif isinstance(mine, list) and isinstance(value, list):
                # Shared items first, then the scenario's own, so ids read top-down in the MSEL.
                located.data[key] = value + mine
                located.marks = _shift(located.marks, key, len(value))
                located.marks.update({p: m for p, m in fmarks.items() if p[:1] == (key,)})
            elif isinstance(mine, dict) and isinstance(value, dict):
                for k, v in value.items():
                    if k not in mine:
                        mine[k] = v
                        located.marks.update({p: m for p, m in fmarks.items() if p[:2] == (key, k)})
            # A scalar written in the scenario itself wins over the fragment's.
    return problems


def locate(path: str | os.PathLike, limits: Limits = Limits()) -> Located:
    """Read a scenario and its includes into plain data with marks (no validation yet)."""
    p = Path(path)
    display = os.fspath(path)
    doc = load_yaml_file(p, limits, display_name=display)
    located = Located(doc.data, _marks(doc), [doc.file])
    problems = _include(located, p.resolve().parent, p.resolve().parent, limits)
    if problems:
        raise InputError(problems)
    h = hashlib.sha256()
    for f in [p] + [Path(x) for x in located.files[1:]]:
        h.update(Path(f).read_bytes())
    located.digest = h.hexdigest()
    return located


def validate_model(located: Located, model: type[BaseModel], extra: list[Problem] = ()) -> Any:
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


def load_scenario(path: str | os.PathLike, limits: Limits = Limits()) -> LoadedScenario:
    from .checks import check_parameter_names, check_scenario

    located = locate(path, limits)
    scenario = validate_model(located, Scenario, check_parameter_names(located))
    problems = check_scenario(scenario, located)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(problems)
    return LoadedScenario(scenario, sorted(problems), located)
