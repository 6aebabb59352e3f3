"""``ncbsim run``: run a scenario headless and print what happened."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

from ..durations import DURATION_HELP, minutes, parse_duration
from ..decisions.seats import SeatConfig
from ..errors import InputError, Problem, RunError


def register(sub) -> None:
    p = sub.add_parser("run", help="run a scenario headless and summarise it",
                       description="Run a scenario without the terminal UI; automation answers for "
                                   "every role. Ends with a summary (events by kind, messages, objectives).")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument("--seed", type=int, metavar="N", help="override the scenario's seed")
    p.add_argument("--until", metavar="DUR", help=f"stop after this much sim time ({DURATION_HELP})")
    p.add_argument("--journal", metavar="FILE.jsonl", help="write the journal (one JSON event per line)")
    p.add_argument("--policy", metavar="NAME", help="answer every role's decisions with one policy: by_the_book, "
                                                   "overloaded, careless, or scripted:FILE.yaml (default: the "
                                                   "scenario's policies)")
    p.add_argument("--session", metavar="FILE.db", help="record the run in a session file; if it exists, resume it")
    p.add_argument("--network", metavar="FILE", help="analyse the I-24/7 traffic: bottlenecks in the summary, "
                                                      "the traffic graph written to FILE (.graphml or .json)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON for machines")
    p.set_defaults(handler=run_command)


def run_command(args) -> int:
    from ..engine.exercise import Exercise
    from ..scenario.loader import load_scenario

    loaded = load_scenario(args.scenario)
    if args.seed is not None and not 0 <= args.seed < 2 ** 63:
        raise InputError([Problem("--seed", 0, 0, "", "expected a non-negative integer below 2^63")])
    until = None
    if args.until is not None:
        try:
            until = minutes(parse_duration(args.until))
        except ValueError as e:
            raise InputError([Problem("--until", 0, 0, "", str(e))]) from None
    for w in loaded.warnings:
        print(str(w), file=sys.stderr)

    if args.network and not os.path.isdir(os.path.dirname(os.path.abspath(args.network))):
        raise InputError([Problem(args.network, 0, 0, "", "the folder for the network file does not exist")])
    policy, script = parse_policy(args.policy)
    sink = tmp_path = None
    if args.journal:
        target = os.path.abspath(args.journal)
        if not os.path.isdir(os.path.dirname(target)):
            raise InputError([Problem(args.journal, 0, 0, "", "the folder for the journal does not exist")])
        # Written beside the target and renamed at the end: a failed run never leaves half a journal.
        fd, tmp_path = tempfile.mkstemp(prefix=".ncbsim-", suffix=".jsonl.part", dir=os.path.dirname(target))
        # Line-buffered in sessions, so what the journal shows was acknowledged on disk.
        sink = os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=1 if args.session else -1)
    try:
        if args.session:
            run, resumed = open_session(args, loaded, policy, script, sink)
            ex = run.exercise
        else:
            ex = Exercise(loaded.scenario, seed=args.seed, journal_sink=sink, keep_events=False,
                          seats=SeatConfig(policy=policy, script=script))
        traffic = None
        if args.network:
            from ..engine.network import TrafficAnalysis

            traffic = TrafficAnalysis()
            ex.journal.listeners.append(traffic)
        if args.session:
            run.run(until)
        else:
            ex.run(until)
        summary = ex.summary()
        summary["scenario_sha256"] = loaded.digest
        if args.session:
            summary["session"] = {"file": args.session, "resumed": resumed,
                                  "decisions_recorded": len(run.store.decisions())}
        if traffic is not None:
            from ..engine.network import write_graph

            summary["network"] = traffic.report()
            write_graph(traffic.graph(), args.network)
            summary["network"]["graph"] = args.network
        if sink is not None:
            sink.close()
            os.replace(tmp_path, target)
            summary["journal"] = args.journal
    except (InputError, KeyboardInterrupt):
        _discard(sink, tmp_path)
        raise
    except Exception as e:  # the engine failed: report it, keep no partial output
        _discard(sink, tmp_path)
        raise RunError(f"{type(e).__name__}: {e}") from e

    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(render(summary))
    return 0


def _discard(sink, tmp_path) -> None:
    if sink is not None:
        sink.close()
        os.unlink(tmp_path)


def parse_policy(text: str | None):
    """``--policy`` as (name, script): a policy name, or scripted:FILE with its validated script."""
    from ..decisions.policies import POLICIES
    from ..decisions.script import load_script

    if text is None:
        return None, None
    name, _, path = text.partition(":")
    if name not in POLICIES or (name == "scripted") != bool(path):
        raise InputError([Problem("--policy", 0, 0, "", f"expected one of by_the_book, overloaded, careless or "
                                                        f"scripted:FILE.yaml, got '{text}'")])
    return name, (load_script(path) if path else None)


def open_session(args, loaded, policy, script, sink):
    from ..sessions.runner import SessionRun, check_same_scenario, new_session
    from ..sessions.store import SessionStore

    if os.path.exists(args.session):
        store = SessionStore.open(args.session)
        check_same_scenario(store, loaded, args.seed)
        if args.policy is not None and policy != (store.meta("policy") or None):
            raise InputError([Problem(args.session, 0, 0, "", "this session was recorded with policy "
                                                              f"'{store.meta('policy') or 'from the scenario'}'")])
        return SessionRun(store, journal=sink, keep_events=False), True
    if not os.path.isdir(os.path.dirname(os.path.abspath(args.session))):
        raise InputError([Problem(args.session, 0, 0, "", "the folder for the session file does not exist")])
    store = new_session(args.session, loaded, seed=args.seed, policy=policy, script=script)
    return SessionRun(store, journal=sink, keep_events=False), False


def render(s: dict[str, Any]) -> str:
    lines = [f"{s['title']}  [{s['scenario']}]",
             f"seed {s['seed']} · {s['start']} → {s['end']} · {s['members']} member countries · "
             + ("ran to the end" if s["complete"] else "stopped early"), ""]
    lines.append(f"{s['events']:,} journal events")
    width = max((len(k) for k in s["events_by_kind"]), default=0)
    for kind, n in s["events_by_kind"].items():
        lines.append(f"  {kind:<{width}}  {n:>9,}")
    m = s["messages"]
    lines += ["", "I-24/7 messages: "
              f"{m['sent']:,} sent · {m['handled']:,} handled · {m['queued']:,} queued · "
              f"{m['in_service']:,} being handled · {m['in_transit']:,} in transit"
              + (f" · {m['undeliverable']:,} undeliverable" if m["undeliverable"] else "")]
    if s["busiest_desks"]:
        lines.append("busiest desks: " + ", ".join(
            f"{d['ncb']} {d['busy_share']:.0%} busy ({d['handled']:,} handled, {d['queued']} waiting)"
            for d in s["busiest_desks"][:3]))
    if "network" in s:
        net = s["network"]
        lines += ["", f"traffic network: {net['nodes']} nodes, {net['links_used']:,} links used, "
                      f"{net['relayed_messages']:,} hops relayed by Lyon or a bureau (graph in {net['graph']})",
                  "  longest waits: " + ", ".join(f"{n['node']} {n['mean_wait_min']:.0f} min on average"
                                                  for n in net["longest_waits"][:3]),
                  "  most between the traffic: " + ", ".join(f"{n['node']} {n['betweenness']:.3f}"
                                                             for n in net["most_between"][:3])]
    lines += _render_notices(s["notices"], s["arrests"])
    if s["objectives"]:
        lines += ["", "objectives:"]
        mark = {"met": "MET   ", "failed": "FAILED", "open": "open  "}
        for o in s["objectives"]:
            when = f" at {o['at']}" if o["at"] else ""
            lines.append(f"  {mark[o['status']]} {o['id']}: {o['title']}{when}")
    if s.get("session"):
        ss = s["session"]
        lines += ["", f"session {ss['file']} ({'resumed' if ss['resumed'] else 'new'}): "
                      f"{ss['decisions_recorded']} decision(s) recorded"]
    if s.get("journal"):
        lines += ["", f"journal written to {s['journal']}"]
    return "\n".join(lines)


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in d.items()) or "none"


def _render_notices(n: dict[str, Any], a: dict[str, Any]) -> list[str]:
    d = n["diffusions"]
    if not n["requested"] and not d["sent"]:
        return []
    lines = ["", "notices:"]
    lines.append(f"  requested   {_counts(n['requested'])}")
    lines.append(f"  published   {_counts(n['published'])}")
    lines.append(f"  refused     {_counts(n['refused'])}" + (f"  ({n['in_review']:,} still in review)" if n["in_review"] else ""))
    lines.append(f"  diffusions  {d['sent']:,} sent, {d['compliant']:,} found compliant, "
                 f"{d['cancelled']:,} cancelled, purged: {_counts(d['purged'])}")
    if n["refusal_share"] is not None:
        lines.append(f"  refused or purged by the NDTF: {n['refusal_share']:.1%} of decisions")
    if n["cancelled_or_deleted"]:
        lines.append(f"  cancelled or deleted: {_counts(n['cancelled_or_deleted'])}")
    if a["hits_holding_a_person"]:
        lines += ["", f"arrest cases: {a['hits_holding_a_person']} hit(s) holding a person; "
                      f"now {_counts(a['states'])}"]
        if a["released"]:
            lines.append(f"  released because: {_counts(a['released'])}")
    return lines
