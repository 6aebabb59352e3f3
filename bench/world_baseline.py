"""The world-baseline year as a benchmark: wall time and peak memory, beside a bare-SimPy reference.

    python bench/world_baseline.py

Each side runs in its own process so its peak resident memory is its own. The reference does the
bare skeleton of the same work: the same yearly volume of requests arriving as a Poisson stream,
each screened (lognormal calendar time), handled by one of 30 reviewers, and 12% sent to a
detailed review — without rules, journal, desks, info requests or statistics.
"""

from __future__ import annotations

import json
import math
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


def engine() -> int:
    import os

    from sim.engine.exercise import Exercise
    from sim.scenario.loader import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "world-baseline.yaml").scenario
    with open(os.devnull, "w") as sink:
        ex = Exercise(sc, journal_sink=sink, keep_events=False)
        ex.run()
    return len(ex.journal)


def one(side: str) -> None:
    from sim.scenario.loader import load_scenario

    total = sum(load_scenario(ROOT / "scenarios" / "world-baseline.yaml").scenario.background.requests_per_year.values())
    t0 = time.perf_counter()
    n = engine() if side == "engine" else reference(total)
    secs = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"side": side, "seconds": secs, "peak_mb": peak_mb, "count": n}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        one(sys.argv[2])
        return
    res = {}
    for side in ("reference", "engine"):
        out = subprocess.run([sys.executable, __file__, "--one", side], capture_output=True, text=True, check=True)
        res[side] = json.loads(out.stdout)
    r, e = res["reference"], res["engine"]
    print(f"bare SimPy reference  {r['seconds']:6.2f} s  peak {r['peak_mb']:6.0f} MB  ({r['count']:,} requests reviewed)")
    print(f"ncbsim world-baseline {e['seconds']:6.2f} s  peak {e['peak_mb']:6.0f} MB  ({e['count']:,} journal events)")
    print(f"wall-time ratio reference/engine: {r['seconds'] / e['seconds']:.2f}   (targets: engine < 60 s, < 500 MB)")


if __name__ == "__main__":
    main()
