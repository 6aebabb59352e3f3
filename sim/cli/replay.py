"""``ncbsim replay``: rebuild a session's journal from its scenario, seed and decisions."""

from __future__ import annotations

import json
import os
import sys


def register(sub) -> None:
    p = sub.add_parser("replay", help="rebuild a session's journal, or branch it at a decision",
                       description="Replay a session deterministically from its stored scenario, seed and "
                                   "decisions, and check the journal is identical to the recorded run. With "
                                   "--branch, choose differently at one decision and run on under automation.")
    p.add_argument("session", metavar="SESSION", help="session file (.db)")
    p.add_argument("--journal", metavar="FILE.jsonl", help="write the rebuilt journal")
    p.add_argument("--branch", metavar="DECISION=OPTION", help="e.g. Q3=decline: take another option at decision Q3")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=replay_command)


def replay_command(args) -> int:
    from ..errors import InputError, Problem
    from ..sessions.runner import SessionRun
    from ..sessions.store import SessionStore
    from .run import render

    store = SessionStore.open(args.session)
    branch = None
    if args.branch:
        decision, sep, option = args.branch.partition("=")
        if not sep or not decision or not option:
            raise InputError([Problem("--branch", 0, 0, "", f"expected DECISION=OPTION like Q3=decline, got '{args.branch}'")])
        recorded = {r.decision for r in store.decisions()}
        if decision not in recorded:
            raise InputError([Problem("--branch", 0, 0, "", f"the session has no decision {decision}; it has "
                                                            f"{', '.join(sorted(recorded, key=lambda q: int(q[1:]))) or 'none'}")])
        probe = SessionRun(store, keep_events=False, record=False)
        probe.exercise.run(next(r.sim_time for r in store.decisions() if r.decision == decision))
        offered = [o.key for o in probe.exercise.port.decisions[decision].options]
        if option not in offered:
            raise InputError([Problem("--branch", 0, 0, "", f"{decision} offered {', '.join(offered)}, not '{option}'")])
        branch = (decision, option)
    if args.journal and not os.path.isdir(os.path.dirname(os.path.abspath(args.journal))):
        raise InputError([Problem(args.journal, 0, 0, "", "the folder for the journal does not exist")])
    sink = open(args.journal, "w", encoding="utf-8", newline="\n") if args.journal else None
    try:
        run = SessionRun(store, journal=sink, keep_events=False, branch=branch, record=False)
        finished = store.meta("finished") == "1"
        until = None if finished or branch else store.reached()
        ex = run.exercise
        ex.run(until)
    finally:
        if sink is not None:
            sink.close()
    summary = ex.summary()
    recorded_sha = store.meta("journal_sha256")
    summary["replay"] = {"session": args.session, "branch": args.branch,
                         "journal_sha256": run.sink.hexdigest(),
                         "identical": (run.sink.hexdigest() == recorded_sha) if (recorded_sha and not branch) else None}
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(render(summary))
        r = summary["replay"]
        if r["identical"] is True:
            print("\nreplay: the journal is identical to the recorded run (sha256 " + r["journal_sha256"][:16] + "…)")
        elif r["identical"] is False:
            print("\nreplay: the journal DIFFERS from the recorded run", file=sys.stderr)
        elif branch:
            print(f"\nbranch: {args.branch}; identical to the session up to that decision, then run on by the book")
    return 1 if summary["replay"]["identical"] is False else 0
