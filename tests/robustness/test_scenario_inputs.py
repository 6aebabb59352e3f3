"""Scenario and script inputs that used to hang, blow up or be misread (issue 11).

One test per cause, parametrised over its cases, through the real CLI in a fresh process:
``validate FILE`` and ``run FILE --until 1d``. Each must exit 2 with one line per problem naming
the file and the field (with line:col where there is one), print no traceback, change no input
file, and finish in well under 10 s (``timeout=`` makes a hang fail instead of blocking CI).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL_SCENARIO as GOOD

from sim.scenario.loader import load_scenario

LIMIT_S = 60.0  # a guard against a hang, not a speed test: generous for a loaded 2-core machine
LINE = re.compile(r"^(?P<file>[^:\n]+)(?::(?P<line>\d+):(?P<col>\d+))?: (?P<rest>.+)$")



def cli(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "sim", *args], cwd=folder, capture_output=True, text=True,
                       timeout=LIMIT_S)
    return r, time.monotonic() - t0


def regular_files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def refused(folder: Path, *args: str) -> list[re.Match]:
    """Exit 2, one located line per problem, nothing else; no input changed; quick."""
    before = regular_files(folder)
    r, elapsed = cli(folder, *args)
    assert "Traceback" not in r.stdout + r.stderr, r.stderr
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = [LINE.match(text) for text in r.stderr.splitlines()]
    assert lines and all(lines), r.stderr
    assert regular_files(folder) == before
    assert elapsed < LIMIT_S
    return lines  # type: ignore[return-value]


def both_commands(folder: Path, name: str) -> list[list[re.Match]]:
    return [refused(folder, "validate", name), refused(folder, "run", name, "--until", "1d")]


def one_problem(lines: list[re.Match], file: str, field: str, *words: str, located: bool = True) -> re.Match:
    errors = [m for m in lines if not m["rest"].startswith("warning")]
    assert len(errors) == 1, [m[0] for m in lines]
    (m,) = errors
    assert m["file"] == file, m[0]
    assert (m["line"] is not None) == located, m[0]
    if field:  # the field, or a field inside it
        assert m["rest"].startswith((field + ": ", field + ".")), m[0]
    for w in words:
        assert w.lower() in m["rest"].lower(), m[0]
    return m


# --- the loader's depth limit fires first, whatever PyYAML's parser does -----------------------

DEEP = {
    "flow lists": "audience: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "flow maps": "audience: " + "{a: " * 10_000 + "}" * 10_000 + "\n",
    "flow maps without keys": "audience: " + "{" * 10_000 + "}" * 10_000 + "\n",
    "mixed": "audience: " + "[{a: " * 5_000 + "}]" * 5_000 + "\n",
    "block lists": "audience:\n" + "- " * 10_000 + "x\n",
    "lines of brackets": "audience:\n" + "  [\n" * 10_000 + "  ]\n" * 10_000,
}


@pytest.mark.parametrize("case", list(DEEP))
def test_nesting_deeper_than_the_limit_is_our_error(tmp_path, case):
    (tmp_path / "s.yaml").write_text(GOOD + DEEP[case])
    for lines in both_commands(tmp_path, "s.yaml"):
        m = one_problem(lines, "s.yaml", "", "nested too deeply", "64")
        assert int(m["line"]) >= 16, m[0]  # where the 65th level opens, not where a parser gave up


# --- cause 1: hangs ---------------------------------------------------------------------------

def _fifo(path: Path) -> None:
    os.mkfifo(path)  # nobody writes to it: reading it would block forever


HANGS = {
    "scenario is a FIFO": ("s.yaml", None),
    "include is a FIFO": ("s.yaml", "frag.yaml"),
}


@pytest.mark.parametrize("case", list(HANGS))
def test_a_fifo_is_refused_at_once(tmp_path, case):
    name, fragment = HANGS[case]
    if fragment is None:
        _fifo(tmp_path / name)
        for lines in both_commands(tmp_path, name):
            one_problem(lines, name, "", "FIFO", located=False)
    else:
        (tmp_path / name).write_text(GOOD.replace("seed: 7\n", f"seed: 7\ninclude: [{fragment}]\n"))
        _fifo(tmp_path / fragment)
        for lines in both_commands(tmp_path, name):
            m = one_problem(lines, name, "include.0", fragment, "FIFO")
            assert (m["line"], m["col"]) == ("6", "11"), m[0]


@pytest.mark.parametrize("script", ["fifo", "device", "folder", "missing"])
def test_a_scripted_policy_that_is_not_a_regular_file_is_refused_at_once(tmp_path, script):
    (tmp_path / "s.yaml").write_text(GOOD)
    target = {"fifo": "answers.yaml", "device": "/dev/zero", "folder": ".", "missing": "none.yaml"}[script]
    if script == "fifo":
        _fifo(tmp_path / target)
    lines = refused(tmp_path, "run", "s.yaml", "--until", "1d", "--policy", f"scripted:{target}")
    one_problem(lines, target, "", located=False)


# --- cause 2: includes count together, merge in linear time, and are located ------------------

def _with_includes(folder: Path, names: list[str]) -> None:
    (folder / "s.yaml").write_text(GOOD.replace("seed: 7\n", "seed: 7\ninclude:\n" +
                                                "".join(f"  - {n}\n" for n in names)))


def test_many_large_includes_are_refused_quickly(tmp_path):
    # 60 includes of a 60,000-line fragment took minutes and gigabytes when limits were per file.
    (tmp_path / "frag.yaml").write_text("audience:\n" + "".join(f"  - person {i}\n" for i in range(60_000)))
    _with_includes(tmp_path, ["frag.yaml"] * 60)
    for lines in both_commands(tmp_path, "s.yaml"):
        one_problem(lines, "s.yaml", "include", "60 includes", "32")


def test_bytes_are_counted_across_the_scenario_and_its_includes(tmp_path):
    (tmp_path / "frag.yaml").write_text("audience:\n" + "".join(f"  - person {i}\n" for i in range(40_000)))
    _with_includes(tmp_path, ["frag.yaml"] * 3)  # 3 x ~560 KB: each fits alone, not together
    for lines in both_commands(tmp_path, "s.yaml"):
        m = one_problem(lines, "s.yaml", "include.1", "frag.yaml", "1,048,576")
        assert m["line"] == "8", m[0]


def test_values_are_counted_across_the_scenario_and_its_includes(tmp_path):
    # Each fragment expands (through aliases) to ~120,000 values: under the limit alone.
    (tmp_path / "frag.yaml").write_text("audience:\n  - &a [" + ", ".join(["x"] * 1000) + "]\n"
                                        "  - [" + ", ".join(["*a"] * 120) + "]\n")
    _with_includes(tmp_path, ["frag.yaml", "frag.yaml"])
    for lines in both_commands(tmp_path, "s.yaml"):
        m = one_problem(lines, "frag.yaml", "", "too many values", "200,000", "included from s.yaml:8:5")
        assert m["line"] is not None


def test_merging_many_fragments_is_linear(tmp_path):
    frag = "injects:\n" + "".join(f"  - {{id: F{{n}}_{i}, at: 2h, from: ES, to: FR, text: t}}\n" for i in range(300))
    names = []
    for n in range(32):
        (tmp_path / f"f{n}.yaml").write_text(frag.replace("{n}", str(n)))
        names.append(f"f{n}.yaml")
    _with_includes(tmp_path, names)
    t0 = time.monotonic()
    loaded = load_scenario(tmp_path / "s.yaml")
    assert time.monotonic() - t0 < 30  # a guard against quadratic merging, not a speed figure (loaded CI)
    ids = [i.id for i in loaded.scenario.injects]
    assert len(ids) == 32 * 300 + 1 and ids[0] == "F0_0" and ids[300] == "F1_0" and ids[-1] == "I1"
    # every merged item is located in its own file, at its own line
    file, line, col = loaded.located.where(("injects", 301))
    assert Path(file).name == "f1.yaml" and (line, col) == (3, 5)
    file, line, col = loaded.located.where(("injects", 32 * 300))
    assert Path(file).name == "s.yaml" and (line, col) == (44, 5)


INCLUDE_ERRORS = {
    "not found": (None, "missing.yaml", "file not found"),
    "outside the folder": (None, "../outside.yaml", "outside the scenario's folder"),
    "a folder": ("folder", "sub", "folder"),
    "bad YAML inside": ("injects: [\n  - {id: X\n", "frag.yaml", "included from s.yaml:6:11"),
}


@pytest.mark.parametrize("case", list(INCLUDE_ERRORS))
def test_include_errors_point_at_the_include_line(tmp_path, case):
    content, ref, words = INCLUDE_ERRORS[case]
    folder = tmp_path / "ex"
    folder.mkdir()
    (tmp_path / "outside.yaml").write_text("injects: []\n")
    if content == "folder":
        (folder / ref).mkdir()
    elif content is not None:
        (folder / ref).write_text(content)
    (folder / "s.yaml").write_text(GOOD.replace("seed: 7\n", f"seed: 7\ninclude: [{ref}]\n"))
    for lines in both_commands(folder, "s.yaml"):
        if case == "bad YAML inside":
            one_problem(lines, "frag.yaml", "", words)
        else:
            m = one_problem(lines, "s.yaml", "include.0", words)
            assert (m["line"], m["col"]) == ("6", "11"), m[0]


def test_the_digest_is_of_the_bytes_read(tmp_path):
    (tmp_path / "frag.yaml").write_text("audience: [trainees]\n")
    _with_includes(tmp_path, ["frag.yaml"])
    loaded = load_scenario(tmp_path / "s.yaml")
    expected = hashlib.sha256((tmp_path / "s.yaml").read_bytes() + (tmp_path / "frag.yaml").read_bytes())
    assert loaded.digest == expected.hexdigest()


# --- cause 3: values validate accepted that broke the run -------------------------------------

def _set(data: dict, dotted: str, value) -> dict:
    *parents, last = dotted.split(".")
    node = data
    for p in parents:
        node = node.setdefault(p, {}) if not p.isdigit() else node[int(p)]
    node[last] = value
    return data


OPERATION = {"id": "O1", "name": "sweep", "participants": ["FR", "ES"], "action_starts": "1h"}
INF, NAN = float("inf"), float("nan")
BAD_VALUES = {
    "traffic rate inf": ("traffic.messages_per_ncb_per_day", INF, "finite"),
    "traffic rate nan": ("traffic.messages_per_ncb_per_day", NAN, "finite"),
    "traffic rate 1e12": ("traffic.messages_per_ncb_per_day", 1e12, "1,000"),
    "traffic share nan": ("traffic.urgent_share", NAN, "finite"),
    "requests a year 1e12": ("background.requests_per_year.red", 1e12, "1,000,000"),
    "requests a year inf": ("background.requests_per_year.red", INF, "finite"),
    "arrests a year nan": ("background.arrests_per_year", NAN, "finite"),
    "checks a day 1e300": ("operations.0.checks_per_day_per_country", 1e300, "10,000,000"),
    "hit rate above 1": ("operations.0.hit_rate", 2.0, "between 0 and 1"),
    "reviewers inf": ("ndtf.reviewers", INF, "finite"),
    "staff 1e300": ("desks.default.staff", 1e300, "100"),
    "objective count 1e300": ("objectives.0.check.count", 1e300, ""),
    "empirical weight inf": ("parameters.desk\0handling_time.empirical.weights", [INF, 1.0], "finite"),
    "start in year 1": ("start", "0001-01-01T00:00:00Z", "1970"),
    "start in 9999": ("start", "9999-06-01T00:00:00Z", "2200"),
    "end after 2200": ("start", "2199-12-31T00:00:00Z", "2200"),
    "born in year 1": ("subjects.0.identity.born", "0001-01-01", "1850"),
    "MIND refresh every 0m": ("parameters.mind\0refresh_interval", "0m", "longer than zero"),
    "travel hours inf": ("world.travel.routes", [{"between": ["FR", "ES"], "hours": INF}], "finite"),
}


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_values_that_would_break_the_run_are_refused_by_validate(tmp_path, case):
    dotted, value, words = BAD_VALUES[case]
    data = yaml.safe_load(GOOD)
    data["operations"] = [dict(OPERATION)]
    data["objectives"] = [{"id": "O1", "title": "read", "check": {"event": "message.handled"}}]
    data["subjects"] = [{"id": "S1", "identity": {"name": "X"}, "location": "FR"}]
    if "\0" in dotted:  # a parameter's name contains a dot
        head, rest = dotted.split("\0")
        section, first = head.split(".")
        name, *inner = rest.split(".")
        value = {inner[0]: {inner[1]: value, "values": ["1m", "2m"]}} if inner else value
        data.setdefault(section, {})[f"{first}.{name}"] = value
        dotted = f"{section}.{first}.{name}"
    else:
        _set(data, dotted, value)
    text = yaml.safe_dump(data, sort_keys=False)
    if dotted in ("start", "subjects.0.identity.born"):  # a date as the author writes it, unquoted
        text = text.replace(f"'{value}'", value)
    (tmp_path / "s.yaml").write_text(text)
    field = "duration" if case == "end after 2200" else dotted
    for lines in both_commands(tmp_path, "s.yaml"):
        one_problem(lines, "s.yaml", field, words)


@pytest.mark.parametrize("rate, share, duration, members", [
    (1000, 0.99, "3650d", "all"),  # each within its bounds; together ~70 billion messages
    (1000, 0.3, "365d", "all"),
])
def test_traffic_that_no_machine_could_hold_is_refused_by_validate(tmp_path, rate, share, duration, members):
    """Each traffic number is bounded; their product (what a run keeps queued) must be too."""
    data = yaml.safe_load(GOOD)
    data.update(duration=duration, traffic={"messages_per_ncb_per_day": rate, "forward_share": share})
    data["world"]["members"] = members
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    for lines in both_commands(tmp_path, "s.yaml"):
        one_problem(lines, "s.yaml", "traffic.messages_per_ncb_per_day", "messages over the exercise", "5,000,000")


# --- cause 10: numbers are read as YAML 1.2 core, never reinterpreted -----------------------------

@pytest.mark.parametrize("written", ["1:30", "0b101"])
def test_yaml11_only_number_forms_are_text_and_refused_where_a_number_is_meant(tmp_path, written):
    """YAML 1.1 would read these as base 60 or binary; YAML 1.2 core reads them as text."""
    (tmp_path / "s.yaml").write_text(GOOD.replace("seed: 7", f"seed: {written}"))
    for lines in both_commands(tmp_path, "s.yaml"):
        m = one_problem(lines, "s.yaml", "seed", "expected a whole number", f"'{written}'")
        assert (m["line"], m["col"]) == ("5", "1"), m[0]


# 1_000 is text in YAML 1.2 core; a number field still reads digits with separators, as pydantic does.
@pytest.mark.parametrize("written, seed", [("0x1F", 31), ("0o17", 15), ("012", 12), ("12", 12), ("07", 7),
                                           ("1_000", 1000)])
def test_yaml12_number_forms_are_read_as_written(tmp_path, written, seed):
    """A leading zero is decimal (YAML 1.2 has no implicit octal); 0o and 0x say their base."""
    (tmp_path / "s.yaml").write_text(GOOD.replace("seed: 7", f"seed: {written}"))
    assert load_scenario(tmp_path / "s.yaml").scenario.seed == seed


# --- cause 10: echoed values are short and visible ---------------------------------------------

ECHOES = {
    "a 1 MB code": ("world:\n  members: [FR, ES, MA, SN, DE]\n", "world:\n  members: [FR, " + "Q" * 1_000_000 + "]\n",
                    "world.members.1"),
    "a 1 MB priority": ("    text: hello\n", "    text: hello\n    priority: " + "x" * 1_000_000 + "\n",
                        "injects.0.priority"),
    "a 1 MB unknown key": ("seed: 7\n", "seed: 7\n" + "k" * 500_000 + ": 1\n", ""),
    "escape codes in a value": ("    text: hello\n", '    text: hello\n    priority: "\\e[2J\\e]0;pwned\\a"\n',
                                "injects.0.priority"),
}


@pytest.mark.parametrize("case", list(ECHOES))
def test_echoed_values_are_shortened_and_control_characters_shown(tmp_path, case):
    old, new, field = ECHOES[case]
    (tmp_path / "s.yaml").write_text(GOOD.replace(old, new))
    for lines in both_commands(tmp_path, "s.yaml"):
        m = one_problem(lines, "s.yaml", field)
        assert len(m[0]) < 600, len(m[0])
        assert not re.search("[\x00-\x1f\x7f-\x9f]", m[0]), repr(m[0])
        if case == "escape codes in a value":
            assert "\\x1b[2J" in m[0]
