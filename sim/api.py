"""The engine's public API: what the terminal UI (and other front ends) may use.

Front ends import from here only (an import-linter contract in pyproject.toml says so), so the
engine's internals can change without breaking them.
"""

from __future__ import annotations

from .decisions.port import Decision, DecisionError, Option
from .decisions.seats import SeatConfig
from .durations import format_minutes, minutes, parse_duration
from .engine.exercise import Exercise
from .engine.views import SeatView, parse_seat, view, who_knew
from .errors import InputError, Problem, RunError
from .files import OutputTarget, check_outputs, write_output_text
from .play.commands import (
    VERDICTS,
    AddInject,
    AddNote,
    AnswerDecision,
    Command,
    CommandError,
    FireInject,
    HoldInject,
    ReleaseInject,
    RescheduleInject,
    ValidateExpectation,
    command_from_json,
)
from .play.host import Accepted, Outcome, PlayHost, Refused
from .play.views import CaseFile, DecisionView, InboxItem, InjectRow, Seen
from .report.debrief import build as build_debrief
from .report.describe import describe, is_key, local_time
from .report.render import html as render_html
from .report.render import markdown as render_markdown
from .scenario.loader import LoadedScenario, load_scenario
from .scenario.model import Scenario
from .sessions.runner import SessionRun, check_same_scenario, new_session
from .sessions.store import RATINGS, SessionStore, session_file_for
from .text import for_terminal
from .world import all_members, all_offices


def request_checks(scenario: Scenario, request_id: str) -> list[str]:
    """What the review rules would say of a request form as drafted — the overt rules only
    (a case's political character is for the trainee to see, not for a checklist to flag)."""
    from .notices.filing import _findings
    from .notices.rules import OVERT

    req = next((r for r in scenario.requests if r.id == request_id), None)
    if req is None:
        return []
    _, found = _findings(req, req.fields_provided())
    return [f.detail for f in found if f.reason in OVERT]


def request_form(scenario: Scenario, request_id: str) -> dict:
    req = next((r for r in scenario.requests if r.id == request_id), None)
    # The case's truth (and whether it is concealed) is the controllers'; indications are not a form field.
    return {} if req is None else req.model_dump(mode="json", by_alias=True, exclude_none=True,
                                                 exclude={"character", "human_rights_risk", "concealed", "indications"})


__all__ = [
    "RATINGS",
    "VERDICTS",
    "Accepted",
    "AddInject",
    "AddNote",
    "AnswerDecision",
    "CaseFile",
    "Command",
    "CommandError",
    "Decision",
    "DecisionError",
    "DecisionView",
    "Exercise",
    "FireInject",
    "HoldInject",
    "InboxItem",
    "InjectRow",
    "InputError",
    "LoadedScenario",
    "Option",
    "Outcome",
    "OutputTarget",
    "PlayHost",
    "Problem",
    "Refused",
    "ReleaseInject",
    "RescheduleInject",
    "RunError",
    "Scenario",
    "SeatConfig",
    "SeatView",
    "Seen",
    "SessionRun",
    "SessionStore",
    "ValidateExpectation",
    "all_members",
    "all_offices",
    "build_debrief",
    "check_outputs",
    "check_same_scenario",
    "command_from_json",
    "describe",
    "for_terminal",
    "format_minutes",
    "is_key",
    "load_scenario",
    "local_time",
    "minutes",
    "new_session",
    "parse_duration",
    "parse_seat",
    "render_html",
    "render_markdown",
    "request_checks",
    "request_form",
    "session_file_for",
    "view",
    "who_knew",
    "write_output_text",
]
