"""``ncbsim run``: run a scenario headless and print what happened."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import IO, Any, cast

from ..durations import DURATION_HELP, minutes, parse_duration
from ..errors import InputError, Problem, RunError
from ..files import check_outputs, output_file
from ..text import for_terminal, json_for_terminal
from .progress import RunProgress


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
    p.add_argument("--replication", type=int, metavar="R",
                   help="run replication R as ncbsim batch does: every random stream keyed by R, as a batch's "
                        "runs of replication R are (with --seed, the experiment's seed); without it, the "
                        "scenario's own streams")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="sets",
                   help="set one scenario value before the run, as an experiment's parameter would "
                        "(repeatable); PATH as in experiments, e.g. ndtf.reviewers, requests[D1].to, "
                        "parameters.mind.refresh_interval; VALUE in YAML: 3, 36h, ES, [ES, MA]")
    p.add_argument("--metrics", metavar="NAME,...",
                   help="print these metrics as ncbsim batch records them, e.g. arrests,hours_to_first_arrest "
                        "(the metrics of experiments: ncbsim schema experiment lists them)")
    p.set_defaults(handler=run_command)


def run_command(args) -> int:
    from ..batch.columns import plain
    from ..batch.runs import MetricProbe, build_scenario
    from ..play.host import PlayHost
    from ..scenario.loader import load_scenario, plain_data

    loaded = load_scenario(args.scenario)
    if args.seed is not None and not 0 <= args.seed < 2 ** 63:
        raise InputError([Problem("--seed", 0, 0, "", "expected a non-negative integer below 2^63")])
    until = None
    if args.until is not None:
        try:
            until = minutes(parse_duration(args.until))
        except ValueError as e:
            raise InputError([Problem("--until", 0, 0, "", str(e))]) from None
    policy, script_path = split_policy(args.policy)
    if args.replication is not None and not 0 <= args.replication < 2 ** 32:
        raise InputError([Problem("--replication", 0, 0, "", "expected a non-negative integer below 2^32")])
    if args.session:
        for flag, given in (("--replication", args.replication is not None), ("--set", bool(args.sets)),
                            ("--metrics", args.metrics is not None)):
            if given:
                raise InputError([Problem(flag, 0, 0, "", "goes without --session: a session replays its "
                                                          "scenario as written, with its own streams")])
    # Every problem with the flags in one pass, as for a scenario's.
    problems: list[Problem] = []
    metric_names: list[str] = []
    overrides: dict[str, Any] = {}
    try:
        metric_names = parse_metrics(args.metrics)
    except InputError as e:
        problems += e.problems
    try:
        overrides = parse_sets(args.sets, loaded)
    except InputError as e:
        problems += e.problems
    if problems:
        raise InputError(problems)
    # Before any work: an output that cannot be written, or that is one of this run's inputs
    # (the scenario, a file it includes, the policy script, the session), is refused now.
    check_outputs([("--session", args.session), ("--journal", args.journal), ("--network", args.network)],
                  inputs=[*loaded.located.files, script_path])
    script = None
    if script_path:
        from ..decisions.script import load_script

        script = load_script(script_path)
    for w in loaded.warnings:
        print(for_terminal(w), file=sys.stderr)

    with ExitStack() as outputs:
        # Written beside the target and renamed at the end: a failed run never leaves half a
        # journal. Line-buffered in sessions, so what the journal shows was acknowledged on disk.
        sink = (outputs.enter_context(named_output(args.journal, buffering=1 if args.session else -1))
                if args.journal else None)
        progress = None
        try:
            # Every run goes through a play host: a session's, or a headless one nobody plays.
            if args.session:
                run, resumed = open_session(args, loaded, policy, script, sink)
                # The SQLite connection and the writer's lock end with the command, on every path.
                outputs.callback(run.store.close)
                host = PlayHost(run)
            else:
                # --replication keys every stream as the batch's runs of that replication are keyed
                # (and --set builds the scenario as a batch run does), so a batch run plays again here.
                batch_like = bool(overrides) or args.replication is not None
                scenario = (build_scenario(plain_data(loaded.located.data), overrides) if batch_like
                            else loaded.scenario)
                base_key = () if args.replication is None else (args.replication,)
                host = PlayHost.headless(scenario, seed=args.seed, journal_sink=sink, keep_events=False,
                                         base_key=base_key, policy=policy, script=script)
            probe = MetricProbe(host) if metric_names else None
            traffic = None
            if args.network:
                from ..engine.network import TrafficAnalysis

                traffic = TrafficAnalysis()
                host.listen(traffic)
            if sys.stderr.isatty():
                progress = RunProgress(host, host.duration if until is None else min(until, host.duration),
                                       sys.stderr)
                host.listen(progress)
            host.run(until)
            summary = host.summary()
            summary["scenario_sha256"] = loaded.digest
            if args.replication is not None:
                summary["replication"] = args.replication
            if overrides:
                summary["set"] = {path: plain(v) for path, v in overrides.items()}
            if probe is not None:
                summary["metrics"] = probe.values(metric_names)
            if args.session:
                summary["session"] = {"file": args.session, "resumed": resumed,
                                      "decisions_recorded": len(run.store.decisions())}
            if traffic is not None:
                from ..engine.network import write_graph

                summary["network"] = traffic.report()
                try:
                    write_graph(traffic.graph(), args.network)
                except OSError as e:
                    raise write_failed(args.network, e) from None
                summary["network"]["graph"] = args.network
        except (InputError, RunError, KeyboardInterrupt):
            raise
        except Exception as e:  # the engine failed: report it, keep no partial output
            raise RunError(f"{type(e).__name__}: {e}") from e
        finally:
            if progress is not None:
                progress.clear()
    if args.journal:
        summary["journal"] = args.journal

    if args.json:
        print(json_for_terminal(summary, indent=2))
    else:
        print(render(summary))
    return 0


def write_failed(path: str, e: OSError) -> RunError:
    return RunError(f"cannot write {path}: {e.strerror or e}")


class _NamedWrites:
    """An output whose failed writes name it, whatever the reason (a full disk, a file system
    remounted read-only, a stale NFS handle, permissions changed under the run): one line, exit 1."""

    def __init__(self, fh: IO[str], name: str) -> None:
        self._fh = fh
        self._name = name

    def write(self, text: str) -> int:
        try:
            return self._fh.write(text)
        except OSError as e:
            raise write_failed(self._name, e) from None


@contextmanager
def named_output(path: str, *, buffering: int = -1) -> Iterator[IO[str]]:
    """``output_file`` (atomic, checked) for text written piece by piece as a command runs."""
    with output_file(path, buffering=buffering) as fh:
        yield cast(IO[str], _NamedWrites(fh, path))  # the journal and the reports only call write()


def parse_metrics(text: str | None) -> list[str]:
    """``--metrics a,b``: the batch's metric names, in the order given."""
    if text is None:
        return []
    from ..batch.paths import suggest
    from ..metrics import METRICS

    names = [n.strip() for n in text.split(",") if n.strip()]
    problems = [Problem("--metrics", 0, 0, "", f"'{n}' is not a metric{suggest(n, METRICS)}; "
                                                f"known: {', '.join(METRICS)}")
                for n in names if n not in METRICS]
    if not names:
        problems.append(Problem("--metrics", 0, 0, "", f"expected metric names joined by commas, e.g. "
                                                        f"arrests,released; known: {', '.join(METRICS)}"))
    if problems:
        raise InputError(problems)
    return list(dict.fromkeys(names))


def parse_sets(sets: list[str], loaded) -> dict[str, Any]:
    """``--set PATH=VALUE`` arguments as a design point ({path: value}), checked as an experiment's
    parameters are: the path against the scenario and its model, the scenario with every value set
    against the loader's checks. Each problem names the ``--set`` argument it comes from."""
    if not sets:
        return {}
    from ..batch.columns import parse_value
    from ..batch.experiment import path_problem
    from ..batch.paths import resolve
    from ..batch.plan import _owner, _scenario_problems
    from ..scenario.loader import dotted, plain_data

    data = plain_data(loaded.located.data)
    point: dict[str, Any] = {}
    origin: dict[str, str] = {}
    problems: list[Problem] = []
    for arg in sets:
        where = "--set " + (arg if len(arg) <= 80 else arg[:79] + "…")
        path, eq, text = arg.partition("=")
        path = path.strip()
        if not eq or not path:
            problems.append(Problem(where, 0, 0, "", "expected PATH=VALUE, e.g. ndtf.reviewers=3 or "
                                                     "parameters.mind.refresh_interval=36h"))
            continue
        if why := path_problem(path, data):
            problems.append(Problem(where, 0, 0, path, why))
            continue
        if path in point:
            problems.append(Problem(where, 0, 0, path, f"set twice (first by --set {origin[path]})"))
            continue
        try:
            point[path] = parse_value(text, where)
        except InputError as e:
            problems.append(Problem(where, 0, 0, path, "the value is not YAML: "
                                    + "; ".join(q.message for q in e.problems)))
            continue
        origin[path] = arg
    if problems:
        raise InputError(problems)
    paths = list(point)
    fields = [dotted(resolve(p, data)) for p in paths]
    for q in _scenario_problems(data, point, loaded.located):
        i = _owner(fields, q.field)
        if i is None:
            shown = ", ".join(f"--set {origin[p]}" for p in paths)
            problems.append(Problem(q.file, q.line, q.col, q.field, f"with {shown}: {q.message}"))
        else:
            detail = "" if q.field == fields[i] else f" ({q.field})"
            problems.append(Problem("--set " + origin[paths[i]], 0, 0, paths[i], q.message + detail))
    if problems:
        raise InputError(problems)
    return point


def split_policy(text: str | None) -> tuple[str | None, str | None]:
    """``--policy`` as (name, script file): a policy name, or scripted:FILE."""
    from ..decisions.policies import POLICIES

    if text is None:
        return None, None
    name, _, path = text.partition(":")
    if name not in POLICIES or (name == "scripted") != bool(path):
        raise InputError([Problem("--policy", 0, 0, "", f"expected one of by_the_book, overloaded, careless or "
                                                        f"scripted:FILE.yaml, got '{text}'")])
    return name, path or None


def open_session(args, loaded, policy, script, sink):
    from ..sessions.runner import SessionRun, check_same_scenario, new_session
    from ..sessions.store import SessionStore

    resumed = os.path.exists(args.session)
    if resumed:
        store = SessionStore.open(args.session)
    else:
        store = new_session(args.session, loaded, seed=args.seed, policy=policy, script=script)
    try:  # the caller closes the store of a run it gets back; one refused here is closed now
        if resumed:
            check_same_scenario(store, loaded, args.seed)
            if args.policy is not None and policy != (store.meta("policy") or None):
                raise InputError([Problem(args.session, 0, 0, "", "this session was recorded with policy "
                                                                  f"'{store.meta('policy') or 'from the scenario'}'")])
        return SessionRun(store, journal=sink, keep_events=False), resumed
    except BaseException:
        store.close()
        raise


def render(s: dict[str, Any]) -> str:
    lines = [f"{s['title']}  [{s['scenario']}]",
             f"seed {s['seed']} · {s['start']} → {s['end']} · {s['members']} member countries · "
             + ("ran to the end" if s["complete"] else "stopped early"), ""]
    if "replication" in s or "set" in s:
        lines.insert(2, " · ".join([*([f"replication {s['replication']}"] if "replication" in s else []),
                                    *(f"{k} = {v}" for k, v in s.get("set", {}).items())]))
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
        lines += ["", (f"traffic network: {net['nodes']} nodes, {net['links_used']:,} links used, "
                       f"{net['relayed_messages']:,} hops relayed by Lyon or a bureau (graph in {net['graph']})"),
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
            why = {"not_started": " (never started: the event it counts from did not happen)",
                   "forbidden": " (what it forbids happened)"}.get(o.get("reason", ""), "")
            lines.append(f"  {mark[o['status']]} {o['id']}: {o['title']}{when}{why}")
    if "metrics" in s:
        lines += ["", "metrics (the values ncbsim batch records for this run):"]
        width = max(len(k) for k in s["metrics"])
        for name, value in s["metrics"].items():
            lines.append(f"  {name:<{width}}  {'none' if value is None else repr(value)}")
    if s.get("session"):
        ss = s["session"]
        lines += ["", (f"session {ss['file']} ({'resumed' if ss['resumed'] else 'new'}): "
                       f"{ss['decisions_recorded']} decision(s) recorded")]
    if s.get("journal"):
        lines += ["", f"journal written to {s['journal']}"]
    # Each line from the scenario's own text (titles, ids, file names) stays one visible line.
    return "\n".join(map(for_terminal, lines))


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
        lines += ["", (f"arrest cases: {a['hits_holding_a_person']} hit(s) holding a person; "
                       f"now {_counts(a['states'])}")]
        if a["released"]:
            lines.append(f"  released because: {_counts(a['released'])}")
    return lines
