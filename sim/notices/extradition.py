"""The requested state's decision on extradition, as pure functions: the grounds on which it
refuses, each with where its fact comes from (the shipped data or the scenario).

The grounds are the usual ones of extradition law (see docs/scenarios.md, "After the hit"):
political offence, non-refoulement, nationality, death penalty without assurances, lapse of time,
no double criminality, and documents that do not make a formal request. The arrest process
(arrests.py) asks at the instant the court decides; nothing here knows of time or chance.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..world.legal import LegalFacts, bars_death_penalty, refused_nationality

if TYPE_CHECKING:
    from ..scenario.cases import Subject

# Refusal grounds (journal `ground` of extradition.refused), in the order a court weighs them.
POLITICAL = "political_offence"
REFOULEMENT = "non_refoulement"
NATIONALITY = "nationality"
DEATH_PENALTY = "death_penalty"
LAPSE = "lapse_of_time"
DOUBLE_CRIMINALITY = "no_double_criminality"
DOCUMENTS = "insufficient_documents"
NO_BASIS = "no_legal_basis"
GROUNDS = (POLITICAL, REFOULEMENT, NATIONALITY, DEATH_PENALTY, LAPSE, DOUBLE_CRIMINALITY, DOCUMENTS, NO_BASIS)

# What a formal request is made of (after ECE Art. 12): the warrant or judgment, a statement of
# the facts, the text of the law, the person's description; and a translation into a language
# the requested state works in when the two share none (ECE Art. 23).
PAPERS = ("warrant", "facts", "law", "identity", "translation")
PAPER_NAMES = {"warrant": "the warrant or judgment", "facts": "a statement of the facts",
               "law": "the text of the law and its penalty", "identity": "the person's description",
               "translation": "a translation"}


@dataclass(frozen=True, slots=True)
class Ground:
    reason: str  # one of GROUNDS
    detail: str  # for people
    source: str  # where the fact comes from: the scenario's field or the shipped data


def required_papers(requesting_languages: Collection[str], requested_languages: Collection[str]) -> tuple[str, ...]:
    shared = set(requesting_languages) & set(requested_languages)
    return PAPERS if not shared else PAPERS[:-1]


def refusal_grounds(requesting: str, requested: str, subject: Subject, *, refugee_from: Collection[str],
                    political: bool, papers: Collection[str], needed: Collection[str],
                    facts: dict[str, LegalFacts], nationals: Mapping[str, str] | None = None) -> list[Ground]:
    """Every ground on which ``requested`` refuses to surrender ``subject`` to ``requesting`` now.
    ``refugee_from``: the countries the person's confirmed refugee status protects him from;
    ``political``: the request itself has a political character; ``papers``: what the formal
    request holds, against what is ``needed``."""
    sid, law = subject.id, subject.law
    out: list[Ground] = []
    if law.political_offence or political:
        where = f"subjects.{sid}.law.political_offence" if law.political_offence else "the request's character"
        out.append(Ground(POLITICAL, "the offence is political", f"scenario: {where}"))
    if requesting in refugee_from:
        out.append(Ground(REFOULEMENT, f"the person has refugee status against {requesting}",
                          f"scenario: subjects.{sid}.refugee"))
    elif requesting in law.persecution_risk_in:
        out.append(Ground(REFOULEMENT, f"the person risks persecution or torture in {requesting}",
                          f"scenario: subjects.{sid}.law.persecution_risk_in"))
    national = refused_nationality(requesting, requested, subject.nationalities, facts, nationals)
    if national is not None:
        where = ("scenario: world.extradites_nationals" if nationals and requested in nationals
                 else f"data: extradites_nationals={facts[requested].extradites_nationals} for {requested} "
                      f"(sim/data/extradition.csv)")
        out.append(Ground(NATIONALITY, f"{requested} does not surrender its own nationals", where))
    if requesting in law.death_penalty_in and requesting not in law.assurances_from and bars_death_penalty(requested):
        out.append(Ground(DEATH_PENALTY, f"the offence carries the death penalty in {requesting}, without assurances",
                          f"scenario: subjects.{sid}.law.death_penalty_in; data: {requested} has no death penalty "
                          f"(sim/world/legal.py)"))
    barred = [c for c in (requested, requesting) if c in law.time_barred_in]
    if barred:
        out.append(Ground(LAPSE, f"the offence is time-barred under the law of {barred[0]}",
                          f"scenario: subjects.{sid}.law.time_barred_in"))
    if requested in law.not_an_offence_in:
        out.append(Ground(DOUBLE_CRIMINALITY, f"the conduct is no offence in {requested}",
                          f"scenario: subjects.{sid}.law.not_an_offence_in"))
    missing = [p for p in needed if p not in papers]
    if missing:
        out.append(Ground(DOCUMENTS, "the formal request lacks " + ", ".join(PAPER_NAMES[p] for p in missing),
                          "the documents sent"))
    return out
