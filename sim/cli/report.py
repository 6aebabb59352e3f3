"""``ncbsim report``: the after-action report of a session or a journal.

Reports only read their source: a session is opened read-only (so it works on a read-only
medium and beside a process still recording into it), a journal is streamed and checked line by
line (``sim.report.journal_file``). ``--html``/``--md`` are checked before any work and written
atomically, and never onto the session or journal they report on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Executor

# Each replication replays the session to the decision and runs on to the end, per option and
# per key decision: 50 already means hundreds of runs, and a larger N only looks like a hang.
MAX_WHAT_IF = 50


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
                   help="for a session: run each alternative of the key decisions N times, 1 to "
                        f"{MAX_WHAT_IF} (slower), holding every other choice as the trainee made it")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="what-if runs in parallel on N processes (default: one per CPU; 1 runs them here, "
                        "one after another)")
    p.set_defaults(handler=report_command)


def key_decisions(store) -> list[str]:
    """The decisions people made, or else the first consequential ones the policies made."""
    recorded = store.decisions()
    people = [r.decision for r in recorded if r.by in ("seat", "trainer", "expired")]  # a lapse is a choice too
    if people:
        return people[:3]
    return [r.decision for r in recorded if r.option in ("confirm", "send", "decline", "abandon")][:2]


def _is_session(path: str) -> bool:
    from ..errors import InputError, Problem

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError([Problem(path, 0, 0, "", "no such file")]) from None
    except OSError as e:
        raise InputError([Problem(path, 0, 0, "", f"cannot read it: {e.strerror or e}")]) from None
    try:
        return os.pread(fd, 16, 0) == b"SQLite format 3\x00"
    except OSError:  # a folder or a pipe: the journal reader says what it is
        return False
    finally:
        os.close(fd)


@contextmanager
def _pool(args, tasks: int) -> Iterator[Executor | None]:
    """The batch executors' process pool for the what-if runs, or None to run them here."""
    from ..batch.executors import executor

    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if not tasks or workers <= 1:
        yield None
        return
    with executor("process", min(workers, tasks)) as pool:
        yield pool


def _from_session(args):
    from ..errors import InputError, Problem
    from ..report.debrief import Gathered, build
    from ..sessions.runner import ReplayDiverged, SessionRun, what_if
    from ..sessions.store import SessionStore

    store = SessionStore.open(args.source, write=False)
    try:
        run = SessionRun(store, keep_events=False, record=False)
        gathered = Gathered()
        run.exercise.journal.listeners.append(gathered)
        finished = store.meta("finished") == "1"
        try:
            run.replay(None if finished else store.reached())
            sc = run.exercise.scenario
            whatif, chosen = {}, {}
            recorded = {r.decision: r for r in store.decisions()}
            asked = key_decisions(store) if args.what_if else []
            with _pool(args, len(asked) * args.what_if * 4) as pool:  # about four options a decision
                for q in asked:
                    def tick(option: str, done: int, total: int, q: str = q) -> None:
                        if sys.stderr.isatty():
                            print(f"\rwhat if {q} = {option}: run {done}/{total}   ", end="", file=sys.stderr,
                                  flush=True)
                    whatif[q] = what_if(store, q, args.what_if, tick, executor=pool)
                    chosen[q] = recorded[q].option
        except ReplayDiverged as e:
            raise InputError([Problem(args.source, 0, 0, "decisions", f"the session does not replay: {e}")]) from None
        if whatif and sys.stderr.isatty():
            print(file=sys.stderr)
        unfinished = None if finished else run.exercise.clock.iso(store.reached())
        return build(gathered, title=sc.title, scenario_id=sc.id, players=[p.seat for p in sc.players],
                     objectives=[{"id": o.id, "title": o.title} for o in sc.objectives],
                     notes=store.notes(), what_if=whatif, source=f"session {args.source}",
                     unfinished_at=unfinished, thinking=store.thinking(), what_if_chosen=chosen,
                     subjects={s.id: s.identity.name for s in sc.subjects})
    finally:
        store.close()


def _not_anothers_report(targets: list[tuple[str, str | None]], source: str) -> None:
    """Refuse to write over a report ncbsim made of another session or journal: regenerating a
    source's own report is fine, silently replacing a colleague's is not."""
    from ..errors import InputError, Problem
    from ..report.render import report_of

    mine, problems = os.path.realpath(source), []
    for option, path in targets:
        if not path or not os.path.isfile(path):
            continue
        try:
            with open(path, "rb") as fh:  # the head holds an HTML report's mark, the tail a Markdown one's
                head = fh.read(4096).decode("utf-8", "replace")
                fh.seek(max(0, os.path.getsize(path) - 4096))
                tail = fh.read().decode("utf-8", "replace")
        except OSError:
            continue  # check_outputs has said what is wrong with it, if anything
        other = report_of(head) or report_of(tail)
        if other is not None and other != mine:
            problems.append(Problem(option, 0, 0, "", f"{path} is the report of another session or journal "
                                                      f"({other}); choose another file name, or delete it first"))
    if problems:
        raise InputError(problems)


def report_command(args) -> int:
    from ..errors import InputError, Problem
    from ..files import check_outputs
    from ..report.debrief import build
    from ..report.journal_file import read_events
    from ..report.render import html, markdown
    from ..text import for_terminal
    from .run import named_output

    if args.workers is not None and args.workers < 1:
        raise InputError([Problem("--workers", 0, 0, "", f"expected a number of processes of 1 or more, got "
                                                         f"{args.workers}")])
    if not 0 <= args.what_if <= MAX_WHAT_IF:
        raise InputError([Problem("--what-if", 0, 0, "", f"expected a number of replications from 1 to {MAX_WHAT_IF} "
                                                         f"(each is a whole run per option), got {args.what_if}")])
    check_outputs([("--html", args.html), ("--md", args.md)], inputs=[args.source])
    _not_anothers_report([("--html", args.html), ("--md", args.md)], args.source)
    if _is_session(args.source):
        debrief = _from_session(args)
    else:
        if args.what_if:
            raise InputError([Problem("--what-if", 0, 0, "", "what-ifs replay a session; a journal alone cannot "
                                                             "be re-run")])
        debrief = build(read_events(args.source), title=os.path.basename(args.source),
                        scenario_id="(from the journal)", source=f"journal {args.source}")
    debrief["report_of"] = os.path.realpath(args.source)
    wrote = []
    for path, render in ((args.html, html), (args.md, markdown)):
        if path:
            with named_output(path) as fh:
                fh.write(render(debrief))
            wrote.append(path)
    if wrote:
        met = sum(1 for o in debrief["objectives"] if o["verdict"] == "met")
        print(for_terminal(f"report on {debrief['title']}: {met}/{len(debrief['objectives'])} objectives met, "
                           f"{len(debrief['improvements'])} area(s) for improvement; written to {', '.join(wrote)}"))
    else:
        print(for_terminal(markdown(debrief), newlines=True))
    return 0
