"""Notices and diffusions as records, their moves through the state machines, and who can see
them at a border post at a given moment (FIND at once, MIND after its next refresh, a diffusion
only in the countries it was sent to).

A MIND copy lags both ways: it holds what was valid at its last refresh, so a record published
since is not in it yet, and one removed since (cancelled, deleted, blocked, purged, expired) is
still in it. A hit is therefore only a lead: whoever holds it checks ``Record.valid_for`` (the
General Secretariat's live answer) before acting on it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from struct import Struct
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .machines import DIFFUSION, NOTICE, VISIBLE, Machine
from .rules import Finding

_NOTICE_VISIBLE, _DIFFUSION_VISIBLE = VISIBLE[NOTICE.name], VISIBLE[DIFFUSION.name]
NO_ALIASES: Mapping[str, float] = MappingProxyType({})
# A record's states by number, as its moves hold them (every state of both machines, in a fixed order).
STATES: tuple[str, ...] = tuple(sorted(NOTICE.states | DIFFUSION.states))
STATE_CODE: dict[str, int] = {s: i for i, s in enumerate(STATES)}
# A move in a record's ``moves``: when (a double) and the state's number (a byte).
MOVE = Struct("<dB")

if TYPE_CHECKING:
    import simpy

    from ..engine.journal import Journal


@dataclass(slots=True)
class Record:
    """One notice or diffusion. ``kind`` is a colour, ``un`` or ``diffusion``."""

    id: str
    kind: str
    requester: str
    subject: str | None
    requested_at: float
    purpose: str | None = None
    # A diffusion's recipients, in order and each once; None: every NCB (notices). A tuple, not a
    # frozenset: read by membership (a few codes) and sorted, and a tuple of texts is dropped by
    # the garbage collector once it has seen it (a year's diffusions keep theirs to the end).
    recipients: tuple[str, ...] | None = None
    public: bool = False
    findings: tuple[Finding, ...] = ()
    state: str = ""
    visible_since: float = math.inf  # when it entered a visible state (publication, circulation)
    background: bool = False
    reason: str | None = None  # why it was refused, purged, cancelled or deleted
    # Every move as ``MOVE``s in time order (``history`` reads them): bytes, which the garbage
    # collector does not track. A year's records keep theirs to the end, hundreds of thousands at
    # eight times the volume; as tuples (one made at each move) they were a third of what the
    # collector scanned.
    moves: bytes = b""
    # Names it lists beyond the subject's own, with when each was listed: a check finds it under
    # these. Most records (every background one) list none and share one empty mapping; adding
    # names gives the record a dict of its own (Registry.add_aliases).
    aliases: Mapping[str, float] = field(default_factory=lambda: NO_ALIASES)

    def lists_name(self, name: str, real_name: str, t: float = math.inf) -> bool:
        """Whether a nominal check under ``name`` finds this record as it was at ``t`` (a MIND
        copy's time): the subject's real name, or an alias listed by then."""
        return name == real_name or self.aliases.get(name, math.inf) <= t

    @property
    def machine(self) -> Machine:
        return DIFFUSION if self.kind == "diffusion" else NOTICE

    @property
    def visible(self) -> bool:
        # Read a few times per request of a year's run: the two sets directly, not through the machine.
        return self.state in (_DIFFUSION_VISIBLE if self.kind == "diffusion" else _NOTICE_VISIBLE)

    def reference(self) -> dict[str, str]:
        """How an event names it: ``{"notice": id}`` or ``{"diffusion": id}``."""
        return {"diffusion": self.id} if self.kind == "diffusion" else {"notice": self.id}

    def valid_for(self, country: str) -> bool:
        """Whether the record is valid now for ``country``'s NCB (what the General Secretariat
        answers when a hit is checked with it): visible, and sent to it if a diffusion."""
        return self.visible and (self.recipients is None or country in self.recipients)

    @property
    def history(self) -> tuple[tuple[float, str], ...]:
        """(when, state) of every move, in time order."""
        return tuple((when, STATES[code]) for when, code in MOVE.iter_unpack(self.moves))

    def states_passed(self) -> set[str]:
        """Every state the record has been in."""
        return {STATES[code] for _, code in MOVE.iter_unpack(self.moves)}

    def moved(self, t: float, state: str) -> None:
        """Add a move to ``state`` at ``t`` (after those already made)."""
        self.moves += MOVE.pack(t, STATE_CODE[state])

    def visible_then(self, t: float) -> bool:
        """Whether the record was in a visible state at instant ``t`` (the last move at or
        before ``t`` counts; moves are in time order)."""
        for when, state in reversed(self.history):
            if when <= t:
                return state in VISIBLE[self.machine.name]
        return False


class MindCopies:
    """Each country's offline copy refreshes on its own cycle: ``phase`` gives, per country, the
    first refresh after the start and the interval (minutes). Before its first refresh a copy is
    the one taken one interval earlier, or — when the first refresh is an interval or more away —
    one that predates the exercise."""

    def __init__(self, phase: dict[str, tuple[float, float]]) -> None:
        self.phase = phase  # country -> (first refresh offset, interval), minutes

    def last_refresh(self, country: str, t: float) -> float:
        offset, interval = self.phase[country]
        if t < offset:
            # The copy taken before the exercise began: one interval before the first refresh or,
            # when that refresh is an interval or more away (a refresh was missed), one interval
            # before the start. It holds the records published before it (requests[].published).
            return offset - interval if offset < interval else -interval
        return offset + math.floor((t - offset) / interval) * interval

    def journal_refreshes(self, env: simpy.Environment, journal: Journal, countries: list[str]) -> None:
        """Journal every refresh of these countries' copies (``mind.refreshed``), at the instants
        ``last_refresh`` counts from."""
        for code in countries:
            self._next(env, journal, code, 0)

    def _next(self, env: simpy.Environment, journal: Journal, code: str, k: int) -> None:
        offset, interval = self.phase[code]
        at = offset + k * interval  # not a running sum: the same instants as last_refresh's

        def refreshed(_e: simpy.Event) -> None:
            journal.emit(env.now, "mind.refreshed", code, country=code, interval_min=round(interval, 3))
            self._next(env, journal, code, k + 1)

        env.timeout(max(0.0, at - env.now)).callbacks.append(refreshed)


# What a record's own event says of it (``Registry._fields`` and a move's ``state``). A caller's
# fields may add to them but never replace one: a ``subject=`` or ``state=`` passed by mistake
# would journal another record's facts.
OWN_FIELDS = frozenset(("notice", "diffusion", "notice_kind", "requester", "subject", "state"))


def _clash(fields: dict[str, Any], kind: str) -> None:
    raise RuntimeError(f"{kind}: {sorted(OWN_FIELDS.intersection(fields))} would replace the record's own fields "
                       "(an engine bug)")


class Registry:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.records: dict[str, Record] = {}
        self.by_subject: dict[str, list[Record]] = {}
        self.states: dict[str, int] = {}

    def _enter(self, rec: Record) -> None:
        if rec.id in self.records:  # two requests under one reference would merge their histories
            raise RuntimeError(f"request {rec.id} is already in the registry (an engine bug)")
        rec.state = rec.machine.initial
        self.records[rec.id] = rec
        if rec.subject:
            self.by_subject.setdefault(rec.subject, []).append(rec)
        self._count(None, rec.state)

    def add(self, rec: Record, t: float, **fields: Any) -> Record:
        self._enter(rec)
        if rec.visible:
            rec.visible_since = t
        rec.moved(t, rec.state)
        kind = "diffusion.sent" if rec.kind == "diffusion" else "notice.requested"
        journal = self.journal
        if fields and not OWN_FIELDS.isdisjoint(fields):
            _clash(fields, kind)
        if not journal.skip(t, kind):
            out = self._fields(rec)
            out.update(fields)
            journal.record(t, kind, rec.requester, out)
        return rec

    def on_file(self, rec: Record, published_at: float, t: float, actor: str, **fields: Any) -> Record:
        """A record already live at the start: it went through its machine's moves to a visible
        state at ``published_at`` (before ``t``, the start). One event says so at ``t``, with
        ``since``: ``notice.published``, or ``diffusion.sent`` for a diffusion (which was also
        reviewed and found compliant before the start)."""
        self._enter(rec)
        rec.moved(published_at, rec.state)
        for action in ("approve",) if rec.kind == "diffusion" else ("publish",):
            new, _event = rec.machine.next(rec.state, action)
            self._count(rec.state, new)
            rec.state = new
            rec.moved(published_at, new)
        rec.visible_since = published_at
        kind = "diffusion.sent" if rec.kind == "diffusion" else "notice.published"
        self.journal.emit(t, kind, actor, **self._fields(rec), state=rec.state,
                          since=self.journal.clock.iso(published_at), **fields)
        return rec

    def move(self, rec: Record, action: str, t: float, actor: str, **fields: Any) -> None:
        old = rec.state
        new, event = rec.machine.next(old, action)
        self._count(old, new)
        was_visible = rec.visible
        rec.state = new
        if rec.visible and not was_visible:
            rec.visible_since = t
        elif not rec.visible:
            rec.visible_since = math.inf
        rec.moved(t, new)
        if "reason" in fields:
            rec.reason = fields["reason"]
        journal = self.journal
        if fields and not OWN_FIELDS.isdisjoint(fields):
            _clash(fields, event)  # checked whether or not anyone reads it: a batch run finds it too
        if journal.skip(t, event):
            return  # nobody reads it: its fields are not gathered
        out = self._fields(rec)
        out["state"] = new
        out.update(fields)
        journal.record(t, event, actor, out)

    def _count(self, old: str | None, new: str) -> None:
        if old is not None:
            self.states[old] -= 1
        self.states[new] = self.states.get(new, 0) + 1

    @staticmethod
    def _fields(rec: Record) -> dict[str, Any]:
        out: dict[str, Any] = {"notice" if rec.kind != "diffusion" else "diffusion": rec.id, "notice_kind": rec.kind,
                               "requester": rec.requester}
        if rec.subject:
            out["subject"] = rec.subject
        return out

    def add_aliases(self, rec: Record, names: list[str], t: float, actor: str) -> None:
        """The requester adds names the person uses to its record (``notice.updated`` or
        ``diffusion.updated``): from now on a check finds it under them too."""
        added = [n for n in names if n not in rec.aliases]
        aliases = dict(rec.aliases)
        for n in added:
            aliases[n] = t
        rec.aliases = aliases
        kind = "diffusion.updated" if rec.kind == "diffusion" else "notice.updated"
        self.journal.emit(t, kind, actor, **self._fields(rec), state=rec.state, aliases=sorted(rec.aliases),
                          added=added)

    @staticmethod
    def copied_at(country: str, system: str, t: float, mind: MindCopies | None) -> float:
        """The instant whose data a border post of ``country`` sees at ``t``."""
        if system == "find":
            return t  # live: what is valid at ``t`` (now, in the engine)
        if mind is not None:
            # The copy as it was at its last refresh, whatever happened to the records since.
            return mind.last_refresh(country, t)
        raise ValueError(f"{country}'s border post checks an offline copy (MIND), but no copies were given")

    def visible_at(self, subject: str, country: str, system: str, t: float,
                   mind: MindCopies | None) -> list[Record]:
        """Records about ``subject`` a border post of ``country`` finds at time ``t``."""
        if system == "none":
            return []
        copied = self.copied_at(country, system, t, mind)
        return [rec for rec in self.by_subject.get(subject, ())
                if (rec.recipients is None or country in rec.recipients) and rec.visible_then(copied)]
