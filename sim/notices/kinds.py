"""Notice kinds and what a request for each must carry (RPD; domain.md).

A request is a form: the fields listed for its kind must be present for the NDTF to accept the
data quality. The penalty thresholds and the excluded offence categories are RPD Art. 83 (Red)
and the Silver Notice pilot's rule (offence punishable by at least 4 years).
"""

from __future__ import annotations

NOTICE_KINDS = ("red", "yellow", "blue", "black", "green", "orange", "purple", "silver", "un")
REQUEST_KINDS = NOTICE_KINDS + ("diffusion",)

PURPOSES = {
    "red": ("prosecution", "sentence"),
    "diffusion": ("arrest", "locate", "information"),
}
DEFAULT_PURPOSE = {"red": "prosecution", "diffusion": "arrest"}  # a form that names none

IDENTITY = ("name", "born", "nationality")
JUDICIAL = ("charge", "law", "warrant")

# The fields each kind's request form needs (beyond kind, requester and subject).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "red": IDENTITY + ("description", "photo") + JUDICIAL,
    "diffusion": IDENTITY + ("charge",),
    "yellow": IDENTITY + ("last_location", "circumstances", "police_report"),
    "blue": IDENTITY + ("reason",),
    "black": ("description", "found_at", "found_on"),
    "green": IDENTITY + ("criminal_activity",),
    "orange": ("threat",),
    "purple": ("modus_operandi",),
    "silver": IDENTITY + ("asset", "charge", "law"),
    "un": ("un_reference",),
}

# Offence categories a request may name. The excluded ones can never found a Red Notice or an
# arrest diffusion (RPD Art. 83: behavioural or cultural norms, family or private matters,
# administrative violations, private disputes).
OFFENCES = (
    "homicide", "attempted_homicide", "kidnapping", "rape", "sexual_abuse_of_children", "robbery",
    "armed_robbery", "assault", "burglary", "theft", "fraud", "money_laundering", "corruption",
    "embezzlement", "drug_trafficking", "human_trafficking", "migrant_smuggling", "terrorism",
    "arms_trafficking", "cybercrime", "counterfeiting", "environmental_crime", "tax_evasion",
    "escape_from_custody", "war_crimes",
)
EXCLUDED_OFFENCES: dict[str, str] = {
    "defamation": "behavioural or cultural norm",
    "insult": "behavioural or cultural norm",
    "honour_offence": "behavioural or cultural norm",
    "adultery": "behavioural or cultural norm",
    "drug_possession_personal_use": "behavioural or cultural norm",
    "family_dispute": "family or private matter",
    "child_custody": "family or private matter",
    "unpaid_debt": "private dispute",
    "commercial_dispute": "private dispute",
    "cheque_default": "private dispute",
    "traffic_violation": "administrative violation",
    "immigration_violation": "administrative violation",
}
ALL_OFFENCES = OFFENCES + tuple(EXCLUDED_OFFENCES)

# Art. 3: no political, military, religious or racial character.
ARTICLE3_CHARACTERS = ("political", "military", "religious", "racial")

# What a request and open sources can show the NDTF of an Art. 3 character or an Art. 2 risk. The
# reviewer judges from these, never from the case's ground truth (which it cannot see).
HUMAN_RIGHTS_CONCERN = "human_rights_concern"
CONTEXT_OF = {c: f"{c}_context" for c in ARTICLE3_CHARACTERS}  # the indication each character leaves
INDICATIONS = (*CONTEXT_OF.values(), HUMAN_RIGHTS_CONCERN)

# Public extracts (domain.md): a Silver Notice never has one; a UN Security Council Special Notice
# always does; the other kinds are public only if the requester agrees.
NEVER_PUBLIC = ("silver",)
ALWAYS_PUBLIC = ("un",)

RED_PROSECUTION_MIN_YEARS = 2.0
RED_SENTENCE_MIN_MONTHS = 6.0
SILVER_MIN_YEARS = 4.0
VALIDITY_YEARS = 5

# Kinds whose hit leads to a provisional arrest (a Red Notice, or a diffusion asking for arrest).
ARRESTING = ("red",)

KIND_NAMES = {"red": "Red Notice", "yellow": "Yellow Notice", "blue": "Blue Notice", "black": "Black Notice",
              "green": "Green Notice", "orange": "Orange Notice", "purple": "Purple Notice",
              "silver": "Silver Notice", "un": "INTERPOL-UN Security Council Special Notice",
              "diffusion": "diffusion"}


def kind_name(kind: str) -> str:
    """A request's kind as a sentence names it: "Red Notice", "UN Special Notice", "diffusion"
    (``KIND_NAMES`` gives the UN notice's formal name, for forms)."""
    return "UN Special Notice" if kind == "un" else KIND_NAMES.get(kind, kind)


def record_name(kind: str, record_id: str) -> str:
    """What a person calls a request's record in a sentence: "Red Notice N1", "diffusion D2"
    (``sentence_start`` for the head of one)."""
    return f"{kind_name(kind)} {record_id}"
