"""The scenario language as editors and authors see it: the JSON Schema (``ncbsim schema scenario``,
committed as docs/scenario.schema.json) and the authoring guide (docs/scenarios.md).

Both are generated from the model by ``python -m sim.scenario.guide --write``; these tests catch a
stale copy, a schema an editor cannot use, a schema that disagrees with the model, and a guide that
leaves a field out.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import functools
import json
import re
import typing
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SCENARIOS, ncbsim
from jsonschema import Draft202012Validator
from pydantic import BaseModel

import sim.scenario.model as model_module
from sim.cli.schema import scenario_schema
from sim.durations import DURATION_PATTERN
from sim.errors import InputError
from sim.scenario.guide import render_guide, render_schema
from sim.scenario.loader import load_scenario

SCHEMA_FILE = ROOT / "docs" / "scenario.schema.json"
GUIDE_FILE = ROOT / "docs" / "scenarios.md"
REGENERATE = "python -m sim.scenario.guide --write"
SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml"))
EXAMPLE = SCENARIOS / "annotated-example.yaml"


@pytest.fixture(scope="module")
def schema() -> dict:
    return scenario_schema()


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def as_editor_sees_it(value):
    """YAML loaded as plain JSON data: timestamps become the ISO text the author typed."""
    if isinstance(value, dict):
        return {k: as_editor_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees_it(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def load_as_json(path: Path) -> dict:
    """As a YAML 1.2 editor reads it (yaml-language-server, and ncbsim itself): ``on:`` is a key
    and ``NO`` is Norway — not the YAML 1.1 booleans PyYAML would make of them."""
    from sim.scenario.loader import locate, plain_data

    return as_editor_sees_it(plain_data(locate(path).data))


def errors(validator, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def stale(path: Path, committed: str, rendered: str) -> str:
    diff = list(difflib.unified_diff(committed.splitlines(), rendered.splitlines(),
                                     f"{path.relative_to(ROOT)} (committed)", "generated from the model", lineterm=""))
    shown = "\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else "")
    return f"{path.relative_to(ROOT)} is out of date with the model; run `{REGENERATE}` and commit the result\n{shown}"


# --- the schema ----------------------------------------------------------------------------------


def test_cli_prints_the_committed_schema():
    r = ncbsim("schema", "scenario")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    printed = json.loads(r.stdout)
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert printed == committed, f"docs/scenario.schema.json differs from `ncbsim schema scenario`; run `{REGENERATE}`"


def test_schema_file_is_up_to_date():
    committed, rendered = SCHEMA_FILE.read_text(encoding="utf-8"), render_schema()
    if committed != rendered:
        pytest.fail(stale(SCHEMA_FILE, committed, rendered))


def test_schema_is_a_valid_draft_2020_12_schema(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_there_are_scenarios_to_check():
    assert EXAMPLE in SCENARIO_FILES and len(SCENARIO_FILES) >= 2


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_committed_scenario_matches_the_schema(validator, path):
    assert errors(validator, load_as_json(path)) == []


def test_every_committed_scenario_validates_with_ncbsim():
    r = ncbsim("validate", *map(str, SCENARIO_FILES))
    assert r.returncode == 0, r.stderr
    assert all("warning: " in line for line in r.stderr.splitlines()), r.stderr
    ok = [line for line in r.stdout.splitlines() if ": ok — " in line]
    assert [line.split(": ok — ")[0] for line in ok] == list(map(str, SCENARIO_FILES))


def _set(data: dict, path: tuple, value) -> dict:
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


BROKEN = {  # name: (path in the annotated example, bad value)
    "unknown-field": (("sede",), 42),
    "unknown-nested-field": (("injects", 0, "priorty"), "urgent"),
    "wrong-type": (("desks", "default", "staff"), "two"),
    "wrong-type-list": (("world", "members"), "FR"),
    "bad-duration": (("duration",), "-3h"),
    "bare-number-duration": (("duration",), 3),
    "bad-duration-unit": (("injects", 0, "at"), "2 hours"),
    "bad-enum": (("difficulty",), "expert"),
    "bad-nested-enum": (("injects", 0, "priority"), "asap"),
    "bad-country-code": (("players", 0, "country"), "FRA"),
    "unknown-parameter": (("parameters", "desk.handlingtime"), "20m"),
    "bad-distribution": (("parameters", "desk.handling_time"), {"normal": {"mean": "20m"}}),
    "missing-required": (("injects", 0, "text"), None),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_scenarios_are_rejected_by_the_schema_and_the_model(validator, tmp_path, name):
    path, value = BROKEN[name]
    good = load_as_json(EXAMPLE)
    bad = _set(good, path, value)
    if value is None:
        del _walk(bad, path[:-1])[path[-1]]
    assert errors(validator, good) == []
    assert errors(validator, bad), f"the schema accepts {name}: {path} = {value!r}"
    # ... and so does the model: an editor and ncbsim agree.
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(bad, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError):
        load_scenario(f)


def _walk(data, path):
    for part in path:
        data = data[part]
    return data


@pytest.mark.parametrize("text, valid", [
    ("90m", True), ("36h", True), ("1d12h", True), ("1.5h", True), ("2w", True),
    ("-3h", False), ("3H", False), ("1e5w", False), ("h", False), ("", False), ("3 hours", False),
    ("1d 12h", True),
])
def test_schema_and_model_agree_on_durations(validator, tmp_path, text, valid):
    data = _set(load_as_json(EXAMPLE), ("duration",), text)
    by_schema = not errors(validator, data)
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(f)
        by_model = True
    except InputError:
        by_model = False
    assert (by_schema, by_model) == (valid, valid)


# --- the guide -----------------------------------------------------------------------------------


def test_guide_is_up_to_date():
    committed, rendered = GUIDE_FILE.read_text(encoding="utf-8"), render_guide()
    if committed != rendered:
        pytest.fail(stale(GUIDE_FILE, committed, rendered))


def _models() -> list[type[BaseModel]]:
    """Every model of the language: those model.py defines or imports, and all they reach."""
    todo = [v for v in vars(model_module).values() if isinstance(v, type) and issubclass(v, BaseModel)]
    seen: dict[type, None] = {}
    while todo:
        m = todo.pop()
        if m in seen or m is BaseModel:
            continue
        seen[m] = None
        for f in m.model_fields.values():
            todo.extend(_models_in(f.annotation))
    return sorted((m for m in seen if m.model_fields and not m.__name__.startswith("_")), key=lambda m: m.__name__)


def _models_in(ann) -> list[type]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    return [m for a in typing.get_args(ann) for m in _models_in(a)]


def _field_reference(md: str) -> dict[str, dict[str, str]]:
    """`### Model` sections of the guide: field name -> type cell of its table row."""
    out: dict[str, dict[str, str]] = {}
    name = None
    for line in md.splitlines():
        if line.startswith("### "):
            name = line[4:].strip()
            out[name] = {}
        elif line.startswith("## "):
            name = None
        elif name and (m := re.match(r"^\| `([^`]+)` \| (.*?) \| ", line)):
            out[name][m[1]] = m[2]
    return out


MODELS = _models()


def test_models_found():
    names = {m.__name__ for m in MODELS}
    assert {"Scenario", "Inject", "Objective", "WorldSpec", "DeskStaffing", "Player"} <= names


@functools.cache
def _references() -> tuple[dict, dict]:
    return _field_reference(render_guide()), _field_reference(GUIDE_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_guide_has_an_entry_for_every_field(model):
    reference, committed = _references()
    fields = [f.alias or name for name, f in model.model_fields.items()]
    for where, ref in (("generated guide", reference), ("docs/scenarios.md", committed)):
        assert model.__name__ in ref, f"{where} has no '### {model.__name__}' section (run `{REGENERATE}`)"
        missing = [f for f in fields if f not in ref[model.__name__]]
        assert not missing, f"{where}: {model.__name__} fields without an entry: {missing} (run `{REGENERATE}`)"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_guide_links_lead_somewhere():
    md = render_guide()
    anchors = {_slug(line.lstrip("#")) for line in md.splitlines() if line.startswith("#")}
    broken = sorted({a for a in re.findall(r"\]\(#([^)]+)\)", md) if a not in anchors})
    assert not broken, f"links to missing sections: {broken}"


def _is_duration(prop: dict) -> bool:
    return prop.get("pattern") == DURATION_PATTERN or any(_is_duration(p) for p in prop.get("anyOf", []))


def test_guide_types_every_duration_field_as_a_duration(schema):
    reference, _ = _references()
    objects = {"Scenario": schema, **schema["$defs"]}
    wrong = [f"{name}.{field}: {reference[name][field]}"
             for name, obj in objects.items() if name in reference
             for field, prop in obj.get("properties", {}).items()
             if _is_duration(prop) and "duration" not in reference[name].get(field, "")]
    assert not wrong, f"duration fields the guide calls something else: {wrong}"
