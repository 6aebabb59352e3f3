"""Journals given to ``ncbsim report`` are input: a crafted or damaged one is located, never a crash.

A journal ncbsim wrote is always well formed, so any line that is not is bad input: exit 2, one
line ``file:line:col: field: message``, no traceback, the journal unchanged, in seconds.
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import SCENARIOS, ncbsim

from sim.engine.exercise import Exercise
from sim.report.journal_file import check_event
from sim.scenario.loader import load_scenario

QUICK = 20

GOOD = [
    {"seq": 1, "t": "2026-03-02T06:00:00Z", "kind": "inject.fired", "actor": "control", "inject": "I1", "from": "ES",
     "to": "FR", "channel": "i247", "priority": "urgent", "expect": {"action": "acknowledge", "within_min": 60}},
    {"seq": 2, "t": "2026-03-02T06:05:00Z", "kind": "message.sent", "actor": "ES", "msg": 1, "from": "ES", "to": "FR",
     "channel": "i247", "type": "inject"},
    {"seq": 3, "t": "2026-03-02T06:20:00Z", "kind": "message.handled", "actor": "FR", "msg": 1, "type": "inject",
     "inject": "I1", "waited_min": 3.0},
    {"seq": 4, "t": "2026-03-02T06:20:00Z", "kind": "objective.met", "actor": "exercise", "objective": "O1",
     "title": "France reads the warrant", "evidence": 3},
    {"seq": 5, "t": "2026-03-02T07:00:00Z", "kind": "notice.refused", "actor": "GS", "notice": "N1",
     "requester": "FR", "reason": "art3_neutrality", "notice_kind": "red"},
    {"seq": 6, "t": "2026-03-02T08:00:00Z", "kind": "operation.started", "actor": "GS", "name": "PANACEA",
     "intelligence": 0.5, "participants": ["FR", "ES"]},
    {"seq": 7, "t": "2026-03-02T09:00:00Z", "kind": "decision.made", "actor": "ncb:FR", "decision": "Q1",
     "seat": "ncb:FR", "type": "confirm_hit", "option": "confirm", "by": "seat"},
]


def _lines(events: list) -> str:
    return "".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events)


def _with(which: int, **changes) -> list:
    """GOOD with event number ``which`` changed (a value of ``...`` removes the field)."""
    out = []
    for i, e in enumerate(GOOD, 1):
        if i == which:
            e = {**e, **changes}
            e = {k: v for k, v in e.items() if v is not ...}
        out.append(e)
    return out


def test_the_well_formed_journal_reports(tmp_path):
    p = tmp_path / "j.jsonl"
    p.write_text(_lines(GOOD))
    r = ncbsim("report", str(p), timeout=QUICK)
    assert r.returncode == 0, r.stderr
    assert "France reads the warrant | met" in r.stdout and "NCB France reads inject I1" in r.stdout


CRAFTED = [
    pytest.param(_lines(_with(5, reason=...)), 5, "reason", "missing", id="keyerror-reason-missing"),
    pytest.param(_lines(_with(6, intelligence="high")), 6, "intelligence", "expected a finite number",
                 id="typeerror-intelligence-text"),
    pytest.param(_lines(_with(5, reason=7)), 5, "reason", "expected text", id="reason-a-number"),
    pytest.param(_lines(_with(1, expect={"action": "acknowledge"})), 1, "expect", "expected an expectation",
                 id="expect-without-deadline"),
    pytest.param(_lines(_with(1, expect={"action": "acknowledge", "within_min": 1e300})), 1, "expect",
                 "expected an expectation", id="expect-overflowing-deadline"),
    pytest.param(_lines(_with(4, evidence="3")), 4, "evidence", "expected a whole number", id="evidence-text"),
    pytest.param(_lines(_with(6, participants="FR")), 6, "participants", "expected a list of text",
                 id="participants-a-string"),
    pytest.param(_lines(_with(3, waited_min=True)), 3, "waited_min", "expected a finite number", id="wait-a-bool"),
    pytest.param(_lines(_with(2, seq="2")), 2, "seq", "expected a whole number", id="seq-text"),
    pytest.param(_lines(_with(2, t="yesterday")), 2, "t", "expected a UTC time", id="time-text"),
    pytest.param(_lines(_with(2, t="2026-13-02T06:00:00Z")), 2, "t", "expected a UTC time", id="time-month-13"),
    # datetime ends at years 1 and 9999: adding an expectation's deadline or a time zone there overflowed.
    pytest.param(_lines(_with(1, t="9999-12-31T23:00:00Z")), 1, "t", "from 1970 to 2200", id="time-year-9999"),
    pytest.param(_lines([{**GOOD[0], "seq": 1, "t": "0001-01-01T00:00:00Z"}, *GOOD[1:]]), 1, "t",
                 "from 1970 to 2200", id="time-year-0001"),
    pytest.param(_lines([*GOOD, {"seq": 8, "t": "2026-03-02T10:00:00Z", "kind": "decision.requested",
                                 "actor": "ncb:FR", "decision": "Q2", "deadline": "9999-12-31T23:59:59Z"}]), 8,
                 "deadline", "expected a UTC time", id="deadline-year-9999"),
    pytest.param(_lines(_with(2, kind=["message.sent"])), 2, "kind", "expected text", id="kind-a-list"),
    pytest.param(_lines(_with(2, actor=...)), 2, "actor", "missing", id="actor-missing"),
    pytest.param(_lines(_with(3, seq=1)), 3, "seq", "comes after", id="seq-out-of-order"),
    pytest.param(_lines([*GOOD[:2], "[" * 100_000, *GOOD[2:]]), 3, "", "nested too deeply", id="recursion"),
    pytest.param(_lines([*GOOD[:2], '{"seq": 3, "x": ' + "[" * 5000 + "]" * 5000 + "}"]), 3, "",
                 "nested too deeply", id="recursion-in-a-field"),
    pytest.param(_lines(GOOD[:2]) + '{"seq": 3, "t": "2026-03-02T06:20:00Z", "kind": "message.handled", '
                                    '"actor": "FR", "msg": 1, "waited_min": NaN}\n', 3, "", "NaN", id="nan"),
    pytest.param(_lines(GOOD[:2]) + '{"seq": 3' + "0" * 5000 + "}\n", 3, "", "not a journal line",
                 id="integer-too-long"),
    pytest.param(_lines(GOOD[:2]) + "[1, 2, 3]\n", 3, "", "not a journal event", id="not-an-object"),
    pytest.param(_lines(GOOD[:2]) + '{"seq": 3, "t": "' + "x" * (1 << 20) + '"}\n', 3, "",
                 "a line longer than", id="line-too-long"),
]


@pytest.mark.parametrize("content, line, field, words", CRAFTED)
def test_a_crafted_journal_is_located_not_a_crash(tmp_path, content, line, field, words):
    p = tmp_path / "j.jsonl"
    p.write_text(content)
    before = p.read_bytes()
    r = ncbsim("report", str(p), "--md", str(tmp_path / "r.md"), timeout=QUICK)
    assert r.returncode == 2, (r.stdout[-300:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    (only,) = r.stderr.strip().splitlines()
    assert only.startswith(f"{p}:{line}:") and words in only, only
    if field:
        assert f": {field}: " in only, only
    assert len(only) < 400  # a huge bad value is not echoed whole
    assert p.read_bytes() == before and not (tmp_path / "r.md").exists()


def test_a_journal_that_is_not_utf8_is_located(tmp_path):
    p = tmp_path / "j.jsonl"
    p.write_bytes(_lines(GOOD[:2]).encode() + b'{"seq": 3, "actor": "caf\xe9"}\n')
    r = ncbsim("report", str(p), timeout=QUICK)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"{p}:3:") and "UTF-8" in r.stderr


def test_a_named_pipe_as_journal_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "j.jsonl"
    os.mkfifo(fifo)
    r = ncbsim("report", str(fifo), timeout=QUICK)
    assert r.returncode == 2 and "Traceback" not in r.stderr and str(fifo) in r.stderr  # and it did not hang


@pytest.mark.parametrize("name, until", [("fugitive-three-borders", 4 * 1440),  # every kind it writes, by day 3
                                         ("pharma-ring-operation", None), ("annotated-example", None)])
def test_every_event_ncbsim_writes_passes_the_journal_checks(name, until):
    """The checks describe what the engine writes: a real journal never trips them."""
    ex = Exercise(load_scenario(SCENARIOS / f"{name}.yaml").scenario, keep_events=False)
    problems: list = []
    ex.journal.listeners.append(lambda e: (w := check_event(json.loads(json.dumps(e)))) and problems.append((e, w)))
    ex.run(until)
    assert not problems, problems[:3]
