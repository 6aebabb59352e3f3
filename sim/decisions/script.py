"""Scripted answers, from a YAML file validated like a scenario (located errors)."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, model_validator

from ..scenario.types import Duration, Strict, as_written
from .port import Decision

DECISION_TYPES = ("file_request", "confirm_hit", "request_extradition", "answer_rfi", "escalate_urgent",
                  "deploy_irt", "review_request")


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


class Script(Strict):
    answers: list[Answer] = Field(default_factory=list)

    def match(self, d: Decision) -> Answer | None:
        for a in self.answers:
            targets = a.decision == d.id or (a.type == d.kind and a.seat in (None, d.seat))
            if targets and any(o.key == a.option for o in d.options):
                return a
        return None


def load_script(path: str | os.PathLike) -> Script:
    from ..scenario.loader import locate, validate_model

    return validate_model(locate(path, what="policy script"), Script)
