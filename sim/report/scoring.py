"""Scoring inject expectations (the MSEL's "expected action") against the journal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

Event = dict[str, Any]
CASE_TYPES = {"rfi", "rfi_reply", "reminder", "info_reply", "hit_report", "hit_confirmation"}
WRITTEN = {"message", "reply", "forwarded"}  # what a person writes at a seat


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
        return kind == "message.sent" and e["from"] == ncb and (e.get("type") in CASE_TYPES or e.get("type") in WRITTEN)
    if action == "answer_hit":
        return kind == "decision.made" and e["seat"] == seat and e["type"] == "confirm_hit"
    if action == "request_extradition":
        return kind == "extradition.requested" and e["requester"] == ncb
    if action == "refuse_request":
        return kind == "decision.made" and e["seat"] == seat and e["type"] == "file_request" and e["option"] == "hold"
    if action == "request_irt":
        return kind == "irt.requested" and e["actor"] == ncb
    if action == "request_imest":
        return kind == "imest.requested" and e["actor"] == ncb
    return False


class ExpectationScorer:
    """Scores expectations as the journal streams past: each inject that carried one waits for
    the first later event that is its evidence. Nothing else is kept."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._waiting: list[tuple[dict[str, Any], str, str]] = []  # (row, action, ncb)

    def add(self, e: Event) -> None:
        if self._waiting:
            still = []
            for row, action, ncb in self._waiting:
                if _evidence(action, ncb, e):
                    row["verdict"], row["when"] = ("met" if e["t"] <= row["deadline"] else "late"), e["t"]
                    row["evidence"], row["by"] = e["seq"], e.get("by")
                else:
                    still.append((row, action, ncb))
            self._waiting = still
        if e["kind"] == "inject.fired" and e.get("expect"):
            exp, ncb = e["expect"], e["to"]
            row = {"inject": e["inject"], "to": ncb, "action": exp["action"], "fired": e["t"],
                   "deadline": iso(dt(e["t"]) + timedelta(minutes=exp["within_min"])), "verdict": "missed",
                   "when": None, "evidence": None, "by": None, "objective": exp.get("objective")}
            self.rows.append(row)
            self._waiting.append((row, exp["action"], ncb))


def score_expectations(events: Iterable[Event]) -> list[dict[str, Any]]:
    """One row per inject that carried an expectation: met in time, late, or missed."""
    scorer = ExpectationScorer()
    for e in events:
        scorer.add(e)
    return scorer.rows
