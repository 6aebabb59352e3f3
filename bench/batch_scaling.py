"""Batch scaling: replications per second at 1 and 2 workers, serial, process pool and Dask.

    python bench/batch_scaling.py [--runs 16] [--until 7d] [--repeat 3] [--executors process,dask]

Parallel efficiency = rate at N workers / (N × the serial rate); target >= 0.9 at 2 workers on an
idle 2-core machine. Each run is the flagship scenario cut at --until. Every configuration is
measured --repeat times, round-robin (so a burst of someone else's load hits all of them alike),
and its best time is kept; an untimed sweep first pays the one-time costs (imports, the world's
graphs, the first Parquet write) so that they do not land on whichever configuration goes first.
The load average before and after is printed: on a shared machine, read the figures with it.
Besides the rate, the main process's CPU time per run (storing results, feeding the pool) shows
what the coordination costs: on 2 cores with 2 workers it is taken from the workers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from sim.batch.sweep import plan, run_sweep

ROOT = Path(__file__).resolve().parents[1]


def sweep(exp: Path, kind: str, workers: int) -> tuple[float, float]:
    """(wall seconds, main-process CPU seconds) of one whole sweep, pool start and shutdown included."""
    out = Path(tempfile.mkdtemp()) / "out"
    pl = plan(exp)
    cpu0, t0 = time.process_time(), time.perf_counter()
    run_sweep(pl, out, kind, workers, None, resume=False)
    secs, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    shutil.rmtree(out.parent)
    return secs, cpu


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--until", default="7d")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--executors", default="process,dask", help="comma-separated: process, dask")
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp())
    body = (f"id: scaling\ntitle: scaling\nscenario: {ROOT / 'scenarios' / 'fugitive-three-borders.yaml'}\n"
            f"seed: 1\nuntil: {a.until}\nmetrics: [arrests, messages_handled]\n")
    exp = folder / "scaling.yaml"
    exp.write_text(body + f"replications: {a.runs}\n")
    warm = folder / "warm.yaml"
    warm.write_text(body + "replications: 2\n")
    configs = [("serial", 1)] + [(k, w) for k in a.executors.split(",") if k for w in (1, 2)]
    print(f"flagship cut at {a.until}, {a.runs} runs per sweep, best of {a.repeat}; load average {load()} "
          f"(1/5/15 min) on {os.cpu_count()} cores")
    sweep(warm, "serial", 1)
    best: dict[tuple[str, int], tuple[float, float]] = {}
    for _ in range(a.repeat):
        for cfg in configs:
            secs, cpu = sweep(exp, *cfg)
            if cfg not in best or secs < best[cfg][0]:
                best[cfg] = (secs, cpu)
    base = a.runs / best[("serial", 1)][0]
    for (kind, workers), (secs, cpu) in best.items():
        rate = a.runs / secs
        line = f"{kind:<7}, {workers} worker{'s' if workers > 1 else ' '}: {rate:6.2f} runs/s"
        if kind != "serial":
            line += f"   efficiency {rate / (workers * base):.2f}   main process {1000 * cpu / a.runs:5.1f} ms CPU/run"
            line += "  (target >= 0.9)" if workers == 2 else ""
        print(line)
    print(f"load average after: {load()}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
