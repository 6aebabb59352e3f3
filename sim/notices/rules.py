"""The compliance rules a request is reviewed against, as pure functions.

``findings(request)`` lists every rule the request breaks, with the reason code the NDTF would
give. The review process (review.py) decides which of them it actually detects and when; the
rules themselves know nothing of time or chance.
"""

from __future__ import annotations

from dataclasses import dataclass

from .kinds import (
    ARTICLE3_CHARACTERS,
    EXCLUDED_OFFENCES,
    RED_PROSECUTION_MIN_YEARS,
    RED_SENTENCE_MIN_MONTHS,
    REQUIRED_FIELDS,
    SILVER_MIN_YEARS,
)

# Reason codes, as journal `reason` values of notice.refused and diffusion.reviewed.
ART2 = "art2_human_rights"
ART3 = "art3_neutrality"
ART83_PENALTY = "art83_penalty_threshold"
ART83_EXCLUDED = "art83_excluded_offence"
SILVER_PENALTY = "silver_penalty_threshold"
DATA_QUALITY = "data_quality"
REFUGEE = "refugee_rule"
REASONS = (ART2, ART3, ART83_PENALTY, ART83_EXCLUDED, SILVER_PENALTY, DATA_QUALITY, REFUGEE)

# Overt rules are checked by screening every time; covert ones need a reviewer to notice them.
OVERT = (ART83_PENALTY, ART83_EXCLUDED, SILVER_PENALTY, DATA_QUALITY, REFUGEE)
COVERT = (ART2, ART3)


@dataclass(frozen=True, slots=True)
class Finding:
    reason: str
    detail: str


def missing_fields(kind: str, provided: frozenset[str] | set[str]) -> list[str]:
    return [f for f in REQUIRED_FIELDS[kind] if f not in provided]


def findings(kind: str, *, purpose: str | None = None, offence: str | None = None,
             max_penalty_years: float | None = None, sentence_months: float | None = None,
             provided: frozenset[str] | set[str] = frozenset(), character: str | None = None,
             human_rights_risk: bool = False, requester: str = "",
             refugee_protection_from: frozenset[str] | set[str] = frozenset(),
             penalty_unknown_is_gap: bool = False) -> list[Finding]:
    """Every rule the request breaks. ``character`` and ``human_rights_risk`` are the ground truth
    of the case, which the requester does not declare. With ``penalty_unknown_is_gap`` (a form a
    person fills in), a penalty left blank is missing data the NDTF asks for, not a penalty below
    the threshold."""
    out: list[Finding] = []
    if character in ARTICLE3_CHARACTERS:
        out.append(Finding(ART3, f"the case has a predominantly {character} character (Constitution Art. 3)"))
    if human_rights_risk:
        out.append(Finding(ART2, "the request would breach the spirit of the UDHR (Constitution Art. 2)"))
    if requester and requester in refugee_protection_from:
        out.append(Finding(REFUGEE, f"the person has refugee status confirmed against {requester}"))
    coercive = kind == "red" or (kind == "diffusion" and purpose == "arrest")
    blank: list[str] = []
    if (coercive or kind == "silver") and offence in EXCLUDED_OFFENCES:
        out.append(Finding(ART83_EXCLUDED, f"{offence.replace('_', ' ')} is excluded: "
                                           f"{EXCLUDED_OFFENCES[offence]} (RPD Art. 83)"))
    if coercive:
        if purpose == "sentence" or (kind == "diffusion" and sentence_months is not None):
            if sentence_months is None and penalty_unknown_is_gap:
                blank.append("sentence_months")
            elif sentence_months is None or sentence_months < RED_SENTENCE_MIN_MONTHS:
                out.append(Finding(ART83_PENALTY, f"remaining sentence {_num(sentence_months)} months is below "
                                                  f"{RED_SENTENCE_MIN_MONTHS:g} months (RPD Art. 83)"))
        elif max_penalty_years is None and penalty_unknown_is_gap:
            blank.append("max_penalty_years")
        elif max_penalty_years is None or max_penalty_years < RED_PROSECUTION_MIN_YEARS:
            out.append(Finding(ART83_PENALTY, f"maximum penalty {_num(max_penalty_years)} years is below "
                                              f"{RED_PROSECUTION_MIN_YEARS:g} years (RPD Art. 83)"))
    if kind == "silver" and max_penalty_years is None and penalty_unknown_is_gap:
        blank.append("max_penalty_years")
    elif kind == "silver" and (max_penalty_years is None or max_penalty_years < SILVER_MIN_YEARS):
        out.append(Finding(SILVER_PENALTY, f"maximum penalty {_num(max_penalty_years)} years is below "
                                           f"{SILVER_MIN_YEARS:g} years (Silver Notice rule)"))
    gaps = missing_fields(kind, provided) + blank
    if gaps:
        out.append(Finding(DATA_QUALITY, "missing " + ", ".join(gaps)))
    return out


def _num(x: float | None) -> str:
    return "unknown" if x is None else f"{x:g}"
