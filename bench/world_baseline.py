"""The world-baseline year as a benchmark: wall time and peak memory, beside a bare-SimPy reference.

    python bench/world_baseline.py                    # the year as published (x1)
    python bench/world_baseline.py --volume 1 2 4 8   # the year at 1, 2, 4 and 8 times the requests
    python bench/world_baseline.py --engine-only      # skip the bare-SimPy reference
    python bench/world_baseline.py --default-gc       # without the collector tuned for long runs

``--volume K`` multiplies every yearly request volume and the arrests by K (the same scenario
otherwise), to show how the run grows with the work it does. Wall time is what a user waits;
CPU time (the process's own) is printed beside it because it is steadier on a shared machine.

Each side runs in its own process so its peak resident memory is its own. The reference does the
bare skeleton of the same work: the same yearly volume of requests arriving as a Poisson stream,
each screened (lognormal calendar time), handled by one of 30 reviewers, and 12% sent to a
detailed review — without rules, journal, desks, info requests or statistics.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAR = 365 * 1440.0


def reference(total_per_year: float) -> int:
    import numpy as np
    import simpy

    env = simpy.Environment()
    rng = np.random.default_rng(1)
    reviewers = simpy.Resource(env, capacity=30)
    done = 0

    def request():
        nonlocal done
        yield env.timeout(float(rng.lognormal(math.log(2 * 1440), 0.8)))
        with reviewers.request() as r:
            yield r
            yield env.timeout(float(rng.lognormal(math.log(40), 0.5)))
        if rng.random() < 0.12:
            yield env.timeout(float(rng.lognormal(math.log(12 * 1440), 1.1)))
            with reviewers.request() as r:
                yield r
                yield env.timeout(float(rng.lognormal(math.log(120), 0.5)))
        done += 1

    def arrivals():
        while True:
            yield env.timeout(float(rng.exponential(YEAR / total_per_year)))
            env.process(request())

    env.process(arrivals())
    env.run(until=YEAR)
    return done


def world(volume: float):
    from sim.scenario.loader import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "world-baseline.yaml").scenario
    if volume == 1:
        return sc
    bg = sc.background
    return sc.model_copy(update={"background": bg.model_copy(update={
        "requests_per_year": {k: v * volume for k, v in bg.requests_per_year.items()},
        "arrests_per_year": bg.arrests_per_year * volume})})


def engine(volume: float) -> int:
    from sim.engine import exercise
    from sim.engine.exercise import Exercise

    if os.environ.get("WORLD_BASELINE_DEFAULT_GC"):  # --default-gc: the collector as CPython sets it
        from contextlib import nullcontext
        exercise.tuned_gc = nullcontext  # type: ignore[assignment]

    sc = world(volume)
    if os.environ.get("WORLD_BASELINE_NO_JOURNAL"):  # --no-journal: the year as a batch run runs it
        ex = Exercise(sc, keep_events=False)
        ex.run()
        return len(ex.journal)
    with open(os.devnull, "w") as sink:
        ex = Exercise(sc, journal_sink=sink, keep_events=False)
        ex.run()
    return len(ex.journal)


def one(side: str, volume: float) -> None:
    total = sum(world(1).background.requests_per_year.values()) * volume
    # The modules are imported before the clock starts, as the scenario's loader already is: the
    # figure is the year's, not Python's compiling the engine (without cached bytecode, as under
    # PYTHONDONTWRITEBYTECODE, that alone took about 0.4 s of CPU).
    import numpy  # noqa: F401
    import simpy  # noqa: F401

    import sim.engine.exercise  # noqa: F401
    t0, c0 = time.perf_counter(), time.process_time()
    n = engine(volume) if side == "engine" else reference(total)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"side": side, "volume": volume, "seconds": secs, "cpu": cpu, "peak_mb": peak_mb, "count": n}))


def run_side(side: str, volume: float) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", side, str(volume)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        one(sys.argv[2], float(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--volume", type=float, nargs="+", default=[1.0], metavar="K",
                    help="multiply the yearly request volume by K (several: one run each)")
    ap.add_argument("--engine-only", action="store_true", help="skip the bare-SimPy reference")
    ap.add_argument("--default-gc", action="store_true",
                    help="run the engine with CPython's default collector settings (to measure the tuning)")
    ap.add_argument("--no-journal", action="store_true",
                    help="write no journal, as a batch run (events nobody reads are only counted)")
    args = ap.parse_args()
    if args.no_journal:
        os.environ["WORLD_BASELINE_NO_JOURNAL"] = "1"
    if args.default_gc:
        os.environ["WORLD_BASELINE_DEFAULT_GC"] = "1"
    base = None
    for k in args.volume:
        e = run_side("engine", k)
        line = (f"x{k:g}  ncbsim world-baseline {e['seconds']:6.2f} s (cpu {e['cpu']:6.2f} s)  "
                f"peak {e['peak_mb']:5.0f} MB  ({e['count']:,} journal events)")
        if base is not None:
            line += f"  cpu per unit of volume: x{e['cpu'] / base / k:.2f} of x1"
        else:
            base = e["cpu"] / k
        if not args.engine_only:
            r = run_side("reference", k)
            line += (f"\n     bare SimPy reference  {r['seconds']:6.2f} s (cpu {r['cpu']:6.2f} s)  "
                     f"peak {r['peak_mb']:5.0f} MB  ({r['count']:,} requests reviewed); "
                     f"wall-time ratio reference/engine {r['seconds'] / e['seconds']:.2f}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
