"""Model parameters a scenario may override under ``parameters:``, with their defaults.

Each is a distribution of durations. Experiments address them by name; keeping the list in one
table means the linter, the schema docs and the engine agree on what exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter

from .types import Distribution


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    help: str
    default: dict
    positive: bool = False  # every draw must be longer than zero (an interval that repeats)


PARAMETERS: dict[str, ParameterSpec] = {
    p.name: p
    for p in (
        ParameterSpec("desk.handling_time",
                      "time an NCB officer spends on one routine I-24/7 message",
                      {"lognormal": {"median": "20m", "sigma": 0.6}}),
        ParameterSpec("desk.urgent_handling_time",
                      "time an NCB officer spends on one urgent message (read, check, act)",
                      {"lognormal": {"median": "10m", "sigma": 0.5}}),
        ParameterSpec("desk.translation_time",
                      "extra time for a message outside the NCB's working languages",
                      {"lognormal": {"median": "40m", "sigma": 0.6}}),
        ParameterSpec("ccc.escalation_time",
                      "time for the CCC to reach a closed NCB's on-call officer about an urgent message",
                      {"lognormal": {"median": "45m", "sigma": 0.5}}),
        ParameterSpec("desk.on_call_time",
                      "time for a border post or national authority to reach a closed NCB's on-call officer "
                      "about an urgent national message (the CCC never sees those)",
                      {"lognormal": {"median": "45m", "sigma": 0.5}}),
        ParameterSpec("i247.extra_delay",
                      "delay on I-24/7 beyond link latency (gateway queues, outages)",
                      {"fixed": "0m"}),
        ParameterSpec("ncb.drafting_time",
                      "time an NCB takes to draft a request or answer the NDTF, after reading the trigger",
                      {"lognormal": {"median": "3h", "sigma": 0.6}}),
        ParameterSpec("case.research_time",
                      "time a partner NCB needs to research an answer to a request for information",
                      {"lognormal": {"median": "1d", "sigma": 0.7}}),
        ParameterSpec("irt.deployment_time",
                      "time from an IRT request to the team on the ground",
                      {"uniform": {"low": "12h", "high": "24h"}}),
        ParameterSpec("ndtf.screening_time",
                      "registration and screening of a request at the General Secretariat (calendar time)",
                      {"lognormal": {"median": "2d", "sigma": 0.8}}),
        ParameterSpec("ndtf.detailed_review_time",
                      "detailed review of a request in doubt (calendar time; the long tail of publication)",
                      {"lognormal": {"median": "12d", "sigma": 1.1}}),
        ParameterSpec("ndtf.work_time",
                      "a reviewer's hands-on time per request (holds one of the NDTF's reviewers)",
                      {"lognormal": {"median": "40m", "sigma": 0.5}}),
        ParameterSpec("ndtf.diffusion_review_time",
                      "time until the NDTF reviews a diffusion after it was circulated",
                      {"lognormal": {"median": "1d", "sigma": 0.7}}),
        ParameterSpec("mind.refresh_interval",
                      "interval between refreshes of a country's MIND offline copy",
                      {"uniform": {"low": "24h", "high": "48h"}}, positive=True),
        ParameterSpec("border.hold_time",
                      "how long a border post can hold a person after a hit while the requester confirms",
                      {"fixed": "24h"}),
        ParameterSpec("extradition.deadline",
                      "time after a provisional arrest by which the formal extradition request must arrive; "
                      "unset, each legal basis has its own (ECE 40 days, bilateral treaties 60, reciprocity 40…)",
                      {"fixed": "40d"}),
        ParameterSpec("extradition.preparation_time",
                      "time the requesting country needs to send the formal extradition request",
                      {"lognormal": {"median": "16d", "sigma": 0.5}}),
        ParameterSpec("extradition.proceedings",
                      "court and ministry proceedings from the formal request to the surrender",
                      {"lognormal": {"median": "60d", "sigma": 0.6}}),
        ParameterSpec("prosecution.decision_time",
                      "time the prosecutors of a state that kept its national take to open proceedings or decline",
                      {"lognormal": {"median": "14d", "sigma": 0.6}}),
        ParameterSpec("dvi.matching_time",
                      "time a disaster victim identification operation (incidents with dvi) needs to match a "
                      "body's Black Notice with a missing person's Yellow Notice, once both are published",
                      {"lognormal": {"median": "3d", "sigma": 0.5}}),
        ParameterSpec("dvi.routine_matching_time",
                      "time the General Secretariat's routine comparison of Black and Yellow Notices needs to "
                      "find a match when no DVI operation runs in the body's country",
                      {"lognormal": {"median": "21d", "sigma": 0.6}}),
    )
}

_adapter = TypeAdapter(Distribution)


def default_distribution(name: str):
    return _adapter.validate_python(PARAMETERS[name].default)


def distribution(overrides: dict, name: str):
    return overrides.get(name) or default_distribution(name)
