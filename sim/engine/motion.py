"""A world already in motion at the start: notices and diffusions published before it, and
provisional arrests under way, put in place at the first instant through the same state tables
and journalled there with the real time they happened (``since``)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from ..durations import minutes
from ..notices.kinds import DEFAULT_PURPOSE
from ..notices.registry import Record
from ..notices.review import Case, aftermath

if TYPE_CHECKING:
    import simpy

    from .exercise import Exercise


class InMotion:
    def __init__(self, ex: Exercise) -> None:
        # What it uses, taken once: the clock, the registry, the review and the arrests that put
        # the world in place, and the subjects' states (all built before it).
        self.env, self.registry, self.review, self.arrests = ex.env, ex.registry, ex.review, ex.arrests
        self.subjects = ex.movements.subjects
        sc = ex.scenario
        self.published = [r for r in sc.requests if r.published is not None]
        self.arrests_under_way = sc.arrests
        for req in sc.requests:
            for update in req.adds_aliases:
                ex.after(minutes(update.at), partial(self._add_aliases, req.id, update.names))
        if not self.published and not sc.arrests:
            return  # nothing scheduled: a scenario without these runs exactly as before
        for spec in sc.arrests:
            # Held from the first instant: his travel (which also starts now) must not move him.
            if spec.subject in self.subjects:
                self.subjects[spec.subject].status = "held"
        ex.filing.scheduled.update(r.id for r in self.published)  # a fact of the scenario, not a seat's draft
        self.env.timeout(0).callbacks.append(self._start)

    def _add_aliases(self, request: str, names: list[str]) -> None:
        """The requester adds names to its request, if it is live by then (a request not yet
        published, or gone, has nothing to update)."""
        rec = self.registry.records.get(request)
        if rec is not None and rec.visible:
            self.registry.add_aliases(rec, names, self.env.now, rec.requester)

    def _start(self, _e: simpy.Event) -> None:
        now = self.env.now
        for req in self.published:
            assert req.published is not None
            ago = minutes(req.published)
            rec = Record(req.id, req.kind, req.by, req.subject, now - ago,
                         purpose=req.purpose or DEFAULT_PURPOSE.get(req.kind),
                         recipients=tuple(sorted(set(req.to))) if req.kind == "diffusion" else None,
                         public=req.public_extract, aliases=dict.fromkeys(req.aliases, now - ago))
            case = Case([], **aftermath(req))
            fields: dict[str, Any] = {"aliases": sorted(req.aliases)} if req.aliases else {}
            self.review.already_published(rec, case, ago, **fields)
        for spec in self.arrests_under_way:
            st, basis = self.subjects.get(spec.subject), self.registry.records.get(spec.request)
            if st is None or basis is None:
                continue  # validate refuses such a scenario (arrests.N.request); a bare model may still hold one
            self.arrests.under_way(st, spec.country or st.location, basis, minutes(spec.since),
                                   None if spec.extradition_requested is None else minutes(spec.extradition_requested),
                                   None if spec.papers is None else tuple(spec.papers))
