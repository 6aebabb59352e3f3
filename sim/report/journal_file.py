"""Reading a journal file for ``ncbsim report``: streamed, bounded, every field the report uses checked.

A journal ncbsim wrote is always well formed, so a line that is not — bad JSON, JSON nested
deeper than a journal ever is, an event without ``seq``/``t``/``kind``/``actor``, a field the
report reads with the wrong type — is bad input: the report stops with ``file:line`` and the
field, exit 2, rather than guessing what a damaged or crafted event meant. Up to
``MAX_PROBLEMS`` problems are listed, so a file damaged throughout says so in one screen.

The file is streamed line by line and each event is cut down at once to the fields some part of
the report reads (``USED``), so memory follows what the report keeps, not the size of the file.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from ..errors import InputError, Problem
from ..files import open_input_stream
from ..scenario.types import EARLIEST, LATEST, MAX_DRAW_MINUTES

Event = dict[str, Any]
LINE_LIMIT = 1 << 20  # an event ncbsim writes is well under a kilobyte
MAX_PROBLEMS = 20
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
# A deadline is a time plus a drawn duration: it may fall after the exercise's calendar ends.
_LATEST_DEADLINE = LATEST + timedelta(minutes=MAX_DRAW_MINUTES)

# What the report reads of each kind (debrief, describe, scoring, views, the traffic analysis):
# ``name:type`` is required, ``name?type`` optional (absent or null). Types: s text, i whole
# number, n finite number, b true or false, t a journal time, d a deadline (a journal time plus a
# duration), l a list of text, x an inject's expectation.
_SPEC_TEXT = {
    "message.sent": "from:s to:s channel?s via?l type?s latency_min?n priority?s language?s subject?s",
    "message.read": "msg:i seat:s",
    "command.refused": "seat:s command:s reason:s",
    "request.drafted": "request:s requester:s notice_kind?s missing?l",
    "request.resubmitted": "request:s requester:s notice_kind?s missing?l",
    "message.handled": "msg:i inject?s type?s waited_min?n translated?b",
    "message.escalated": "ccc:s to:s type?s translated_to?s",
    "message.undeliverable": "to?s",
    "inject.fired": "inject:s from:s to:s channel:s priority:s by?s expect?x",
    "inject.held": "inject:s",
    "inject.released": "inject:s",
    "notice.requested": "requester:s notice:s notice_kind?s subject?s",
    "notice.info_requested": "requester:s notice:s notice_kind?s detail?s",
    "notice.info_supplied": "notice:s requester?s",
    "notice.published": "notice:s notice_kind?s requester?s public?b",
    "notice.refused": "notice:s reason:s notice_kind?s requester?s",
    "notice.cancelled": "notice:s reason?s requester?s",
    "notice.deleted": "notice:s reason?s requester?s",
    "notice.blocked": "notice:s reason?s requester?s",
    "notice.restored": "notice:s reason?s requester?s",
    "notice.expired": "notice:s requester?s",
    "diffusion.sent": "requester:s diffusion:s to?l purpose?s notice_kind?s",
    "diffusion.reviewed": "diffusion:s outcome:s reason?s requester?s",
    "diffusion.info_requested": "diffusion:s requester?s",
    "diffusion.info_supplied": "diffusion:s requester?s",
    "diffusion.cancelled": "diffusion:s reason?s requester?s",
    "diffusion.purged": "diffusion:s reason?s requester?s",
    "decision.requested": "decision:s seat?s prompt?s deadline?d recommended?s",
    "decision.made": "decision:s seat:s type:s option:s by:s policy?s",
    "decision.expired": "decision:s seat:s type:s applied:s",
    "database.hit": "subject:s country:s database:s system:s notice_kind?s notice?s diffusion?s requester?s",
    "arrest.provisional": "subject:s country:s basis?s notice?s diffusion?s requester?s notice_kind?s",
    "extradition.requested": "requester:s subject:s country?s",
    "extradition.completed": "subject:s country:s requester:s",
    "subject.released": "subject:s country:s reason:s detail?s requester?s",
    "subject.located": "subject:s country:s notice?s diffusion?s notice_kind?s transit?b",
    "subject.alarmed": "subject:s cause:s",
    "refugee.confirmed": "subject:s fearing:s",
    "objective.met": "objective:s title:s evidence?i",
    "objective.failed": "objective:s title:s",
    "operation.planned": "name?s participants?l",
    "operation.started": "name:s intelligence:n participants?l",
    "operation.checks": "country?s",
    "operation.arrests": "country?s",
    "operation.ended": "name:s arrests:i checks:i hits:i participants?l",
    "incident.reported": "country?s",
    "irt.requested": "country?s ccc?s",
    "irt.deployed": "country:s hours_to_deploy:n",
    "imest.deployed": "name:s country:s",
    "hit.checked": "subject:s country:s requester:s valid:b",
    "arrest.requested": "subject:s to:s requester:s notice?s diffusion?s",
    "arrest.not_found": "subject:s country:s requester:s reason:s",
    "arrest.kept": "subject:s country:s ground:s reason?s detail?s requester?s",
    "extradition.refused": "subject:s country:s requester:s ground:s detail?s source?s grounds?l",
    "case.transferred": "subject:s country:s requester:s mode:s",
    "prosecution.opened": "subject:s country:s requester:s mode:s in_custody?b",
    "prosecution.refused": "subject:s country:s requester:s mode:s reason:s",
    "mind.refreshed": "country:s",
    "arrest.national": "subject:s country:s notice?s diffusion?s notice_kind?s",
    "whereabouts.reported": "subject:s country:s requester:s notice?s diffusion?s notice_kind?s transit?b",
    "warning.issued": "subject:s country:s notice:s notice_kind:s requester?s",
    "border.prescreened": "subject:s country:s from:s hits:l",
    "dvi.matched": "subject:s identified_as:s country:s black:s yellow:s",
    "notice.updated": "requester:s notice:s notice_kind?s subject?s aliases?l added?l",
    "diffusion.updated": "requester:s diffusion:s notice_kind?s subject?s aliases?l added?l",
}
# What was already so at the start says when it really happened (``since``, before the start).
for _kind in ("notice.published", "diffusion.sent", "arrest.provisional", "extradition.requested"):
    _SPEC_TEXT[_kind] += " since?t"
_SPEC_TEXT["arrest.provisional"] += " deadline?d"
# Any event may say who caused it: ``by`` (person, policy, default, trainer).
SPEC: dict[str, list[tuple[str, bool, str]]] = {
    kind: [(f[:-2], f[-2] == ":", f[-1]) for f in text.split()] + ([] if " by" in f" {text}" else [("by", False, "s")])
    for kind, text in _SPEC_TEXT.items()}
COMMON = ("seq", "t", "kind", "actor")
USED = frozenset(COMMON) | {name for fields in SPEC.values() for name, _, _ in fields}
_WHAT = {"s": "text", "i": "a whole number", "n": "a finite number", "b": "true or false",
         "t": f"a UTC time like 2026-03-02T06:00:00Z, from {EARLIEST:%Y} to {LATEST:%Y}",
         "d": f"a UTC time like 2026-03-02T06:00:00Z, from {EARLIEST:%Y} to {_LATEST_DEADLINE:%Y}",
         "l": "a list of text", "x": "an expectation {action, within_min}"}


def _is_time(v: Any, latest: datetime = LATEST) -> bool:
    """A journal time within the calendar an exercise can run in: the report adds durations to
    them and converts them to local time zones, which near year 1 or 9999 leaves ``datetime``."""
    if not isinstance(v, str) or not _TIME.match(v):
        return False
    try:
        when = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return False
    return EARLIEST <= when <= latest


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _fits(v: Any, kind: str) -> bool:
    if kind == "s":
        return isinstance(v, str)
    if kind == "i":
        return isinstance(v, int) and not isinstance(v, bool)
    if kind == "n":
        return _is_number(v)
    if kind == "b":
        return isinstance(v, bool)
    if kind == "t":
        return _is_time(v)
    if kind == "d":
        return _is_time(v, _LATEST_DEADLINE)
    if kind == "l":
        return isinstance(v, list) and all(isinstance(x, str) for x in v)
    if kind == "x":
        return (isinstance(v, dict) and isinstance(v.get("action"), str) and _is_number(v.get("within_min"))
                and abs(v["within_min"]) < 1e9 and isinstance(v.get("objective"), str | None))
    raise AssertionError(kind)


def _show(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=True)
    return text if len(text) <= 40 else text[:40] + "…"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a journal holds")


def check_event(e: Any) -> tuple[str, str] | None:
    """(field, what is wrong) for the first problem in one parsed journal line, or None."""
    if not isinstance(e, dict):
        return "", "not a journal event (needs seq, t, kind, actor)"
    for name in COMMON:
        if name not in e:
            return name, "missing; a journal event needs seq, t, kind, actor"
    if not (isinstance(e["seq"], int) and not isinstance(e["seq"], bool) and e["seq"] > 0):
        return "seq", f"expected a whole number from 1, got {_show(e['seq'])}"
    if not _is_time(e["t"]):
        return "t", f"expected {_WHAT['t']}, got {_show(e['t'])}"
    for name in ("kind", "actor"):
        if not isinstance(e[name], str):
            return name, f"expected text, got {_show(e[name])}"
    for name, required, kind in SPEC.get(e["kind"], ()):
        v = e.get(name)
        if v is None:
            if required:
                return name, f"missing; a {e['kind']} event carries {_WHAT[kind]} here"
            continue
        if not _fits(v, kind):
            return name, f"expected {_WHAT[kind]}, got {_show(v)}"
    return None


def slim(e: Event) -> Event:
    """Only the fields the report reads: a journal's bulk (message bodies, contexts) is dropped at once."""
    return {k: v for k, v in e.items() if k in USED}


def read_events(path: str) -> Iterator[Event]:
    """The journal's events in order, each cut to ``USED``; InputError listing what is wrong, if anything."""
    problems: list[Problem] = []
    last_seq = 0
    any_event = False

    def problem(line: int, col: int, field: str, message: str) -> None:
        problems.append(Problem(path, line, col, field, message))

    with open_input_stream(path, what="journal (.jsonl) or session (.db)") as fh:
        n = 0
        while len(problems) < MAX_PROBLEMS:
            try:
                raw = fh.readline(LINE_LIMIT + 1)
            except OSError as err:
                raise InputError([Problem(path, n, 0, "", f"cannot read the journal: {err.strerror or err}")]) from None
            if not raw:
                break
            n += 1
            if len(raw) > LINE_LIMIT and not raw.endswith(b"\n"):
                problem(n, 1, "", f"a line longer than {LINE_LIMIT:,} bytes; not a journal ncbsim wrote")
                while raw and not raw.endswith(b"\n"):  # skip the rest of that line, still bounded
                    raw = fh.readline(LINE_LIMIT + 1)
                continue
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as bad:
                problem(n, bad.start + 1, "", "not a journal: the line is not UTF-8 text")
                continue
            try:
                e = json.loads(text, parse_constant=_no_constant)
            except RecursionError:
                problem(n, 1, "", "not a journal line: nested too deeply")
                continue
            except json.JSONDecodeError as err:
                problem(n, err.colno, "", f"not a journal line: {err.msg}")
                continue
            except ValueError as err:  # NaN/Infinity, an integer too long to convert
                problem(n, 1, "", f"not a journal line: {err}")
                continue
            wrong = check_event(e)
            if wrong is not None:
                problem(n, 1, *wrong)
                continue
            if e["seq"] <= last_seq:
                problem(n, 1, "seq", f"{e['seq']} comes after {last_seq}; a journal is in order")
                continue
            last_seq = e["seq"]
            any_event = True
            if not problems:
                yield slim(e)
    if problems:
        raise InputError(problems)
    if not any_event:
        raise InputError([Problem(path, 0, 0, "", "the journal is empty")])
