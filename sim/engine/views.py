"""Per-seat views of the journal: what a seat may see, and since when it knew.

The engine knows everything; an NCB knows only what reached it. ``SeatView`` decides, event by
event and in journal order, whether an event reached a seat: an NCB sees its own traffic, the
messages delivered to it, notices once published (every NCB sees the notice system), the
diffusions sent to it, and hits and arrests in its country or on its requests — never another
country's traffic, a subject's movements, or the exercise's objectives. The debrief's "who knew
what, when" and the trainee's screens are both built from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from ..notices.machines import CASE_EVENT_KINDS

Event = dict[str, Any]

# Kinds no player seat ever sees: the ground truth and the exercise control.
# What the scenario drew at the start (a route, a partner's answer, a timing) is ground truth too.
GROUND_TRUTH = {"subject.moved", "border.checked", "subject.alarmed", "inject.fired", "inject.held",
                "inject.released", "objective.met", "objective.failed", "scenario.drawn",
                "inject.skipped", "inject.rescheduled", "inject.added"}
GROUND_TRUTH.add("expectation.validated")  # an evaluator's verdict: the exercise's control, never a player's
NOTICE_EVERYONE = {"notice.published", "notice.cancelled", "notice.blocked", "notice.restored",
                   "notice.deleted", "notice.expired", "notice.updated"}
REQUESTER_ONLY = {"request.drafted", "request.resubmitted", "notice.requested", "notice.info_requested", "notice.info_supplied", "notice.refused",
                  "diffusion.info_requested", "diffusion.info_supplied"}
CASE_KINDS = {*CASE_EVENT_KINDS, "subject.located", "arrest.national", "whereabouts.reported", "warning.issued",
              "border.prescreened", "dvi.matched"}
CASE_KINDS |= {"entry.refused", "entry.admitted",  # package C: the border's country and the notice's requester
               "desk.backlog", "desk.caught_up"}  # and the desk's own NCB
# The requesting state preparing its formal extradition request (sim/notices/arrests.py).
PREPARATION_KINDS = {"extradition.preparing", "extradition.prepared"}
SEATS_HELP = "ncb:CC (an NCB officer), ndtf (a reviewer), ccc (a CCC duty officer) or trainer (everything)"


def parse_seat(seat: str) -> tuple[str, str | None]:
    role, _, country = seat.partition(":")
    if role == "ncb" and len(country) == 2:
        return role, country.upper()
    if role in ("ndtf", "ccc", "trainer") and not country:
        return role, None
    raise ValueError(f"'{seat}' is not a seat; expected {SEATS_HELP}")


@lru_cache(maxsize=4096)  # many messages leave at one instant with the same latency: parse it once
def _later(t: str, minutes: float) -> str:
    dt = datetime.fromisoformat(t.replace("Z", "+00:00")) + timedelta(minutes=minutes)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class SeatView:
    """Feed it the journal in order; ``reach(event)`` gives when the seat learnt it, or None."""

    def __init__(self, seat: str) -> None:
        self.seat = seat
        self.role, self.country = parse_seat(seat)
        self.recipients: dict[str, set[str]] = {}  # diffusion id -> countries it was sent to
        self.seen_notices: set[str] = set()
        self.asked_funds: set[str] = set()  # transfers this NCB was asked to stop

    def reach(self, e: Mapping[str, Any]) -> str | None:
        kind = e["kind"]
        if kind.startswith(("decision.", "command.")):  # a seat sees its own decisions, the trainer all of them
            return e["t"] if self.role == "trainer" or e.get("seat") == self.seat else None
        if kind == "diffusion.sent":
            self.recipients[e["diffusion"]] = set(e.get("to", ()))
        if self.role == "trainer":
            return e["t"]
        if kind == "message.read" and self.role in ("ndtf", "ccc"):  # both read as GS: each sees only its own
            return e["t"] if e.get("seat") == self.role else None
        if self.role == "ndtf":
            ok = kind.startswith(("notice.", "diffusion.")) or (
                kind.startswith("message.") and "GS" in (e.get("from"), e.get("to"), e.get("actor")))
            return e["t"] if ok else None
        if self.role == "ccc":
            ok = kind == "message.escalated" or kind.startswith(("operation.", "irt.", "imest."))
            return e["t"] if ok else None
        return self._ncb(e)

    def _ncb(self, e: Mapping[str, Any]) -> str | None:
        me, kind, t = self.country, e["kind"], e["t"]
        if kind in GROUND_TRUTH:
            return None
        if kind == "message.sent":
            if e.get("from") == me:
                return t
            if e.get("to") == me:  # in the inbox once it has travelled
                return _later(t, e.get("latency_min", 0.0))
            return None
        if kind in ("message.handled", "message.undeliverable", "message.read"):
            return t if e.get("actor") == me else None
        if kind == "message.escalated":
            return t if e.get("to") == me else None
        if kind in REQUESTER_ONLY:
            return t if e.get("requester") == me else None
        if kind in NOTICE_EVERYONE:
            if kind == "notice.published":
                self.seen_notices.add(e["notice"])
            return t if e.get("notice") in self.seen_notices or e.get("requester") == me else None
        if kind.startswith("diffusion."):
            involved = e.get("requester") == me or me in self.recipients.get(e.get("diffusion", ""), ())
            if kind == "diffusion.reviewed" and e.get("outcome") != "purged":
                involved = e.get("requester") == me  # recipients are only told to purge
            return t if involved else None
        if kind in ("database.hit", "mind.refreshed"):  # its own border posts
            return t if e.get("country") == me else None
        if kind in PREPARATION_KINDS:  # the requester's own ministry at work; the other state learns by message
            return t if e.get("requester") == me else None
        if kind in CASE_KINDS:
            return t if me in (e.get("country"), e.get("requester")) else None
        if kind in ("arrest.requested", "arrest.not_found"):
            return t if me in (e.get("to"), e.get("country"), e.get("requester")) else None
        if kind == "refugee.confirmed":
            return t if e.get("actor") == me else None
        if kind == "asset.located":  # the holding country reports it to the requester
            return t if me in (e.get("requester"), e.get("country")) else None
        if kind == "asset.followed_up":  # the requester's own choice; the holding country hears only what it is sent
            return t if me == e.get("requester") or (me == e.get("country") and e.get("route") == "ask_freeze") else None
        if kind == "refugee.source_disclosed":  # package B: the breach reaches the feared country
            return t if me == e.get("fearing") else None
        if kind == "detention.without_basis":  # package B: the holding country and the requester
            return t if me in (e.get("country"), e.get("requester")) else None
        if kind.startswith("operation."):
            return t if me in e.get("participants", ()) or e.get("country") == me else None
        if kind.startswith(("irt.", "imest.", "incident.")):
            return t if e.get("country") == me else None
        if kind.startswith("funds."):  # package D: the requester, and the NCB it asked or whose bank acted
            if kind == "funds.stop_requested" and e.get("to") == me:
                self.asked_funds.add(e["funds"])
            if kind == "funds.withdrawn":  # only the NCB asked where the money was: a bank nobody asked tells nobody
                return t if me == e.get("requester") or (me == e.get("country") and e["funds"] in self.asked_funds) else None
            return t if me in (e.get("requester"), e.get("to"), e.get("country")) else None
        return None  # unknown kinds are not shown: a new kind must be given a rule here


def audience(e: Mapping[str, Any]) -> frozenset[str] | None:
    """The seats other than the trainer that ``e`` may reach — ``SeatView.reach`` still decides
    whether it does, and since when — or None when it may be any seat. A host that keeps many
    seats' views asks only those seats about the event: the messages, decisions and commands
    that make up most of a busy exercise concern two or three seats, not every one. Kinds not
    narrowed here go to every seat, so a kind given a rule in ``reach`` and forgotten here is
    still shown; narrowing one must name every seat ``reach`` can let it through to
    (tests/sim/test_seat_audience.py checks it over the shipped scenarios)."""
    kind = e["kind"]
    if kind.startswith(("decision.", "command.")):
        seat = e.get("seat")
        return frozenset((seat,)) if isinstance(seat, str) else frozenset()
    if kind.startswith("message."):
        parties = [p for p in (e.get("from"), e.get("to"), e.get("actor")) if isinstance(p, str)]
        seats = {f"ncb:{p}" for p in parties}
        if "GS" in parties:
            seats.add("ndtf")
        if kind == "message.escalated":
            seats.add("ccc")
        if kind == "message.read" and e.get("seat") == "ccc":
            seats.add("ccc")
        return frozenset(seats)
    return None


def view(events: Iterable[Event], seat: str, until: str | None = None) -> Iterator[tuple[str, Event]]:
    """(known since, event) for what reached ``seat``, in journal order; optionally up to a time."""
    sv = SeatView(seat)
    for e in events:
        since = sv.reach(e)
        if since is not None and (until is None or since <= until):
            yield since, e


def who_knew(events: Iterable[Event], seats: Iterable[str], match: dict[str, Any]) -> dict[str, str | None]:
    """For each seat, when it first learnt of an event carrying every field in ``match``."""
    events = list(events)
    out: dict[str, str | None] = {}
    for seat in seats:
        first = None
        for since, e in view(events, seat):
            if all(e.get(k) == v for k, v in match.items()):
                first = since if first is None or since < first else first
        out[seat] = first
    return out
