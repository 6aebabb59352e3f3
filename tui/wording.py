"""The engine's words as people read them: form fields by label, subjects by name, no raw values.

The engine speaks in identifiers (``S1``, ``max_penalty_years``, ``info_requested``); a trainee
at a desk reads names and labels. Everything the workstation shows from a view passes through
here before ``shown`` escapes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from sim.api import kind_name, sentence_start, standalone, whole_words
from sim.play.views import DecisionView, InboxItem

FIELD_LABELS = {
    "name": "name", "born": "date of birth", "nationality": "nationality", "description": "description",
    "photo": "photograph", "charge": "charge", "law": "law (article)", "warrant": "warrant",
    "last_location": "last known location", "circumstances": "circumstances", "police_report": "police report",
    "reason": "reason", "found_at": "found at", "found_on": "found on", "criminal_activity": "criminal activity",
    "threat": "threat", "modus_operandi": "modus operandi", "asset": "asset", "un_reference": "UN reference",
    "max_penalty_years": "maximum penalty (years)", "sentence_months": "sentence left to serve (months)",
}


MESSAGE_TYPES = {"rfi": "request for information", "rfi_reply": "answer to a request for information",
                 "info_request": "NDTF asks for more", "info_reply": "answer to the NDTF", "hit_report": "hit report",
                 "hit_confirmation": "hit confirmation", "inject": "incoming message", "message": "message",
                 "reply": "reply", "reminder": "reminder", "forwarded": "forwarded message",
                 "hit_question": "question about a hit", "hit_material": "identification material",
                 "sltd_hit": "SLTD hit", "hit_declined": "hit declined", "arrest_request": "request for provisional arrest",
                 "arrest_not_found": "arrest not possible", "extradition_request": "extradition request",
                 "extradition_refused": "extradition refused", "extradition_abandoned": "extradition abandoned",
                 "basis_withdrawn": "notice no longer valid", "release_notice": "release",
                 "transfer_of_proceedings": "request to prosecute", "prosecution_outcome": "prosecution outcome",
                 "national_arrest": "arrest at the border", "whereabouts": "whereabouts", "locate_hit": "person located",
                 "warning": "warning", "api_hit": "passenger data hit", "dvi_match": "victim identified",
                 "sanctions_hit": "UN sanctions hit", "operation_hit": "operation hit"}

TRAVEL = {"air": "by air", "road": "by road", "sea": "by sea", "rail": "by rail"}

# A request in one of these states is valid: it can be withdrawn, and an arrest can rest on it.
LIVE = ("published", "circulated", "compliant", "hit")

_UNDERSCORED = re.compile(r"\b(" + "|".join(k for k in FIELD_LABELS if "_" in k) + r")\b")


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


def kind_label(kind: str) -> str:
    """A request's kind as a label or a sentence's head: "Red Notice", "UN Special Notice", "Diffusion"."""
    return sentence_start(kind_name(kind).replace("_", " "))


def words(value: str) -> str:
    """An identifier-like value (an offence, a state, a purpose) in words."""
    return value.replace("_", " ")


def measure_label(measure: str) -> str:
    """A Silver request's measure, short enough for four to a line of an 80-column form."""
    return "obtain info" if measure == "obtain_information" else words(measure)


def message_type(kind: str) -> str:
    return MESSAGE_TYPES.get(kind, words(kind))


class Namer:
    """Turns the engine's sentences into the trainee's: subject ids by name, fields by label."""

    def __init__(self, subjects: Mapping[str, str], countries: Mapping[str, str] | None = None,
                 cases: Mapping[str, str] | None = None) -> None:
        self.subjects = dict(subjects)
        self.cases = dict(cases or {})
        self._ids = whole_words(self.subjects) if self.subjects else None
        self.countries = dict(countries or {})
        # Only the exercise's members, as upper-case words of their own: "MA does not surrender…",
        # not the FR of a reference such as N-FR-1.
        self._codes = standalone(self.countries) if self.countries else None

    def country(self, code: str) -> str:
        return self.countries.get(code, code)

    def sender(self, code: str) -> str:
        """Who sent a message, as a person says it: a country's NCB by the country's name, a
        border post by its country, the General Secretariat in words; anyone else as named."""
        if code == "GS":
            return "General Secretariat"
        if code.startswith("border:"):
            return f"{self.country(code.partition(':')[2])} border post"
        return self.country(code)

    def seat(self, seat: str) -> str:
        """A seat as people say it: NCB France, the NDTF, the CCC, the trainer."""
        role, _, code = seat.partition(":")
        if code:
            return f"NCB {self.country(code)}"
        return {"ndtf": "NDTF", "ccc": "CCC"}.get(role, role)

    def case(self, cid: str | None) -> str:
        """A scenario case by its title (the arrest cases of the board keep their reference)."""
        if not cid:
            return ""
        return f"“{self.cases[cid]}”" if cid in self.cases else cid

    def engine(self, text: str) -> str:
        """The engine's own sentence (a refusal, a case's history) with people and countries by
        name. Not for what people wrote: their country codes stay as they typed them."""
        text = self(text)
        return self._codes.sub(lambda m: self.countries[m.group(1)], text) if self._codes is not None else text

    def subject(self, sid: str | None) -> str:
        if not sid:
            return ""
        return self.subjects.get(sid, sid)

    def __call__(self, text: str) -> str:
        if self._ids is not None:
            text = self._ids.sub(lambda m: self.subjects[m.group(1)], text)
        return _UNDERSCORED.sub(lambda m: FIELD_LABELS[m.group(1)], text)


def _reference(item: InboxItem) -> str:
    """The notice or diffusion a message rests on, by kind and reference: "diffusion D1"."""
    if not item.reference:
        return ""
    kind = item.notice_kind
    label = "" if kind in ("", "notice") else kind_label(kind).replace("Diffusion", "diffusion")
    return f"{label or 'notice'} {item.reference}"


def when(iso: str) -> str:
    """A UTC instant as people read it: Tue 3 Mar 20:25 UTC."""
    t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return f"{t:%a} {t.day} {t:%b %H:%M} UTC"


def message_text(item: InboxItem, name: Namer, sender: str) -> str:
    """What a message says; for the engine's own messages, which carry no text, what they mean:
    who, where, when, on which notice, and what the reader is asked to do."""
    if item.text:
        return item.text
    person = name.subject(item.about) or "a person"
    about = f" about {person}" if item.about else ""
    case = f" (case {name.case(item.case)})" if item.case else ""
    if item.type == "rfi":
        return f"{sender} asks for information{about}{case}. Reply to answer it."
    if item.type == "reminder":
        return f"{sender} reminds you of its request for information{about}{case}. Reply to answer it."
    if item.type in ("hit_report", "sltd_hit", "hit_confirmation") and item.where:
        place = name.country(item.where)
        came = (f", arriving {TRAVEL.get(item.travel, item.travel)} from {name.country(item.came_from)}"
                if item.came_from else "")
        at = when(item.seen_at) if item.seen_at else "just now"
        on = _reference(item) or "a notice"
        if item.type == "sltd_hit":
            doc = f" ({words(item.document)})" if item.document else ""
            return (f"The {place} border post checked {person}{came}, on {at}: the travel document is listed in "
                    f"INTERPOL's SLTD database{doc}. Check it and decide what follows.")
        if item.type == "hit_confirmation":
            return (f"{sender} confirms the hit on {person} ({on}), checked at your border on {at}{came}: the "
                    f"person is wanted and extradition will be requested. Arrest the person provisionally.")
        if item.sender.startswith("border:"):
            return (f"Hit at the border: {person}{came} was stopped on {at}; the check found {on}. Check it with "
                    f"the General Secretariat and report it to the NCB that asked.")
        return (f"{sender} reports a hit on {person}: stopped at its border on {at}{came}; the check found your "
                f"{on}. The person is held: confirm or decline the hit before the hold time runs out.")
    if item.type == "hit_report":
        return f"{sender} reports a hit at its border{about}. Confirm or decline it before the hold time runs out."
    if item.type == "hit_confirmation":
        return f"{sender} confirms the hit{about}: the person is wanted. Arrest the person provisionally."
    if item.type == "sltd_hit":
        return f"{sender}: a travel document checked at the border is listed in INTERPOL's SLTD database."
    if item.type == "arrest_request":
        on = f", on its {_reference(item)}" if item.reference else ""
        return f"{sender} asks you to arrest {person} provisionally{on}."
    if item.type == "info_reply":
        return f"{sender} answers the request for more information{about}: the request comes back completed."
    return f"A {message_type(item.type)} from {sender}{about}{case}."


def decision_short(d: DecisionView, name: Namer) -> str:
    """A waiting decision in a few words, for the status line: "Morocco's hit on Marc DUVAL"."""
    c = d.context
    person = name.subject(str(c["subject"])) if c.get("subject") else ""
    country = name.country(str(c["country"])) if c.get("country") else ""
    on = f" on {person}" if person else ""
    if d.kind == "file_request":
        return f"filing {kind_label(str(c.get('notice_kind', 'red')))} {c.get('request', '')}".rstrip()
    if d.kind == "confirm_hit":
        return f"{country}'s hit{on}" if country else f"a hit{on}"
    if d.kind == "request_extradition":
        return f"the extradition of {person}" if person else "an extradition request"
    if d.kind == "transfer_proceedings":
        return f"asking {country} to prosecute {person}".replace("  ", " ") if country else "a request to prosecute"
    if d.kind == "answer_rfi":
        return f"a request for information{' about ' + person if person else ''}"
    if d.kind == "review_request":
        return f"reviewing request {c.get('request') or c.get('notice') or ''}".rstrip()
    if d.kind == "escalate_urgent":
        return "an urgent message to pass on"
    if d.kind == "deploy_irt":
        return "sending an incident response team"
    if d.kind == "apply_refugee_rule":
        return f"the refugee rule{on}"
    if d.kind == "release_on_lost_basis":
        return f"releasing {person}" if person else "a release"
    if d.kind == "act_on_asset":
        return f"an asset {country + ' ' if country else ''}reports{on}".replace("  ", " ")
    if d.kind == "review_diffusion":
        return f"reviewing diffusion {c.get('request') or ''}".rstrip()
    if d.kind == "complete_request":
        return f"request {c.get('request', '')} returned by the NDTF".replace("  ", " ")
    if d.kind == "stop_payment":  # package D
        return f"a stop-payment request for transfer {c.get('funds', '')}".rstrip()
    if d.kind == "request_irt":
        return "asking for an incident response team"
    if d.kind == "request_imest":
        return "asking for a major event support team"
    if d.kind == "triage_hit":
        return f"an operation hit to triage ({c.get('hit', '')})"
    if d.kind == "apply_travel_ban":
        return f"a UN travel ban{' on ' + person if person else ''} at your border"
    return words(d.kind)


BY = {"person": "you", "policy": "the automation", "trainer": "the trainer", "default": "the default"}


def decision_line(e: Mapping, prompts: Mapping[str, str]) -> str | None:
    """A decision event in the seat's log, by its question (never its id); None for other events.
    ``prompts``: each decision's question, from its ``decision.requested`` event."""
    k = e["kind"]
    question = prompts.get(str(e.get("decision")), words(str(e.get("type", "a decision"))))
    if k == "decision.requested":
        return f"Asked: {question}"
    if k == "decision.made":
        who = BY.get(str(e.get("by", "")), "someone")
        return f"“{question}” — answered {words(str(e['option']))} by {who}"
    if k == "decision.expired":
        return f"“{question}” — not answered in time: the default applied ({words(str(e['applied']))})"
    return None
