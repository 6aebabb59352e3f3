"""Scoring inject expectations (the MSEL's "expected action") against the journal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

Event = dict[str, Any]
CASE_TYPES = {"rfi", "rfi_reply", "reminder", "info_reply", "hit_report", "hit_confirmation"}


def dt(t: str) -> datetime:
    return datetime.fromisoformat(t.replace("Z", "+00:00"))


def iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def _evidence(action: str, ncb: str, e: Event) -> bool:
    kind, seat = e["kind"], f"ncb:{ncb}"
    if action == "acknowledge":
        return kind == "message.handled" and e["actor"] == ncb
    if action == "request_notice":
        return kind == "notice.requested" and e["requester"] == ncb
    if action == "send_diffusion":
        return kind == "diffusion.sent" and e["requester"] == ncb
    if action == "share_intelligence":
        return kind == "message.sent" and e["from"] == ncb and e.get("type") in CASE_TYPES
    if action == "answer_hit":
        return kind == "decision.made" and e["seat"] == seat and e["type"] == "confirm_hit"
    if action == "request_extradition":
        return kind == "extradition.requested" and e["requester"] == ncb
    if action == "refuse_request":
        return kind == "decision.made" and e["seat"] == seat and e["type"] == "file_request" and e["option"] == "hold"
    return False


def score_expectations(events: list[Event]) -> list[dict[str, Any]]:
    """One row per inject that carried an expectation: met in time, late, or missed."""
    rows = []
    fired = [e for e in events if e["kind"] == "inject.fired" and "expect" in e]
    for f in fired:
        exp, ncb = f["expect"], f["to"]
        deadline = iso(dt(f["t"]) + timedelta(minutes=exp["within_min"]))
        hit = next((e for e in events if e["seq"] > f["seq"] and _evidence(exp["action"], ncb, e)), None)
        if hit is None:
            verdict, when = "missed", None
        else:
            verdict, when = ("met" if hit["t"] <= deadline else "late"), hit["t"]
        rows.append({"inject": f["inject"], "to": ncb, "action": exp["action"], "fired": f["t"],
                     "deadline": deadline, "verdict": verdict, "when": when,
                     "evidence": hit["seq"] if hit else None, "objective": exp.get("objective")})
    return rows
