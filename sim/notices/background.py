"""The world's notice and diffusion requests that nobody plays, made in aggregate.

One Poisson process per kind draws requesting NCBs at random and forms whose flaws follow the
scenario's request profile; they go through the same NDTF review (and compete for the same
reviewers) as the played requests. Arrests on background notices are not simulated hit by hit:
a Poisson stream cancels published background Red Notices and arrest diffusions, the public
figure being about nine a day.

A background request is drawn as the NDTF sees it: the indications it shows (a political context,
a human-rights concern), not a hidden truth. A problem nobody could see would be published like a
clean request, so drawing one would change nothing the model reports. An incomplete form misses
one of its kind's fields or, for a kind with a penalty threshold, the penalty: the NDTF returns
it for completion, and the completed form (with its declared penalty) is reviewed again.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import TYPE_CHECKING

from ..rng import Draws
from .kinds import CONTEXT_OF, EXCLUDED_OFFENCES, HUMAN_RIGHTS_CONCERN, REQUIRED_FIELDS
from .registry import Record
from .review import Case
from .rules import Finding, findings

if TYPE_CHECKING:
    from ..engine.exercise import Exercise

YEAR_MIN = 365.25 * 1440
COERCIVE = ("red", "diffusion", "silver")
ARRESTABLE = ("red", "diffusion")  # an arrest cancels those published (a diffusion: once circulated)
_EXCLUDED = tuple(EXCLUDED_OFFENCES)
PENALTY = "max_penalty_years"
# What an incomplete form can miss: the kind's fields, and the penalty where a threshold applies.
MISSABLE = {k: fs + ((PENALTY,) if k in COERCIVE else ()) for k, fs in REQUIRED_FIELDS.items()}
# What a request shows, by (an Art. 3 context, an Art. 2 concern), in this order.
INDICATIONS = {(False, False): (), (True, False): (CONTEXT_OF["political"],), (False, True): (HUMAN_RIGHTS_CONCERN,),
               (True, True): (CONTEXT_OF["political"], HUMAN_RIGHTS_CONCERN)}


class BackgroundRequests:
    def __init__(self, ex: Exercise) -> None:
        # What the background uses, taken once: the clock, the registry and the NDTF review it
        # submits to and cancels through; the seats' acts are built after it, so whether a seat or
        # the scenario already uses a reference is looked up late.
        self.env, self.registry = ex.env, ex.registry
        self.submit, self.cancel_if_valid = ex.review.submit, ex.review.cancel_if_valid
        self.claimed: Callable[[str], bool] = \
            lambda rid: rid in ex.acts.drafts or ex.acts.scenario_request(rid) is not None
        bg = ex.scenario.background
        self.profile = bg.profile
        self.codes = list(ex.world.members)
        rng = ex.streams.stream("background")
        self.u = Draws(rng.random)
        self.gap = Draws(lambda k: rng.exponential(1.0, k))
        self._ids = count(1)
        self.arrestable: list[Record] = []
        self._forms: dict[tuple[str, str | None, str, str | None, float],
                          tuple[tuple[Finding, ...], tuple[Finding, ...]]] = {}
        self._on_published = (self.arrestable.append,)  # a published Red Notice becomes arrestable
        for kind, per_year in sorted(bg.requests_per_year.items()):
            if per_year > 0 and self.codes:
                ex.env.process(self._stream(kind, YEAR_MIN / per_year))
        if bg.arrests_per_year > 0:
            ex.env.process(self._arrests(YEAR_MIN / bg.arrests_per_year))

    def _pick(self, seq):
        return seq[int(self.u() * len(seq))]

    def _findings(self, kind: str, purpose: str | None, offence: str, blank: str | None,
                  penalty: float) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
        """The form's findings, and the completed form's: a few dozen distinct forms, worked out
        once each, and shared by the cases of that form (the review never changes a case's
        findings in place: it replaces them as the form is completed)."""
        key = (kind, purpose, offence, blank, penalty)
        got = self._forms.get(key)
        if got is None:
            provided = set(REQUIRED_FIELDS[kind])
            provided.discard(blank or "")
            got = self._forms[key] = (
                tuple(findings(kind, purpose=purpose, offence=offence, provided=provided,
                               max_penalty_years=None if blank == PENALTY else penalty)),
                tuple(findings(kind, purpose=purpose, offence=offence, max_penalty_years=penalty,
                               provided=set(REQUIRED_FIELDS[kind]))))
        return got

    def _case(self, kind: str) -> tuple[str | None, Case, bool]:
        p, u = self.profile, self.u
        purpose = "arrest" if kind == "diffusion" else ("prosecution" if kind == "red" else None)
        offence, penalty = "fraud", 8.0
        if kind in COERCIVE and u() < p.excluded_offence_share:
            offence = self._pick(_EXCLUDED)
        if kind in COERCIVE and u() < p.below_threshold_share:
            penalty = 1.0
        complete = u() >= p.incomplete_share
        blank = None if complete else self._pick(MISSABLE[kind])
        # Drawn in this order (Art. 3, then Art. 2) from one stream, so the calibration's draws stay put.
        indications = INDICATIONS[u() < p.art3_share, u() < p.art2_share]
        found, completed = self._findings(kind, purpose, offence, blank, penalty)
        completes = complete or u() >= p.never_completed_share
        case = Case(found, indications=indications, completed=completed, completes_on_request=completes,
                    on_published=self._on_published if kind in ARRESTABLE else ())
        return purpose, case, u() < p.public_extract_share

    def _free_id(self) -> str:
        """The next B-number no request already uses: a scenario's or a seat's own reference
        (draft or filed) keeps its number, and the background skips it."""
        records, claimed = self.registry.records, self.claimed
        while True:
            rid = f"B{next(self._ids)}"
            if rid not in records and not claimed(rid):
                return rid

    def _stream(self, kind: str, mean_gap: float):
        # Names bound once: this loop makes every background request of the run.
        env, submit, u, gap, codes = self.env, self.submit, self.u, self.gap, self.codes
        timeout, make_case, free_id = env.timeout, self._case, self._free_id
        diffusion = kind == "diffusion"
        while True:
            yield timeout(gap() * mean_gap)
            purpose, case, public = make_case(kind)
            at = int(u() * len(codes))  # as _pick(codes)
            requester = codes[at]
            recipients = None
            if diffusion:
                # As _pick from the other codes, without building that list: the k-th other code is
                # codes[k], or codes[k + 1] from the requester's place on.
                n = len(codes) - 1
                recipients = tuple(sorted({codes[k + (k >= at)] for k in
                                           (int(u() * n) for _ in range(1 + int(u() * 8)))})) if n else ()
            rec = Record(free_id(), kind, requester, None, env.now, purpose=purpose,
                         recipients=recipients, public=public, background=True)
            if diffusion:
                self.arrestable.append(rec)
            submit(rec, case)

    def _arrests(self, mean_gap: float):
        env = self.env
        while True:
            yield env.timeout(self.gap() * mean_gap)
            # Swap-remove a random live one; dead ones (refused, purged) are dropped on the way.
            while self.arrestable:
                i = int(self.u() * len(self.arrestable))
                rec = self.arrestable[i]
                self.arrestable[i] = self.arrestable[-1]
                self.arrestable.pop()
                if rec.visible:
                    self.cancel_if_valid(rec, "arrested", rec.requester)
                    break
