"""Batch scaling: replications per second at 1 and 2 workers, serial, process pool and Dask.

    python bench/batch_scaling.py [--runs 16] [--until 2d]

Parallel efficiency = rate at 2 workers / (2 × the serial rate at 1 worker); target >= 0.85 on
this 2-core machine. Each run is the flagship scenario cut at --until.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from sim.batch.sweep import plan, run_sweep

ROOT = Path(__file__).resolve().parents[1]


def sweep(exp: Path, kind: str, workers: int) -> float:
    out = Path(tempfile.mkdtemp()) / "out"
    t0 = time.perf_counter()
    stats = run_sweep(plan(exp), out, kind, workers, None, resume=False)
    secs = time.perf_counter() - t0
    shutil.rmtree(out.parent)
    return stats["runs"] / secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--until", default="2d")
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp())
    exp = folder / "scaling.yaml"
    exp.write_text(f"id: scaling\ntitle: scaling\nscenario: {ROOT / 'scenarios' / 'fugitive-three-borders.yaml'}\n"
                   f"seed: 1\nreplications: {a.runs}\nuntil: {a.until}\nmetrics: [arrests, messages_handled]\n")
    base = sweep(exp, "serial", 1)
    print(f"serial, 1 worker : {base:6.2f} runs/s")
    for kind in ("process", "dask"):
        for workers in (1, 2):
            rate = sweep(exp, kind, workers)
            eff = rate / (workers * base)
            print(f"{kind:<7}, {workers} worker{'s' if workers > 1 else ' '}: {rate:6.2f} runs/s   "
                  f"efficiency {eff:.2f}" + ("  (target >= 0.85)" if workers == 2 else ""))


if __name__ == "__main__":
    main()
