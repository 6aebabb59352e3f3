"""A person's command through the play host: submitted → recorded → applied, in wall time.

    python bench/command_latency.py [--days 365] [--every 3h] [--seed 1] [--quick]

The world-baseline year (196 NCBs, ~40,000 requests) is opened through the play host with NCB
France as the played seat, and its clock runs at maximum speed, the way the TUI runs it (the
engine advances by slices of 15 ms of wall time). At an instant every ``--every`` of sim time the
seat gives the next commands of a fixed rotation: an I-24/7 message to one NCB, one to three
NCBs, a diffusion to two countries drafted with its full form and submitted, a Red Notice request
drafted and submitted (one in three without the photograph, so the NDTF sends it back and it is
corrected and resubmitted), the reading of an unread inbox item, and the answer to any decision
open for the seat (the baseline raises none: nobody plays it).

Each command is timed from ``submit()`` called to returned (checked, recorded, applied, the seat's
view updated), split at the moment the session's durable write returns: submit → recorded
(checks, JSON, the write itself) and recorded → applied (the engine acting, the view updated).
The session's writes are timed on their own by wrapping ``SessionStore.record_decision``.

The reference is the durable write alone: one INSERT committed with ``synchronous=FULL`` into
another WAL database in the same folder, timed after each command so both see the same machine.
Target (issue 12): p99 <= 50 ms. ``--quick`` is a short look while working on the host; no test
or CI job runs this script (speed is measured here, never asserted).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from sim.durations import minutes, parse_duration
from sim.play.commands import (
    AnswerDecision,
    Command,
    DraftRequest,
    ReadMessage,
    SendMessage,
    SubmitRequest,
)
from sim.play.host import PlayHost, Refused
from sim.sessions.store import SessionStore

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "world-baseline.yaml"
SEAT = "ncb:FR"
TICK_BUDGET_S = 0.015  # the engine's share of a UI tick at maximum speed (tui/driver.py)
TARGET_P99_MS = 50.0

RED_FORM = (("name", "Jean-Marc DURAND"), ("born", "1979-04-12"), ("nationality", "FR"),
            ("description", "1.82 m, scar on the left hand"), ("photo", "attached: durand.jpg"),
            ("charge", "homicide (art. 221-1 Code pénal)"), ("law", "Code pénal, art. 221-1"),
            ("warrant", "mandat d'arrêt, TJ Lyon, 2025/118"))
DIFFUSION_FORM = (("name", "Jean-Marc DURAND"), ("born", "1979-04-12"), ("nationality", "FR"),
                  ("charge", "homicide"))


class Timings:
    """Wall-time marks of the session's durable writes, read around each command."""

    def __init__(self) -> None:
        self.write_started = self.write_ended = 0.0

    def wrap(self, record: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(record)
        def timed(*args: Any, **kwargs: Any) -> None:
            self.write_started = time.perf_counter()
            record(*args, **kwargs)
            self.write_ended = time.perf_counter()
        return timed


class Reference:
    """The bare durable write: INSERT + commit, WAL, synchronous=FULL, as the session does it."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("CREATE TABLE decisions (n INTEGER PRIMARY KEY, decision TEXT NOT NULL UNIQUE, "
                          "seat TEXT NOT NULL, option TEXT NOT NULL, sim_time REAL NOT NULL)")
        self.n = 0

    def write(self, payload: str) -> float:
        self.n += 1
        t0 = time.perf_counter()
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT INTO decisions(decision, seat, option, sim_time) VALUES (?, ?, ?, ?)",
                              (f"P{self.n}", SEAT, payload, float(self.n)))
        return time.perf_counter() - t0


class Seat:
    """What the person at NCB France does next: a rotation of real commands, with real values."""

    def __init__(self, host: PlayHost, rng: random.Random) -> None:
        self.host, self.rng = host, rng
        self.ncbs = [r.code for r in host.recipients() if r.code not in ("GS", SEAT.partition(":")[2])]
        self.requests = 0
        self.resubmitted: set[str] = set()
        self.turn = 0

    def _ref(self) -> str:
        # Not B<n>: the background's requests are numbered so, and a seat's reference must not meet one.
        self.requests += 1
        return f"FR-{self.requests}"

    def commands(self) -> Iterator[tuple[str, Command]]:
        """The commands given at this instant, each with the label it is reported under."""
        host = self.host
        for d in host.open_decisions(SEAT):
            yield "answer_decision", AnswerDecision(d.seat, d.id, d.recommended or d.default)
        inbox = host.inbox(SEAT)
        # The NDTF asks for more by a message naming the request; the person corrects and resubmits.
        for m in inbox:
            if m.type == "info_request" and m.request and m.request.startswith("FR-") \
                    and m.request not in self.resubmitted:
                self.resubmitted.add(m.request)
                yield "draft_request (corrected)", replace(host.form_for(SEAT, m.request), form=RED_FORM)
                yield "submit_request (resubmit)", SubmitRequest(m.request)
        self.turn += 1
        step = self.turn % 5
        if step == 0:
            yield "send_message (1 NCB)", SendMessage((self.rng.choice(self.ncbs),), "Request for information "
                                                      "on a vehicle seen at the border, plate AB-123-CD.",
                                                      subject="Vehicle check", priority="high")
        elif step == 1:
            yield "send_message (3 NCBs)", SendMessage(tuple(self.rng.sample(self.ncbs, 3)), "Please check your "
                                                       "records for the person named in our diffusion.",
                                                       subject="Records check", case="C-FR-1")
        elif step == 2:
            ref = self._ref()
            yield "draft_request (diffusion)", DraftRequest(ref, "diffusion", None, "arrest", "homicide", 30.0, None,
                                                            tuple(self.rng.sample(self.ncbs, 2)), DIFFUSION_FORM)
            yield "submit_request (diffusion)", SubmitRequest(ref)
        elif step == 3:
            ref = self._ref()
            form = RED_FORM if self.requests % 3 else tuple(f for f in RED_FORM if f[0] != "photo")
            yield "draft_request (red)", DraftRequest(ref, "red", None, "prosecution", "homicide", 30.0, None, (), form)
            yield "submit_request (red)", SubmitRequest(ref)
        else:
            unread = [m for m in inbox if not m.read]
            if unread:
                yield "read_message", ReadMessage(unread[-1].msg)


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least a share ``q`` of the sample at or below it."""
    return sorted_ms[max(0, math.ceil(len(sorted_ms) * q) - 1)]


Sample = tuple[float, float, float]  # ms: submit → recorded, recorded → applied, the durable write alone


def run(days: float, every: float, seed: int) -> tuple[dict[str, list[Sample]], list[float], float]:
    """Each label's samples, the reference writes (ms) and the wall seconds of the whole run."""
    marks = Timings()
    record = SessionStore.record_decision
    SessionStore.record_decision = marks.wrap(record)  # type: ignore[method-assign]
    # In /tmp, on a real disk here: the fsyncs of both databases are real.
    with tempfile.TemporaryDirectory(prefix="ncbsim-bench-") as tmp:
        host, seat = PlayHost.open(str(SCENARIO), SEAT, str(Path(tmp) / "session.db"))
        reference = Reference(Path(tmp) / "reference.db")
        try:
            return _commands(host, seat, reference, marks, random.Random(seed), every, min(host.duration, days * 1440))
        finally:
            host.close()
            reference.conn.close()
            SessionStore.record_decision = record  # type: ignore[method-assign]


def _commands(host: PlayHost, seat: str, reference: Reference, marks: Timings, rng: random.Random, every: float,
              end: float) -> tuple[dict[str, list[Sample]], list[float], float]:
    person = Seat(host, rng)
    results: dict[str, list[Sample]] = defaultdict(list)
    ref_ms: list[float] = []
    t_start = time.perf_counter()
    instant = every
    while instant < end:
        while host.now < instant:
            host.advance(instant, TICK_BUDGET_S)
        for label, command in person.commands():
            t0 = time.perf_counter()
            outcome = host.submit(seat, command)
            t1 = time.perf_counter()
            if isinstance(outcome, Refused):
                print(f"refused at {host.iso(host.now)}: {label}: {outcome.reason}")
                continue
            if marks.write_started < t0:
                raise SystemExit(f"{label} was accepted without a durable write of its own")
            results[label].append(((marks.write_ended - t0) * 1000, (t1 - marks.write_ended) * 1000,
                                   (marks.write_ended - marks.write_started) * 1000))
            ref_ms.append(reference.write(json.dumps(command.to_json())) * 1000)
        instant += every
    return results, ref_ms, time.perf_counter() - t_start


def row(name: str, ms: list[float]) -> str:
    s = sorted(ms)
    return (f"| {name} | {len(s):,} | {percentile(s, 0.5):.2f} | {percentile(s, 0.9):.2f} | "
            f"{percentile(s, 0.99):.2f} | {s[-1]:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=365.0, help="sim days to run (default: the year)")
    ap.add_argument("--every", default="3h", help="sim time between the instants commands are given (default 3h)")
    ap.add_argument("--seed", type=int, default=1, help="the seat's choice of recipients")
    ap.add_argument("--quick", action="store_true", help="30 days, commands every 12h: a look, not a figure")
    a = ap.parse_args()
    if a.quick:
        a.days, a.every = 30.0, "12h"
    try:
        every = minutes(parse_duration(a.every))
    except ValueError as e:
        ap.error(f"--every: {e}")
    if every <= 0 or a.days <= 0:
        ap.error("--days and --every must be more than zero")
    results, ref_ms, wall = run(a.days, every, a.seed)
    samples = [s for label in sorted(results) for s in results[label]]
    if not samples:
        print("no command was accepted")
        return
    total = [s[0] + s[1] for s in samples]
    print(f"world-baseline, {a.days:g} days at maximum speed, commands from {SEAT} every {a.every}: "
          f"{len(samples):,} commands in {wall:.1f} s of wall time\n")
    print("| wall time, ms | n | median | p90 | p99 | max |")
    print("|---|---|---|---|---|---|")
    for label in sorted(results):
        print(row(label, [s[0] + s[1] for s in results[label]]))
    print(row("**every command: submit → applied**", total))
    print(row("submit → recorded", [s[0] for s in samples]))
    print(row("recorded → applied", [s[1] for s in samples]))
    print(row("the session's durable write", [s[2] for s in samples]))
    print(row("the host's own work (all but the write)", [s[0] + s[1] - s[2] for s in samples]))
    print(row("**reference: INSERT + commit, synchronous=FULL**", ref_ms))
    p99 = percentile(sorted(total), 0.99)
    ratio = statistics.median(total) / statistics.median(ref_ms)
    print(f"\nmedian ratio command/reference: {ratio:.2f}; "
          f"p99 {p99:.1f} ms (target <= {TARGET_P99_MS:.0f} ms: {'met' if p99 <= TARGET_P99_MS else 'missed'})")


if __name__ == "__main__":
    main()
