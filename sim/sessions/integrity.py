"""What a session file must hold before anything trusts it: types of every field, and the tamper check.

A session file is input like any other: it may have been edited by hand, damaged on a disk, or
written by another engine version. ``check_session`` reads every meta field and every row, and
returns one located problem per thing that is wrong (``session meta 'seed': expected a whole
number, got 'abc'``), so replay, report, note, trainer and run never meet a value of the wrong
type deep inside the engine.

The tamper check (format 2) is a hash chain. The session's setup — scenario, seed, policy,
script, the people at seats — is *sealed* when the file is created: meta ``sealed`` holds the
SHA-256 of each of those fields, and the chain starts from the hash of that seal. Every decision
row stores ``chain = sha256(previous chain + canonical encoding of its own fields)``, and meta
``decisions_head``/``decisions_count`` name the last link, so changing, inserting, deleting or
reordering any decision — a person's, a policy's or a trainer's control — breaks the chain at
that decision. The chain has no secret key: it catches damage and edits made with a database
tool, not a forger who recomputes every hash (nothing a program without a secret can stop).
Notes and progress are not sealed: they change during a session and decide nothing in a replay.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..decisions.policies import POLICIES
from ..errors import Problem

SEALED = ("engine_version", "created", "scenario_path", "scenario_sha256", "scenario_data", "seed", "policy",
          "script", "people")
_HEX = re.compile(r"^[0-9a-f]{64}$")
_WHOLE = re.compile(r"^[0-9]{1,19}$")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
_ID = re.compile(r"^[QCP][1-9][0-9]{0,8}$")
RATINGS = ("performed_without_challenges", "performed_with_some_challenges", "performed_with_major_challenges",
           "unable_to_perform")


def _show(value: Any) -> str:
    """A value as a person would recognise it, cut short: a 1 MB bad value is not echoed whole."""
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("unicode_escape").decode("ascii")
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal(meta: dict[str, str]) -> str:
    """The ``sealed`` meta value: the SHA-256 of each setup field, as canonical JSON."""
    return json.dumps({k: _sha(meta[k]) for k in SEALED}, sort_keys=True, separators=(",", ":"))


def chain_root(sealed: str) -> str:
    return _sha("ncbsim session chain v2\0" + sealed)


def link(previous: str, n: int, decision: str, seat: str, option: str, sim_time: float, wall_time: str,
         by: str) -> str:
    fields = json.dumps([n, decision, seat, option, float(sim_time), wall_time, by], ensure_ascii=False,
                        separators=(",", ":"))
    return _sha(previous + "\0" + fields)


def load_json(text: str) -> tuple[Any, str | None]:
    """JSON from a stored field, or the reason it is not JSON (deep nesting included, never a RecursionError)."""
    try:
        return json.loads(text, parse_constant=_no_constant), None
    except RecursionError:
        return None, "nested too deeply"
    except ValueError as e:  # JSONDecodeError, NaN/Infinity, an integer too long to convert
        return None, f"not valid JSON ({e})"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


@dataclass
class Row:
    n: int
    decision: str
    seat: str
    option: str
    sim_time: float
    wall_time: str
    by: str
    chain: str | None = None


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        self.items.append(Problem(self.file, 0, 0, field, message))


def check_meta(meta: dict[str, Any], fmt: str, file: str) -> list[Problem]:
    out = _Problems(file)

    def text(key: str, optional: bool = False) -> str | None:
        if key not in meta:
            if not optional:
                out.add(f"session meta '{key}'", "missing")
            return None
        v = meta[key]
        if not isinstance(v, str):
            out.add(f"session meta '{key}'", f"expected text, got {_show(v)}")
            return None
        return v

    for key in ("engine_version", "created", "scenario_path"):
        v = text(key)
        if v is not None and not v:
            out.add(f"session meta '{key}'", "is empty")
    for key in ("scenario_sha256",) + (("decisions_head",) if fmt == "2" else ()):
        v = text(key)
        if v is not None and not _HEX.match(v):
            out.add(f"session meta '{key}'", f"expected a SHA-256 in hex, got {_show(v)}")
    v = text("journal_sha256", optional=True)
    if v is not None and not _HEX.match(v):
        out.add("session meta 'journal_sha256'", f"expected a SHA-256 in hex, got {_show(v)}")
    v = text("created")
    if v and not _STAMP.match(v):
        out.add("session meta 'created'", f"expected a UTC time like 2026-03-02T06:00:00Z, got {_show(v)}")
    v = text("seed")
    if v is not None and not (_WHOLE.match(v) and int(v) < 2 ** 63):
        out.add("session meta 'seed'", f"expected a whole number from 0 to 2^63-1, got {_show(v)}")
    for key in ("decisions_count",) if fmt == "2" else ():
        v = text(key)
        if v is not None and not _WHOLE.match(v):
            out.add(f"session meta '{key}'", f"expected a whole number, got {_show(v)}")
    v = text("writer_pid", optional=True)
    if v is not None and not _WHOLE.match(v):
        out.add("session meta 'writer_pid'", f"expected a process id, got {_show(v)}")
    v = text("progress")
    if v is not None and not (_NUMBER.match(v) and math.isfinite(float(v))):
        out.add("session meta 'progress'", f"expected a number of sim minutes, 0 or more, got {_show(v)}")
    v = text("finished")
    if v is not None and v not in ("0", "1"):
        out.add("session meta 'finished'", f"expected 0 or 1, got {_show(v)}")
    v = text("scenario_data")
    if v is not None:
        data, why = load_json(v)
        if why or not isinstance(data, dict):
            out.add("session meta 'scenario_data'", why or f"expected a JSON object, got {_show(v)}")
    v = text("people")
    if v is not None:
        data, why = load_json(v)
        if why or not isinstance(data, list) or not all(isinstance(s, str) and s for s in data):
            out.add("session meta 'people'", why or f"expected a JSON list of seats, got {_show(v)}")
    policy, script = text("policy"), text("script")
    if policy is not None and policy and policy not in POLICIES:
        out.add("session meta 'policy'", f"expected one of {', '.join(POLICIES)} or nothing, got {_show(policy)}")
    if script:
        data, why = load_json(script)
        if why or not isinstance(data, dict):
            out.add("session meta 'script'", why or f"expected a JSON object, got {_show(script)}")
    if policy in ("", *POLICIES) and script is not None and (policy == "scripted") != bool(script):
        out.add("session meta 'script'", "a script goes with the scripted policy, and only with it")
    if fmt == "2":
        already = {p.field for p in out.items}
        out.items += [p for p in _check_seal(meta, file) if p.field not in already]
    return out.items


def check_format_1(conn: sqlite3.Connection, meta: dict[str, Any], file: str) -> list[Problem]:
    """A file saying format 1 must look like one: no chain column, no seal, no head.

    ``format`` itself cannot be sealed (the seal is what it switches on), so this is what keeps
    one edited meta value from turning the tamper check off.
    """
    columns = {r[1] for r in conn.execute("PRAGMA table_info(decisions)")}
    marks = sorted(k for k in ("sealed", "decisions_head", "decisions_count") if k in meta)
    if "chain" not in columns and not marks:
        return []
    found = ", ".join(["the decisions' 'chain' column"] * ("chain" in columns) + [f"meta '{k}'" for k in marks])
    return [Problem(file, 0, 0, "session meta 'format'",
                    f"says 1, but the file carries the tamper check of format 2 ({found}): the format was "
                    f"changed after the session was created")]


def _check_seal(meta: dict[str, Any], file: str) -> list[Problem]:
    out = _Problems(file)
    sealed, why = load_json(meta.get("sealed", "")) if isinstance(meta.get("sealed"), str) else (None, "missing")
    if why or not isinstance(sealed, dict) or set(sealed) != set(SEALED):
        out.add("session meta 'sealed'", why or "not the seal of this session's setup")
        return out.items
    for key in SEALED:
        v = meta.get(key)
        if isinstance(v, str) and sealed[key] != _sha(v):
            out.add(f"session meta '{key}'", "was changed after the session was created (it no longer matches "
                                             "the session's tamper check)")
    return out.items


def seat_command_problem(payload: dict[str, Any]) -> str | None:
    """Why a recorded command row is not a seat's command a replay can apply, or None."""
    from ..play.commands import RECORDED_COMMANDS, CommandError, command_from_json

    data = {k: v for k, v in payload.items() if k != "before_start"}
    try:
        command = command_from_json(data)
    except CommandError as e:
        return f"not a command: {e}"
    if not isinstance(command, RECORDED_COMMANDS):
        return f"{command.kind} is not a seat's command"
    return None


def read_rows(conn: sqlite3.Connection, fmt: str, file: str) -> tuple[list[Row], list[Problem]]:
    out = _Problems(file)
    cols = "n, decision, seat, option, sim_time, wall_time, by" + (", chain" if fmt == "2" else "")
    rows: list[Row] = []
    last_t = 0.0
    for raw in conn.execute(f"SELECT {cols} FROM decisions ORDER BY n"):
        n, decision, seat, option, sim_time, wall_time, by = raw[:7]
        name = decision if isinstance(decision, str) and _ID.match(decision) else f"row {n}"
        before = len(out.items)
        if not isinstance(decision, str) or not _ID.match(decision):
            out.add(f"decision {name}", f"expected an id like Q3, C1 or P2, got {_show(decision)}")
        for col, v in (("seat", seat), ("option", option), ("wall_time", wall_time), ("by", by)):
            if not isinstance(v, str) or not v:
                out.add(f"decision {name} '{col}'", f"expected text, got {_show(v)}")
        if isinstance(sim_time, bool) or not isinstance(sim_time, int | float) or not math.isfinite(sim_time) \
                or sim_time < 0:
            out.add(f"decision {name} 'sim_time'", f"expected sim minutes, 0 or more, got {_show(sim_time)}")
        else:
            if sim_time < last_t:
                out.add(f"decision {name} 'sim_time'", f"recorded out of order: at minute {sim_time:.2f}, after a "
                                                        f"decision at minute {last_t:.2f}")
            last_t = float(sim_time)
        if isinstance(by, str) and not (by in ("seat", "trainer", "control", "command", "expired")
                                        or (by.startswith("policy:") and by[7:] in POLICIES)):
            out.add(f"decision {name} 'by'", f"expected seat, trainer, control, command, expired or policy:NAME, got {_show(by)}")
        if by == "control" and isinstance(option, str):
            payload, why = load_json(option)
            if why or not isinstance(payload, dict) or not isinstance(payload.get("action"), str):
                out.add(f"decision {name} 'option'", why or "expected a trainer's control as a JSON object")
            if isinstance(decision, str) and not decision.startswith("C"):
                out.add(f"decision {name}", "a trainer's control is numbered C1, C2, …")
        elif by == "command" and isinstance(option, str):
            payload, why = load_json(option)
            if why or not isinstance(payload, dict):
                out.add(f"decision {name} 'option'", why or "expected a person's command as a JSON object")
            else:
                why = seat_command_problem(payload)
                if why:
                    out.add(f"decision {name} 'option'", why)
            if isinstance(decision, str) and not decision.startswith("P"):
                out.add(f"decision {name}", "a person's command is numbered P1, P2, …")
        elif isinstance(decision, str) and decision[:1] in ("C", "P"):
            out.add(f"decision {name}", "only a trainer's control is numbered C…, and a person's command P…")
        chain = raw[7] if fmt == "2" else None
        if fmt == "2" and (not isinstance(chain, str) or not _HEX.match(chain)):
            out.add(f"decision {name} 'chain'", f"expected a SHA-256 in hex, got {_show(chain)}")
        if len(out.items) == before:
            rows.append(Row(n, decision, seat, option, float(sim_time), wall_time, by, chain))
        if len(out.items) >= 20:  # a file damaged throughout says so in a screenful
            break
    return rows, out.items


def check_chain(rows: Sequence[Row], meta: dict[str, Any], file: str) -> list[Problem]:
    """Find the first decision where the chain breaks and say what happened to it, as far as it can be told."""
    root = chain_root(meta["sealed"])
    prev, prev_row = root, None
    for i, row in enumerate(rows):
        if row.chain == _link(prev, row):
            prev, prev_row = row.chain, row
            continue
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        count = int(meta["decisions_count"])
        appended = nxt is None and len(rows) == count + 1 and prev == meta["decisions_head"]
        if appended or (nxt is not None and nxt.chain == _link(prev, nxt)):  # skipping it mends the chain
            why = f"decision {row.decision} was inserted after the session was recorded"
        elif row.n != (prev_row.n + 1 if prev_row else 1) and (nxt is None or nxt.chain == _link(row.chain or "", nxt)):
            where = f"between {prev_row.decision} and {row.decision}" if prev_row else f"before {row.decision}"
            why = f"a decision recorded {where} was deleted"
        elif nxt is None or nxt.chain == _link(row.chain or "", nxt):
            why = f"decision {row.decision} was changed after it was recorded"
        else:
            why = (f"the decisions from {row.decision} on do not match the session's tamper check: decisions were "
                   f"changed, inserted, deleted or reordered after they were recorded")
        return [Problem(file, 0, 0, "decisions", why)]
    count = int(meta["decisions_count"])
    if len(rows) < count:
        after = f" after {rows[-1].decision}" if rows else ""
        return [Problem(file, 0, 0, "decisions", f"{count - len(rows)} decision(s) recorded{after} were deleted")]
    if prev != meta["decisions_head"] or len(rows) != count:
        return [Problem(file, 0, 0, "decisions", "the session's last decision does not match its tamper check: "
                                                 "decisions were added or removed after they were recorded")]
    return []


def _link(prev: str, row: Row) -> str:
    return link(prev, row.n, row.decision, row.seat, row.option, row.sim_time, row.wall_time, row.by)


def check_notes(conn: sqlite3.Connection, file: str) -> list[Problem]:
    out = _Problems(file)
    for i, (objective, rating, text, author, sim_time, wall_time) in enumerate(conn.execute(
            "SELECT objective, rating, text, author, sim_time, wall_time FROM notes ORDER BY n"), 1):
        where = f"note {i}"
        if objective is not None and not isinstance(objective, str):
            out.add(f"{where} 'objective'", f"expected an objective id, got {_show(objective)}")
        if rating is not None and rating not in RATINGS:
            out.add(f"{where} 'rating'", f"expected one of {', '.join(RATINGS)}, got {_show(rating)}")
        for col, v in (("text", text), ("author", author), ("wall_time", wall_time)):
            if not isinstance(v, str):
                out.add(f"{where} '{col}'", f"expected text, got {_show(v)}")
        if sim_time is not None and (isinstance(sim_time, bool) or not isinstance(sim_time, int | float)
                                     or not math.isfinite(sim_time)):
            out.add(f"{where} 'sim_time'", f"expected sim minutes, got {_show(sim_time)}")
        if len(out.items) >= 20:
            break
    return out.items
