"""``ncbsim batch``: run an experiment's sweep and stream the results to Parquet."""

from __future__ import annotations

import importlib.util
import os
import sys

from ..batch import CONNECT_TIMEOUT_S

MAX_WORKERS = 256
RESEARCH = ("pyarrow", "pandas", "scipy", "distributed")  # what pyproject's [research] extra brings
INSTALL_HINT = "pip install 'ncbsim[research]' (from a checkout: pip install -e '.[research]')"

EPILOG = f"""\
exit codes: 0 every run ok; 1 some runs failed (each is recorded with its error in the
'error' column of OUT/runs and in OUT/status.jsonl, and the sweep goes on), or the sweep could not
go on (a Dask scheduler that cannot be reached); 2 bad input, a results folder that cannot be
used, or the research stack missing ({INSTALL_HINT}).

--resume keeps a stored run only if its Parquet files read back whole and were made by the same
task; the rest run again. If the experiment, its design CSV, the scenario or one of its includes
changed since the sweep started, --resume refuses: add --force-changed to keep the runs that still
match and redo the others, or use a new --out. Only one sweep at a time may write to a folder.
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("batch", help="run an experiment: a sweep of replications, results in Parquet",
                       description="Run every design point of an experiment for its replications on the chosen "
                                   "executor, streaming runs, metrics and time series to Parquet in --out as they "
                                   "finish; end with mean and 95%% CI per design point, and plots. Needs the "
                                   "research stack: " + INSTALL_HINT.replace("%", "%%") + ".",
                       epilog=EPILOG.replace("%", "%%"), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("experiment", metavar="EXPERIMENT", help="experiment YAML file")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                   help=f"parallel workers (1 to {MAX_WORKERS})")
    p.add_argument("--executor", choices=["serial", "process", "dask"], default="process")
    p.add_argument("--scheduler", metavar="ADDR",
                   help=f"a Dask scheduler, e.g. tcp://host:8786 (default: a local cluster); given up on when it "
                        f"does not answer within {CONNECT_TIMEOUT_S} s")
    p.add_argument("--out", metavar="DIR", help="results folder (default: results/EXPERIMENT-ID)")
    p.add_argument("--resume", action="store_true",
                   help="carry on a sweep in --out: keep the runs whose files check out, run the rest")
    p.add_argument("--force-changed", action="store_true",
                   help="with --resume: go on although the experiment or scenario changed since the sweep "
                        "started (runs that no longer match are run again)")
    p.set_defaults(handler=batch_command)


def missing_research(executor: str) -> list[str]:
    """The research packages this batch needs that are not installed (found, not imported: that is slow)."""
    needed = [m for m in RESEARCH if m != "distributed" or executor == "dask"]
    missing = []
    for name in needed:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def batch_command(args) -> int:
    from ..batch.executors import address_problem
    from ..errors import InputError, Problem

    if not 1 <= args.workers <= MAX_WORKERS:
        raise InputError([Problem("--workers", 0, 0, "", f"expected 1 to {MAX_WORKERS}, got {args.workers}")])
    if args.scheduler is not None:
        if args.executor != "dask":
            raise InputError([Problem("--scheduler", 0, 0, "", "a scheduler goes with --executor dask")])
        if why := address_problem(args.scheduler):
            raise InputError([Problem("--scheduler", 0, 0, "", f"{args.scheduler[:80]!r} is not an address: {why}")])
    if args.force_changed and not args.resume:
        raise InputError([Problem("--force-changed", 0, 0, "", "goes with --resume")])
    if missing := missing_research(args.executor):
        return _no_research(", ".join(missing) + " missing")
    try:
        return _batch(args)
    except ImportError as e:  # installed but broken (a partial install, a wrong binary wheel)
        if (e.name or "").split(".")[0] not in RESEARCH:
            raise
        return _no_research(f"{e.name} does not import")


def _no_research(why: str) -> int:
    print(f"ncbsim batch needs the research stack ({why}): {INSTALL_HINT}", file=sys.stderr)
    return 2


def _batch(args) -> int:
    from pathlib import Path

    from ..batch.folder import check_folder, locked
    from ..batch.summary import plot_names
    from ..batch.sweep import input_files, plan
    from ..errors import InputError, Problem

    pl = plan(args.experiment)
    out = Path(args.out or Path("results") / pl.experiment.id)
    if args.out is None and not os.path.lexists(out.parent):
        try:  # the default place is ours to make; a folder the user names must exist already
            out.parent.mkdir()
        except OSError as e:
            raise InputError([Problem(str(out.parent), 0, 0, "--out", f"cannot make the results folder: "
                                                                      f"{e.strerror or e}")]) from None
    params = [p.path for p in pl.experiment.parameters]
    check_folder(out, input_files(pl), plot_names(list(pl.experiment.metrics), params))
    with locked(out):
        return _sweep(args, pl, out)


def _sweep(args, pl, out) -> int:
    from ..batch.summary import load, plot, render, summarise, write_summary
    from ..batch.sweep import run_sweep, status_counts
    from ..errors import RunError

    def banner() -> None:
        print(f"{pl.experiment.title}: {len(pl.points)} design point(s) × {pl.experiment.replications} "
              f"replication(s) = {len(pl.tasks)} runs on {args.executor} ({args.workers} worker(s)) → {out}",
              flush=True)

    try:
        stats = run_sweep(pl, out, args.executor, args.workers, args.scheduler, args.resume, args.force_changed,
                          starting=banner)
    except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM/SIGHUP (executors.Interrupted): the workers are gone
        counts = status_counts(out)
        print(f"\ninterrupted ({getattr(e, 'name', 'SIGINT')}): {sum(counts.values())} of {len(pl.tasks)} runs are "
              f"stored, each whole; carry on with: ncbsim batch {args.experiment} --out {out} --resume",
              file=sys.stderr)
        return getattr(e, "exit_code", 130)
    if args.resume:
        print(f"resumed: {stats['skipped_as_done']} stored run(s) checked and kept, "
              f"{len(pl.tasks) - stats['skipped_as_done']} run now"
              + (f", {stats['removed_other']} run(s) of the earlier experiment removed" if stats["removed_other"] else ""))
    ids = [t.run_id for t in pl.tasks]
    runs, metrics = load(out, ids, pl.columns)
    rows = summarise(metrics, pl.points, pl.columns, pl.experiment.metrics)
    write_summary(out, rows, pl.columns)
    print(render(rows, pl.columns))
    plots, unwritten = plot(out, rows, pl.columns) if pl.columns else ([], [])
    failed = runs[runs["status"] != "ok"].sort_values("run_id")
    print(f"\n{len(runs) - len(failed)} runs ok, {len(failed)} failed · {stats['seconds']} s · "
          f"{len(plots)} plot file(s) in {out / 'plots'}")
    print(f"summary in {out / 'summary.parquet'} and {out / 'summary.csv'}; "
          f"load the runs: pandas.read_parquet('{out / 'runs'}') (each row's 'command' runs it again)")
    if len(failed):
        print(failure_summary(list(zip(failed["run_id"], failed["error"], strict=True)), len(runs), out),
              file=sys.stderr)
    if unwritten:
        more = f" (and {len(unwritten) - 1} other plot file(s))" if len(unwritten) > 1 else ""
        raise RunError(f"{unwritten[0]}{more}; the results are stored in {out}, only these plots are missing")
    return 1 if len(failed) else 0


MAX_ERROR_GROUPS = 10


def failure_summary(failed: list[tuple[str, str]], total: int, out) -> str:
    """How many runs failed and why: one line per distinct error, most frequent first, with a few
    of the runs it hit (a sweep where every run fails the same way says so in one line)."""
    groups: dict[str, list[str]] = {}
    for run_id, error in sorted(failed):
        groups.setdefault(" ".join(str(error).split())[:300], []).append(str(run_id))
    ranked = sorted(groups.items(), key=lambda g: (-len(g[1]), g[1][0]))
    where = f"every error is in {out / 'status.jsonl'} and the 'error' column of {out / 'runs'}"
    lines = [f"ncbsim batch: {len(failed)} of {total} runs failed ({where}):"]
    for error, ids in ranked[:MAX_ERROR_GROUPS]:
        some = ", ".join(ids[:3]) + (", …" if len(ids) > 3 else "")
        lines.append(f"  {len(ids)}× {error} ({some})")
    if len(ranked) > MAX_ERROR_GROUPS:
        rest = sum(len(ids) for _, ids in ranked[MAX_ERROR_GROUPS:])
        lines.append(f"  … and {rest} run(s) with {len(ranked) - MAX_ERROR_GROUPS} other error(s)")
    return "\n".join(lines)
