"""Safe, located YAML loading for trainer-written scenario files.

Trainers write exercises by hand, so a scenario file is untrusted input that must either load
into plain Python data or fail with every problem named by file, line, column and field.

Why events and not ``yaml.safe_load`` / ``yaml.compose``:

* Recursion. PyYAML's composer and constructor recurse once per nesting level, so ``[[[[...``
  100,000 deep ends in RecursionError. Here one loop over ``yaml.parse`` events keeps an
  explicit stack of open collections, stops at ``Limits.max_depth``, and never recurses.
* Alias blow-up. The composer shares one node per alias, so a "billion laughs" document is cheap
  to compose and explodes only when something walks it. Here every node is counted *after*
  alias expansion: an anchored node's expanded size is known when it closes, each alias adds
  that size, and the budget trips at the alias before anything is copied.
* Tags. Values are built here from scalar text; any explicit tag other than the standard
  str/int/float/bool/null/timestamp/map/seq is an error, and nothing is constructed from it.
* Scalars are read as the YAML 1.2 core schema, not PyYAML's YAML 1.1 (see ``Core12Resolver``):
  only ``true``/``false`` (also ``True``, ``TRUE``, ``False``, ``FALSE``) are booleans, so
  Norway's ``NO``, the word ``no`` and ``on``/``off``/``yes``/``y`` stay text; ``012`` is
  twelve, ``0o17`` octal, ``0x1f`` hexadecimal, ``1e3`` a number; ``0b101``, ``1_000`` and
  ``1:30`` are text. The one YAML 1.1 form kept is the timestamp (``2026-03-02T06:00:00Z``,
  ``2026-03-02``), read as a date/time because scenario times are written that way.

Decisions:

* Marks: a mapping member is marked at its KEY (the line a person looks for, and it exists even
  when the value is empty or starts on a later line); a sequence item at its start; the root
  ``()`` at the document start. ``YamlDocument.mark`` falls back to the deepest recorded prefix,
  so a missing field points at its parent. Nodes inside an alias expansion are not marked (they
  fall back to the alias).
* Aliases are expanded into independent copies, so ``data`` is a plain tree, safe to mutate.
  An alias to an anchor that is still open (a recursive structure) is an error, as are anchors
  defined twice (PyYAML rejects those too).
* Merge keys (YAML 1.1, as PyYAML): ``<<: *base`` or ``<<: [*a, *b]`` (aliases or inline
  mappings). Explicit keys win wherever they appear; within a list, earlier mappings win; a
  second ``<<`` in one mapping is a duplicate key. Merged nodes count toward the node budget.
  Merged members are marked at the ``<<`` key unless written explicitly.
* Keys must be strings: ``1:``, ``true:``, ``null:`` and dates are not, so those are reported
  with a hint to quote them (``NO:`` and ``yes:`` are text under YAML 1.2).
* Duplicate keys are errors (PyYAML silently keeps the last one); every one is reported.
* Problems that leave the parse intact (tags, keys, duplicates, bad scalars, undefined aliases)
  are collected; the first fatal one (syntax, depth, node budget, second document) stops the
  parse and is raised together with those collected before it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, cast

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

from sim.errors import InputError, Problem, shown
from sim.files import read_input_bytes

__all__ = ["DEFAULT_LIMITS", "Core12Resolver", "Limits", "YamlDocument", "load_yaml_file", "load_yaml_text"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_T = "tag:yaml.org,2002:"

# The YAML 1.2 core schema's plain-scalar forms (spec 1.2.2, 10.3.2), anchored whole.
_CORE12 = {
    "null": re.compile(r"^(?:~|null|Null|NULL|)$"),
    "bool": re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    "int": re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    "float": re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
}


class Core12Resolver(yaml.resolver.BaseResolver):
    """Plain scalars typed by the YAML 1.2 core schema (only true/false are booleans), plus
    YAML 1.1 timestamps (scenario times) and merge keys ``<<`` (documented above)."""


for _name, _first in (("bool", "tTfF"), ("int", "-+0123456789"), ("float", "-+0123456789."),
                      ("null", ["~", "n", "N", ""])):
    Core12Resolver.add_implicit_resolver(_T + _name, _CORE12[_name], list(_first))
for _tag, _regexp, _first in ((_T + "timestamp", yaml.resolver.Resolver, "0123456789"),
                              (_T + "merge", yaml.resolver.Resolver, "<")):
    Core12Resolver.add_implicit_resolver(
        _tag, next(rx for tag, rx in _regexp.yaml_implicit_resolvers[_first[0]] if tag == _tag), list(_first))


def _core12(name: str, read):
    """A constructor that accepts exactly the YAML 1.2 core forms of ``name`` (``!!bool yes`` fails too)."""
    def construct(node: ScalarNode):
        if not _CORE12[name].match(node.value):
            raise ValueError(node.value)
        return read(node.value)
    return construct


def _int12(text: str) -> int:
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # 012 is twelve: YAML 1.2 has no implicit octal


def _float12(text: str) -> float:
    low = text.lower()
    return float(low.replace(".inf", "inf").replace(".nan", "nan"))


_RESOLVER = Core12Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALARS = {
    _T + "null": (_CONSTRUCTOR.construct_yaml_null, "null"),
    _T + "bool": (_core12("bool", lambda t: t.lower() == "true"), "true/false"),
    _T + "int": (_core12("int", _int12), "whole number"),
    _T + "float": (_core12("float", _float12), "number"),
    _T + "timestamp": (_CONSTRUCTOR.construct_yaml_timestamp, "date or date/time"),
    _T + "str": (_CONSTRUCTOR.construct_yaml_str, "string"),
}
_COLLECTION_TAGS = {dict: (None, "!", _T + "map"), list: (None, "!", _T + "seq")}
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_MERGE = type("_MergeKey", (), {"__repr__": lambda self: "'<<'"})()  # the key `<<`
_BAD = object()  # a key already reported as invalid
_HINTS = (  # (substring of PyYAML's problem, what a person should check)
    ("mapping values are not allowed", "check the indentation, or quote a value containing ': '"),
    ("cannot start any token", "quote values that start with @, ` or other special characters"),
    ("could not find expected ':'", "check that each field is written 'name: value'"),
    ("simple key", "check that each field is written 'name: value'"),
    ("quoted scalar", "check for an unclosed quote"),
    ("flow", "check for an unclosed or extra bracket [ ] or brace { }"),
    ("expected ',' or", "check for an unclosed or extra bracket [ ] or brace { }"),
    ("block", "check the indentation"),
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one scenario: the file and its includes together (see loader.locate)."""

    max_bytes: int = 1_048_576  # a scenario bigger than 1 MiB is surely a mistake
    max_depth: int = 64  # nesting of mappings/sequences
    max_nodes: int = 200_000  # nodes after alias expansion (billion-laughs guard)
    max_includes: int = 32  # fragments one scenario may include


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class YamlDocument:
    data: dict  # plain Python: dict/list/str/int/float/bool/None/datetime.datetime/datetime.date
    file: str
    marks: dict[tuple, tuple[int, int]]  # path -> (line, col), 1-based
    nodes: int = 0  # values counted so far, this file's and those counted before it (nodes_before)

    def mark(self, path: tuple) -> tuple[int, int]:
        """Position of the deepest recorded prefix of path (so a missing field points at its parent)."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (0, 0))


def load_yaml_file(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS,
                   display_name: str | None = None, what: str = "scenario") -> YamlDocument:
    """Load a YAML file: a regular file only (a FIFO or a device is refused at once), at most max_bytes."""
    name = display_name if display_name is not None else os.fsdecode(path)
    data = read_input_bytes(path, limit=limits.max_bytes, what=what, display=name)
    return load_yaml_text(data, name, limits)


def load_yaml_text(text: str | bytes, file: str, limits: Limits = DEFAULT_LIMITS, nodes_before: int = 0) -> YamlDocument:
    """Load one YAML document whose top level is a mapping; raise InputError with every problem.

    ``nodes_before`` counts values already loaded from other files of the same scenario (its
    includes), so that ``limits.max_nodes`` holds for the scenario as a whole.
    """
    size = len(text)  # a char is at least one byte: no need to encode a huge text
    if isinstance(text, str) and size <= limits.max_bytes:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise InputError([Problem(file, 0, 0, "", _too_big(size, limits))])
    text = (text if isinstance(text, str) else _decode(bytes(text), file)).removeprefix("\ufeff")
    bad = _NON_PRINTABLE.search(text)
    if bad:
        i = bad.start()
        line, col = text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)
        char = ord(bad.group())
        what = ("a NUL byte; is this a binary file? Scenarios must be YAML text" if char == 0 else
                f"the character U+{char:04X}, which YAML does not allow; remove it")
        raise InputError([Problem(file, line, col, "", f"the file contains {what}")])
    try:
        return _Builder(file, limits, nodes_before).run(text, _LOADER)
    except _LookaheadHidesDepth:
        # libyaml looks ahead up to ~1,000 characters for a possible key and stops at its own
        # nesting limit there, before the events reach the depth check below. PyYAML's own
        # parser has no such limit, so parsing again with it lets our check fire, at its place.
        return _Builder(file, limits, nodes_before).run(text, yaml.SafeLoader)


def _too_big(size: int, limits: Limits) -> str:
    return (f"the file is too big: {size:,} bytes, the limit is {limits.max_bytes:,} bytes "
            "(a scenario this big is surely a mistake)")


def _decode(data: bytes, file: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError([Problem(file, 1, 1, "", "the file is UTF-16 text; save it as UTF-8")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        start = data.rfind(b"\n", 0, e.start) + 1
        line = data.count(b"\n", 0, e.start) + 1
        col = len(data[start:e.start].decode("utf-8")) + 1
        msg = (f"the file is not valid UTF-8 text (byte 0x{data[e.start]:02x}); "
               "is it a binary file? Save scenarios as UTF-8 text")
        raise InputError([Problem(file, line, col, "", msg)]) from None


def _pos(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _dotted(path) -> str:
    return ".".join(map(str, path or ()))


def _what(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    for types, name in ((dict, "a mapping"), (list, "a list"), (str, "a string"), ((int, float), "a number")):
        if isinstance(value, types):
            return name
    return "null" if value is None else f"a date ({value})"


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_T):] if tag.startswith(_T) else tag


def _copy(value):
    """Iterative deep copy of a dict/list tree (an alias expansion)."""
    if type(value) not in (dict, list):
        return value
    root = type(value)()
    stack = [(value, root)]
    while stack:
        src, dst = stack.pop()
        for key, item in (src.items() if type(src) is dict else enumerate(src)):
            if type(item) in (dict, list):
                new = type(item)()
                stack.append((item, new))
                item = new
            if type(dst) is dict:
                dst[key] = item
            else:
                dst.append(item)
    return root


class _Frame:
    """An open mapping or sequence."""

    __slots__ = (
        "anchor",
        "dup",
        "expect_key",
        "height",
        "key",
        "key_mark",
        "kind",
        "mark",
        "merges",
        "path",
        "seen",
        "start",
        "value",
    )

    def __init__(self, kind, path, anchor, start, mark):
        self.kind, self.value, self.path, self.anchor = kind, kind(), path, anchor
        self.start, self.height, self.mark = start, 1, mark
        self.expect_key, self.key, self.key_mark = True, None, mark
        self.dup, self.seen, self.merges = False, {}, []


class _LookaheadHidesDepth(Exception):
    """libyaml failed where the nesting may already be deeper than the limit (see load_yaml_text)."""


class _Builder:
    def __init__(self, file: str, limits: Limits, nodes_before: int = 0):
        self.file, self.limits = file, limits
        self.problems: list[Problem] = []
        self.marks: dict[tuple, tuple[int, int]] = {}
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple] = {}  # name -> (value, expanded size, height, line)
        self.nodes = self.nodes_before = nodes_before
        self.root: Any = None
        self.root_mark = None
        self.root_empty = False

    def problem(self, mark, path, message: str) -> None:
        line, col = _pos(mark) if mark is not None else (0, 0)
        self.problems.append(Problem(self.file, line, col, _dotted(path), message))

    def fail(self, mark, path, message: str):
        """A fatal problem: stop here, with every problem found so far."""
        self.problem(mark, path, message)
        raise InputError(self.problems)

    def run(self, text: str, loader) -> YamlDocument:
        documents = 0
        events = yaml.parse(text, Loader=loader)
        last_line = 0  # line (0-based) where the last event the parser gave us ended
        try:
            for ev in events:
                if ev.end_mark is not None:  # always set by both parsers; Optional in the stubs
                    last_line = ev.end_mark.line
                kind = type(ev)
                if kind is ScalarEvent:
                    self.scalar(cast(ScalarEvent, ev))
                elif kind is MappingStartEvent:
                    self.start(ev, dict)
                elif kind is SequenceStartEvent:
                    self.start(ev, list)
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    self.end()
                elif kind is AliasEvent:
                    self.alias(cast(AliasEvent, ev))
                elif kind is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        self.fail(ev.start_mark, (), "a second YAML document starts here; a scenario "
                                  "file holds exactly one (remove this '---' or split the file)")
                    self.marks[()] = _pos(ev.start_mark)
        except yaml.MarkedYAMLError as e:
            if loader is not yaml.SafeLoader and self.may_hide_depth(e, text, last_line):
                raise _LookaheadHidesDepth from None
            self.problems.append(self.syntax(e, text))
            raise InputError(self.problems) from None
        except yaml.YAMLError as e:  # e.g. a ReaderError: not expected after the checks above
            self.problems.append(Problem(self.file, 0, 0, "", f"cannot read this as YAML: {e}"))
            raise InputError(self.problems) from None
        finally:
            events.close()  # type: ignore[attr-defined]  # a generator; the stubs say Iterator
        if documents == 0 or self.root_empty:
            self.problems.append(Problem(self.file, 0, 0, "", "the file is empty; expected a mapping of fields"))
        elif not isinstance(self.root, dict):
            self.problem(self.root_mark, (), f"expected a mapping at the top level, got {_what(self.root)} "
                         "(a scenario is a set of fields written 'name: value')")
        if self.problems:
            raise InputError(self.problems)
        return YamlDocument(self.root, self.file, self.marks, self.nodes)

    def may_hide_depth(self, e: yaml.MarkedYAMLError, text: str, last_line: int) -> bool:
        """Could the text between the last event and the error nest deeper than the limit?

        Every level takes an opening character, so counting them bounds the depth cheaply; the
        window is whole lines, since the parser's lookahead stays within the lines it scans.
        """
        marks = [m for m in (e.problem_mark, e.context_mark) if m is not None]
        error_line = max((m.line for m in marks), default=last_line)
        lines = _LINE_BREAKS.split(text)
        window = lines[min(last_line, error_line):error_line + 1]
        openers = sum(line.count("[") + line.count("{") + line.count("-") + line.count("?") for line in window)
        return len(self.stack) + openers > self.limits.max_depth

    def syntax(self, e: yaml.MarkedYAMLError, text: str) -> Problem:
        context = e.context or ""
        if e.context_mark is not None and ("quoted scalar" in context or "flow" in context):
            # PyYAML gives up where the file ends or the next line starts; the author needs to
            # see where the quote or bracket was opened.
            line, col = _pos(e.context_mark)
            what = "quote" if "quoted" in context else "bracket or brace"
            return Problem(self.file, line, col, "", f"YAML syntax error: unclosed {what} opened here "
                                                     f"(PyYAML: {e.problem})")
        mark = e.problem_mark or e.context_mark
        line, col = _pos(mark) if mark is not None else (0, 0)
        lines = _LINE_BREAKS.split(text)
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        indent = source[:len(source) - len(source.lstrip(" \t"))]
        if "\t" in indent:
            return Problem(self.file, line, indent.index("\t") + 1, "",
                           "tab character used for indentation; YAML needs spaces")
        if source[col - 1:col] == "\t":
            return Problem(self.file, line, col, "", "tab character here; YAML needs spaces "
                           "(quote the value if the tab is part of it)")
        problem = e.problem or e.context or "invalid YAML"
        hint = next((h for key, h in _HINTS if key in problem or key in (e.context or "")),
                    "check the indentation, colons, quotes and brackets")
        return Problem(self.file, line, col, "", f"YAML syntax error, {hint}: {problem}")

    def begin(self, mark):
        """Path of the node starting at mark (None where no marks are kept); marks a list item."""
        if not self.stack:
            self.root_mark = mark
            return ()
        f = self.stack[-1]
        if f.path is None:
            return None
        if f.kind is list:
            path = f.path + (len(f.value),)
            self.marks[path] = _pos(mark)
            return path
        if f.expect_key or f.dup or type(f.key) is not str:
            return None
        return f.path + (f.key,)

    def count(self, n: int, mark, path, alias: str | None = None) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            via = f" (alias *{alias} expands to {n:,} values)" if alias else ""
            whole = " in the scenario and its includes together" if self.nodes_before else ""
            self.fail(mark, path, f"too many values: more than {self.limits.max_nodes:,} after "
                      f"expanding aliases{via}{whole}")

    def anchor(self, name: str, value, size: int, height: int, mark) -> None:
        if name in self.anchors:
            self.problem(mark, None, f"anchor &{name} is defined twice (first on line {self.anchors[name][3]})")
        else:
            self.anchors[name] = (value, size, height, mark.line + 1)

    def scalar(self, ev: ScalarEvent) -> None:
        path = self.begin(ev.start_mark)
        self.count(1, ev.start_mark, path)
        # Any: the value becomes whatever the constructor builds, and the tag is resolved below.
        value: Any = ev.value
        tag: Any = ev.tag
        explicit = tag not in (None, "!")
        if not explicit:
            tag = _RESOLVER.resolve(ScalarNode, value, ev.implicit)
            if not self.stack and value == "" and ev.implicit[0]:
                self.root_empty = True
        make, what = _SCALARS.get(tag, (None, ""))
        if tag == _T + "str":
            pass
        elif make is not None:
            try:
                value = make(ScalarNode(tag, value, cast(Any, ev.start_mark), cast(Any, ev.end_mark)))
            # PyYAML's constructors fail in many ways (ValueError, KeyError, AttributeError...):
            except Exception:  # noqa: BLE001 (e.g. !!int abc, !!bool maybe, a 5000-digit int, 2024-02-30)
                self.problem(ev.start_mark, path, f"{shown(value)} is not a valid {what}")
                value = None
        elif explicit:
            self.problem(ev.start_mark, path, f"tags are not allowed here: {_tag_name(tag)} "
                         "(scenario files hold plain values only)")
            value = None
        elif tag == _T + "merge" and self.stack and self.stack[-1].expect_key and self.stack[-1].kind is dict:
            value = _MERGE
        if ev.anchor is not None:
            self.anchor(ev.anchor, value, 1, 0, ev.start_mark)
        self.put(value, 0, ev.start_mark)

    def start(self, ev, kind) -> None:
        path = self.begin(ev.start_mark)
        start = self.nodes
        self.count(1, ev.start_mark, path)
        if len(self.stack) >= self.limits.max_depth:
            self.fail(ev.start_mark, path, f"nested too deeply: more than {self.limits.max_depth} "
                      "levels of mappings and lists")
        if ev.tag not in _COLLECTION_TAGS[kind]:
            self.problem(ev.start_mark, path, f"tags are not allowed here: {_tag_name(ev.tag)} "
                         "(scenario files hold plain values only)")
        self.stack.append(_Frame(kind, path, ev.anchor, start, ev.start_mark))

    def end(self) -> None:
        f = self.stack.pop()
        value = f.value
        if f.merges:
            value = {}
            for source in f.merges:
                value.update(source)
            value.update(f.value)
        if f.anchor is not None:
            self.anchor(f.anchor, value, self.nodes - f.start, f.height, f.mark)
        self.put(value, f.height, f.mark)

    def alias(self, ev: AliasEvent) -> None:
        path = self.begin(ev.start_mark)
        name = ev.anchor
        if name not in self.anchors:
            if any(f.anchor == name for f in self.stack):
                msg = f"alias *{name} refers to a mapping or list that contains it; recursion is not allowed"
            else:
                msg = f"alias *{name} refers to an anchor &{name} that is not defined above it"
            self.problem(ev.start_mark, path, msg)
            self.put(None, 0, ev.start_mark)
            return
        value, size, height, _ = self.anchors[name]
        self.count(size, ev.start_mark, path, alias=name)
        if len(self.stack) + height > self.limits.max_depth:
            self.fail(ev.start_mark, path, f"nested too deeply: alias *{name} makes more than "
                      f"{self.limits.max_depth} levels of mappings and lists")
        self.put(_copy(value), height, ev.start_mark)

    def put(self, value, height: int, mark) -> None:
        """Add a finished node to the open collection (or make it the root)."""
        if not self.stack:
            self.root = value
            return
        f = self.stack[-1]
        if height + 1 > f.height:
            f.height = height + 1
        if f.kind is list:
            f.value.append(value)
        elif f.expect_key:
            self.key(f, value, mark)
        else:
            f.expect_key = True
            if f.key is _MERGE:
                self.merge(f, value, mark)
            elif f.key is not _BAD and not f.dup:
                f.value[f.key] = value

    def key(self, f: _Frame, key, mark) -> None:
        f.expect_key, f.dup, f.key, f.key_mark = False, False, key, mark
        if key is not _MERGE and not isinstance(key, str):
            hint = ("" if isinstance(key, (dict, list)) else " (is a field name missing?)" if key is None
                    else "; put the key in quotes if it is a name")
            self.problem(mark, f.path, f"keys must be text, got {_what(key)}{hint}")
            f.key = _BAD
        elif key in f.seen:
            self.problem(mark, None if f.path is None else f.path + ("<<" if key is _MERGE else key,),
                         f"duplicate key {key!r} (first defined on line {f.seen[key]})")
            f.dup = True
        else:
            f.seen[key] = mark.line + 1
            if f.path is not None and key is not _MERGE:
                self.marks[f.path + (key,)] = _pos(mark)

    def merge(self, f: _Frame, value, mark) -> None:
        sources = value if isinstance(value, list) else [value]
        if f.dup:
            return
        if not sources or not all(isinstance(s, dict) for s in sources):
            self.problem(mark, f.path, "a merge key '<<' needs a mapping (like *base) or a list of mappings")
            return
        f.merges.extend(reversed(sources))  # PyYAML order: later sources are overridden by earlier
        if f.path is not None:
            where = _pos(f.key_mark)
            for source in sources:
                for key in source:
                    self.marks.setdefault(f.path + (key,), where)
