"""``ncbsim batch``: run an experiment's sweep and stream the results to Parquet."""

from __future__ import annotations

import os
import sys


def register(sub) -> None:
    p = sub.add_parser("batch", help="run an experiment: a sweep of replications, results in Parquet",
                       description="Run every design point of an experiment for its replications on the chosen "
                                   "executor, streaming runs, metrics and time series to Parquet in --out as they "
                                   "finish; end with mean and 95%% CI per design point, and plots.")
    p.add_argument("experiment", metavar="EXPERIMENT", help="experiment YAML file")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N", help="parallel workers")
    p.add_argument("--executor", choices=["serial", "process", "dask"], default="process")
    p.add_argument("--scheduler", metavar="ADDR", help="a Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)")
    p.add_argument("--out", metavar="DIR", help="results folder (default: results/EXPERIMENT-ID)")
    p.add_argument("--resume", action="store_true", help="carry on a sweep in --out, skipping the runs done")
    p.set_defaults(handler=batch_command)


def batch_command(args) -> int:
    from pathlib import Path

    from ..batch.summary import plot, render, summarise
    from ..batch.sweep import plan, run_sweep, status_counts
    from ..errors import InputError, Problem

    if args.workers < 1:
        raise InputError([Problem("--workers", 0, 0, "", "expected 1 or more")])
    if args.scheduler and args.executor != "dask":
        raise InputError([Problem("--scheduler", 0, 0, "", "a scheduler goes with --executor dask")])
    pl = plan(args.experiment)
    out = Path(args.out or Path("results") / pl.experiment.id)
    if not out.parent.exists():
        raise InputError([Problem(str(out), 0, 0, "", "the folder for the results does not exist")])
    print(f"{pl.experiment.title}: {len(pl.points)} design point(s) × {pl.experiment.replications} replication(s) "
          f"= {len(pl.tasks)} runs on {args.executor} ({args.workers} worker(s)) → {out}")
    try:
        stats = run_sweep(pl, out, args.executor, args.workers, args.scheduler, args.resume)
    except KeyboardInterrupt:
        counts = status_counts(out)
        print(f"\ninterrupted: {sum(counts.values())} of {len(pl.tasks)} runs are stored; "
              f"carry on with: ncbsim batch {args.experiment} --out {out} --resume", file=sys.stderr)
        return 130
    params = [p.path for p in pl.experiment.parameters]
    rows = summarise(out, pl.points)
    print(render(rows, params))
    counts = status_counts(out)
    plots = plot(out, rows, params) if params else []
    print(f"\n{counts.get('ok', 0)} runs ok, {counts.get('failed', 0)} failed (see the 'error' column of runs)"
          f" · {stats['seconds']} s · {len(plots)} plot file(s) in {out / 'plots'}")
    print(f"load them: pandas.read_parquet('{out / 'metrics'}')")
    return 0
