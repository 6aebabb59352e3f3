"""The compliance rules a request is reviewed against, as pure functions.

``findings(request)`` lists every rule the request breaks, with the reason code the NDTF would
give. The review process (review.py) decides which of them it actually detects and when; the
rules themselves know nothing of time or chance.

A reviewer cannot see a case's ground truth (its Art. 3 character, its Art. 2 risk): it sees
what the request and open sources show, its *indications*. ``indicated`` is what a reviewer can
conclude from them; ``indications_of`` is what a case shows when its scenario says no more.
"""

from __future__ import annotations

from dataclasses import dataclass

from .kinds import (
    ALWAYS_PUBLIC,
    ARTICLE3_CHARACTERS,
    CONTEXT_OF,
    EXCLUDED_OFFENCES,
    HUMAN_RIGHTS_CONCERN,
    NEVER_PUBLIC,
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
SILVER_COERCIVE = "silver_coercive_measure"
REASONS = (ART2, ART3, ART83_PENALTY, ART83_EXCLUDED, SILVER_PENALTY, DATA_QUALITY, REFUGEE, SILVER_COERCIVE)

# Overt rules are checked by screening every time; covert ones need a reviewer to notice them.
OVERT = (ART83_PENALTY, ART83_EXCLUDED, SILVER_PENALTY, DATA_QUALITY, REFUGEE, SILVER_COERCIVE)

# What a Silver Notice may ask of the countries holding the assets: information, never coercion
# (freezing, seizure and confiscation are judicial measures, asked by mutual legal assistance).
NON_COERCIVE_MEASURES = ("locate", "identify", "monitor", "obtain_information")
COERCIVE_MEASURES = ("freeze", "seize", "confiscate")
MEASURES = NON_COERCIVE_MEASURES + COERCIVE_MEASURES
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
             penalty_unknown_is_gap: bool = True, measures: tuple[str, ...] | list[str] = ()) -> list[Finding]:
    """Every rule the request breaks. ``character`` and ``human_rights_risk`` are the ground truth
    of the case, which the requester does not declare (for controllers and the debrief; the
    reviewer judges from ``indicated``). A penalty (or a remaining sentence) left blank is missing
    judicial data the NDTF asks the NCB to complete (RPD: a request returned for completion), not
    a penalty below the threshold; a DECLARED penalty below the threshold is refused.
    ``penalty_unknown_is_gap=False`` reads a blank penalty as below the threshold."""
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
    coercion = [m for m in measures if m in COERCIVE_MEASURES]
    if kind == "silver" and coercion:
        out.append(Finding(SILVER_COERCIVE, f"it asks to {', '.join(coercion)}: a Silver Notice asks only to locate, "
                                            "identify or monitor assets; coercive measures need a request for "
                                            "mutual legal assistance"))
    gaps = missing_fields(kind, provided) + blank
    if gaps:
        out.append(Finding(DATA_QUALITY, "missing " + ", ".join(gaps)))
    return out


def indications_of(character: str | None = None, human_rights_risk: bool = False) -> tuple[str, ...]:
    """The indications a case leaves when nothing conceals it: its character's context, and a
    human-rights concern when there is that risk."""
    out = (CONTEXT_OF[character],) if character in CONTEXT_OF else ()
    return out + ((HUMAN_RIGHTS_CONCERN,) if human_rights_risk else ())


def indicated(indications: tuple[str, ...] | list[str] | frozenset[str]) -> list[Finding]:
    """What a reviewer can conclude from what the request and open sources show: an Art. 3
    problem from a political, military, religious or racial context, an Art. 2 problem from a
    human-rights concern (in that order, as ``findings``). Nothing shown, nothing found."""
    if not indications:
        return []  # most requests of a year's run show nothing
    out = [Finding(ART3, f"the request shows a predominantly {c} character (Constitution Art. 3)")
           for c, context in CONTEXT_OF.items() if context in indications][:1]
    if HUMAN_RIGHTS_CONCERN in indications:
        out.append(Finding(ART2, "the request shows a risk of breaching the UDHR (Constitution Art. 2)"))
    return out


def public_extract_problem(kind: str, public_extract: bool) -> str | None:
    """Why a request cannot ask for a public extract, or None: a Silver Notice never has one."""
    if public_extract and kind in NEVER_PUBLIC:
        return "a Silver Notice never has a public extract (Silver Notice rule); leave public_extract false"
    return None


def is_public(kind: str, public_extract: bool) -> bool:
    """Whether the published notice has a public extract: never a Silver Notice, always a UN
    Security Council Special Notice, otherwise as the requester agreed."""
    if kind in NEVER_PUBLIC:
        return False
    return kind in ALWAYS_PUBLIC or public_extract


def _num(x: float | None) -> str:
    return "unknown" if x is None else f"{x:g}"
