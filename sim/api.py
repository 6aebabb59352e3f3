"""The engine's public API: what the terminal UI (and other front ends) may use, and what
researchers drive the model with from Python (``run_scenario``, ``METRICS``).

Front ends import from here only (an import-linter contract in pyproject.toml says so), so the
engine's internals can change without breaking them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from .decisions.port import Decision, DecisionError, Option
from .decisions.seats import SeatConfig
from .durations import format_minutes, minutes, parse_duration
from .engine.exercise import Exercise
from .engine.longrun import settle_for_a_session
from .engine.views import SeatView, parse_seat, view, who_knew
from .errors import InputError, Problem, RunError
from .files import OutputTarget, check_outputs, write_output_text
from .metrics import METRICS, Metric
from .notices.kinds import kind_name
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
from .scenario.cases import Request
from .scenario.loader import LoadedScenario, load_scenario
from .scenario.model import Scenario
from .sessions.runner import SessionRun, check_same_scenario, new_session
from .sessions.store import RATINGS, SessionStore, session_file_for
from .text import for_terminal, sentence_start, standalone, whole_words
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
                                                 exclude={"character", "human_rights_risk", "concealed", "indications",
                                                          *Request.NOT_ON_THE_FORM})


POLICIES = ("by_the_book", "overloaded", "careless")


def run_scenario(scenario: str | os.PathLike[str] | Scenario | LoadedScenario, *,
                 parameters: Mapping[str, Any] | None = None, seed: int = 0, replication: int = 0,
                 until: str | timedelta | None = None, policy: str | None = None,
                 metrics: Iterable[str] | None = None) -> dict[str, float | None]:
    """Run a scenario once, headless, and return its metrics: what a researcher wraps.

    This is one run of a batch (``sim.batch.runs.run_task``), so for the same scenario,
    parameters, seed, replication, stop time and policy it returns exactly the metrics that
    ``ncbsim batch`` stores for that design point and replication (and ``ncbsim run --seed N
    --replication R --set PATH=VALUE`` reproduces it). It needs no research stack.

    scenario: a scenario file (YAML), or a scenario already loaded (``load_scenario(path)``, or
        a ``Scenario`` model).
    parameters: ``{path: value}`` set in the scenario before the run, with the paths and values
        of an experiment's parameters: ``"ndtf.reviewers": 4``, ``"traffic.messages_per_ncb_per_day":
        30``, ``"parameters.mind.refresh_interval": "36h"`` (a duration is written with its unit),
        ``"requests[D1].to": ["ES"]``. See docs/research.md.
    seed: the experiment's seed (every stream is drawn from it; the scenario's own seed is not used).
    replication: which replication of that seed: replication r draws the same random numbers at
        every parameter setting (common random numbers), as in a batch.
    until: stop after this much sim time (``"7d"``, ``"36h"``, or a ``timedelta``); default the
        scenario's duration.
    policy: one policy for every role: ``"by_the_book"``, ``"overloaded"`` or ``"careless"``
        (default: the scenario's own).
    metrics: names from ``METRICS`` (default: all of them, in that order).

    Returns ``{metric: value}``; a value is None where a metric has none (``hours_to_first_arrest``
    without an arrest). Bad input raises ``InputError`` before anything runs, with one located
    ``Problem`` per mistake (a path that leads nowhere, a value the scenario refuses, an unknown
    metric); a run that fails raises ``RunError``.

    Example::

        from sim.api import run_scenario

        m = run_scenario("scenarios/fugitive-three-borders.yaml",
                         parameters={"parameters.mind.refresh_interval": "36h", "ndtf.reviewers": 2},
                         seed=1, replication=0, until="7d", metrics=["arrests", "hours_to_first_arrest"])
        # {'arrests': 1.0, 'hours_to_first_arrest': 41.487...}
    """
    from .batch.experiment import path_problem
    from .batch.plan import _scenario_problems
    from .batch.runs import RunTask, run_task
    from .scenario.loader import Located, plain_data

    problems: list[Problem] = []
    if isinstance(scenario, Scenario):
        data = scenario.model_dump(mode="json", by_alias=True)
        located = Located(data, {}, ["scenario"])
    else:
        loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
        data = plain_data(loaded.located.data)
        located = loaded.located
    where = located.files[0] if located.files else "scenario"
    overrides = dict(parameters or {})
    for path in overrides:
        if not isinstance(path, str):
            problems.append(Problem("parameters", 0, 0, "", f"a path is text, like 'ndtf.reviewers'; got {path!r}"))
        elif why := path_problem(path, data):
            problems.append(Problem("parameters", 0, 0, path, why))
    names = list(METRICS) if metrics is None else ([metrics] if isinstance(metrics, str) else list(metrics))
    for name in names:
        if name not in METRICS:
            from .batch.paths import suggest

            problems.append(Problem("metrics", 0, 0, str(name), f"not a metric{suggest(str(name), METRICS)}; "
                                                               f"known: {', '.join(METRICS)}"))
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 63:
        problems.append(Problem("seed", 0, 0, "", f"expected a whole number from 0 to 2^63 - 1, got {seed!r}"))
    # The same bound as ``ncbsim run --replication``, so every API run has its command.
    if isinstance(replication, bool) or not isinstance(replication, int) or not 0 <= replication < 2 ** 32:
        problems.append(Problem("replication", 0, 0, "", f"expected a whole number from 0 below 2^32, got {replication!r}"))
    if policy is not None and policy not in POLICIES:
        problems.append(Problem("policy", 0, 0, "", f"expected one of {', '.join(POLICIES)}, got {policy!r}"))
    until_min = None
    if until is not None:
        try:
            until_min = minutes(until if isinstance(until, timedelta) else parse_duration(until))
        except ValueError as e:
            problems.append(Problem("until", 0, 0, "", str(e)))
        else:
            if until_min < 0:  # a timedelta is not parsed, so the parser's own refusal never saw it
                problems.append(Problem("until", 0, 0, "", f"a duration cannot be negative, got {until!r}"))
    if not problems and overrides:
        # The values as the scenario loader would check them, located where the scenario has them.
        problems += _scenario_problems(data, overrides, located)
    if problems:
        raise InputError(problems)

    task = RunTask(run_id=f"{where}@{seed}/{replication}", point=0, replication=replication, overrides=overrides,
                   scenario_data=data, seed=seed, until_min=until_min, policy=policy, metrics=tuple(names))
    result = run_task(task)
    if result["run"]["status"] != "ok":
        raise RunError(f"the run failed: {result['run']['error']}")
    return {m["metric"]: m["value"] for m in result["metrics"]}


__all__ = [
    "METRICS",
    "POLICIES",
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
    "Metric",
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
    "kind_name",
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
    "run_scenario",
    "sentence_start",
    "session_file_for",
    "settle_for_a_session",
    "standalone",
    "view",
    "who_knew",
    "whole_words",
    "write_output_text",
]
