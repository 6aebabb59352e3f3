"""Scripted policies, from a YAML file validated like a scenario (located errors).

A script answers decisions (``answers``: by id or by type, a delay after the decision is raised)
and gives commands at set times (``commands``: any command a person or the trainer can give,
written as its JSON — the same commands, checked by the same rules, as at a seat). Where it is
silent, decisions are answered by the book.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..scenario.types import Duration, Strict, as_written
from .port import Decision

DECISION_TYPES = ("file_request", "confirm_hit", "request_extradition", "answer_rfi", "escalate_urgent",
                  "deploy_irt", "review_request",
                  "transfer_proceedings",
                  "complete_request", "review_diffusion", "act_on_asset",
                  "apply_refugee_rule", "release_on_lost_basis",
                  "stop_payment",  # package D
                  "request_irt", "request_imest", "apply_travel_ban",
                  "triage_hit")


class Answer(Strict):
    decision: str | None = Field(None, pattern=r"^Q\d+$", description="a decision id, e.g. Q3")
    type: Literal[DECISION_TYPES] | None = Field(None, description="or every decision of this type")  # type: ignore[valid-type]
    seat: str | None = Field(None, description="limit a type match to one seat, e.g. ncb:FR")
    option: str = Field(description="the option to take")
    after: Duration = Field(as_written("10m"), description="how long after the decision is raised")

    @model_validator(mode="after")
    def _one_target(self) -> Answer:
        if (self.decision is None) == (self.type is None):
            raise ValueError("give exactly one of 'decision' or 'type'")
        return self


class ScriptedCommand(Strict):
    """A command given at a set time, as the seat (or the trainer) would give it."""

    at: Duration = Field(description="when, after the start")
    seat: str = Field(pattern=r"^(ncb:[A-Z]{2}|ndtf|ccc|trainer)$",
                      description="who gives it: ncb:FR, ndtf, ccc, or trainer (injects)")
    command: dict[str, Any] = Field(description="the command as JSON, e.g. {kind: send_message, to: [ES], text: …}; "
                                                "the kinds and their fields are in the README's Commands section")

    @field_validator("command")
    @classmethod
    def _a_command(cls, value: dict[str, Any]) -> dict[str, Any]:
        from ..play.commands import AddNote, CommandError, command_from_json

        try:
            parsed = command_from_json(value)
        except CommandError as e:
            raise ValueError(str(e)) from None
        if isinstance(parsed, AddNote):
            raise ValueError("an evaluator's note belongs to a session, not to a script")  # noqa: TRY004 -- pydantic reports ValueError
        return value

    @model_validator(mode="after")
    def _seat_fits(self) -> ScriptedCommand:
        from ..play.commands import SEAT_COMMANDS, AnswerDecision, command_from_json

        parsed = command_from_json(self.command)
        if isinstance(parsed, SEAT_COMMANDS) and self.seat == "trainer":
            raise ValueError(f"{parsed.kind} is a seat's own work: give it at a seat such as ncb:FR")
        if not isinstance(parsed, (*SEAT_COMMANDS, AnswerDecision)) and self.seat != "trainer":
            raise ValueError(f"{parsed.kind} is the trainer's: give it with seat: trainer")
        return self


class Script(Strict):
    answers: list[Answer] = Field(default_factory=list, description="answers to decisions")
    commands: list[ScriptedCommand] = Field(default_factory=list, description="commands given at set times")

    def match(self, d: Decision) -> Answer | None:
        for a in self.answers:
            targets = a.decision == d.id or (a.type == d.kind and a.seat in (None, d.seat))
            if targets and any(o.key == a.option for o in d.options):
                return a
        return None


def load_script(path: str | os.PathLike) -> Script:
    from ..scenario.loader import locate, validate_model

    return validate_model(locate(path, what="policy script"), Script)
