"""Scenario types for a world already in motion at the start: times before the start, travel
documents, and provisional arrests under way.

A time before the start is written ``-20d`` or ``20d ago`` (the two read the same); it is held as
the positive timedelta *before* the start. A signed offset (``reported: -30d`` or ``reported:
2d``) may fall on either side of the start.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema, model_validator

from ..durations import DURATION_HELP, format_duration, parse_duration
from ..errors import shown
from .types import MAX_DURATION, CountryCode, Identifier, Strict

PAST_HELP = "a time before the start, like -20d or '20d ago' (0m: at the start)"
PAST_PATTERN = r"^\s*(-\s*)?((\d+(\.\d+)?\s*[smhdw]\s*)+)(\s*ago)?\s*$"


def _split(value: Any) -> tuple[bool, timedelta]:
    """(written as before the start, how far from the start)."""
    if isinstance(value, timedelta):
        return value < timedelta(0), abs(value)
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(f"expected {PAST_HELP}")  # noqa: TRY004 (pydantic wants ValueError)
    text = value.strip()
    before = False
    if text.startswith("-"):
        before, text = True, text[1:].strip()
    if text.endswith("ago"):
        if before:
            raise ValueError(f"{shown(value)} says 'before' twice; write -20d or '20d ago'")
        before, text = True, text[:-3].strip()
    try:
        td = parse_duration(text)
    except ValueError as e:
        raise ValueError(f"{shown(value)} is not {PAST_HELP}") from e
    if td > MAX_DURATION:
        raise ValueError(f"{shown(value)} is more than ten years from the start; expected {PAST_HELP}")
    return before, td


def _past(value: Any) -> timedelta:
    before, td = _split(value)
    if not before and td != timedelta(0):
        raise ValueError(f"{shown(value)} is after the start; a time before the start is written "
                         f"-{format_duration(td)} or '{format_duration(td)} ago'")
    return td


def _offset(value: Any) -> timedelta:
    before, td = _split(value)
    return -td if before else td


def _show_past(td: timedelta) -> str:
    return "0m" if td == timedelta(0) else "-" + format_duration(td)


def _show_offset(td: timedelta) -> str:
    return "-" + format_duration(-td) if td < timedelta(0) else format_duration(td)


Past = Annotated[
    timedelta,
    BeforeValidator(_past),
    PlainSerializer(_show_past, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": PAST_PATTERN, "description": PAST_HELP,
                    "examples": ["-20d", "20d ago", "-6h"]}),
]
"""How long before the start something happened (held as a positive timedelta)."""

Offset = Annotated[
    timedelta,
    BeforeValidator(_offset),
    PlainSerializer(_show_offset, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": PAST_PATTERN,
                    "description": f"a time before the start (-30d, '30d ago') or after it ({DURATION_HELP})",
                    "examples": ["-30d", "30d ago", "2d"]}),
]
"""A time relative to the start, before (negative) or after it."""


DOCUMENT_STATUSES = ("genuine", "stolen", "lost", "forged")
IN_SLTD = ("stolen", "lost")


class TravelDocument(Strict):
    """A travel document the subject holds. A stolen or lost one is in SLTD (the issuing country's
    report) from ``reported``; a forged one is in no database, and is checked under the name
    printed in it: a notice finds the person only under a name it lists."""

    id: Identifier = Field(description="unique among the subject's documents, e.g. P1; plan.document names it")
    type: Literal["passport", "id_card", "travel_document"] = Field("passport", description="what it is")
    number: str = Field("", description="the document number, as printed (shown to players; not checked)")
    issued_by: CountryCode | None = Field(None, description="the issuing country; default: the subject's "
                                                            "nationality")
    status: Literal["genuine", "stolen", "lost", "forged"] = Field(
        "genuine", description="genuine; stolen or lost (in SLTD once reported); forged (in no database)")
    name: str | None = Field(None, description="the name printed in it: the subject's real name (default) or "
                                               "one of identity.aliases")
    reported: Offset | None = Field(
        None, description="stolen or lost only: when the issuing country entered it in SLTD, before the start "
                          "(-30d) or during the exercise (2d); default: before the start, so it is in SLTD "
                          "throughout")

    @model_validator(mode="after")
    def _reported_only_when_reported(self) -> TravelDocument:
        if self.reported is not None and self.status not in IN_SLTD:
            raise ValueError(f"only a stolen or lost document is reported to SLTD; this one is {self.status} — "
                             "remove 'reported' or set status: stolen")
        return self


class ArrestSpec(Strict):
    """A provisional arrest already under way at the start: the person is held in ``country`` on
    a notice or diffusion published before the arrest, and the time limit for the formal
    extradition request counts from the arrest, not from the start. Cases listed here are
    numbered first (A1, A2… in this order)."""

    subject: Identifier = Field(description="the person held")
    request: Identifier = Field(description="the request (a Red Notice or an arrest diffusion) the arrest rests "
                                            "on; it must be published before the arrest (requests[].published)")
    country: CountryCode | None = Field(None, description="where the person is held; default: the subject's "
                                                          "location, which it must equal")
    since: Past = Field(description="when the person was arrested, before the start: -12d or '12d ago'")
    extradition_requested: Past | None = Field(
        None, description="when the arresting NCB received the formal extradition request, before the start "
                          "(after the arrest); absent: the requester must still send it before the deadline")
    papers: list[Literal["warrant", "facts", "law", "identity", "translation"]] | None = Field(
        None, description="what that formal request held; default: every document the case needs")

    @model_validator(mode="after")
    def _in_order(self) -> ArrestSpec:
        if self.extradition_requested is not None and self.extradition_requested > self.since:
            raise ValueError(f"the formal request (-{format_duration(self.extradition_requested)}) cannot come "
                             f"before the arrest (-{format_duration(self.since)})")
        if self.papers is not None and self.extradition_requested is None:
            raise ValueError("papers are those of a formal request already sent: give extradition_requested too")
        return self
