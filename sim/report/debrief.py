"""The content of an after-action report, as plain data both renderers (HTML, Markdown) use.

Everything comes from the journal (plus, for a session, the evaluators' notes and the what-if
runs): objectives with their evidence, expectations scored, the timeline, decisions, who knew
what when, bottlenecks, and the strengths and areas for improvement that follow from them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from ..engine.network import TrafficAnalysis
from ..engine.views import SeatView
from ..text import whole_words
from .describe import BACKGROUND_TYPES, countries_named, country, describe, is_key, local_time
from .journal_file import slim
from .scoring import ExpectationScorer, dt, iso

Event = dict[str, Any]
TIMELINE_LIMIT = 400
FACT_KINDS = ("notice.published", "diffusion.sent", "database.hit", "arrest.provisional", "subject.released",
              "extradition.requested", "extradition.refused", "extradition.completed", "arrest.kept")

CORRECTIVE = {
    "no_confirmation_in_time": "Make sure hits reach a desk that can confirm them at any hour: out-of-hours "
                               "staffing, or urgent traffic routed through the CCC.",
    "no_extradition_request_in_time": "Start the formal extradition request as soon as the arrest is confirmed; "
                                      "brief the ministry of justice on the deadline.",
    "requester_declined": "Check what a hit is worth before declining it: a decline lets the person walk.",
    "national_not_extradited": "Consider prosecution in the arresting country, or a request to a third country.",
    "no_legal_basis": "Secure a legal basis (treaty or reciprocity assurance) before the person travels.",
    "file_request": "Practise drafting complete, compliant notice requests.",
    "confirm_hit": "Rehearse confirming hits quickly, day and night.",
    "request_extradition": "Rehearse the extradition timeline with the ministry of justice.",
    "answer_rfi": "Answer partners' requests for information, or say why not.",
    "requester_abandoned": "Decide early whether the extradition will be pursued: an abandoned case frees the "
                           "person as soon as the arresting country reads it.",
    "legal_basis_lost": "Keep the notice or diffusion valid until the surrender: a withdrawal, a CCF block or a "
                        "purge frees the person held on it.",
    "extradition_refused": "Check the grounds to refuse before requesting (nationality, refugee status, death "
                           "penalty, lapse of time) and send a complete formal request.",
    "transfer_proceedings": "When a state keeps its national, ask it to prosecute him (aut dedere aut judicare).",
}


# A release because the record it rested on fell (withdrawn, lapsed, blocked, purged or deleted)
# is a lesson for whoever let it fall, except where the rules removed it to protect the person:
# once a member confirms refugee status, the feared country's notices are deleted and the person
# goes free, which is what the rule is for.
REMOVALS = ("notice.cancelled", "notice.deleted", "notice.blocked", "notice.expired", "diffusion.cancelled",
            "diffusion.purged")
BASIS_FELL = ("legal_basis_lost", "request_no_longer_valid")
RULE_PROTECTS = ("refugee_rule",)


class Gathered:
    """What a report needs from a stream of events, and no more.

    Message traffic (most of a big journal) feeds the traffic analysis and the expectation
    scorer and is then dropped; every other event is kept, cut to the fields the report reads.
    An objective's evidence is usually the event just before it, so the last ``RECENT`` events
    are at hand to look it up.
    """

    RECENT = 64

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.start: str | None = None
        self.end: str | None = None
        self.kept: list[Event] = []
        self.evidence: dict[int, Event] = {}
        self.traffic = TrafficAnalysis()
        self.case_traffic = TrafficAnalysis()  # only the case's messages: the desks on its path
        self._case_msgs: set[int] = set()
        self.deliveries: list[tuple[str, str, str, str | None, str | None]] = []  # (sent, arrived, to, about, case)
        self.expectations = ExpectationScorer()
        self._recent: deque[Event] = deque(maxlen=self.RECENT)

    def add(self, e: Event) -> None:
        kind = e["kind"]
        self.counts[kind] += 1
        if self.start is None:
            self.start = e["t"]
        self.end = e["t"]
        message = kind.startswith("message.")
        if message:
            self.traffic(e)
            self._case_message(e)
        self.expectations.add(e)
        if kind in ("objective.met", "objective.failed") and e.get("evidence") is not None:
            ev = next((r for r in self._recent if r["seq"] == e["evidence"]), None) or self._kept(e["evidence"])
            if ev is not None:
                self.evidence[ev["seq"]] = ev
        small = slim(e)
        self._recent.append(small)
        if not message or is_key(e):
            self.kept.append(small)

    __call__ = add  # a journal listener

    def _case_message(self, e: Event) -> None:
        """The exercise's own messages (not the background load): who they reached and when, and
        the desks that handled them."""
        kind = e["kind"]
        if kind == "message.sent" and e.get("type") not in BACKGROUND_TYPES:
            self._case_msgs.add(e["msg"])
            self.case_traffic(e)
            to = str(e.get("to", ""))
            if len(to) == 2 and (e.get("about") or e.get("case")):
                arrived = iso(dt(e["t"]) + timedelta(minutes=float(e.get("latency_min", 0.0))))
                self.deliveries.append((e["t"], arrived, to, e.get("about"), e.get("case")))
        elif kind == "message.handled" and e.get("msg") in self._case_msgs:
            self.case_traffic(e)

    def _kept(self, seq: int) -> Event | None:
        i = bisect_left(self.kept, seq, key=lambda k: k["seq"])
        return self.kept[i] if i < len(self.kept) and self.kept[i]["seq"] == seq else None


PEOPLE = ("person", "trainer")  # who acted, as opposed to the automation (policy) or a deadline (default)
QUIET_ACTIONS = ("message.read",)  # counted, not listed: opening a message is not an action to grade
_BY = {"policy": "automation", "default": "default applied at a deadline"}


def _who(e: Event) -> str:
    if e.get("by") == "trainer":
        return "trainer"
    if e.get("seat"):
        return str(e["seat"])
    actor = str(e.get("actor", ""))
    return f"ncb:{actor}" if len(actor) == 2 else actor


def gather(events: Iterable[Event]) -> Gathered:
    g = Gathered()
    for e in events:
        g.add(e)
    return g


def _told(fact: Event, country_code: str, deliveries: Sequence[tuple[str, str, str, str | None, str | None]]) -> str | None:
    """When a message about the fact's person or case, sent once it had happened, reached the NCB."""
    subject, case = fact.get("subject"), fact.get("case")
    times = [arrived for sent, arrived, to, about, c in deliveries
             if to == country_code and sent >= fact["t"] and ((subject and about == subject) or (case and c == case))]
    return min(times) if times else None


def _who_knew(events: list[Event], seats: list[str],
              deliveries: Sequence[tuple[str, str, str, str | None, str | None]] = (),
              say: Callable[[Event], str] = describe) -> list[dict[str, Any]]:
    """When each seat first learnt of each fact: what it saw itself, or a message about the
    case delivered to its NCB (the hit report a requester receives tells it of the hit)."""
    facts = [e for e in events if e["kind"] in FACT_KINDS]
    if not facts:
        return []
    quiet = [e for e in events if not e["kind"].startswith("message.")]
    known: dict[str, dict[int, str]] = {}
    for seat in seats:
        sv, mine = SeatView(seat), {}
        for e in quiet:
            since = sv.reach(e)
            if since is not None and e["kind"] in FACT_KINDS:
                mine[e["seq"]] = since
        role, _, code = seat.partition(":")
        if role == "ncb":
            for f in facts:
                told = _told(f, code, deliveries)
                if told is not None and (f["seq"] not in mine or told < mine[f["seq"]]):
                    mine[f["seq"]] = told
        known[seat] = mine
    return [{"seq": f["seq"], "t": f["t"], "fact": say(f),
             "knew": {seat: known[seat].get(f["seq"]) for seat in seats}} for f in facts[:40]]


def _seats(events: list[Event], players: list[str]) -> list[str]:
    counts: Counter[str] = Counter()
    for e in events:
        if e["kind"] in FACT_KINDS:
            for key in ("requester", "country"):
                if e.get(key):
                    counts[f"ncb:{e[key]}"] += 1
    seats = list(dict.fromkeys(players + [s for s, _ in counts.most_common(6)]))
    return seats[:8] + ["trainer"]


def _naming(subjects: Mapping[str, str] | None) -> Callable[[Event], str]:
    """``describe``, with the exercise's subjects by name ("S1 released" reads "Daler RAHIMOV
    released"); a sentence that already says "Daler RAHIMOV (S1)" keeps the name once."""
    if not subjects:
        return describe
    names = dict(subjects)
    plain = whole_words(names)

    def say(e: Event) -> str:
        text = describe(e)
        for sid, name in names.items():  # "Daler RAHIMOV (S1)": the name, once
            text = text.replace(f"{name} ({sid})", name)
        return plain.sub(lambda m: names[m.group(1)], text)

    return say


def _evidence(verdict: Event | None, ev: Event | None, say: Callable[[Event], str] = describe) -> str | None:
    """What decided an objective: the event that met it, the forbidden event that failed it, or why it never began."""
    if verdict is None:
        return None
    if verdict.get("reason") == "not_started":
        return "never started: the event its deadline counts from did not happen"
    said = say(ev) if ev else (f"event #{verdict['evidence']}" if verdict.get("evidence") else None)
    if said and verdict.get("reason") == "forbidden":
        return f"must not happen, and did: {said}"
    return said


def build(events: Iterable[Event] | Gathered, *, title: str, scenario_id: str, players: Sequence[str] = (),
          objectives: Sequence[dict[str, Any]] = (), notes: Sequence[dict[str, Any]] = (),
          what_if: dict[str, dict[str, list[dict]]] | None = None, source: str = "",
          unfinished_at: str | None = None, thinking: Mapping[str, float] | None = None,
          what_if_chosen: Mapping[str, str] | None = None, subjects: Mapping[str, str] | None = None
          ) -> dict[str, Any]:
    """The debrief of a run: from its events, or from what a ``Gathered`` kept of them as they streamed.

    ``unfinished_at``: the run stopped there before its end, so what was still to come is
    pending, not failed. ``thinking``: wall seconds a person took per decision (the session's).
    ``what_if_chosen``: the option the trainee took at each decision a what-if asks about.
    ``subjects``: id -> name, so the report says who, as the terminal does (a journal alone
    names nobody: its subjects keep their ids)."""
    g = events if isinstance(events, Gathered) else gather(events)
    thinking = thinking or {}
    say = _naming(subjects)
    kept = g.kept
    verdicts = {e["objective"]: e for e in kept if e["kind"] in ("objective.met", "objective.failed")}
    listed = list(objectives) or [{"id": o, "title": e["title"]} for o, e in verdicts.items()]
    objective_rows = []
    for o in listed:
        v = verdicts.get(o["id"])
        ev = g.evidence.get(v["evidence"]) if v and v.get("evidence") is not None else None
        objective_rows.append({
            "id": o["id"], "title": o["title"],
            "verdict": "met" if v and v["kind"] == "objective.met" else
                       ("failed" if v else "pending" if unfinished_at else "not decided"),
            "when": v["t"] if v else None,
            "evidence": _evidence(v, ev, say),
            "evidence_seq": ev["seq"] if ev else None,
            "notes": [n for n in notes if n.get("objective") == o["id"]]})

    expectations = [dict(x) for x in g.expectations.rows]
    for x in expectations:
        if unfinished_at and x["verdict"] == "missed" and x["deadline"] > unfinished_at:
            x["verdict"] = "pending"  # its deadline had not come when the run stopped
    requested = {e["decision"]: e for e in kept if e["kind"] == "decision.requested"}
    decisions = []
    for e in kept:
        if e["kind"] in ("decision.made", "decision.expired"):
            q = requested.get(e["decision"], {})
            chosen = e.get("option") or e.get("applied")
            decisions.append({"id": e["decision"], "seat": e["seat"], "type": e["type"], "prompt": countries_named(q.get("prompt", "")),
                              "raised": q.get("t"), "deadline": q.get("deadline"), "when": e["t"], "chosen": chosen,
                              "recommended": q.get("recommended"), "by": e.get("by", "expired"),
                              "expired": e["kind"] == "decision.expired",
                              "thinking_s": thinking.get(e["decision"])})

    actions = [{"seq": e["seq"], "t": e["t"], "local": local_time(e), "who": _who(e), "by": e["by"], "text": say(e)}
               for e in kept if e.get("by") in PEOPLE and e["kind"] not in QUIET_ACTIONS]
    key = [e for e in kept if is_key(e)]
    timeline = [{"seq": e["seq"], "t": e["t"], "local": local_time(e), "actor": e["actor"], "kind": e["kind"],
                 "text": say(e)} for e in key[:TIMELINE_LIMIT]]
    # The desks the case's messages went through, not every busy desk in the world.
    bottlenecks = g.case_traffic.report(top=8) if g.case_traffic.handled else None

    strengths, improve = [], []
    for o in objective_rows:
        line = f"{o['id']} — {o['title']}"
        if o["verdict"] == "met":
            strengths.append(f"{line}: met at {o['when']}.")
        elif o["verdict"] == "failed":
            improve.append(f"{line}: not met.")
    for x in expectations:
        what = f"Inject {x['inject']}: {country(x['to'])} was expected to {x['action'].replace('_', ' ')}"
        automated = f"ncb:{x['to']}" in players and x.get("by") not in PEOPLE
        if x["verdict"] == "met" and automated:
            improve.append(f"{what} — done in time, but by the {_BY.get(x.get('by') or '', 'automation')}, "
                           f"not by the person at the seat.")
        elif x["verdict"] == "met":
            strengths.append(f"{what} — done in time ({x['when']}).")
        elif x["verdict"] == "pending":
            continue  # not due yet when the run stopped: neither a strength nor a failure
        else:
            improve.append(f"{what} by {x['deadline']} — {'done late, at ' + x['when'] if x['when'] else 'not done'}.")
    corrective = {}
    for d in decisions:
        if d["expired"]:
            improve.append(f"{d['id']} ({d['type'].replace('_', ' ')}, {d['seat']}) was left to expire; "
                           f"'{d['chosen']}' applied by default.")
            corrective[d["type"]] = CORRECTIVE.get(d["type"])
        elif d["recommended"] and d["chosen"] != d["recommended"]:
            improve.append(f"{d['id']} ({d['type'].replace('_', ' ')}, {d['seat']}): chose '{d['chosen']}' where "
                           f"the rules recommended '{d['recommended']}'.")
            corrective[d["type"]] = CORRECTIVE.get(d["type"])
    fell: dict[str, str] = {}  # record -> why the General Secretariat last removed it
    for e in kept:
        if e["kind"] in REMOVALS:
            fell[e.get("notice") or e.get("diffusion") or ""] = e.get("reason") or ""
        elif e["kind"] == "subject.released":
            basis = e.get("notice") or e.get("diffusion") or ""
            if e["reason"] in BASIS_FELL and fell.get(basis) in RULE_PROTECTS:
                continue  # the rule did what it is for: protecting the person is nobody's failure
            who = (subjects or {}).get(e["subject"], e["subject"])
            improve.append(f"{who} released in {country(e['country'])}: {e.get('detail') or e['reason']}.")
            corrective[e["reason"]] = CORRECTIVE.get(e["reason"])
    validations = _validations(kept, expectations, objective_rows)
    return {
        "title": title, "scenario": scenario_id, "source": source, "start": g.start, "end": g.end,
        "unfinished_at": unfinished_at, "what_if_chosen": dict(what_if_chosen or {}),
        "players": list(players), "counts": dict(g.counts),
        "objectives": objective_rows, "expectations": expectations, "decisions": decisions,
        "timeline": timeline, "timeline_total": len(key), "actions": actions,
        "who_knew": _who_knew(kept, _seats(kept, list(players)), g.deliveries, say),
        "bottlenecks": bottlenecks, "strengths": strengths, "improvements": improve,
        "corrective_actions": [c for c in corrective.values() if c], "notes": list(notes),
        "what_if": what_if or {},
        "validations": validations,
    }


def _validations(kept: list[Event], expectations: list[dict[str, Any]],
                 objectives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evaluators' verdicts on expected actions, each beside what the journal scored for it."""
    scored = {x["inject"]: x for x in expectations}
    verdicts = {o["id"]: o for o in objectives}
    rows = []
    for e in kept:
        if e["kind"] != "expectation.validated":
            continue
        if e.get("inject"):
            x = scored.get(e["inject"])
            what = (f"Inject {e['inject']}: {country(x['to'])} to {x['action'].replace('_', ' ')}" if x
                    else f"Inject {e['inject']}")
            automatic = x["verdict"] if x else "—"
        else:
            o = verdicts.get(e.get("objective") or "")
            what = f"{e.get('objective')} — {o['title']}" if o else str(e.get("objective"))
            automatic = o["verdict"] if o else "—"
        rows.append({"t": e["t"], "what": what, "automatic": automatic,
                     "verdict": e["verdict"].replace("_", " "), "note": e.get("note", ""), "author": e["author"]})
    return rows
