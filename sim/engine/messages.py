"""I-24/7 messages: plain slotted records, not processes, so a busy world stays cheap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PRIORITY_RANK = {"urgent": 0, "high": 1, "routine": 2}


@dataclass(slots=True)
class Message:
    id: int
    sender: str  # an NCB's ISO code, "GS", or a national body for injects
    recipient: str  # the NCB's ISO code
    kind: str  # "traffic", "forward", "inject", ...
    priority: str
    language: str
    channel: str  # "i247", "national", "phone", "email"
    sent_at: float
    subject: str = ""
    text: str = ""  # what a person wrote (an inject's text is the scenario's)
    inject: str | None = None
    case: str | None = None
    about: str | None = None  # the subject a case message concerns
    delivered_at: float = -1.0
    then: Callable[[Message], object] | None = None  # what the handler does next, once it has read it
    translated: bool = False
    via_ccc: str | None = None  # the CCC site that escalated it to an on-call officer
    on_call: bool = False  # a national message the sender took to the closed NCB's on-call officer itself

    @property
    def rank(self) -> int:
        return PRIORITY_RANK[self.priority]
