"""YAML 1.1's boolean words never turn a country code or a word into true/false.

The fields are found by walking the pydantic models (scenario, experiment, scripted policy), so a
field added later is covered without touching this file. For every field that takes a country
code, a word from a fixed list, or text, and every trap scalar, a file placing that scalar there
unquoted goes through the real loader; the value must arrive as the text written, then be judged
on its own merits: ``NO`` is Norway, ``no`` is a valid ``extradites_nationals`` answer, ``on`` is
"not a country code", never "got False".
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
import yaml
from pydantic import BaseModel

from sim.batch.experiment import Experiment
from sim.decisions.script import Script
from sim.errors import InputError, Problem
from sim.scenario.loader import dotted, locate, validate_model
from sim.scenario.loader import load_scenario as _load_scenario
from sim.scenario.model import Scenario
from sim.scenario.types import CountryCode
from sim.scenario.yamlsafe import load_yaml_file
from sim.world import all_members

ROOT = Path(__file__).resolve().parents[2]

# Every scalar YAML 1.1 reads as a boolean, except the true/false forms YAML 1.2 keeps.
TRAPS = ("NO", "no", "No", "N", "n", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "yes", "Yes", "YES")

KEY, UNDER, ITEM = "<key>", "<under>", "<item>"  # path steps: a mapping's key, a value under a key, an item

BASES = {
    Scenario: {"id": "t", "title": "t", "start": "2026-03-02T06:00:00Z", "duration": "2d"},
    Experiment: {"id": "t", "title": "t", "scenario": str(ROOT / "scenarios" / "annotated-example.yaml")},
    Script: {},
}


def _is_code(ann: Any) -> bool:
    return ann == CountryCode


def _strip(ann: Any) -> Any:
    """The annotation without Annotated metadata other than a country code's."""
    while typing.get_origin(ann) is Annotated and not _is_code(ann):
        ann = typing.get_args(ann)[0]
    return ann


def _field_annotation(info: Any) -> Any:
    # pydantic keeps a field's own Annotated metadata apart from its annotation
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def leaves(ann: Any, path: tuple = (), seen: frozenset = frozenset()):
    """(path, kind, words) for every place in ``ann`` that takes a code, a word or text."""
    ann = _strip(ann)
    origin = typing.get_origin(ann)
    if _is_code(ann):
        yield path, "code", ()
    elif origin is Literal:
        words = typing.get_args(ann)
        if all(isinstance(w, str) for w in words):
            yield path, "word", words
    elif ann is str:
        yield path, "text", ()
    elif ann is bool:
        yield path, "flag", ()
    elif origin in (typing.Union, types.UnionType):
        branches = typing.get_args(ann)
        for branch in branches:
            if not (branch is bool and str in branches):  # there a word is text, not a wrong flag
                yield from leaves(branch, path, seen)
    elif origin is list:
        yield from leaves(typing.get_args(ann)[0], path + (ITEM,), seen)
    elif origin is tuple:
        for i, item in enumerate(typing.get_args(ann)):
            yield from leaves(item, path + ((ITEM, i),), seen)
    elif origin is dict:
        key, value = typing.get_args(ann)
        yield from leaves(key, path + ((KEY, _sample(value)),), seen)
        yield from leaves(value, path + ((UNDER, _a_key(key)),), seen)
    elif isinstance(ann, type) and issubclass(ann, BaseModel) and ann not in seen:
        for name, info in ann.model_fields.items():
            yield from leaves(_field_annotation(info), path + (info.alias or name,), seen | {ann})


def _a_key(ann: Any) -> str:
    """A valid key of a mapping keyed by ``ann``: the trap goes in its value."""
    ann = _strip(ann)
    if _is_code(ann):
        return "FR"
    if typing.get_origin(ann) is Literal:
        return str(typing.get_args(ann)[0])
    return "k"


def _sample(ann: Any) -> Any:
    """A value of type ``ann`` where one is easy to make (a mapping's value when the trap is its key)."""
    ann = _strip(ann)
    origin = typing.get_origin(ann)
    if origin is Literal:
        return typing.get_args(ann)[0]
    if origin in (typing.Union, types.UnionType):
        return _sample(next(a for a in typing.get_args(ann) if a is not type(None)))
    if ann in (int, float):
        return 1
    if (isinstance(ann, type) and issubclass(ann, BaseModel)) or origin is dict:
        return {}
    return "x"


def cases():
    for model in BASES:
        for path, kind, words in leaves(model):
            yield pytest.param(model, path, kind, words, id=f"{model.__name__}:{_shown(path)}")


def _shown(path: tuple) -> str:
    return ".".join(s if isinstance(s, str) else KEY if s[0] == KEY else f"{s[0]}{s[1]}" for s in path)


TRAP = "__trap__"


def _place(path: tuple) -> tuple[Any, tuple]:
    """Data holding TRAP at ``path``, and the concrete path to it (list indexes, keys)."""
    if not path:
        return TRAP, ()
    step, rest = path[0], path[1:]
    inner, where = _place(rest)
    if step == ITEM:
        return [inner], (0, *where)
    if isinstance(step, tuple) and step[0] == KEY:  # the trap is the key itself
        return {TRAP: step[1]}, (TRAP,)
    if isinstance(step, tuple) and step[0] == ITEM:  # a pair: the other places get a valid code
        items = ["FR", "ES"]
        items[step[1]] = inner
        return items, (step[1], *where)
    if isinstance(step, tuple) and step[0] == UNDER:  # a mapping's value under a valid key
        return {step[1]: inner}, (step[1], *where)
    return {step: inner}, (step, *where)


def _load(model: type, file: Path) -> tuple[Any, list[Problem]]:
    """What the loader read (the YAML alone), and every problem the full load reports."""
    data = load_yaml_file(file).data
    try:
        if model is Scenario:
            _load_scenario(file)
        else:
            validate_model(locate(file), model)
    except InputError as e:
        return data, list(e.problems)
    return data, []


def _at(data: Any, where: tuple, trap: str) -> Any:
    for step in where:
        data = data[trap if step == TRAP else step]
    return data


@pytest.mark.parametrize("model, path, kind, words", list(cases()))
def test_boolean_words_stay_words_in_every_field_and_flags_refuse_them(tmp_path, model, path, kind, words):
    placed, where = _place(path)
    is_key = bool(where) and where[-1] == TRAP
    members = all_members()
    for trap in TRAPS:
        data = {**BASES[model], **placed} if isinstance(placed, dict) else placed
        text = yaml.safe_dump(data, sort_keys=False).replace(TRAP, trap)
        file = tmp_path / f"{trap}.yaml"
        file.write_text(text)
        loaded, problems = _load(model, file)
        concrete = tuple(trap if s == TRAP else s for s in where)
        if is_key:
            assert trap in _at(loaded, concrete[:-1], trap), (trap, text)
        else:
            assert _at(loaded, where, trap) == trap, (trap, text)
        said = [p for p in problems if p.field == dotted(concrete)]
        if is_key:  # only what is said of the key, not of the sample value under it
            said = [p for p in said if f"'{trap}'" in p.message or "code" in p.message or "one of" in p.message]
        if kind == "flag":  # a true/false field: the word is refused, saying what to write
            assert any("write true or false" in p.message and f"'{trap}'" in p.message for p in said), \
                (trap, [str(p) for p in problems])
            continue
        for p in problems:
            assert "false" not in p.message.lower() and "true" not in p.message.lower(), (trap, str(p))
        if kind == "code":
            if trap.upper() in members:  # NO, no, No: Norway
                assert not said, (trap, [str(p) for p in said])
            else:
                assert said and any(f"'{trap}'" in p.message and "code" in p.message for p in said), \
                    (trap, [str(p) for p in problems])
        elif kind == "word":
            if trap in words:
                assert not said, (trap, [str(p) for p in said])
            else:
                assert said, (trap, [str(p) for p in problems])


def test_every_model_has_fields_covered():
    """The walk finds the fields the traps were reported in (a walk that found nothing would pass)."""
    found = {(m.__name__, _shown(p)) for m in BASES for p, _, _ in leaves(m)}
    assert ("Scenario", "world.extradites_nationals.<key>") in found
    assert ("Scenario", "world.extradites_nationals.<under>FR") in found  # the yes/no/eu answer
    assert ("Scenario", "subjects.<item>.plan.route.<item>") in found
    assert ("Scenario", "injects.<item>.to") in found
    assert ("Experiment", "design") in found
    assert ("Script", "answers.<item>.option") in found


@pytest.mark.parametrize("written, words", [("'true'", "without quotes"), ("1", "got 1; write true or false")])
def test_a_flag_takes_only_true_or_false(tmp_path, written, words):
    """Pydantic alone would take 1 or the text 'true' as true; a file must say what it means."""
    file = tmp_path / "s.yaml"
    file.write_text(yaml.safe_dump(BASES[Scenario]) + f"players:\n  - {{role: ndtf, hints: {written}}}\n")
    _, problems = _load(Scenario, file)
    assert [(p.field, words in p.message) for p in problems] == [("players.0.hints", True)]


def test_a_flag_written_true_or_false_loads(tmp_path):
    file = tmp_path / "s.yaml"
    file.write_text(yaml.safe_dump(BASES[Scenario]) + "players:\n  - {role: ndtf, hints: FALSE, pause_on_decision: True}\n")
    player = _load_scenario(file).scenario.players[0]
    assert (player.hints, player.pause_on_decision) == (False, True)


def test_a_scripted_command_sends_to_norway(tmp_path):
    """A command's fields are free-form JSON (not walked above): NO there is Norway too."""
    file = tmp_path / "script.yaml"
    file.write_text("commands:\n  - {at: 1h, seat: 'ncb:FR', command: {kind: send_message, to: [NO, ES], text: hi}}\n")
    script = validate_model(locate(file), Script)
    assert script.commands[0].command["to"] == ["NO", "ES"]
