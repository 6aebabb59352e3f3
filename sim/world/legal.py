"""Extradition law and border connectivity per member (sim/data/extradition.csv), and the rule
that decides whether a country can surrender a person to another."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# No border checks between these (the Schengen area, with the micro-states whose borders are open
# to it): a fugitive crossing from France to Spain is not checked at all.
SCHENGEN = frozenset(["AT", "BE", "BG", "HR", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH", "MC", "SM", "VA"])


def checked_crossing(origin: str, entry: str) -> bool:
    return not (origin in SCHENGEN and entry in SCHENGEN)


@dataclass(frozen=True, slots=True)
class LegalFacts:
    extradites_nationals: str  # "yes", "no", or "eu" (only to EU states, under the EAW)
    frameworks: frozenset[str]
    reciprocity: bool
    border_system: str  # "find", "mind" or "none"
    transit_check: bool = False  # connecting passengers pass border control (no airside transit)
    api_pnr: bool = False  # screens arriving air passengers at departure (API/PNR)


@lru_cache(maxsize=1)
def legal_facts() -> dict[str, LegalFacts]:
    text = resources.files("sim.data").joinpath("extradition.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return {r["iso2"]: LegalFacts(r["extradites_nationals"], frozenset(x for x in r["frameworks"].split(";") if x),
                                  r["reciprocity"] == "yes", r["border_system"],
                                  transit_check=r.get("transit_check") == "yes",
                                  api_pnr=r.get("api_pnr") == "yes") for r in rows}


def legal_basis(requesting: str, requested: str, facts: dict[str, LegalFacts],
                overrides: Mapping[frozenset[str], str] | None = None) -> str | None:
    """Why ``requested`` may extradite to ``requesting`` ("treaty", "ECE", "reciprocity"…), or None."""
    pair = frozenset((requesting, requested))
    if overrides and pair in overrides:
        return "treaty" if overrides[pair] == "treaty" else None
    shared = facts[requesting].frameworks & facts[requested].frameworks
    if shared:
        return sorted(shared)[0]
    if facts[requested].reciprocity:
        return "reciprocity"
    return None


def refuses_national(requesting: str, requested: str, nationality: str | None,
                     facts: dict[str, LegalFacts], nationals: Mapping[str, str] | None = None) -> bool:
    """True when ``requested`` will not surrender one of its own nationals to ``requesting``."""
    if nationality != requested:
        return False
    rule = (nationals or {}).get(requested, facts[requested].extradites_nationals)
    if rule == "yes":
        return False
    if rule == "eu":
        return not ("EAW" in facts[requesting].frameworks and "EAW" in facts[requested].frameworks)
    return True


def refused_nationality(requesting: str, requested: str, nationalities: tuple[str, ...],
                        facts: dict[str, LegalFacts], nationals: Mapping[str, str] | None = None) -> str | None:
    """The nationality on which ``requested`` refuses to surrender the person, if any: a dual
    national is a national of each state whose nationality he holds."""
    return next((n for n in nationalities if refuses_national(requesting, requested, n, facts, nationals)), None)


# Days the requesting state has, after a provisional arrest, to send its formal extradition
# request, by the legal basis of the case. APPROXIMATIONS for simulation, not legal advice:
# ECE Art. 16(4) (18 days, at most 40); the EAW's 60-day limit for the executing decision
# (FD 2002/584/JHA Art. 17); the Inter-American (Caracas 1981) and Montevideo (1933) conventions'
# 60 days / two months; ECOWAS 1994 Art. 22 (20 days, extendable to 40); the Arab League's
# 30 days; the Minsk convention's 40 days as applied; the London Scheme's 45 days as in common-law
# statutes; SADC's 30 days; the EU-US agreement and bilateral treaties' usual 60 days; 40 days on
# reciprocity, as many national laws allow.
REQUEST_DEADLINE_DAYS = {"ECE": 40, "EAW": 60, "IAC": 60, "MONTEVIDEO": 60, "ECOWAS": 40, "ARAB": 30,
                         "CIS": 40, "LONDON": 45, "SADC": 30, "EUUS": 60, "treaty": 60, "reciprocity": 40}


def request_deadline_days(basis: str) -> int:
    """The time limit for the formal request under ``basis`` (a framework, treaty or reciprocity)."""
    return REQUEST_DEADLINE_DAYS[basis]


# Members that keep the death penalty in law and practice (after Amnesty International's list of
# retentionist countries, 2023; APPROXIMATION). Every other member refuses to extradite a person
# who faces the death penalty unless the requesting state gives assurances.
RETENTIONIST = frozenset([
    "AF", "AG", "BS", "BH", "BD", "BB", "BY", "BW", "CN", "KM", "CU", "DM", "CD", "EG", "ET", "GY", "IN", "ID",
    "IR", "IQ", "JM", "JP", "JO", "KW", "LB", "LY", "MY", "NG", "OM", "PK", "PS", "QA", "KN", "LC", "VC",
    "SA", "SG", "SO", "SS", "SD", "SY", "TH", "TT", "UG", "AE", "US", "VN", "YE"])


def bars_death_penalty(requested: str) -> bool:
    return requested not in RETENTIONIST
