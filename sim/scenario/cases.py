"""Scenario sections for people and requests: subjects, notice and diffusion requests, the NDTF,
and the background volume of requests nobody plays."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from ..notices.kinds import ALL_OFFENCES, ARTICLE3_CHARACTERS, PURPOSES, REQUEST_KINDS, REQUIRED_FIELDS
from .types import CountryCode, Duration, Identifier, Strict

FIELD_NAMES = tuple(sorted({f for fs in REQUIRED_FIELDS.values() for f in fs}))


class Identity(Strict):
    name: str = Field(min_length=1, description="family name in capitals, then given names: Marc DUVAL")
    born: date | None = Field(None, description="date of birth")
    nationality: CountryCode | None = Field(None, description="ISO code of the nationality")
    description: str = Field("", description="height, marks, languages spoken")


class Refugee(Strict):
    confirmed_by: CountryCode = Field(description="the member that confirmed refugee status")
    fearing: CountryCode = Field(description="the country the person fears; its requests are deleted")
    at: Duration = Field("0m", description="when the status is confirmed, after the start")


class Plan(Strict):
    route: list[CountryCode] = Field(min_length=1, description="countries to reach, in order")
    leaves_after: Duration = Field("0m", description="when the subject sets off, after the start")
    stay: Duration = Field("0m", description="time spent in each country of the route before moving on")


class Subject(Strict):
    id: Identifier = Field(description="unique among subjects, e.g. S1")
    kind: Literal["wanted", "missing", "person_of_interest"] = "wanted"
    identity: Identity
    location: CountryCode = Field(description="where the subject is at the start")
    document: Literal["genuine", "stolen", "forged"] = Field(
        "genuine", description="travel document used at borders; a stolen one is in SLTD")
    plan: Plan | None = Field(None, description="movement; absent means the subject stays")
    refugee: Refugee | None = Field(None, description="refugee status, which triggers the refugee rule")


class CcfChallenge(Strict):
    after: Duration = Field(description="time after publication when the person complains to the CCF")
    study: Duration = Field("120d", description="how long the CCF studies it (the notice is blocked)")
    outcome: Literal["keep", "delete"] = "delete"


class Request(Strict):
    """A notice or diffusion request an NCB makes during the exercise (a filled-in form)."""

    id: Identifier = Field(description="unique among requests, e.g. N1")
    kind: Literal[REQUEST_KINDS] = Field(description="notice colour, un, or diffusion")  # type: ignore[valid-type]
    by: CountryCode = Field(description="the requesting NCB")
    subject: Identifier | None = Field(None, description="the subject it concerns")
    at: Duration | None = Field(None, description="when the NCB submits it, after the start")
    after_inject: Identifier | None = Field(
        None, description="submit once the requesting NCB has handled this inject (plus drafting time)")
    purpose: str | None = Field(None, description="red: prosecution|sentence; diffusion: arrest|locate|information")
    to: list[CountryCode] = Field(default_factory=list, description="diffusion recipients")
    offence: Literal[ALL_OFFENCES] | None = None  # type: ignore[valid-type]
    max_penalty_years: float | None = Field(None, ge=0, le=200, description="maximum penalty of the offence")
    sentence_months: float | None = Field(None, ge=0, le=2400, description="remaining sentence to serve")
    provided: list[Literal[FIELD_NAMES]] | None = Field(  # type: ignore[valid-type]
        None, description="form fields filled in; default: every field the kind requires")
    completes_on_request: bool = Field(True, description="the NCB supplies missing data when the NDTF asks")
    public_extract: bool = Field(False, description="the requester agrees to a public extract")
    character: Literal[ARTICLE3_CHARACTERS] | None = Field(  # type: ignore[valid-type]
        None, description="ground truth, for controllers: the case's political/military/religious/racial character")
    human_rights_risk: bool = Field(False, description="ground truth: the request would breach Art. 2")
    withdraw_after: Duration | None = Field(None, description="the requester withdraws it this long after publication")
    ccf: CcfChallenge | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Request:
        if (self.at is None) == (self.after_inject is None):
            raise ValueError("give exactly one of 'at' or 'after_inject'")
        allowed = PURPOSES.get(self.kind)
        if self.purpose is not None and (allowed is None or self.purpose not in allowed):
            raise ValueError(f"purpose '{self.purpose}' does not apply to a {self.kind} request"
                             + (f"; expected one of {', '.join(allowed)}" if allowed else ""))
        if self.kind == "diffusion" and not self.to:
            raise ValueError("a diffusion needs recipients in 'to'")
        if self.kind != "diffusion" and self.to:
            raise ValueError("only a diffusion has recipients; notices go to every NCB")
        return self

    def fields_provided(self) -> frozenset[str]:
        return frozenset(REQUIRED_FIELDS[self.kind] if self.provided is None else self.provided)


class Ndtf(Strict):
    """The Notices and Diffusions Task Force at the General Secretariat."""

    reviewers: int = Field(30, ge=1, le=1000, description="requests reviewed at the same time")
    detect_covert: float = Field(0.85, ge=0, le=1,
                                 description="chance a detailed review uncovers an Art. 2 or Art. 3 problem")
    doubt_share: float = Field(0.12, ge=0, le=1,
                               description="share of clean requests sent to detailed review all the same")
    info_deadline: Duration = Field("30d", description="how long the NDTF waits for more information")


class Ccc(Strict):
    """The Command and Coordination Centre (Lyon, Buenos Aires, Singapore; follow-the-sun)."""

    escalate_urgent: bool = Field(True, description="urgent messages to a closed NCB go through the CCC "
                                                     "to its on-call officer instead of waiting")


class RequestProfile(Strict):
    """How the background requests nobody plays are made (calibrated in docs/calibration.md)."""

    art2_share: float = Field(0.003, ge=0, le=1)
    art3_share: float = Field(0.005, ge=0, le=1)
    excluded_offence_share: float = Field(0.008, ge=0, le=1)
    below_threshold_share: float = Field(0.012, ge=0, le=1)
    incomplete_share: float = Field(0.15, ge=0, le=1, description="forms missing a required field")
    never_completed_share: float = Field(0.2, ge=0, le=1,
                                         description="of incomplete forms, those the NCB never completes")
    public_extract_share: float = Field(0.12, ge=0, le=1)


class Background(Strict):
    requests_per_year: dict[Literal[REQUEST_KINDS], float] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Poisson volume of requests per kind, from random NCBs")
    profile: RequestProfile = Field(default_factory=RequestProfile)
    arrests_per_year: float = Field(0, ge=0, description="arrests on background Red Notices and diffusions")
