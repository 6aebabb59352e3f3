"""Tests for sim.scenario.yamlsafe: the safe, located YAML loader for scenario files."""

from __future__ import annotations

import datetime
import os
import time
from contextlib import contextmanager
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.scenario import yamlsafe
from sim.scenario.yamlsafe import DEFAULT_LIMITS, Limits, YamlDocument, load_yaml_file, load_yaml_text

# A guard against a hang or an exponential blow-up, not a speed figure: a loaded 2-core CI
# machine once took over a second for what takes milliseconds (speed lives in bench/).
HANG_S = 10.0

LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])
LOADER_IDS = [cls.__name__ for cls in LOADERS]


@contextmanager
def using(loader_cls):
    with mock.patch.object(yamlsafe, "_LOADER", loader_cls):
        yield


@pytest.fixture(params=LOADERS, ids=LOADER_IDS, autouse=True)
def loader(request):
    """Every plain test runs with libyaml's parser and with PyYAML's pure-Python one."""
    with using(request.param):
        yield request.param


def problems(src, limits=DEFAULT_LIMITS, file="s.yaml"):
    with pytest.raises(InputError) as info:
        load_yaml_text(src, file, limits)
    return info.value.problems


def one(src, limits=DEFAULT_LIMITS):
    found = problems(src, limits)
    assert len(found) == 1, found
    p = found[0]
    return p.line, p.col, p.field, p.message


# --- values and marks ----------------------------------------------------------------------------

SCENARIO = """\
# an exercise
name: Operation Tern
seed: 42
start: 2024-03-01T08:00:00Z
day: 2024-03-01
ratio: 0.5
active: true
notes: ~
teams:
  - id: lyon
    size: 3
  - id: rome
    tags: [a, "b"]
"""


def test_plain_values_and_types():
    doc = load_yaml_text(SCENARIO, "s.yaml")
    assert isinstance(doc, YamlDocument) and doc.file == "s.yaml"
    assert doc.data == yaml.safe_load(SCENARIO)
    assert doc.data["start"] == datetime.datetime(2024, 3, 1, 8, tzinfo=datetime.UTC)
    assert doc.data["day"] == datetime.date(2024, 3, 1)
    assert doc.data["seed"] == 42 and doc.data["ratio"] == 0.5 and doc.data["active"] is True
    assert doc.data["notes"] is None


def test_marks_point_at_keys_and_items():
    doc = load_yaml_text(SCENARIO, "s.yaml")
    assert doc.marks[()] == (2, 1)  # document start: the first token after the comment
    assert doc.marks[("seed",)] == (3, 1)
    assert doc.marks[("teams",)] == (9, 1)  # the key, although the value starts on line 10
    assert doc.marks[("teams", 0)] == (10, 5)  # a sequence item: its start
    assert doc.marks[("teams", 1, "tags")] == (13, 5)
    assert doc.marks[("teams", 1, "tags", 1)] == (13, 15)


def test_mark_falls_back_to_deepest_recorded_prefix():
    doc = load_yaml_text(SCENARIO, "s.yaml")
    assert doc.mark(("teams", 1, "missing")) == (12, 5)
    assert doc.mark(["teams", 0, "size"]) == (11, 5)
    assert doc.mark(("nothing", "here")) == doc.marks[()]
    assert doc.mark(()) == (2, 1)


def test_explicit_standard_tags_are_allowed():
    doc = load_yaml_text('a: !!str 123\nb: !!int "7"\nc: !!map {x: !!seq [1]}\nd: !!float 1\n'
                         "e: !!bool true\nf: !!null x\ng: ! [1]\nh: !!timestamp 2024-01-02\n", "s.yaml")
    assert doc.data == {"a": "123", "b": 7, "c": {"x": [1]}, "d": 1.0, "e": True, "f": None,
                        "g": [1], "h": datetime.date(2024, 1, 2)}


def test_invalid_values_for_standard_tags_are_located():
    found = problems("a: !!int abc\nb: 2024-02-30\nc: " + "9" * 5000 + "\n")
    assert [(p.line, p.col, p.field) for p in found] == [(1, 4, "a"), (2, 4, "b"), (3, 4, "c")]
    assert "'abc' is not a valid whole number" in found[0].message
    assert "date" in found[1].message


# --- safety: tags --------------------------------------------------------------------------------

def test_python_object_apply_is_an_error_and_runs_nothing(tmp_path):
    target = tmp_path / "pwned"
    src = f"name: x\nrun: !!python/object/apply:os.system ['touch {target}']\n"
    with mock.patch("os.system") as system, mock.patch("subprocess.Popen") as popen:
        line, col, field, message = one(src)
    assert not system.called and not popen.called and not target.exists()
    assert (line, col, field) == (2, 6, "run")
    assert message.startswith("tags are not allowed here: !!python/object/apply:os.system")


@pytest.mark.parametrize("src", [
    "a: !!binary aGk=\n", "a: !!set {x}\n", "a: !!omap [x: 1]\n", "a: !custom 3\n",
    "a: !!python/name:os.system\n", "a: !!python/object:collections.OrderedDict {}\n",
    "a: !!merge x\n", "a: !!str [1]\n", "a: !!seq {x: 1}\n", "a: !!map [1]\n",
    "a: !<tag:example.com,2024:x> 1\n",
])
def test_other_tags_are_errors(src):
    line, col, field, message = one(src)
    assert (line, col, field) == (1, 4, "a") and message.startswith("tags are not allowed here: ")


def test_tag_errors_are_all_collected():
    found = problems("a: !x 1\nb: ok\nc: !y [1]\nd: !z {}\n")
    assert [p.line for p in found] == [1, 3, 4]


# --- size and encoding ---------------------------------------------------------------------------

def test_file_size_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(5 * 1024 * 1024)  # sparse: cheap to make
    with mock.patch("os.read", side_effect=AssertionError("read")), pytest.raises(InputError) as info:
        load_yaml_file(big)
    [p] = info.value.problems
    assert (p.line, p.col, p.field) == (0, 0, "")
    assert "5,242,880" in p.message and "1,048,576" in p.message


def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)  # nobody ever writes to it: reading it would block forever
    t0 = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_yaml_file(fifo, display_name="s.yaml")
    assert time.perf_counter() - t0 < HANG_S
    [p] = info.value.problems
    assert p.file == "s.yaml" and "FIFO" in p.message


@pytest.mark.parametrize("text", ["a: " + "x" * 5_000_000, b"a: " + b"x" * 5_000_000, "é" * 600_000])
def test_huge_text_is_rejected_in_bounded_time(text):
    t0 = time.perf_counter()
    [p] = problems(text)
    assert time.perf_counter() - t0 < HANG_S
    assert "too big" in p.message and "1,048,576" in p.message


def test_load_yaml_file_display_name_and_marks(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(SCENARIO.encode())
    doc = load_yaml_file(path, display_name="exercises/tern.yaml")
    assert doc.file == "exercises/tern.yaml" and doc.data["seed"] == 42
    assert load_yaml_file(str(path)).file == str(path)
    path.write_text("a: 1\na: 2\n")
    with pytest.raises(InputError) as info:
        load_yaml_file(path, display_name="tern.yaml")
    assert str(info.value) == "tern.yaml:2:1: a: duplicate key 'a' (first defined on line 1)"


def test_unreadable_files_are_input_errors(tmp_path):
    for path, words in ((tmp_path / "missing.yaml", "not found"), (tmp_path, "folder")):
        with pytest.raises(InputError) as info:
            load_yaml_file(path)
        assert words in str(info.value)


def test_invalid_utf8_reports_line_and_column_of_first_bad_byte():
    assert one("name: é\nb: ok \xff\n".encode("latin-1"))[:2] == (1, 7)
    line, col, _, message = one("name: é\nb: \xe9t\xe9\n".encode()[:-4] + b"\xff rest\n")
    assert (line, col) == (2, 5) and "not valid UTF-8" in message and "0xff" in message


def test_bom_is_skipped():
    assert load_yaml_text(b"\xef\xbb\xbfa: 1\n", "s").data == {"a": 1}
    assert load_yaml_text("\ufeffa: 1\n", "s").marks[("a",)] == (1, 1)


@pytest.mark.parametrize("data", [
    b"a: 1\nb: \x00\x00\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)),
    b"a: 1\n\x00", b"\xff\xfea\x00:\x00", b"a: \x07bell\n",
])
def test_binary_garbage_gives_a_clear_error(data):
    [p] = problems(data)
    assert p.line >= 1 and p.col >= 1
    assert any(w in p.message for w in ("binary", "UTF-16", "U+0007"))


def test_nul_byte_position():
    assert one(b"a: 1\nbb: x\x00\n")[:2] == (2, 6)


# --- document shape ------------------------------------------------------------------------------

@pytest.mark.parametrize("src", ["", "   \n", "# only a comment\n# and another\n", "---\n", "--- # x\n...\n"])
def test_empty_file(src):
    assert one(src)[3] == "the file is empty; expected a mapping of fields"


@pytest.mark.parametrize("src, what", [
    ("- a\n- b\n", "a list"), ("42\n", "a number"), ("3.5\n", "a number"), ("hello\n", "a string"),
    ("true\n", "true/false"), ("null\n", "null"), ("2024-01-01\n", "a date"), ("# c\n[1]\n", "a list"),
])
def test_top_level_must_be_a_mapping(src, what):
    line, _col, field, message = one(src)
    assert message.startswith(f"expected a mapping at the top level, got {what}")
    assert (line, field) == (src.count("#") + 1, "")


def test_second_document_is_an_error_at_the_second_document():
    assert one("a: 1\n---\nb: 2\n")[:2] == (2, 1)
    assert one("---\na: 1\n--- \nb: 2\n---\nc: 3\n")[:2] == (3, 1)
    assert "second YAML document" in one("a: 1\n...\n---\nb: 2\n")[3]


def test_explicit_single_document_is_fine():
    doc = load_yaml_text("%YAML 1.1\n---\na: 1\n...\n", "s")
    assert doc.data == {"a": 1} and doc.marks[()] == (1, 1) and doc.marks[("a",)] == (3, 1)


# --- syntax errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("src, line, words", [
    ("a: 1\nb: [1, 2\n", 2, "bracket"),
    ("a: 1\nb: 'open\n", 2, "quote"),
    ("a: 1\nb: c: d\n", 2, "quote a value"),
    ("a: 1\n  b: 2\n", 2, "indentation"),
    ("a: @x\n", 1, "quote values"),
    ("a:\n  - 1\n b: 2\n", 3, "YAML syntax error"),
])
def test_syntax_errors_are_located_and_explained(src, line, words):
    p_line, col, field, message = one(src)
    assert p_line == line and col >= 1 and field == ""
    assert message.startswith("YAML syntax error") and words in message


def test_syntax_error_keeps_problems_found_before_it():
    found = problems("a: 1\na: 2\nb: [\n")
    assert [p.line for p in found] == [2, 4] and "duplicate" in found[0].message


@pytest.mark.parametrize("src, line, col", [
    ("a:\n\tb: 1\n", 2, 1), ("a:\n  b: 1\n\tc: 2\n", 3, 1), ("a:\n  - 1\n  \t- 2\n", 3, 3), ("\ta: 1\n", 1, 1),
])
def test_tabs_used_for_indentation(src, line, col):
    assert one(src) == (line, col, "", "tab character used for indentation; YAML needs spaces")


def test_tabs_inside_values():
    assert load_yaml_text('a: "x\ty"\n', "s").data == {"a": "x\ty"}
    try:  # libyaml accepts a tab inside a plain value; PyYAML's pure parser does not
        assert load_yaml_text("a: 1\nb: x\ty\n", "s").data == {"a": 1, "b": "x\ty"}
    except InputError as e:
        assert [(p.line, p.col) for p in e.problems] == [(2, 5)]
        assert "tab character" in str(e) and "quote the value" in str(e)


# --- keys ----------------------------------------------------------------------------------------

def test_duplicate_keys_are_all_reported_at_the_second_occurrence():
    src = "name: a\nseed: 1\nteams:\n  - id: x\n    id: y\nseed: 2\nname: b\n"
    found = problems(src)
    assert [(p.line, p.col, p.field, p.message) for p in found] == [
        (5, 5, "teams.0.id", "duplicate key 'id' (first defined on line 4)"),
        (6, 1, "seed", "duplicate key 'seed' (first defined on line 2)"),
        (7, 1, "name", "duplicate key 'name' (first defined on line 1)"),
    ]


def test_duplicate_key_in_flow_mapping_and_after_other_errors():
    found = problems("a: {x: 1, y: 2, x: 3}\nb: !t 1\nb: 2\n")
    assert [(p.line, p.col) for p in found] == [(1, 17), (2, 4), (3, 1)]


@pytest.mark.parametrize("src, col, what", [
    ("1: x\n", 1, "a number"), ("true: x\n", 1, "true/false"), ("~: x\n", 1, "null"),
    ("2024-01-01: x\n", 1, "a date"), ("? [a]\n: 3\n", 3, "a list"), ("? {a: 1}\n: 3\n", 3, "a mapping"),
    ("{[1]: 2}\n", 2, "a list"),
])
def test_keys_must_be_text(src, col, what):
    line, p_col, field, message = one(src)
    assert (line, p_col, field) == (1, col, "")
    assert message.startswith(f"keys must be text, got {what}")


def test_missing_key_is_a_null_key():
    line, _col, field, message = one("a: 1\nb:\n  ?\n  : 2\n")
    assert line in (3, 4) and (field, message) == ("b", "keys must be text, got null (is a field name missing?)")


def test_bad_key_field_names_its_mapping():
    assert one("a:\n  b:\n    1: x\n")[:3] == (3, 5, "a.b")


def test_quoted_keys_are_text():
    assert load_yaml_text("'1': x\n\"yes\": y\n", "s").data == {"1": "x", "yes": "y"}


# --- anchors, aliases, node budget ---------------------------------------------------------------

def test_aliases_expand_to_independent_copies():
    doc = load_yaml_text("a: &x {k: [1, 2]}\nb: *x\nc: [*x, &s v, *s]\n", "s")
    assert doc.data == yaml.safe_load("a: &x {k: [1, 2]}\nb: *x\nc: [*x, &s v, *s]\n")
    doc.data["b"]["k"].append(3)
    assert doc.data["a"]["k"] == [1, 2] and doc.data["c"][0]["k"] == [1, 2]
    assert doc.marks[("b",)] == (2, 1) and doc.marks[("c", 0)] == (3, 5)
    assert doc.mark(("b", "k", 0)) == (2, 1)  # inside an expansion: the alias's member


def billion_laughs(levels=9):
    lines = ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_rejected_fast_at_the_alias():
    t0 = time.perf_counter()
    line, col, field, message = one(billion_laughs(9))
    # Expanding the aliases would take hours: a bound this loose still catches it, yet a loaded
    # CI machine does not fail it (the speed itself is a benchmark's business, not a test's).
    assert time.perf_counter() - t0 < 5.0
    assert message.startswith("too many values: more than 200,000 after expanding aliases")
    assert "*l4" in message and (line, col, field) == (6, 12, "lol5.0")


def test_node_budget_counts_expansions_exactly():
    src = "a: &a [1, 2, 3]\nb: [*a, *a]\n"  # nodes: root, key a, list, 3 items, key b, list, 2 x 4
    assert load_yaml_text(src, "s", Limits(max_nodes=16)).data["b"] == [[1, 2, 3], [1, 2, 3]]
    line, col, field, _ = one(src, Limits(max_nodes=15))
    assert (line, col, field) == (2, 9, "b.1")


def test_budget_also_counts_plain_nodes():
    assert "too many values" in one("a: [" + "1," * 300 + "1]\n", Limits(max_nodes=100))[3]


def test_undefined_and_recursive_aliases_are_located():
    found = problems("a: *nope\nb: &r [1, *r]\nc: &m {k: *m}\n")
    assert [(p.line, p.col, p.field) for p in found] == [(1, 4, "a"), (2, 11, "b.1"), (3, 11, "c.k")]
    assert "anchor &nope that is not defined" in found[0].message
    assert "recursion" in found[1].message and "recursion" in found[2].message


def test_duplicate_anchor_is_an_error():
    assert one("a: &x 1\nb: &x 2\n")[:2] == (2, 4)


# --- merge keys ----------------------------------------------------------------------------------

MERGE = """\
base: &base {x: 1, y: 2, z: {deep: 1}}
more: &more {y: 20, w: 40}
one:
  <<: *base
  y: 5
two:
  y: 6
  <<: [*more, *base]
three:
  <<: {q: 1}
  q: 2
"""


def test_merge_keys_follow_pyyaml_and_explicit_keys_win():
    doc = load_yaml_text(MERGE, "s")
    assert doc.data == yaml.safe_load(MERGE)
    assert doc.data["one"] == {"x": 1, "y": 5, "z": {"deep": 1}}
    assert doc.data["two"] == {"y": 6, "w": 40, "x": 1, "z": {"deep": 1}}  # *more wins over *base
    assert doc.data["three"] == {"q": 2}
    assert doc.marks[("one", "y")] == (5, 3) and doc.marks[("one", "x")] == (4, 3)
    assert doc.marks[("two", "y")] == (7, 3) and doc.marks[("two", "w")] == (8, 3)
    doc.data["one"]["z"]["deep"] = 9
    assert doc.data["base"]["z"]["deep"] == 1


def test_merge_counts_toward_budget():
    src = "a: &a {x: 1, y: 2}\nb:\n  <<: *a\n"  # root, a, &a (5), b, its mapping, <<, *a (5): 15 nodes
    assert load_yaml_text(src, "s", Limits(max_nodes=15)).data["b"] == {"x": 1, "y": 2}
    assert one(src, Limits(max_nodes=14))[:3] == (3, 7, "")


@pytest.mark.parametrize("src", ["a:\n  <<: 1\n", "a:\n  <<: [1]\n", "a:\n  <<: []\n", "a:\n  <<: [[]]\n"])
def test_merge_needs_mappings(src):
    assert one(src)[:3] == (2, 7, "a") and one(src)[3] == ("a merge key '<<' needs a mapping (like *base) or a list of mappings")


def test_two_merge_keys_are_duplicates_and_quoted_merge_is_text():
    assert one("b: &b {x: 1}\na:\n  <<: *b\n  <<: *b\n") == (4, 3, "a.<<", "duplicate key '<<' (first defined on line 3)")
    assert load_yaml_text("'<<': 1\nx: <<\n", "s").data == {"<<": 1, "x": "<<"}


# --- depth ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("src", ["[" * 100_000 + "]" * 100_000, "{a: " * 100_000 + "}" * 100_000,
                                 "- " * 100_000 + "x\n"],
                         ids=["flow-lists", "flow-maps", "block-lists"])
def test_very_deep_nesting_is_a_clean_error(src):
    t0 = time.perf_counter()
    *_, message = one(src)
    assert time.perf_counter() - t0 < HANG_S
    assert message == "nested too deeply: more than 64 levels of mappings and lists"


def test_depth_limit_is_exact_and_located():
    limits = Limits(max_depth=3)
    assert load_yaml_text("a: {b: [1]}\n", "s", limits).data == {"a": {"b": [1]}}
    assert one("a: {b: [1, [2]]}\n", limits)[:3] == (1, 12, "a.b.1")


def test_depth_through_aliases():
    limits = Limits(max_depth=3)
    assert one("x: &x [[1]]\ny: [*x]\n", limits)[:3] == (2, 5, "y.0")
    assert load_yaml_text("x: &x [[1]]\ny: *x\n", "s", limits).data["y"] == [[1]]


# --- reporting -----------------------------------------------------------------------------------

def test_all_problems_are_sorted_by_line():
    src = "a: !x 1\nb: *nope\n1: c\na: 2\nd: {e: !!binary x}\n"
    found = problems(src)
    assert [p.line for p in found] == [1, 2, 3, 4, 5]
    assert str(InputError(found)).splitlines()[0].startswith("s.yaml:1:4: a: tags are not allowed")


def test_a_500_line_scenario_loads_as_safe_load_reads_it(loader):
    parts = ["meta:\n  name: big\n  seed: 7\n  start: 2024-01-01T00:00:00Z\ninjects:\n"]
    for i in range(71):
        parts.append(f"  - id: inj{i}\n    at: {i}m\n    to: [lyon, rome]\n    kind: message\n"
                     f"    weight: {i / 10}\n    text: \"Inject number {i}\"\n    urgent: {i % 2 == 0}\n")
    src = "".join(parts)
    assert src.count("\n") >= 500
    # Its speed (~4 ms with libyaml) is for a benchmark, not a timed assert that fails on a loaded machine.
    assert load_yaml_text(src, "s").data == yaml.safe_load(src)


# --- properties ----------------------------------------------------------------------------------

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _loads_or_input_error(text):
    try:
        doc = load_yaml_text(text, "p.yaml")
    except InputError as e:
        assert e.problems and all(p.file == "p.yaml" and p.line >= 0 for p in e.problems)
        return
    assert isinstance(doc, YamlDocument) and isinstance(doc.data, dict) and () in doc.marks


yaml_ish = st.lists(st.sampled_from(["a", ":", " ", "\n", "- ", "[", "]", "{", "}", ",", "&x", "*x", "!!",
                                     "<<", "'", '"', "#", "\t", "---", "? ", "1", "yes", "\xff", "é"]),
                    max_size=30).map("".join)


@FAST
@given(st.one_of(st.text(), yaml_ish))
def test_property_any_text_loads_or_raises_input_error(loader, text):
    _loads_or_input_error(text)


@FAST
@given(st.one_of(st.binary(), yaml_ish.map(lambda s: s.encode("utf-8", "surrogatepass"))))
def test_property_any_bytes_loads_or_raises_input_error(loader, data):
    _loads_or_input_error(data)


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False), st.text(max_size=20))
trees = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                     max_leaves=25)


def _paths(value, path=()):
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, path + (key,))


class Dumper12(yaml.emitter.Emitter, yaml.serializer.Serializer, yaml.representer.SafeRepresenter,
               yamlsafe.Core12Resolver):
    """PyYAML's SafeDumper, quoting exactly the text that YAML 1.2 core would read as another type."""

    __init__ = yaml.SafeDumper.__init__


class Loader12(yaml.SafeLoader):
    """PyYAML's SafeLoader typing plain scalars by the YAML 1.2 core schema: the reference."""

    yaml_implicit_resolvers = yamlsafe.Core12Resolver.yaml_implicit_resolvers


@FAST
@given(st.dictionaries(st.text(max_size=8), trees, max_size=5), st.sampled_from([None, True, False]), st.booleans())
def test_property_matches_safe_load_with_a_mark_for_every_path(loader, data, flow, unicode):
    text = yaml.dump(data, Dumper=Dumper12, default_flow_style=flow, allow_unicode=unicode)
    doc = load_yaml_text(text, "p.yaml")
    assert doc.data == yaml.load(text, Loader=Loader12)  # (not always == data: PyYAML folds a plain U+0085)
    for path in _paths(doc.data):
        assert path in doc.marks
        line, col = doc.marks[path]
        assert line >= 1 and col >= 1
