"""The engine's words as people read them: form fields by label, subjects by name, no raw values.

The engine speaks in identifiers (``S1``, ``max_penalty_years``, ``info_requested``); a trainee
at a desk reads names and labels. Everything the workstation shows from a view passes through
here before ``shown`` escapes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sim.play.views import InboxItem

FIELD_LABELS = {
    "name": "name", "born": "date of birth", "nationality": "nationality", "description": "description",
    "photo": "photograph", "charge": "charge", "law": "law (article)", "warrant": "warrant",
    "last_location": "last known location", "circumstances": "circumstances", "police_report": "police report",
    "reason": "reason", "found_at": "found at", "found_on": "found on", "criminal_activity": "criminal activity",
    "threat": "threat", "modus_operandi": "modus operandi", "asset": "asset", "un_reference": "UN reference",
    "max_penalty_years": "maximum penalty (years)", "sentence_months": "sentence left to serve (months)",
}

KIND_LABELS = {"red": "Red Notice", "yellow": "Yellow Notice", "blue": "Blue Notice", "black": "Black Notice",
               "green": "Green Notice", "orange": "Orange Notice", "purple": "Purple Notice",
               "silver": "Silver Notice", "un": "UN Special Notice", "diffusion": "Diffusion"}

MESSAGE_TYPES = {"rfi": "request for information", "rfi_reply": "answer to a request for information",
                 "info_request": "NDTF asks for more", "info_reply": "answer to the NDTF", "hit_report": "hit report",
                 "hit_confirmation": "hit confirmation", "inject": "incoming message", "message": "message",
                 "reply": "reply", "reminder": "reminder", "forwarded": "forwarded message",
                 "hit_question": "question about a hit", "hit_material": "identification material"}

# A request in one of these states is valid: it can be withdrawn, and an arrest can rest on it.
LIVE = ("published", "circulated", "compliant", "hit")

_UNDERSCORED = re.compile(r"\b(" + "|".join(k for k in FIELD_LABELS if "_" in k) + r")\b")


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def words(value: str) -> str:
    """An identifier-like value (an offence, a state, a purpose) in words."""
    return value.replace("_", " ")


def message_type(kind: str) -> str:
    return MESSAGE_TYPES.get(kind, words(kind))


class Namer:
    """Turns the engine's sentences into the trainee's: subject ids by name, fields by label."""

    def __init__(self, subjects: Mapping[str, str], countries: Mapping[str, str] | None = None) -> None:
        self.subjects = dict(subjects)
        ids = sorted(self.subjects, key=len, reverse=True)
        self._ids = re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b") if ids else None
        self.countries = dict(countries or {})
        # Only the exercise's members, as upper-case words of their own: "MA does not surrender…",
        # not the FR of a reference such as N-FR-1.
        self._codes = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, self.countries)) + r")(?![\w-])") \
            if self.countries else None

    def country(self, code: str) -> str:
        return self.countries.get(code, code)

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


def message_text(item: InboxItem, name: Namer, sender: str) -> str:
    """What a message says; for the engine's own messages, which carry no text, what they mean."""
    if item.text:
        return item.text
    about = f" about {name.subject(item.about)}" if item.about else ""
    case = f" (case {item.case})" if item.case else ""
    if item.type == "rfi":
        return f"{sender} asks for information{about}{case}. Reply to answer it."
    if item.type == "reminder":
        return f"{sender} reminds you of its request for information{about}{case}. Reply to answer it."
    if item.type == "hit_report":
        return f"{sender} reports a hit at its border{about}. Confirm or decline it before the hold time runs out."
    return f"A {message_type(item.type)} from {sender}{about}{case}."
