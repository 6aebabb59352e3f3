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


PARAMETERS: dict[str, ParameterSpec] = {
    p.name: p
    for p in (
        ParameterSpec("desk.handling_time",
                      "time an NCB officer spends on one routine I-24/7 message",
                      {"lognormal": {"median": "20m", "sigma": 0.6}}),
        ParameterSpec("desk.urgent_handling_time",
                      "time an NCB officer spends on one urgent message (read, check, act)",
                      {"lognormal": {"median": "10m", "sigma": 0.5}}),
        ParameterSpec("i247.extra_delay",
                      "delay on I-24/7 beyond link latency (gateway queues, outages)",
                      {"fixed": "0m"}),
    )
}

_adapter = TypeAdapter(Distribution)


def default_distribution(name: str):
    return _adapter.validate_python(PARAMETERS[name].default)


def distribution(overrides: dict, name: str):
    return overrides.get(name) or default_distribution(name)
