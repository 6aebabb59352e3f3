"""What the engine's own messages report, looked up from the events they report.

A hit report, an SLTD hit, a hit confirmation or an arrest request goes over I-24/7 as a message
with no text of its own; a seat's inbox says in words where and when the border check found whom,
coming from where, on which notice. ``Sightings`` keeps the latest border check per (country,
subject), crossing per subject and arrest request per (requester, country, subject) as the journal
grows — once for the host, however many seats it keeps views of (every seat's inbox reads the same
ground truth here; what reaches a seat is decided elsewhere, by ``SeatView``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Event = Mapping[str, Any]


class Sightings:
    def __init__(self) -> None:
        self._hits: dict[tuple[str, str, str], Event] = {}
        self._moves: dict[str, Event] = {}
        self._arrest_asks: dict[tuple[str, str, str], Event] = {}
        self._cursor = 0

    def absorb(self, events: Sequence[Event]) -> None:
        """Take in the journal's events not seen yet."""
        for e in events[self._cursor:]:
            self.index(e)
        self._cursor = len(events)

    def index(self, e: Event) -> None:
        kind = e["kind"]
        if kind == "database.hit":
            db = "SLTD" if e.get("database") == "SLTD" else "notices"
            self._hits[(e["country"], e["subject"], db)] = e
            self._hits[(e["country"], "", db)] = e  # a border post's report is of the last hit it had
        elif kind == "subject.moved":
            self._moves[e["subject"]] = e
        elif kind == "arrest.requested":
            self._arrest_asks[(e["requester"], e["to"], e["subject"])] = e

    def details(self, e: Event) -> dict[str, Any]:
        """What a hit report, an SLTD hit, a hit confirmation or an arrest request (message ``e``)
        is about: where and when the border check found whom, coming from where, on which notice."""
        kind, sender, about = e["type"], str(e["from"]), e.get("about") or ""
        if kind == "arrest_request":
            ask = self._arrest_asks.get((sender, str(e["to"]), about))
            if ask is None:
                return {}
            return {"reference": ask.get("notice") or ask.get("diffusion"),
                    "notice_kind": "diffusion" if ask.get("diffusion") else ("notice" if ask.get("notice") else "")}
        if kind not in ("hit_report", "sltd_hit", "hit_confirmation"):
            return {}
        country = sender.partition(":")[2] if sender.startswith("border:") else (
            str(e["to"]) if kind == "hit_confirmation" else sender)
        hit = self._hits.get((country, about, "SLTD" if kind == "sltd_hit" else "notices"))
        if hit is None:
            return {}
        move = self._moves.get(hit["subject"])
        arrived = move is not None and move["to"] == country and move["t"] == hit["t"]
        return {"where": country, "seen_at": hit["t"], "about": about or hit["subject"],
                "came_from": move["from"] if arrived and move else None,
                "travel": str(move.get("mode", "")) if arrived and move else "",
                "reference": hit.get("notice") or hit.get("diffusion"), "notice_kind": str(hit.get("notice_kind", "")),
                "database": str(hit.get("database", "")),
                "document": str(hit.get("document", ""))}
