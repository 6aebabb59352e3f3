"""An operation's hits reaching the desks one by one, and the NCB's triage of each.

During the action days of an operation with ``hit_reports``, each reported hit is what a checkpoint
found: a wanted person, a victim, or a false positive (a name match that is not the person). The
checkpoint reports it to its NCB over the national channel and holds the person for ``hold``. When
the desk has read the report, the NCB triages it: urgent (send a unit now), routine (the morning
review) or discard. Only an urgent triage within the hold arrests a wanted person or protects a
victim; an urgent triage of a false positive wastes a unit. A desk so far behind that it reads the
report after the hold has lost the person unread. A played NCB decides (``triage_hit``); the
others triage as the book says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ..decisions.port import Option
from ..durations import minutes

if TYPE_CHECKING:
    import numpy as np
    import simpy

    from ..decisions.port import DecisionPort
    from ..engine.journal import Journal
    from ..engine.messages import Message
    from ..scenario.cases import OperationSpec

DAY = 1440.0
TRUE_HITS = ("wanted", "victim")
SAVED = {"wanted": "arrested", "victim": "victim_protected"}
# What a hit report says, for any operation (its story is the scenario's briefing, not the engine's).
SAYS = {"wanted": "matches a person wanted on a Red Notice; held at the checkpoint",
        "victim": "matches a Yellow Notice on a missing person: a possible victim, kept with the checking officers",
        "not_the_person": "is a name match on a Red Notice; the date of birth and the photograph do not match"}


class HitReports:
    def __init__(self, op: OperationSpec, rng: np.random.Generator, *, env: simpy.Environment, journal: Journal,
                 send: Callable[..., Message], port: DecisionPort, after: Callable[[float, Callable[[], object]], None],
                 played: frozenset[str]) -> None:
        assert op.hit_reports is not None
        # ``rng`` is the reports' own stream: the operation's counts draw exactly what they drew without reports.
        self.op, self.spec, self.rng = op, op.hit_reports, rng
        self.env, self.journal, self.send, self.port, self.after, self.played = env, journal, send, port, after, played
        self.kinds = list(self.spec.kinds)
        total = sum(self.spec.kinds.values())
        self.weights = [self.spec.kinds[k] / total for k in self.kinds]
        self.countries = set(op.participants if self.spec.countries is None else self.spec.countries)
        self.hold = minutes(self.spec.hold)
        self.count = 0
        self.outcomes: Counter[str] = Counter()

    def action_day(self, country: str, hits: int) -> None:
        """The day's hits at ``country``'s checkpoints, reported at drawn times within the day."""
        if country not in self.countries:
            return
        for _ in range(hits):
            if self.spec.share < 1.0 and self.rng.random() >= self.spec.share:
                continue
            kind = self.kinds[int(self.rng.choice(len(self.kinds), p=self.weights))]
            self.after(float(self.rng.uniform(0.0, DAY)), partial(self._found, country, kind))

    def _found(self, country: str, kind: str) -> None:
        now = self.env.now
        self.count += 1  # numbered as found, so H1 is the first a desk hears of
        hit = f"{self.op.id}-H{self.count}"
        self.journal.emit(now, "operation.hit", country, operation=self.op.id, country=country, hit=hit, type=kind)
        text = f"Operation {self.op.name}, check {hit}: the person checked {SAYS[kind]}"
        self.send(f"border:{country}", country, kind="operation_hit", priority="high", channel="national",
                  extra={"text": text}, then=lambda _m: self._read(country, kind, hit, now))

    def _read(self, country: str, kind: str, hit: str, found_at: float) -> None:
        left = found_at + self.hold - self.env.now
        if left <= 0:
            self._resolve(country, kind, hit, "lost" if kind in TRUE_HITS else "cleared", unread=True)
            return
        recommended = "urgent" if kind in TRUE_HITS else "discard"
        seat = f"ncb:{country}"
        if seat not in self.played:
            self._triage(country, kind, hit, recommended)
            return
        self.port.raise_(seat, "triage_hit", f"Operation {self.op.name}, hit {hit}: the person checked {SAYS[kind]}. "
                                             "Triage?",
                         [Option("urgent", "Urgent: send a unit now", recommended=recommended == "urgent"),
                          Option("routine", "Routine: the morning review"),
                          Option("discard", "Discard: not our person", recommended=recommended == "discard")],
                         "routine", left, lambda key: self._triage(country, kind, hit, key),
                         operation=self.op.id, hit=hit, country=country)

    def _triage(self, country: str, kind: str, hit: str, key: str) -> None:
        if kind in TRUE_HITS:
            outcome = SAVED[kind] if key == "urgent" else "lost"
        else:
            outcome = "wasted" if key == "urgent" else "cleared"
        self._resolve(country, kind, hit, outcome)

    def _resolve(self, country: str, kind: str, hit: str, outcome: str, unread: bool = False) -> None:
        self.outcomes[outcome] += 1
        self.journal.emit(self.env.now, "operation.hit_resolved", country, operation=self.op.id, country=country,
                          hit=hit, type=kind, outcome=outcome, **({"unread": True} if unread else {}))

    def totals(self) -> dict[str, int]:
        """What the reported hits came to, for ``operation.ended``."""
        return {"reported": self.count, "victims": self.outcomes["victim_protected"],
                "lost": self.outcomes["lost"]}
