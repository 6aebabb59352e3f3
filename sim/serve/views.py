"""What the server sends each connection: its seat's views, and nothing of any other seat's.

Every view here is asked of the host *for the seat the token opened* — the host's per-seat views
are the compartment (its SeatView rules decide what reached that seat, and when). The trainer's
connection gets the trainer's views: every seat's decisions, the MSEL, the objectives. A seat's
state is sent whole when the connection (re)joins, then as changes: what the seat newly learnt
(``seen`` from where the last message stopped) and each list that changed since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..play.host import PlayHost
from ..play.seat_rules import TRAINER
from ..play.views import CaseFile
from ..play.wire import to_wire


@dataclass(slots=True)
class Sent:
    """What one connection has been sent so far (to send it only what is new)."""

    seen: int = 0
    events: int = 0  # the trainer's: how much of the journal it has been sent
    lists: dict[str, Any] = field(default_factory=dict)  # name -> the wire form last sent
    clock: tuple[float, bool, bool, float] | None = None
    stamp: tuple[int, ...] | None = None  # what the lists were built from: unchanged, they are too
    stale: bool = True  # the seat acted: its lists are built again whatever the stamp says
    inbox: int = 0  # how many of the seat's inbox changes it has been sent


def public_briefing(host: PlayHost, seat: str) -> dict[str, Any]:
    """What every player is told before the start, and what their screens need from the
    scenario: its title and briefing, the seats, the cases the seat's NCB works on, and the
    references of the requests its NCB is to make. The rest of the scenario — subjects' real
    movements, other countries' requests, the MSEL to come, the objectives — stays on the server."""
    sc = host.scenario
    home = seat.partition(":")[2]
    return {"id": sc.id, "title": sc.title, "summary": sc.summary, "briefing": sc.briefing,
            "learning_objectives": list(sc.learning_objectives), "start": host.iso(0.0),
            "duration": host.duration, "seat": seat,
            "players": [{"seat": p.seat, "hints": p.hints, "pause_on_decision": p.pause_on_decision}
                        for p in sc.players],
            "cases": [{"id": c.id, "title": c.title} for c in sc.cases
                      if seat == TRAINER or home in (c.lead, *c.partners)],
            "requests": [r.id for r in sc.requests if seat == TRAINER or r.by == home],
            "recipients": to_wire(host.recipients()), "regions": list(host.regions()),
            "form_choices": to_wire(host.form_choices()),
            # The whole scenario for the trainer only, who sees the ground truth.
            **({"scenario_data": sc.model_dump(mode="json", by_alias=True, exclude_unset=True)}
               if seat == TRAINER else {})}


def known_names(host: PlayHost, seat: str, case_files: tuple[CaseFile, ...] = ()) -> tuple[dict[str, str], dict[str, str]]:
    """(subjects, persons): id -> name of those the seat has learnt of (its ``case_files``) — every
    subject for the trainer. The names of people nobody told the seat about are not sent."""
    subjects, persons = dict(host.subject_names()), dict(host.person_names())
    if seat == TRAINER:
        return subjects, persons
    known = {cf.id for cf in case_files}
    return ({k: v for k, v in subjects.items() if k in known}, {k: v for k, v in persons.items() if k in known})


def _lists(host: PlayHost, seat: str) -> dict[str, Any]:
    if seat == TRAINER:
        subjects, persons = known_names(host, seat)
        return {"decisions": to_wire(host.open_decisions(TRAINER)),
                "subject_names": subjects, "person_names": persons,
                "awaiting_people": to_wire(host.awaiting_people()),
                "msel": to_wire(host.msel()),
                "objectives": dict(host.objective_status()),
                "notes": [dict(n) for n in host.notes()]}
    case_files = host.case_files(seat)
    subjects, persons = known_names(host, seat, case_files)
    return {"decisions": to_wire(host.open_decisions(seat)),
            "subject_names": subjects, "person_names": persons,
            "partners": sorted(host.partners(seat)),
            "requests": to_wire(host.requests(seat)),
            "board": to_wire(host.board(seat)),
            "case_files": to_wire(case_files),
            "arrest_cases": to_wire(host.arrest_cases(seat))}


def _stamp(host: PlayHost, seat: str) -> tuple[int, ...]:
    """Cheap counters that move whenever one of the seat's lists can have changed: what reached it
    (every list is built from that), its inbox and board, and its open decisions."""
    if seat == TRAINER:
        return (host.event_count(), len(host.open_decisions(TRAINER)))
    return (host.seen_count(seat), host.inbox_version(seat), host.board_version(seat), len(host.open_decisions(seat)))


def update(host: PlayHost, seat: str, sent: Sent, clock: tuple[bool, float],
           clock_due: bool = True) -> dict[str, Any] | None:
    """The ``state`` message bringing a connection from what it was sent to now; None when
    nothing changed. ``clock`` is (running, speed) as the trainer set them; ``clock_due``, whether
    the clock's having moved is worth a message of its own. The lists are built
    (and compared with what was sent) only when the seat's stamp moved or the seat acted: with
    many seats, building every list for every seat at every tick was most of the server's time."""
    out: dict[str, Any] = {}
    if seat == TRAINER:  # the journal itself, from where the last message stopped
        count = host.event_count()
        if count > sent.events:
            out["events_from"] = sent.events
            out["events"] = [dict(e) for e in host.events(sent.events)]
            sent.events = count
    else:
        count = host.seen_count(seat)
        if count > sent.seen:
            out["seen_from"] = sent.seen
            out["seen"] = to_wire(host.seen(seat, sent.seen))
            sent.seen = count
    stamp = _stamp(host, seat)
    if sent.stale or stamp != sent.stamp:
        sent.stamp, sent.stale = stamp, False
        if seat != TRAINER:
            _inbox(host, seat, sent, out)
        for name, value in _lists(host, seat).items():
            if sent.lists.get(name) != value:
                out[name] = value
                sent.lists[name] = value
    now = (host.now, host.finished, *clock)
    # The clock alone moving is sent only when ``clock_due``; with anything else, or when the
    # trainer starts, stops or speeds it, or it ends, at once. Fifty seats told every tick that
    # the clock moved was most of what a busy server sent.
    if now != sent.clock and (out or clock_due or sent.clock is None or now[1:] != sent.clock[1:]):
        out["clock"] = {"now": host.now, "at": host.iso(host.now), "finished": host.finished,
                        "running": clock[0], "speed": clock[1]}
        sent.clock = now
    return {"type": "state", **out} if out else None


def _inbox(host: PlayHost, seat: str, sent: Sent, out: dict[str, Any]) -> None:
    """The inbox as what changed in it: new messages and those opened or handled since (``inbox``
    whole only the first time). An inbox of thousands sent whole at every change was most of a
    busy server's time, and going through it to find what changed grew with the exercise."""
    items, sent_to = host.inbox_changes(seat, sent.inbox)
    if items:
        out["inbox" if sent.inbox == 0 else "inbox_upsert"] = to_wire(items)
    sent.inbox = sent_to
