"""``ncbsim replay``: rebuild a session's journal from its scenario, seed and decisions.

Replay only reads the session (it opens it read-only, so a session on a read-only medium
replays, and a process recording into it meanwhile is not disturbed). The rebuilt journal is
written atomically and never onto the session itself. A recorded decision that no longer fits
the rebuilt run means the journal differs from the recording: exit 1, with the decision named.
"""

from __future__ import annotations

import contextlib
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


def _branch(store, text: str) -> tuple[str, str]:
    from ..errors import InputError, Problem
    from ..sessions.runner import offered_options

    decision, sep, option = text.partition("=")
    if not sep or not decision or not option:
        raise InputError([Problem("--branch", 0, 0, "", f"expected DECISION=OPTION like Q3=decline, got '{text}'")])
    recorded = [r.decision for r in store.decisions()]
    if decision not in recorded:
        raise InputError([Problem("--branch", 0, 0, "", f"the session has no decision {decision}; it has "
                                                        f"{', '.join(recorded) or 'none'}")])
    offered = offered_options(store, decision)
    if option not in offered:
        raise InputError([Problem("--branch", 0, 0, "", f"{decision} offered {', '.join(offered)}, not '{option}'")])
    return decision, option


def replay_command(args) -> int:
    from ..files import check_outputs
    from ..play.host import PlayHost
    from ..sessions.runner import ReplayDiverged, SessionRun
    from ..sessions.store import SessionStore
    from ..text import for_terminal, json_for_terminal
    from .run import named_output, render

    check_outputs([("--journal", args.journal)], inputs=[args.session])
    store = SessionStore.open(args.session, write=False)
    try:
        branch = _branch(store, args.branch) if args.branch else None
        try:
            with named_output(args.journal) if args.journal else contextlib.nullcontext() as sink:
                run = SessionRun(store, journal=sink, keep_events=False, branch=branch, record=False)
                host = PlayHost(run)
                finished = store.meta("finished") == "1"
                host.run(None if finished or branch else store.reached())
        except ReplayDiverged as e:  # the half-built journal was discarded by output_file
            print(f"replay: the journal DIFFERS from the recorded run: {for_terminal(e)}", file=sys.stderr)
            return 1
        tamper_checked = store.tamper_checked
        recorded_sha = store.meta("journal_sha256")
    finally:
        store.close()
    summary = host.summary()
    digest = run.sink.hexdigest()
    summary["replay"] = {"session": args.session, "branch": args.branch, "journal_sha256": digest,
                         "identical": (digest == recorded_sha) if (recorded_sha and not branch) else None,
                         "tamper_checked": tamper_checked}
    if args.journal:
        summary["journal"] = args.journal
    if args.json:
        print(json_for_terminal(summary, indent=2))
    else:
        print(render(summary))
        r = summary["replay"]
        if r["identical"] is True:
            print("\nreplay: the journal is identical to the recorded run (sha256 " + digest[:16] + "…)")
        elif r["identical"] is False:
            print("\nreplay: the journal DIFFERS from the recorded run", file=sys.stderr)
        elif branch:
            print(f"\nbranch: {for_terminal(args.branch)}; identical to the session up to that decision, then run "
                  f"on by the book")
        if not tamper_checked:
            print(f"note: {for_terminal(args.session)} is a format-1 session: its decisions carry no tamper check, "
                  f"so a decision changed in the file is caught only if the journal differs")
    return 1 if summary["replay"]["identical"] is False else 0
