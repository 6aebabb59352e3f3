"""The metrics a run is measured by, each declared once: its name, what it means, its unit and how
it is read from a run's figures.

A batch's ``metrics`` table, ``ncbsim run --metrics``, ``sim.api.run_scenario``, the what-if's
comparison of options and docs/research.md's list of metrics all derive from ``METRICS``, so a
metric added here is measured, validated and documented everywhere at once (as Mesa's
DataCollector keeps its reporters in one place).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .play.host import RunState


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    meaning: str  # what it measures, for people (docs/research.md, the experiment schema)
    unit: str  # "count", "hours" or "share": how to read the number
    label: str  # short, for a chart's title
    read: Callable[[RunState, float | None], float | int | None]  # (figures, first arrest in sim minutes)
    counts: str | None = None  # the event kind it counts, when it is a count of one kind


def _count(name: str, kind: str, meaning: str, label: str) -> Metric:
    return Metric(name, meaning, "count", label, lambda s, _first: s.counts.get(kind, 0), counts=kind)


def _notices(name: str, meaning: str, label: str, unit: str, pick: Callable[[dict[str, Any]], float]) -> Metric:
    return Metric(name, meaning, unit, label, lambda s, _first: pick(s.notice_totals()))


METRICS: dict[str, Metric] = {m.name: m for m in (
    _count("objectives_met", "objective.met", "objectives met by the end", "objectives met"),
    _count("objectives_failed", "objective.failed", "objectives failed", "objectives failed"),
    _count("arrests", "arrest.provisional", "provisional arrests", "provisional arrests"),
    _count("released", "subject.released", "people released after a hit or an arrest", "people released"),
    _count("extraditions_requested", "extradition.requested", "formal extradition requests sent",
           "extraditions requested"),
    Metric("hours_to_first_arrest", "sim hours from the start to the first provisional arrest (empty if none)",
           "hours", "hours to the first arrest", lambda _s, first: None if first is None else first / 60.0),
    _notices("notices_published", "notices published", "notices published", "count",
             lambda n: sum(n["published"].values())),
    _notices("notices_refused", "notices refused", "notices refused", "count", lambda n: sum(n["refused"].values())),
    _notices("diffusions_purged", "diffusions purged", "diffusions purged", "count",
             lambda n: sum(n["diffusions"]["purged"].values())),
    _notices("refusal_share", "share of NDTF decisions that refused or purged", "refusal share", "share",
             lambda n: n["refusal_share"]),
    Metric("messages_handled", "I-24/7 messages read", "count", "messages read", lambda s, _first: s.handled),
    Metric("messages_queued", "messages still waiting at the end", "count", "messages waiting",
           lambda s, _first: s.queued),
    _count("decisions_expired", "decision.expired", "decisions left to expire", "decisions expired"),
)}


def measure(name: str, state: RunState, first_arrest: float | None) -> float | None:
    """One metric's value as a float (None where it has none), as a batch stores it."""
    value = METRICS[name].read(state, first_arrest)
    return None if value is None else float(value)


def counted(names: tuple[str, ...], counts: Mapping[str, int]) -> dict[str, int]:
    """Metrics that count one kind of event, read from a run's event counts alone (a what-if's)."""
    out = {}
    for name in names:
        kind = METRICS[name].counts
        if kind is None:
            raise ValueError(f"{name} is not a count of one kind of event")
        out[name] = counts.get(kind, 0)
    return out


def markdown_table() -> str:
    """The metrics as docs/research.md lists them (a test keeps the two the same)."""
    rows = ["| metric | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{m.name}` | {m.unit} | {m.meaning} |" for m in METRICS.values()]
    return "\n".join(rows) + "\n"
