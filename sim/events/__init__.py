"""The journal's event kinds, declared once: fields, types, allowed values, wording (design principle 9)."""

from .registry import (
    CAUSES,
    CHANNELS,
    DECISIONS,
    KINDS,
    EventKind,
    FieldSpec,
    Scope,
    event_kinds,
    match_problems,
    objective_kinds,
)

__all__ = ["CAUSES", "CHANNELS", "DECISIONS", "KINDS", "EventKind", "FieldSpec", "Scope", "event_kinds", "match_problems",
           "objective_kinds"]
