"""The scenario language end to end, as a trainer meets it: ``ncbsim validate`` (and ``run``) on
files written by hand, good and bad.

Every class of bad input goes through the real CLI in a fresh process and must give exit code 2,
one ``file:line:col: field: message`` line per problem on stderr, pointing at the right place with
words a person can act on, no traceback, and nothing on stdout that looks like success. The YAML
layer itself is unit-tested in test_yamlsafe.py; this file is about the language as a whole.
"""

from __future__ import annotations

import json
import random
import re
import time
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL_SCENARIO as GOOD
from conftest import ncbsim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim.errors import InputError
from sim.scenario.loader import LoadedScenario, load_scenario
from sim.scenario.model import Scenario

# A problem line: `file:line:col: [warning: ]message`, where message is `field: text` unless the
# problem concerns the document itself. A problem about the whole file (empty, too big) has no
# position (Problem.line == 0) and prints as `file: message`.
LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<warning>warning: )?(?P<rest>.+)$")
WHOLE_FILE = re.compile(r"^(?P<file>[^:\n]+): (?P<rest>.+)$")

# Not a speed test (speed is measured in bench/): a guard against a hang on hostile input. A fresh
# interpreter starts in ~0.5 s; at load 10 on 2 cores these took over 10 s, so the guard is generous.
FAST_S = 60.0



@dataclass
class Line:
    file: str
    line: int | None  # None: the problem concerns the whole file
    col: int | None
    warning: bool
    rest: str  # "field: message", or "message" for the document itself


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def parse(stderr: str) -> list[Line]:
    """Every stderr line must be a problem line; return them in printed order."""
    out = []
    for text in stderr.splitlines():
        m = LOCATED.match(text)
        if m:
            out.append(Line(m["file"], int(m["line"]), int(m["col"]), bool(m["warning"]), m["rest"]))
            continue
        m = WHOLE_FILE.match(text)
        assert m, f"stderr line is not `file:line:col: field: message`: {text!r}"
        out.append(Line(m["file"], None, None, False, m["rest"]))
    return out


def assert_rejected(r, count: int | None = None) -> list[Line]:
    """Exit 2, located lines only, no traceback, no success on stdout."""
    both = r.stdout + r.stderr
    assert "Traceback" not in both, both
    assert r.returncode == 2, (r.returncode, both)
    assert r.stdout == "", f"bad input must not print anything on stdout: {r.stdout!r}"
    lines = parse(r.stderr)
    assert lines, "no problem reported"
    assert any(not ln.warning for ln in lines), "only warnings, yet exit 2"
    if count is not None:
        assert len(lines) == count, r.stderr
    return lines


def validate(tmp_path: Path, name: str, content: str | bytes):
    write(tmp_path, name, content)
    return ncbsim("validate", name, cwd=tmp_path)


def check(line: Line, file: str, at: tuple[int, int] | None, field: str, *words: str) -> None:
    """One problem line: right file, position, field, and the words a person needs."""
    assert line.file == file, line
    assert (line.line, line.col) == (at if at else (None, None)), line
    if field:
        assert line.rest.startswith(field + ": "), line
    msg = line.rest[len(field) + 2:] if field else line.rest
    for w in words:
        assert w.lower() in msg.lower(), f"{w!r} not in {msg!r}"


def rejected_once(tmp_path, content, at, field, *words, name="s.yaml"):
    r = validate(tmp_path, name, content)
    (line,) = assert_rejected(r, count=1)
    check(line, name, at, field, *words)
    return line


def rejected_in_process(tmp_path, content, at, field, *words):
    """As rejected_once, calling the loader directly: for behaviour the CLI adds nothing to.
    (The CLI prints exactly str(problem) for an InputError; anything else is a traceback.)"""
    path = write(tmp_path, "s.yaml", content)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    (line,) = parse(str(problem).replace(str(path), "s.yaml"))
    check(line, "s.yaml", at, field, *words)


# --- YAML the parser refuses ---------------------------------------------------------------------


@pytest.mark.parametrize("content, at, words", [
    ("id: t\ntitle: a: b\nduration: 2d\n", (2, 9), ["YAML syntax error", "quote"]),
    ("id: t\nworld:\n  members: all\n exclude: []\n", (4, 2), ["YAML syntax error", "indentation"]),
], ids=["colon-in-value", "bad-indent"])
def test_invalid_yaml_syntax(tmp_path, content, at, words):
    rejected_once(tmp_path, content, at, "", *words)


@pytest.mark.parametrize("content, at, words", [
    ('id: t\ntitle: "unclosed\nduration: 2d\n', (2, 8), ["unclosed quote"]),
    ("id: t\nworld:\n  members: [FR, ES\nduration: 2d\n", (3, 12), ["bracket"]),
], ids=["quote", "bracket"])
def test_unclosed_quote_or_bracket_points_where_it_opens(tmp_path, content, at, words):
    rejected_in_process(tmp_path, content, at, "", *words)


def test_tab_indentation(tmp_path):
    rejected_once(tmp_path, "id: t\nworld:\n\tmembers: all\n", (3, 1), "", "tab", "spaces")


@pytest.mark.parametrize("content", ["", "# only a comment\n---\n"], ids=["zero-bytes", "comment"])
def test_empty_file(tmp_path, content):
    rejected_once(tmp_path, content, None, "", "empty", "mapping")


@pytest.mark.parametrize("content, at, got", [
    ("# a list\n\n- id: t\n- title: test\n", (3, 1), "got a list"),
    ("42\n", (1, 1), "got a number"),
], ids=["list", "number"])
def test_top_level_must_be_a_mapping(tmp_path, content, at, got):
    rejected_once(tmp_path, content, at, "", "expected a mapping at the top level", got, "name: value")


def test_non_utf8_bytes(tmp_path):
    # Latin-1 é where UTF-8 is expected: line 2, the 11th column.
    rejected_once(tmp_path, b"id: t\ntitle: caf\xe9\nduration: 2d\n", (2, 11), "", "not valid UTF-8", "0xe9")


def test_binary_garbage(tmp_path):
    rng = random.Random(20260302)
    junk = bytearray(rng.randbytes(4096))
    for i in range(0, len(junk), 97):
        junk[i] = 0
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(junk)  # someone picked the wrong file
    rejected_once(tmp_path, png, (1, 1), "", "binary")


def test_nul_byte_in_otherwise_valid_text(tmp_path):
    rejected_in_process(tmp_path, "id: t\ntitle: a\x00b\n", (2, 9), "", "NUL", "binary")


# --- keys and fields -----------------------------------------------------------------------------


def test_duplicate_key_names_the_first_line(tmp_path):
    content = GOOD.replace("seed: 7\n", "seed: 7\ntitle: again\n")
    rejected_once(tmp_path, content, (6, 1), "title", "duplicate key 'title'", "first defined on line 2")


def test_duplicate_key_inside_an_inject(tmp_path):
    content = GOOD.replace("    to: FR\n", "    to: FR\n    to: ES\n")
    rejected_in_process(tmp_path, content, (15, 5), "injects.0.to", "duplicate key 'to'", "line 14")


def test_unknown_fields_suggest_the_known_one(tmp_path):
    content = GOOD.replace("seed: 7", "sede: 7").replace("    to: FR\n", "    to: FR\n    priorty: urgent\n")
    r = validate(tmp_path, "s.yaml", content)
    top, nested = assert_rejected(r, count=2)
    check(top, "s.yaml", (5, 1), "sede", "unknown field 'sede'", "did you mean 'seed'")
    check(nested, "s.yaml", (15, 5), "injects.0.priorty", "unknown field 'priorty'", "did you mean 'priority'")


def test_wrong_type(tmp_path):
    content = GOOD.replace("players:\n", "desks:\n  default:\n    staff: two\nplayers:\n")
    rejected_once(tmp_path, content, (10, 5), "desks.default.staff", "whole number", "'two'")


# --- durations -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, words", [
    ("-3h", ["negative"]),
    ("3", ["bare number", "unit", "90m"]),
    ("1000w", ["longer than ten years"]),
], ids=["negative", "bare-number", "ten-years"])
def test_bad_duration(tmp_path, value, words):
    rejected_once(tmp_path, GOOD.replace("duration: 2d", f"duration: {value}"), (4, 1), "duration", *words)


@pytest.mark.parametrize("value", ["9999999999d", "99999999999999999999w"])
def test_huge_duration_is_bad_input_not_a_crash(tmp_path, value):
    rejected_in_process(tmp_path, GOOD.replace("duration: 2d", f"duration: {value}"), (4, 1), "duration", "ten years")


# --- countries -----------------------------------------------------------------------------------


def test_unknown_iso_code(tmp_path):
    content = GOOD.replace("country: FR}", "country: XX}")
    rejected_once(tmp_path, content, (9, 17), "players.0.country", "'XX'", "ISO 3166")


def test_a_three_letter_code_is_told_which_two_letters_are_meant(tmp_path):
    content = GOOD.replace("country: FR}", "country: FRA}")
    rejected_once(tmp_path, content, (9, 17), "players.0.country", "'FRA'", "(did you mean FR, France?)")


def test_country_that_is_not_an_interpol_member(tmp_path):
    content = GOOD.replace("[FR, ES, MA, SN, DE]", "[FR, ES, MA, SN, DE, KP]")
    rejected_once(tmp_path, content, (7, 33), "world.members.5", "KP", "not an INTERPOL member")


# --- hostile files -------------------------------------------------------------------------------


def test_python_tag_is_refused_and_never_run(tmp_path):
    pwned = tmp_path / "pwned"
    content = GOOD.replace("title: test", f'title: !!python/object/apply:os.system ["touch {pwned}"]')
    rejected_once(tmp_path, content, (2, 8), "title", "tags are not allowed", "!!python/object/apply:os.system")
    assert not pwned.exists()


def test_python_tag_as_the_whole_document(tmp_path):
    pwned = tmp_path / "pwned"
    r = validate(tmp_path, "s.yaml", f'!!python/object/apply:os.system ["touch {pwned}"]\n')
    lines = assert_rejected(r)
    assert any("tags are not allowed" in ln.rest and (ln.line, ln.col) == (1, 1) for ln in lines), r.stderr
    assert not pwned.exists()


def test_alias_bomb_is_rejected_quickly(tmp_path):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")  # 9 ** 9 = 387 million strings once expanded
    t0 = time.monotonic()
    r = ncbsim("validate", "bomb.yaml", cwd=tmp_path, timeout=60)
    elapsed = time.monotonic() - t0
    (line,) = assert_rejected(r, count=1)
    assert line.file == "bomb.yaml" and 2 <= line.line <= 9, line
    assert "too many values" in line.rest and "alias" in line.rest, line
    assert elapsed < FAST_S, f"took {elapsed:.2f} s"


def test_nesting_ten_thousand_deep(tmp_path):
    depth = 10_000
    content = GOOD + "audience: " + "[" * depth + "]" * depth + "\n"
    t0 = time.monotonic()
    r = validate(tmp_path, "s.yaml", content)
    elapsed = time.monotonic() - t0
    assert "RecursionError" not in r.stderr
    (line,) = assert_rejected(r, count=1)
    # The root mapping is level 1; the 64th '[' (col 11 + 63) would be level 65.
    check(line, "s.yaml", (16, 74), "audience." + ".".join(["0"] * 63), "nested too deeply", "64")
    assert elapsed < FAST_S, f"took {elapsed:.2f} s"


def test_five_megabyte_file(tmp_path):
    content = GOOD + "notes: |\n" + ("  " + "x" * 77 + "\n") * (5 * 1024 * 1024 // 80)
    t0 = time.monotonic()
    r = validate(tmp_path, "big.yaml", content)
    elapsed = time.monotonic() - t0
    (line,) = assert_rejected(r, count=1)
    check(line, "big.yaml", None, "", "5,243,104")
    assert re.search(r"1,048,576|1 MiB", line.rest), line
    assert elapsed < FAST_S, f"took {elapsed:.2f} s"


# --- includes ------------------------------------------------------------------------------------

FRAGMENT = """\
# shared injects for several exercises
injects:
  - id: S1
    at: 3h
    from: MA
    to: FR
    text: the shared inject
"""


@pytest.mark.parametrize("how", ["dotdot", "absolute"])
def test_include_outside_the_scenario_folder(tmp_path, how):
    # The outside file would itself be an error if it were ever read: it must not be.
    outside = write(tmp_path, "outside.yaml", "injects: [{id: X, to: XX, at: 1h, text: secret}]\n")
    ref = "../outside.yaml" if how == "dotdot" else str(outside)
    content = GOOD.replace("seed: 7\n", f"seed: 7\ninclude: [{ref}]\n")
    write(tmp_path, "ex/s.yaml", content)
    r = ncbsim("validate", "s.yaml", cwd=tmp_path / "ex")
    (line,) = assert_rejected(r, count=1)
    check(line, "s.yaml", (6, 11), "include.0", ref, "outside the scenario's folder")


def test_include_that_works_merges_and_fires(tmp_path):
    write(tmp_path, "shared/frag.yaml", FRAGMENT)
    write(tmp_path, "s.yaml", GOOD.replace("seed: 7\n", "seed: 7\ninclude: [shared/frag.yaml]\n"))
    r = ncbsim("validate", "s.yaml", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.startswith("s.yaml: ok") and "2 injects" in r.stdout, r.stdout

    r = ncbsim("run", "s.yaml", "--json", "--journal", "j.jsonl", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["injects_fired"] == 2 and summary["events_by_kind"]["inject.fired"] == 2
    fired = [e for e in map(json.loads, (tmp_path / "j.jsonl").read_text().splitlines())
             if e["kind"] == "inject.fired"]
    assert {e["inject"] for e in fired} == {"S1", "I1"}
    (s1,) = [e for e in fired if e["inject"] == "S1"]
    assert s1["t"] == "2026-03-02T09:00:00Z" and s1["from"] == "MA"


def test_errors_inside_an_include_name_the_fragment_and_its_lines(tmp_path):
    write(tmp_path, "shared/frag.yaml", FRAGMENT.replace("    text: the shared inject\n",
                                                         "    txet: the shared inject\n"))
    write(tmp_path, "s.yaml", GOOD.replace("seed: 7\n", "seed: 7\ninclude: [shared/frag.yaml]\n"))
    r = ncbsim("validate", "s.yaml", cwd=tmp_path)
    missing, typo = assert_rejected(r, count=2)
    check(missing, "shared/frag.yaml", (3, 5), "injects.0", "required field 'text' is missing")
    check(typo, "shared/frag.yaml", (7, 5), "injects.0.txet", "unknown field 'txet'", "did you mean 'text'")


def test_yaml_error_inside_an_include(tmp_path):
    write(tmp_path, "frag.yaml", "injects:\n\t- id: S1\n")
    write(tmp_path, "s.yaml", GOOD.replace("seed: 7\n", "seed: 7\ninclude: [frag.yaml]\n"))
    r = ncbsim("validate", "s.yaml", cwd=tmp_path)
    (line,) = assert_rejected(r, count=1)
    check(line, "frag.yaml", (2, 1), "", "tab")


# --- all problems at once, cross-references, lint ------------------------------------------------


def test_every_error_at_once_sorted_by_line(tmp_path):
    # The model would report start, world, injects (its field order); the author reads top-down.
    content = """\
id: t
injects:
  - {id: I1, at: 1h, to: FR, text: hi, priority: asap}
title: test
duration: 2d
world:
  exclud: [ES]
  members: [FR, ES]
seed: 7
players:
  - {role: ncb, country: FR}
start: yesterday
"""
    r = validate(tmp_path, "s.yaml", content)
    enum, unknown, start = assert_rejected(r, count=3)
    check(enum, "s.yaml", (3, 40), "injects.0.priority", "'urgent'", "'asap'")
    check(unknown, "s.yaml", (7, 3), "world.exclud", "did you mean 'exclude'")
    check(start, "s.yaml", (12, 1), "start", "ISO 8601", "yesterday")


XREF = """\
id: t
title: test
start: 2026-03-02T06:00:00Z
duration: 2d
world:
  members: [FR, ES, MA, SN, DE]
  exclude: [DE]
players:
  - {role: ncb, country: FR}
injects:
  - id: I1
    at: 1h
    from: ES
    to: FR
    text: hello
  - id: I2
    after: {inject: I11, delay: 1h}
    to: FR
    text: points at a typo
  - id: I1
    at: 2h
    to: FR
    text: the same id again
  - id: C1
    after: {inject: C2}
    to: FR
    text: cycle, first half
  - id: C2
    after: {inject: C1}
    to: FR
    text: cycle, second half
  - id: I5
    at: 3h
    to: DE
    text: to a country left out of the world
"""


def test_cross_reference_errors(tmp_path):
    r = validate(tmp_path, "s.yaml", XREF)
    unknown, dup, cycle1, cycle2, excluded = assert_rejected(r, count=5)
    check(unknown, "s.yaml", (17, 13), "injects.1.after.inject", "no inject has id 'I11'", "did you mean 'I1'")
    check(dup, "s.yaml", (20, 5), "injects.2.id", "'I1' is already used", "injects.0")
    check(cycle1, "s.yaml", (25, 5), "injects.3.after", "cycle")
    check(cycle2, "s.yaml", (29, 5), "injects.4.after", "cycle")
    check(excluded, "s.yaml", (34, 5), "injects.5.to", "DE", "not in this exercise's world", "world.exclude")


WARNINGS = """\
id: t
title: test
start: 2026-03-02T06:00:00Z
duration: 2d
world:
  members: [FR, ES, MA, SN, DE]
injects:
  - id: I1
    at: 3d
    from: ES
    to: FR
    text: too late
objectives:
  - id: O1
    title: handled
    check: {event: message.handled, match: {inject: I1}}
"""


def test_lint_warnings_alone_keep_exit_0(tmp_path):
    r = validate(tmp_path, "s.yaml", WARNINGS)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    late, unmet = parse(r.stderr)
    assert late.warning and unmet.warning
    assert r.stderr.count("warning: ") == 2
    check(late, "s.yaml", (9, 5), "injects.0.at", "after the exercise ends", "never fire")
    check(unmet, "s.yaml", (16, 5), "objectives.0.check", "never fires", "cannot be met")
    assert r.stdout.startswith("s.yaml: ok") and "2 warnings" in r.stdout, r.stdout


def test_warnings_are_printed_with_errors(tmp_path):
    content = WARNINGS.replace("objectives:\n", "  - {id: I2, after: {inject: I3}, to: FR, text: dangling}\nobjectives:\n")
    r = validate(tmp_path, "s.yaml", content)
    late, dangling, unmet = assert_rejected(r, count=3)
    assert (late.warning, dangling.warning, unmet.warning) == (True, False, True)
    check(dangling, "s.yaml", (13, 22), "injects.1.after.inject", "no inject has id 'I3'")


def test_a_type_error_stops_before_the_lint(tmp_path):
    # The model fails first; lint runs only on a scenario that validated.
    rejected_in_process(tmp_path, WARNINGS.replace("    to: FR\n", "    to: FR\n    too: ES\n"), (12, 5),
                        "injects.0.too", "did you mean 'to'")


# --- run and several files -----------------------------------------------------------------------


def test_run_on_a_broken_scenario_writes_no_journal(tmp_path):
    write(tmp_path, "s.yaml", XREF)
    v = ncbsim("validate", "s.yaml", cwd=tmp_path)
    r = ncbsim("run", "s.yaml", "--journal", "out.jsonl", cwd=tmp_path)
    assert_rejected(r, count=5)
    assert r.stderr == v.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"], "a journal or a part file was left behind"


def test_validate_several_files(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD.replace("seed: 7", "sede: 7"))
    write(tmp_path, "c.yaml", WARNINGS)
    r = ncbsim("validate", "a.yaml", "b.yaml", "c.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stdout.splitlines()[0].startswith("a.yaml: ok")
    assert r.stdout.splitlines()[1].startswith("c.yaml: ok")
    assert "b.yaml" not in r.stdout
    lines = parse(r.stderr)
    assert [(ln.file, ln.warning) for ln in lines] == [("b.yaml", False), ("c.yaml", True), ("c.yaml", True)]

    r = ncbsim("validate", "a.yaml", "c.yaml", cwd=tmp_path)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 2


# --- found while writing these tests: inputs that pass validate or escape as a crash --------------


def test_include_path_with_a_nul(tmp_path):
    content = GOOD.replace("seed: 7\n", 'seed: 7\ninclude: ["a\\0b.yaml"]\n')
    rejected_in_process(tmp_path, content, (6, 11), "include.0", "a")


def test_override_with_reversed_hours_is_caught_by_validate(tmp_path):
    content = GOOD.replace("players:\n", 'desks:\n  overrides:\n    FR: {hours: "18:00-08:00"}\nplayers:\n')
    path = write(tmp_path, "s.yaml", content)
    with pytest.raises(InputError) as info:  # as for desks.default: "working hours ... must end after they start"
        load_scenario(path)
    (problem,) = info.value.problems
    assert problem.line == 10 and problem.field.startswith("desks.overrides.FR") and "end after" in problem.message


def test_start_too_late_for_the_calendar_is_bad_input(tmp_path):
    path = write(tmp_path, "s.yaml", GOOD.replace("2026-03-02T06:00:00Z", "9999-12-31T00:00:00Z"))
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.problems[0].field == "start" or info.value.problems[0].field == "duration"


# --- properties: anything in, a scenario or located problems out ---------------------------------


def _field_names() -> list[str]:
    seen: set[type] = set()
    names: set[str] = set()
    todo: list[type] = [Scenario]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, f in model.model_fields.items():
            names.add(f.alias or name)
            todo.extend(_models_in(f.annotation))
    return sorted(names)


def _models_in(ann) -> list[type]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    return [m for a in typing.get_args(ann) for m in _models_in(a)]


FIELD_NAMES = _field_names()
BASE = yaml.safe_load(GOOD)

# No NUL in the text: safe_dump writes it as "\0", and a NUL in an include path is the known crash
# that test_include_path_with_a_nul documents (it would make this property flaky, not find anything new).
text = st.text(st.characters(blacklist_characters="\x00"), max_size=30)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), text,
    st.sampled_from(["2d", "90m", "1d12h", "-3h", "0m", "FR", "ES", "KP", "XX", "all", "ncb", "ccc", "I1",
                     "urgent", "i247", "message.handled", "2026-03-02T06:00:00Z", "08:00-18:00", "mon"]),
    st.integers(0, 10**6).map(lambda n: f"{n}h"),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(st.characters(blacklist_characters="\x00"), max_size=12))
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                     max_leaves=30)
mappings = st.dictionaries(keys, trees, max_size=8)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _loads_or_input_error(path: Path) -> None:
    try:
        loaded = load_scenario(path)
    except InputError as e:
        assert e.problems and all(p.line >= 0 and p.col >= 0 and p.message for p in e.problems)
        return
    assert isinstance(loaded, LoadedScenario) and isinstance(loaded.scenario, Scenario)


@PROPERTY
@given(st.text(max_size=2000))
def test_property_any_text_loads_or_raises_input_error(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _loads_or_input_error(path)


@PROPERTY
@given(mappings, st.booleans())
def test_property_any_mapping_loads_or_raises_input_error(tmp_path, data, on_top_of_a_good_one):
    if on_top_of_a_good_one:
        data = {**BASE, **data}  # gets past the model more often, into the cross-checks
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _loads_or_input_error(path)
