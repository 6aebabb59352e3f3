"""Scenario sections for people and requests: subjects, notice and diffusion requests, the NDTF,
and the background volume of requests nobody plays."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ..errors import shown
from ..notices.kinds import ALL_OFFENCES, ARTICLE3_CHARACTERS, INDICATIONS, PURPOSES, REQUEST_KINDS, REQUIRED_FIELDS
from ..notices.rules import MEASURES, indications_of, public_extract_problem
from .chance import ANSWER_HELP, TIMING_HELP, PartnerAnswer, Route, Timing
from .motion import Past, TravelDocument
from .triggers import OnEvent
from .types import CountryCode, Day, Duration, Identifier, PerYear, Share, Strict, as_written
from .vocabulary import FLEES_ON, INCIDENT_KINDS, OPERATION_KINDS

FIELD_NAMES = tuple(sorted({f for fs in REQUIRED_FIELDS.values() for f in fs}))


class Identity(Strict):
    name: str = Field(min_length=1, description="family name in capitals, then given names: Marc DUVAL")
    born: Day | None = Field(None, description="date of birth")
    nationality: CountryCode | None = Field(None, description="ISO code of the nationality")
    other_nationalities: list[CountryCode] = Field(
        default_factory=list, description="further nationalities of a dual national; each counts for the nationals rule")
    description: str = Field("", description="height, marks, languages spoken")
    aliases: list[str] = Field(default_factory=list,
                               description="other names the person uses (a forged or stolen document may be in "
                                           "one); a notice finds him under a name only if it lists it")

    @field_validator("aliases")
    @classmethod
    def _aliases_distinct(cls, v: list[str], info: ValidationInfo) -> list[str]:
        for a in v:
            if not a.strip():
                raise ValueError("an alias cannot be empty")
            if a == info.data.get("name"):
                raise ValueError(f"{shown(a)} is the person's name, not an alias")
        if len(set(v)) != len(v):
            raise ValueError("an alias is listed twice")
        return v


class Refugee(Strict):
    confirmed_by: CountryCode = Field(description="the member that confirmed refugee status")
    fearing: CountryCode = Field(description="the country the person fears; its requests are deleted")
    at: Timing = Field(as_written("0m"), description="when the status is confirmed, after the start" + TIMING_HELP)


class Law(Strict):
    """What the courts of each country would find about this person's case: the grounds on which an
    extradition can fail, or a person be held on a country's own account. Ground truth for the
    scenario's author; the engine applies it when a requested state decides."""

    own_warrant_in: list[CountryCode] = Field(
        default_factory=list, description="countries with a warrant of their own for this person: an arrest there "
                                          "stands when the notice or diffusion falls")
    persecution_risk_in: list[CountryCode] = Field(
        default_factory=list, description="countries where the person risks persecution or torture: no state "
                                          "surrenders him to them (non-refoulement), refugee or not")
    political_offence: bool = Field(False, description="the requested state's courts would find the offence political")
    death_penalty_in: list[CountryCode] = Field(
        default_factory=list, description="requesting countries where the offence carries the death penalty")
    assurances_from: list[CountryCode] = Field(
        default_factory=list, description="of those, the countries that give assurances it will not be carried out")
    time_barred_in: list[CountryCode] = Field(
        default_factory=list, description="countries under whose law the offence is time-barred (lapse of time)")
    not_an_offence_in: list[CountryCode] = Field(
        default_factory=list, description="countries where the conduct is no offence (no double criminality)")


class Plan(Strict):
    route: Route = Field(
        description="countries to reach, in order: [ES, MA]; or weighted alternatives, one drawn at the start of "
                    "each run from the seed (ground truth: no seat is told which): {one_of: [{weight: 3, route: "
                    "[ES, MA]}, {weight: 1, route: PT}]} — one code is a route to that destination")
    leaves_after: Timing = Field(as_written("0m"), description="when the subject sets off, after the start" + TIMING_HELP)
    stay: Timing = Field(as_written("0m"), description="time spent in each country of the route before moving on "
                                                       "(one draw serves every stop)" + TIMING_HELP)
    document: Identifier | None = Field(
        None, description="the travel document (an id in the subject's documents) shown at every border; "
                          "default: the first of documents")
    document_in: dict[CountryCode, Identifier] = Field(
        default_factory=dict, description="a different document shown when entering these countries, "
                                          "e.g. {MA: P2}")

    @model_validator(mode="before")
    @classmethod
    def _destination(cls, data: object) -> object:
        if isinstance(data, dict) and "destination" in data and "route" not in data:
            raise ValueError("a plan has a route, not a destination: write route: [ES], or route: {one_of: "
                             "[{weight: 3, route: ES}, {weight: 1, route: PT}]} for a destination drawn at the start")
        return data


OBJECT_KINDS = ("unidentified_body", "travel_document", "vehicle", "firearm", "asset")
PERSON_KINDS = ("wanted", "missing", "person_of_interest")


class Subject(Strict):
    id: Identifier = Field(description="unique among subjects, e.g. S1")
    kind: Literal["wanted", "missing", "person_of_interest", "unidentified_body", "travel_document",
                  "vehicle", "firearm", "asset"] = Field(
        "wanted", description="a person, or a body or object that notices can concern (these do not travel)")
    identity: Identity
    location: CountryCode = Field(description="where the subject is at the start")
    document: Literal["genuine", "stolen", "forged"] = Field(
        "genuine", description="travel document used at borders; a stolen one is in SLTD")
    documents: list[TravelDocument] = Field(
        default_factory=list, description="the travel documents the person holds (instead of 'document'): "
                                          "each with its status and the name printed in it; the plan says which "
                                          "is shown where")
    arrived: Past | None = Field(
        None, description="when the person entered 'location', before the start (-3d or '3d ago'): that border "
                          "check is past, and validate compares it with the notices published before it")
    arrived_from: CountryCode | None = Field(None, description="where the person came from when arriving")
    entered_on: Identifier | None = Field(
        None, description="the document (an id in documents) shown at that entry; default: the plan's document")
    plan: Plan | None = Field(None, description="movement; absent means the subject stays")
    refugee: Refugee | None = Field(None, description="refugee status, which triggers the refugee rule")
    flees_on: list[Literal[FLEES_ON]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="pressure that makes the subject move on at once")
    associates: list[Identifier] = Field(default_factory=list, description="subjects whose arrest alarms this one")
    law: Law = Field(default_factory=Law, description="what courts would find: grounds to refuse extradition, "
                                                      "countries holding him on their own warrant")
    identified_as: Identifier | None = Field(
        None, description="ground truth, for controllers (unidentified_body only): the missing person this body "
                          "is; disaster victim identification matches a Black Notice on the body with a Yellow "
                          "Notice on that person once both are published (dvi.matched)")

    @model_validator(mode="after")
    def _objects_stay(self) -> Subject:
        if self.kind in OBJECT_KINDS and self.plan is not None:
            raise ValueError(f"a {self.kind.replace('_', ' ')} does not travel on its own; remove 'plan'")
        if self.identified_as is not None and self.kind != "unidentified_body":
            raise ValueError("only an unidentified body is identified as someone; remove 'identified_as' "
                             "or set kind: unidentified_body")
        if self.identified_as == self.id:
            raise ValueError("a body is identified as a missing person, another subject, not as itself")
        return self

    @model_validator(mode="after")
    def _documents_known(self) -> Subject:
        docs = self.documents
        if docs and self.document != "genuine":
            raise ValueError(f"give either 'document: {self.document}' or a list of 'documents', not both "
                             f"(document: {self.document} is documents: [{{id: D1, status: {self.document}}}])")
        ids = [d.id for d in docs]
        for d in docs:
            if ids.count(d.id) > 1:
                raise ValueError(f"document id {d.id} is used twice")
            if d.name is not None and d.name != self.identity.name and d.name not in self.identity.aliases:
                raise ValueError(f"document {d.id} is in the name {shown(d.name)}, which is neither the person's "
                                 f"name nor one of identity.aliases; add it to identity.aliases")
        if self.kind not in PERSON_KINDS and docs:
            raise ValueError(f"a {self.kind.replace('_', ' ')} carries no travel documents; remove 'documents'")
        named = []
        if self.plan is not None:
            named += [("plan.document", self.plan.document)]
            named += [(f"plan.document_in.{c}", d) for c, d in self.plan.document_in.items()]
        named.append(("entered_on", self.entered_on))
        for where, ref in named:
            if ref is not None and ref not in ids:
                raise ValueError(f"{where}: no document has id {shown(ref)}"
                                 + (f"; known: {', '.join(ids)}" if ids else "; list it in documents"))
        if (self.arrived_from is not None or self.entered_on is not None) and self.arrived is None:
            raise ValueError("arrived_from and entered_on describe the arrival: give 'arrived' too (e.g. -3d)")
        if self.arrived_from == self.location:
            raise ValueError(f"arrived_from is {self.location}, the country the person is in")
        return self

    def travel_documents(self) -> tuple[TravelDocument, ...]:
        """The documents held; the single ``document`` of the short form is one passport in the
        person's own name, reported (if stolen) before the start."""
        if self.documents:
            return tuple(self.documents)
        return (TravelDocument(id="D1", status=self.document, issued_by=self.identity.nationality),)

    def document_for(self, country: str) -> TravelDocument:
        """The document shown entering ``country``."""
        docs = self.travel_documents()
        by_id = {d.id: d for d in docs}
        if self.plan is not None:
            chosen = self.plan.document_in.get(country) or self.plan.document
            if chosen is not None:
                return by_id[chosen]
        return docs[0]

    def name_in(self, doc: TravelDocument) -> str:
        return doc.name or self.identity.name

    @property
    def nationalities(self) -> tuple[str, ...]:
        first = (self.identity.nationality,) if self.identity.nationality else ()
        return first + tuple(n for n in self.identity.other_nationalities if n not in first)


class AliasUpdate(Strict):
    at: Duration = Field(description="when the requester adds them, after the start")
    names: list[str] = Field(min_length=1, description="the aliases it adds, e.g. [Jean MARTIN]")


class CcfChallenge(Strict):
    after: Timing = Field(description="time after publication when the person complains to the CCF" + TIMING_HELP)
    study: Timing = Field(as_written("120d"), description="how long the CCF studies it (the notice is blocked)"
                                                          + TIMING_HELP)
    outcome: Literal["keep", "delete"] = "delete"


class Request(Strict):
    """A notice or diffusion request an NCB makes during the exercise (a filled-in form)."""

    # Package B: what the scenario says about a request that is not on its form (what happens
    # after a return, the case file, what the notice will find, what triggers it).
    NOT_ON_THE_FORM: ClassVar[frozenset[str]] = frozenset({"on_return", "case_file", "assets", "on"})

    id: Identifier = Field(description="unique among requests, e.g. N1")
    kind: Literal[REQUEST_KINDS] = Field(description="notice colour, un, or diffusion")  # type: ignore[valid-type]
    by: CountryCode = Field(description="the requesting NCB")
    subject: Identifier | None = Field(None, description="the subject it concerns")
    at: Timing | None = Field(None, description="when the NCB submits it, after the start" + TIMING_HELP)
    after_inject: Identifier | None = Field(
        None, description="submit once the requesting NCB has handled this inject (plus drafting time)")
    purpose: str | None = Field(None, description="red: prosecution|sentence; diffusion: arrest|locate|information")
    to: list[CountryCode] = Field(default_factory=list, description="diffusion recipients")
    offence: Literal[ALL_OFFENCES] | None = None  # type: ignore[valid-type]
    max_penalty_years: float | None = Field(
        None, ge=0, le=200, description="maximum penalty of the offence; absent: the form leaves it blank and "
        "the NDTF returns the request for completion (red, arrest diffusion, silver)")
    sentence_months: float | None = Field(
        None, ge=0, le=2400, description="remaining sentence to serve (red for a sentence: blank is returned "
        "for completion, like the penalty)")
    provided: list[Literal[FIELD_NAMES]] | None = Field(  # type: ignore[valid-type]
        None, description="form fields filled in; default: every field the kind requires")
    completes_on_request: bool = Field(True, description="the NCB supplies missing data when the NDTF asks")
    public_extract: bool = Field(False, description="the requester agrees to a public extract; never for "
                                                    "silver (an error); a un notice is always public")
    character: Literal[ARTICLE3_CHARACTERS] | None = Field(  # type: ignore[valid-type]
        None, description="ground truth, for controllers and the debrief: the case's political/military/"
                          "religious/racial character; the NDTF sees only the indications")
    human_rights_risk: bool = Field(False, description="ground truth, for controllers and the debrief: the "
                                                       "request would breach Art. 2; the NDTF sees only the indications")
    indications: list[Literal[INDICATIONS]] | None = Field(  # type: ignore[valid-type]
        None, description="what the request and open sources show the NDTF: political_context, military_context, "
                          "religious_context, racial_context, human_rights_concern; the reviewer (automated or a "
                          "person) judges Art. 2 and Art. 3 from these alone. Absent: the request shows its "
                          "ground truth (character → <character>_context, human_rights_risk → "
                          "human_rights_concern), unless concealed")
    concealed: bool = Field(False, description="the request hides its character and human-rights risk: no "
                                               "indications, so the NDTF publishes it (the training point)")
    withdraw_after: Timing | None = Field(None, description="the requester withdraws it this long after publication"
                                                           + TIMING_HELP)
    published: Past | None = Field(
        None, description="already published before the start (a diffusion: circulated), e.g. -20d or '20d ago': "
                          "live from the start without review, in MIND copies refreshed since, and its validity, "
                          "withdraw_after and ccf count from then. Instead of 'at' or 'after_inject'")
    aliases: list[str] = Field(
        default_factory=list, description="the subject's aliases this request lists (beyond the name): a border "
                                          "check finds it under the real name or one of these")
    adds_aliases: list[AliasUpdate] = Field(
        default_factory=list, description="names the requester adds to its live request later (it learnt them, "
                                          "from an SLTD hit say): from then on a check finds it under them too, "
                                          "a MIND copy after its next refresh")
    ccf: CcfChallenge | None = None
    on_return: Literal["automatic", "decision"] = Field(
        "automatic", description="when the NDTF returns the request for more: `automatic` — the NCB answers as "
                                 "completes_on_request says; `decision` — the requesting NCB's officer decides "
                                 "(decision complete_request: supply the case file's data and resubmit, withdraw the "
                                 "request, or leave it to lapse at the NDTF's deadline). On a played seat that is "
                                 "the player's own act, graded with done_by: player")
    on: OnEvent | None = Field(
        None, description="file it when something happens, instead of at a set time: {event: notice.refused, match: "
                          "{notice: N1}, delay: 6h} — the requester circulates a diffusion once its notice is "
                          "refused. In the language of objectives and of an inject's on: (comparisons, count, "
                          "done_by, seat). Filed once, at the count-th matching event plus the delay; never if "
                          "none happens. Instead of 'at' or 'after_inject'")
    measures: list[Literal[MEASURES]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="silver: what the form asks of the countries holding the assets — "
                                          "locate, identify, monitor, obtain_information; a Silver Notice is "
                                          "non-coercive, so freeze, seize or confiscate on the drafted form is "
                                          "the NCB's to strike before filing (the NDTF refuses it otherwise)")
    assets: list[AssetHolding] = Field(
        default_factory=list, description="silver: ground truth, the assets the published notice finds — each "
                                          "reported by the NCB of the country holding it, found_after its "
                                          "publication; the requesting NCB's officer then decides how to follow "
                                          "it up (decision act_on_asset)")
    case_file: CaseFile | None = Field(
        None, description="what the requesting NCB's case file really says where the form differs (a penalty "
                          "left blank or mistyped): completing the form after a return writes these values. "
                          "Absent: a blank penalty is on file and the form's other values stand")

    @field_validator("public_extract")
    @classmethod
    def _extract_allowed(cls, v: bool, info: ValidationInfo) -> bool:
        problem = public_extract_problem(info.data.get("kind", ""), v)
        if problem is not None:
            raise ValueError(problem)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Request:
        if self.concealed and self.indications:
            raise ValueError("a concealed request shows nothing: give 'indications' or 'concealed: true', not both")
        if sum(x is not None for x in (self.at, self.after_inject, self.published, self.on)) != 1:
            raise ValueError("give exactly one of 'at', 'after_inject' or 'on'" if self.published is None else
                             "a request already published has no 'at', 'after_inject' or 'on': remove them")
        allowed = PURPOSES.get(self.kind)
        if self.purpose is not None and (allowed is None or self.purpose not in allowed):
            raise ValueError(f"purpose {shown(self.purpose)} does not apply to a {self.kind} request"
                             + (f"; expected one of {', '.join(allowed)}" if allowed else ""))
        if self.kind == "diffusion" and not self.to:
            raise ValueError("a diffusion needs recipients in 'to'")
        if self.kind != "diffusion" and self.to:
            raise ValueError("only a diffusion has recipients; notices go to every NCB")
        if self.kind == "diffusion" and self.ccf is not None:
            raise ValueError("a CCF challenge applies to a published notice, not to a diffusion")
        if (self.measures or self.assets) and self.kind != "silver":
            raise ValueError("measures and assets belong to a Silver Notice request (asset tracing); "
                             f"a {self.kind} request has none")
        if self.case_file is not None and self.kind not in ("red", "diffusion", "silver"):
            raise ValueError("a case_file corrects the penalty of a red, silver or diffusion request; "
                             f"a {self.kind} request has none")
        return self

    def fields_provided(self) -> frozenset[str]:
        return frozenset(REQUIRED_FIELDS[self.kind] if self.provided is None else self.provided)

    def shows(self) -> tuple[str, ...]:
        """What the NDTF can see of an Art. 2 or Art. 3 problem (see ``indications``)."""
        if self.indications is not None:
            return tuple(dict.fromkeys(self.indications))
        return () if self.concealed else indications_of(self.character, self.human_rights_risk)


class Ndtf(Strict):
    """The Notices and Diffusions Task Force at the General Secretariat."""

    reviewers: int = Field(30, ge=1, le=1000, description="requests reviewed at the same time")
    detect_covert: Share = Field(0.85,
                                 description="chance a detailed review confirms an Art. 2 or Art. 3 problem the "
                                             "request shows (its indications); one it conceals is never found")
    doubt_share: Share = Field(0.12,
                               description="share of clean requests sent to detailed review all the same")
    info_deadline: Duration = Field(as_written("30d"), description="how long the NDTF waits for more information")
    return_below_threshold: bool = Field(
        False, description="a penalty declared below the RPD Art. 83 or Silver threshold is returned once, asking "
                           "the NCB to confirm it (a typo can be corrected, a true one withdrawn), before it is "
                           "refused; default: refused at screening")


class Ccc(Strict):
    """The Command and Coordination Centre (Lyon, Buenos Aires, Singapore; follow-the-sun)."""

    escalate_urgent: bool = Field(True, description="urgent messages to a closed NCB go through the CCC "
                                                     "to its on-call officer instead of waiting")
    decision_window: Duration = Field(
        as_written("60m"), description="how long a CCC duty officer played at a seat has to decide whether to wake "
                                       "a closed NCB for an urgent I-24/7 message (then it waits for the morning)")

    @field_validator("decision_window")
    @classmethod
    def _window_positive(cls, v: timedelta) -> timedelta:
        if v <= timedelta(0):
            raise ValueError("the decision window must be longer than zero, e.g. 60m")
        return v


PolicyName = Literal["by_the_book", "overloaded", "careless"]


class Policies(Strict):
    """How the roles nobody plays answer their decisions (a person at a seat answers for it)."""

    ncb: PolicyName = Field("by_the_book", description="every NCB officer seat")
    ndtf: PolicyName = Field("by_the_book", description="the NDTF reviewer")
    ccc: PolicyName = Field("by_the_book", description="the CCC duty officer")
    seats: dict[str, PolicyName] = Field(default_factory=dict, description="per seat, e.g. {'ncb:MA': overloaded}")


class RequestProfile(Strict):
    """How the background requests nobody plays are made (calibrated in docs/calibration.md)."""

    art2_share: Share = Field(0.003, description="requests that show a human-rights concern (Art. 2)")
    art3_share: Share = Field(0.005, description="requests that show a political context (Art. 3)")
    excluded_offence_share: Share = Field(0.008)
    below_threshold_share: Share = Field(0.012)
    incomplete_share: Share = Field(0.15, description="forms missing a required field")
    never_completed_share: Share = Field(0.2,
                                         description="of incomplete forms, those the NCB never completes")
    public_extract_share: Share = Field(0.12)


class Background(Strict):
    requests_per_year: dict[Literal[REQUEST_KINDS], PerYear] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Poisson volume of requests per kind, from random NCBs")
    profile: RequestProfile = Field(default_factory=RequestProfile)
    arrests_per_year: PerYear = Field(0, description="arrests on background Red Notices and diffusions")


class InformationRequest(Strict):
    """A request for information the case's lead NCB sends to a partner."""

    to: CountryCode
    at: Timing = Field(description="when the lead sends it, after the start" + TIMING_HELP)
    about: Identifier | None = Field(None, description="the subject it asks about")
    priority: Literal["urgent", "high", "routine"] = "routine"
    language: Literal["ar", "en", "fr", "es"] | None = Field(None, description="default: the lead's first language the partner reads")
    answer: PartnerAnswer | None = Field(
        None, description="what the partner's reply says, when nobody plays the partner: " + ANSWER_HELP + "; or "
                          "weighted alternatives drawn at the start from the seed: {one_of: [{weight: 0.7, answer: "
                          "confirms}, {weight: 0.2, answer: denies}, {weight: 0.1, answer: silent}]}. A reply that "
                          "comes still waits on the case's reply_share and reminders. Default: a reply that says "
                          "neither")


class CaseSpec(Strict):
    """Intelligence exchange across countries: requests for information, replies and reminders."""

    id: Identifier
    title: str = Field(min_length=1)
    lead: CountryCode = Field(description="the NCB that runs the case")
    partners: list[CountryCode] = Field(default_factory=list, description="NCBs the case involves")
    subjects: list[Identifier] = Field(default_factory=list)
    requests_for_information: list[InformationRequest] = Field(default_factory=list)
    reply_share: Share = Field(0.9, description="chance a partner answers without a reminder")
    reminder_after: Timing = Field(as_written("3d"), description="an unanswered request is chased after this long"
                                                                 + TIMING_HELP)
    max_reminders: int = Field(2, ge=0, le=10)


HitKind = Literal["wanted", "victim", "not_the_person"]


def _hit_mix() -> dict[HitKind, float]:
    # Liberterra II (2024, domain.md): 2,517 arrests and 3,222 victims rescued; false positives assumed.
    return {"wanted": 0.35, "victim": 0.45, "not_the_person": 0.2}


class HitReports(Strict):
    """Hits of an operation's checks that reach the NCB desks one by one, each to be triaged."""

    countries: list[CountryCode] | None = Field(
        None, description="participants whose hits are reported one by one (default: every participant); "
                          "the others' hits stay aggregate counts")
    share: Share = Field(1.0, description="share of those hits reported one by one (the rest stay counts)")
    kinds: dict[HitKind, float] = Field(
        default_factory=_hit_mix,
        description="what a reported hit turns out to be, as relative weights: a wanted person, a victim "
                    "(of trafficking, a missing child…) or a false positive (a name match that is not the "
                    "person)")
    hold: Duration = Field(
        as_written("6h"), description="how long the checkpoint can hold the person after the hit: the NCB's "
                                      "triage must send a unit (urgent) within it, or a wanted person walks "
                                      "and a victim is moved on (operation.hit_resolved outcome lost). A report "
                                      "the desk reads later than this is lost unread — a desk past capacity "
                                      "loses people")

    @field_validator("kinds")
    @classmethod
    def _weights(cls, v: dict[HitKind, float]) -> dict[HitKind, float]:
        if not v or any(w < 0 for w in v.values()) or sum(v.values()) <= 0:
            raise ValueError("give at least one kind with a positive weight, and no negative weight")
        return v


class OperationSpec(Strict):
    """A coordinated cross-border operation (Pangea-, Liberterra-, HAECHI-like)."""

    id: Identifier
    name: str = Field(min_length=1)
    kind: Literal[OPERATION_KINDS] = "custom"  # type: ignore[valid-type]
    coordinator: Literal["GS", "RB-BUE", "RB-SAL", "RB-YAO", "RB-ABJ", "RB-NBO", "RB-HRE"] = "GS"
    participants: list[CountryCode] = Field(min_length=2)
    planning_starts: Timing = Field(as_written("0m"), description="the intelligence phase begins" + TIMING_HELP)
    action_starts: Timing = Field(description="the first action day" + TIMING_HELP)
    action_days: int = Field(7, ge=1, le=60)
    intelligence_requests: int = Field(3, ge=0, le=50,
                                       description="requests for information each participant sends in planning")
    targets_per_country: int = Field(20, ge=0, le=100_000, description="people each participant could arrest")
    checks_per_day_per_country: float = Field(20_000, ge=0, le=10_000_000, description="database checks in the surge")
    hit_rate: Share = Field(1e-4, description="hits per database check")
    arrest_base: Share = Field(0.1, description="share of targets arrested without intelligence")
    arrest_gain: Share = Field(0.6, description="extra share arrested with full intelligence")
    hit_reports: HitReports | None = Field(
        None, description="hits reported one by one to the participants' desks, each a triage_hit decision "
                          "for a played NCB (urgent / routine / discard); absent: hits are only counted")

    @model_validator(mode="after")
    def _bounded(self) -> OperationSpec:
        if self.arrest_base + self.arrest_gain > 1:
            raise ValueError("arrest_base + arrest_gain cannot exceed 1")
        return self


class Incident(Strict):
    """An incident or disaster for which the country asks for an INTERPOL Incident Response Team."""

    id: Identifier
    at: Timing = Field(description="when it happens, after the start" + TIMING_HELP)
    country: CountryCode
    kind: Literal[INCIDENT_KINDS] = "disaster"  # type: ignore[valid-type]
    irt: bool = Field(True, description="the country asks for an IRT (deployed in 12-24 h, irt.deployment_time)")
    irt_requested_by: Literal["country", "ncb"] = Field(
        "country", description="who decides to ask for the IRT: `country`, it asks at once; `ncb`, the "
                               "country's NCB officer decides (a request_irt decision for its seat, open for "
                               "`irt_ask_within`; letting it lapse means national resources only)")
    irt_ask_within: Duration = Field(
        as_written("6h"), description="with `irt_requested_by: ncb`, how long the NCB officer has to ask")
    dvi: bool = Field(False, description="a disaster victim identification (DVI) operation: bodies found in the "
                                         "country with a published Black Notice are compared with the published "
                                         "Yellow Notices and identified after dvi.matching_time. With an IRT "
                                         "(`irt: true`) the operation starts when the IRT is on the ground "
                                         "(irt.deployed), and never if no IRT comes; without one (`irt: false`) "
                                         "the country's own team starts it at the incident. Bodies outside an "
                                         "operation wait for the General Secretariat's routine comparison "
                                         "(dvi.routine_matching_time)")


class MajorEvent(Strict):
    """A major event supported by an INTERPOL Major Event Support Team (IMEST)."""

    id: Identifier
    name: str = Field(min_length=1)
    country: CountryCode
    starts: Timing = Field(description="when the IMEST deploys, after the start" + TIMING_HELP)
    lasts: Timing = Field(as_written("7d"), description="how long it stays" + TIMING_HELP)
    imest: bool = Field(True, description="an IMEST supports the event (false: the event happens without one)")
    imest_requested_by: Literal["country", "ncb"] = Field(
        "country", description="who decides to ask for the IMEST: `country`, it has; `ncb`, the host NCB's "
                               "officer decides (a request_imest decision for its seat at the start, open for "
                               "`imest_ask_within`; the IMEST deploys at `starts`, or when asked if later, and "
                               "never if not asked)")
    imest_ask_within: Duration = Field(
        as_written("1d"), description="with `imest_requested_by: ncb`, how long the host NCB's officer has to ask")
    border_system: Literal["find", "mind"] | None = Field(
        None, description="while the IMEST is deployed, the host's border posts check through this system "
                          "(find: live queries of INTERPOL's databases, so a notice published an hour ago "
                          "is found; mind: an offline copy); absent: the host's own system throughout")
    prescreen: bool = Field(False, description="while the IMEST is deployed, the host screens the passengers "
                                               "of arriving flights before they land (API/PNR), as if it had "
                                               "its own passenger-data system")


class CaseFile(Strict):
    """What the requesting NCB's case file says where its drafted form differs (package B)."""

    max_penalty_years: float | None = Field(
        None, ge=0, le=200, description="the maximum penalty the law provides for the offence")
    sentence_months: float | None = Field(None, ge=0, le=2400, description="the remaining sentence to serve")


class AssetHolding(Strict):
    """An asset a Silver Notice finds, and who reports it (package B)."""

    id: Identifier = Field(description="unique among the request's assets, e.g. A1")
    held_in: CountryCode = Field(description="the country where it is held; its NCB reports it")
    description: str = Field(min_length=1, description="what it is, as the report describes it, e.g. "
                                                       "'villa in Marbella, registered to a shell company'")
    found_after: Timing = Field(as_written("3d"), description="how long after publication its NCB reports it"
                                                              + TIMING_HELP)


Request.model_rebuild()

# --- package D (funds): money a fraud moved abroad, and INTERPOL's stop-payment mechanism (I-GRIP) ---
class Funds(Strict):
    """Money a fraud moved to an account abroad, which a stop-payment request through INTERPOL's
    Global Rapid Intervention of Payments (I-GRIP) can freeze before the money mules withdraw it.

    The NCB of the victims' country (``requester``) learns of the transfer when its desk reads the
    inject ``reported_in``; it then sends a stop-payment request to the NCB where the receiving
    account is (``held_in``). That NCB passes it to the bank once its desk has read it (an urgent
    I-24/7 message: the CCC wakes a closed desk at night), and the bank freezes the account after
    ``bank_time``. Frozen before ``withdrawn_at``: journalled ``funds.stopped``; otherwise the money
    is gone at ``withdrawn_at`` (``funds.withdrawn``). A request sent to the wrong NCB finds no
    account there (``funds.not_found``)."""

    id: Identifier
    requester: CountryCode = Field(description="the NCB of the victims' country, which asks for the stop")
    held_in: CountryCode = Field(description="the country of the receiving account, whose NCB passes the "
                                             "request to the bank")
    amount_usd: float = Field(gt=0, le=1e12, description="the amount, in US dollars")
    account: str = Field("", max_length=200, description="how the account is named in the report (bank, IBAN), "
                                                         "shown to the trainee")
    reported_in: Identifier = Field(description="the inject (to the requester) that reports the transfer: once its "
                                                "desk has read it, the requester decides whether to ask for a stop")
    withdrawn_at: Timing = Field(description="when the mules withdraw the money unless the account is frozen, "
                                             "after the start" + TIMING_HELP)
    bank_time: Timing = Field(as_written("1h"), description="how long the bank takes to freeze the account once "
                                                            "the NCB there has read the request" + TIMING_HELP)
