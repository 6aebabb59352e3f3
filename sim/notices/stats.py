"""Totals of a run's notices, diffusions and arrests, for summaries and calibration."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .arrests import Arrests
from .kinds import NOTICE_KINDS
from .registry import Registry


def _reason_key(reason: str | None) -> str:
    return reason or "unspecified"


def notice_totals(registry: Registry) -> dict[str, Any]:
    requested: Counter[str] = Counter()
    published: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    cancelled: Counter[str] = Counter()
    diffusions: Counter[str] = Counter()
    purged: Counter[str] = Counter()
    pending = 0
    for rec in registry.records.values():
        states = set(rec.moves[1::2])
        if rec.kind == "diffusion":
            diffusions["sent"] += 1
            if "compliant" in states:
                diffusions["compliant"] += 1
            if rec.state == "purged":
                purged[_reason_key(rec.reason)] += 1
            elif rec.state in ("circulated", "info_requested"):
                diffusions["awaiting_review"] += 1
            elif rec.state == "cancelled":
                diffusions["cancelled"] += 1
            continue
        requested[rec.kind] += 1
        if "published" in states:
            published[rec.kind] += 1
        if rec.state == "refused":
            refused[_reason_key(rec.reason)] += 1
        if rec.state in ("cancelled", "deleted"):
            cancelled[_reason_key(rec.reason)] += 1
        if rec.state in ("requested", "info_requested"):
            pending += 1
    decided = sum(published.values()) + sum(refused.values())
    reviewed = diffusions["compliant"] + sum(purged.values())
    refusals = sum(refused.values()) + sum(purged.values())
    order = {k: i for i, k in enumerate(NOTICE_KINDS)}
    return {
        "requested": dict(sorted(requested.items(), key=lambda kv: order[kv[0]])),
        "published": dict(sorted(published.items(), key=lambda kv: order[kv[0]])),
        "refused": dict(sorted(refused.items())),
        "in_review": pending,
        "cancelled_or_deleted": dict(sorted(cancelled.items())),
        "diffusions": {"sent": diffusions["sent"], "compliant": diffusions["compliant"],
                       "awaiting_review": diffusions["awaiting_review"], "cancelled": diffusions["cancelled"],
                       "purged": dict(sorted(purged.items()))},
        "refusal_share": round(refusals / (decided + reviewed), 4) if decided + reviewed else None,
    }


def arrest_totals(arrests: Arrests) -> dict[str, Any]:
    released: Counter[str] = Counter()
    states: Counter[str] = Counter()
    for case in arrests.cases.values():
        states[case.state] += 1
    for case in arrests.cases.values():
        if case.state == "released":
            released[case.release_reason or "unspecified"] += 1
    return {"hits_holding_a_person": len(arrests.cases), "states": dict(sorted(states.items())),
            "released": dict(sorted(released.items()))}
