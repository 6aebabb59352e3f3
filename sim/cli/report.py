"""``ncbsim report``: the after-action report of a session or a journal."""

from __future__ import annotations

import json
import os
import sys


def register(sub) -> None:
    p = sub.add_parser("report", help="write the after-action report of a session or journal",
                       description="Build the after-action report: strengths and areas for improvement, objectives "
                                   "with their evidence, expected actions, a timeline, decisions (and what other "
                                   "choices would have led to), who knew what when, and bottlenecks. Without --html "
                                   "or --md, the Markdown is printed.")
    p.add_argument("source", metavar="SESSION|JOURNAL", help="a session file (.db) or a journal (.jsonl)")
    p.add_argument("--html", metavar="FILE", help="write one self-contained HTML file (charts inlined)")
    p.add_argument("--md", metavar="FILE", help="write Markdown")
    p.add_argument("--what-if", type=int, default=0, metavar="N",
                   help="for a session: run each alternative of the key decisions N times (slower)")
    p.set_defaults(handler=report_command)


def _read_journal(path: str) -> list[dict]:
    from ..errors import InputError, Problem

    events = []
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    e = json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError([Problem(path, n, err.colno, "", f"not a journal line: {err.msg}")]) from None
                if not isinstance(e, dict) or not {"seq", "t", "kind", "actor"} <= set(e):
                    raise InputError([Problem(path, n, 1, "", "not a journal event (needs seq, t, kind, actor)")])
                events.append(e)
    except UnicodeDecodeError:
        raise InputError([Problem(path, 0, 0, "", "not a journal: the file is not UTF-8 text")]) from None
    except OSError as e:
        raise InputError([Problem(path, 0, 0, "", f"cannot read the file: {e.strerror or e}")]) from None
    if not events:
        raise InputError([Problem(path, 0, 0, "", "the journal is empty")])
    return events


def key_decisions(store) -> list[str]:
    """The decisions people made, or else the first consequential ones the policies made."""
    recorded = store.decisions()
    people = [r.decision for r in recorded if r.by == "seat"]
    if people:
        return people[:3]
    return [r.decision for r in recorded if r.option in ("confirm", "send", "decline", "abandon")][:2]


def report_command(args) -> int:
    from ..errors import InputError, Problem
    from ..report.debrief import build
    from ..report.render import html, markdown

    if not os.path.isfile(args.source):
        raise InputError([Problem(args.source, 0, 0, "", "no such file")])
    if args.what_if < 0:
        raise InputError([Problem("--what-if", 0, 0, "", "expected a number of replications, 0 or more")])
    for out in (args.html, args.md):
        if out and not os.path.isdir(os.path.dirname(os.path.abspath(out))):
            raise InputError([Problem(out, 0, 0, "", "the folder for the report does not exist")])
    with open(args.source, "rb") as fh:
        is_session = fh.read(16) == b"SQLite format 3\x00"
    if is_session:
        from ..sessions.runner import SessionRun, what_if
        from ..sessions.store import SessionStore

        store = SessionStore.open(args.source)
        run = SessionRun(store, record=False)
        finished = store.meta("finished") == "1"
        run.exercise.run(None if finished else store.reached())
        sc = run.exercise.scenario
        whatif = {}
        for q in key_decisions(store) if args.what_if else ():
            def tick(option: str, done: int, total: int, q: str = q) -> None:
                if sys.stderr.isatty():
                    print(f"\rwhat if {q} = {option}: run {done}/{total}   ", end="", file=sys.stderr, flush=True)
            whatif[q] = what_if(store, q, args.what_if, tick)
        if whatif and sys.stderr.isatty():
            print(file=sys.stderr)
        debrief = build(run.exercise.journal.events, title=sc.title, scenario_id=sc.id,
                        players=[p.seat for p in sc.players],
                        objectives=[{"id": o.id, "title": o.title} for o in sc.objectives],
                        notes=store.notes(), what_if=whatif, source=f"session {args.source}")
    else:
        if args.what_if:
            raise InputError([Problem("--what-if", 0, 0, "", "what-ifs replay a session; a journal alone cannot "
                                                             "be re-run")])
        events = _read_journal(args.source)
        debrief = build(events, title=os.path.basename(args.source), scenario_id="(from the journal)",
                        source=f"journal {args.source}")
    wrote = []
    for path, render in ((args.html, html), (args.md, markdown)):
        if path:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(render(debrief))
            wrote.append(path)
    if wrote:
        met = sum(1 for o in debrief["objectives"] if o["verdict"] == "met")
        print(f"report on {debrief['title']}: {met}/{len(debrief['objectives'])} objectives met, "
              f"{len(debrief['improvements'])} area(s) for improvement; written to {', '.join(wrote)}")
    else:
        print(markdown(debrief))
    return 0
