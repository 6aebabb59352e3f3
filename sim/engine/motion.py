"""A world already in motion at the start: notices and diffusions published before it, and
provisional arrests under way, put in place at the first instant through the same state tables
and journalled there with the real time they happened (``since``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..durations import minutes
from ..notices.kinds import DEFAULT_PURPOSE
from ..notices.registry import Record
from ..notices.review import Case

if TYPE_CHECKING:
    import simpy

    from .exercise import Exercise


class InMotion:
    def __init__(self, ex: Exercise) -> None:
        self.ex = ex
        sc = ex.scenario
        self.published = [r for r in sc.requests if r.published is not None]
        if not self.published and not sc.arrests:
            return  # nothing scheduled: a scenario without these runs exactly as before
        for spec in sc.arrests:
            # Held from the first instant: his travel (which also starts now) must not move him.
            ex.movements.subjects[spec.subject].status = "held"
        ex.filing.scheduled.update(r.id for r in self.published)  # a fact of the scenario, not a seat's draft
        ex.env.timeout(0).callbacks.append(self._start)

    def _start(self, _e: simpy.Event) -> None:
        ex = self.ex
        for req in self.published:
            assert req.published is not None
            ago = minutes(req.published)
            rec = Record(req.id, req.kind, req.by, req.subject, ex.env.now - ago,
                         purpose=req.purpose or DEFAULT_PURPOSE.get(req.kind),
                         recipients=frozenset(req.to) if req.kind == "diffusion" else None,
                         public=req.public_extract, aliases=frozenset(req.aliases))
            ccf = None if req.ccf is None else (minutes(req.ccf.after), minutes(req.ccf.study), req.ccf.outcome)
            case = Case([], withdraw_after=None if req.withdraw_after is None else minutes(req.withdraw_after),
                        ccf=ccf)
            fields: dict[str, Any] = {"aliases": sorted(req.aliases)} if req.aliases else {}
            ex.review.already_published(rec, case, ago, **fields)
        for spec in ex.scenario.arrests:
            st = ex.movements.subjects[spec.subject]
            ex.arrests.under_way(st, spec.country or st.location, ex.registry.records[spec.request], minutes(spec.since),
                                 None if spec.extradition_requested is None else minutes(spec.extradition_requested),
                                 None if spec.papers is None else tuple(spec.papers))
