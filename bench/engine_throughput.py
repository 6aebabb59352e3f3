"""Engine throughput: messages handled per wall-clock second on all 196 NCBs.

Runs ncbsim's engine and a bare-SimPy reference doing the same traffic in one process and
prints both rates and their ratio (engine / reference; the target is >= 0.5).

The reference: 196 PriorityResource desks of capacity 2 open around the clock; Poisson
arrivals at the same total rate between random pairs of desks; lognormal handling (median 20m,
sigma 0.6); 30% of handled messages forwarded to another random desk. The engine does the same
through its public API (scenario -> Exercise -> run), plus what the reference does not: I-24/7
routing and latency, working-hour plans, and every event written to a JSONL journal.

    python bench/engine_throughput.py [--days 30] [--per-day 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Callable, Iterator

import numpy as np
import simpy

from sim.engine.exercise import Exercise
from sim.scenario.model import Scenario
from sim.world import all_members

MEDIAN_MIN, SIGMA, FORWARD = 20.0, 0.6, 0.3


def blocks(draw: Callable[[int], np.ndarray]) -> Callable[[], float]:
    """The cheapest scalar draws numpy allows: a block of 4096 at a time, served from a list."""
    it: Iterator[float] = iter(())

    def nxt() -> float:
        nonlocal it
        try:
            return next(it)
        except StopIteration:
            it = iter(draw(4096).tolist())
            return next(it)

    return nxt


def reference(days: float, per_day: float, seed: int) -> int:
    env = simpy.Environment()
    rng = np.random.default_rng(seed)
    n = len(all_members())
    desks = [simpy.PriorityResource(env, capacity=2) for _ in range(n)]
    mu = math.log(MEDIAN_MIN)
    handled = 0
    u = blocks(rng.random)
    handling = blocks(lambda k: rng.lognormal(mu, SIGMA, k))
    gaps = blocks(lambda k: rng.exponential(1440.0 / (per_day * n), k))
    timeout, process = env.timeout, env.process

    def message(dst: int):
        nonlocal handled
        with desks[dst].request(priority=2) as req:
            yield req
            yield timeout(handling())
        handled += 1
        if u() < FORWARD:
            j = int(u() * (n - 1))
            process(message(j + (j >= dst)))

    def arrivals():
        while True:
            yield timeout(gaps())
            src = int(u() * n)
            j = int(u() * (n - 1))
            process(message(j + (j >= src)))

    env.process(arrivals())
    env.run(until=days * 1440.0)
    return handled


def engine(days: float, per_day: float, seed: int, journal: bool = False) -> int:
    scenario = Scenario.model_validate({
        "id": "bench", "title": "throughput", "start": "2026-01-05T00:00:00Z", "duration": f"{days}d",
        "seed": seed,
        "desks": {"default": {"staff": 2, "night_staff": 2, "hours": "00:00-24:00",
                              "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}},
        "traffic": {"messages_per_ncb_per_day": per_day, "forward_share": FORWARD, "urgent_share": 0},
        "parameters": {"desk.handling_time": {"lognormal": {"median": f"{MEDIAN_MIN:g}m", "sigma": SIGMA}}},
    })
    if not journal:  # as a batch run has it: metrics, no journal
        ex = Exercise(scenario, keep_events=False)
        ex.run()
        return ex.handled
    with open(os.devnull, "w", encoding="utf-8") as sink:
        ex = Exercise(scenario, journal_sink=sink, keep_events=False)
        ex.run()
    return ex.handled


def engine_journal(days: float, per_day: float, seed: int) -> int:
    return engine(days, per_day, seed, journal=True)


def timed(fn, *args) -> tuple[int, float, float]:
    """Messages handled, wall seconds, and CPU seconds of this process (on a shared machine the
    wall time also counts the neighbours' work; the ratio is taken on CPU time)."""
    t0, c0 = time.perf_counter(), time.process_time()
    n = fn(*args)
    return n, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=30)
    ap.add_argument("--per-day", type=float, default=20, help="new messages per NCB per day")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs each (taken in turns, so a busy "
                                                         "machine slows all sides alike)")
    a = ap.parse_args()
    sides = (("bare SimPy reference", reference), ("ncbsim engine", engine),
             ("engine + JSONL journal", engine_journal))
    runs: dict[str, list[tuple[int, float, float]]] = {name: [] for name, _ in sides}
    for r in range(a.repeat):
        for name, fn in sides:
            runs[name].append(timed(fn, a.days, a.per_day, 1 + r))
    best = {}
    for name, _ in sides:
        n, wall, cpu = max(runs[name], key=lambda r: r[0] / r[2])
        best[name] = n / cpu
        print(f"{name:<24} {n:>9,} messages in {cpu:6.2f} s CPU ({wall:6.2f} s wall) = {n / cpu:>8,.0f} msg/s")
    ratio = best["ncbsim engine"] / best["bare SimPy reference"]
    print(f"ratio engine/reference: {ratio:.2f}  (target >= 0.85; with the journal written: "
          f"{best['engine + JSONL journal'] / best['bare SimPy reference']:.2f})")


if __name__ == "__main__":
    main()
