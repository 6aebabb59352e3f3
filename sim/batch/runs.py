"""One run of an experiment: a plain, picklable task in, plain rows out (any executor, any process).

Workers rebuild the exercise from the scenario's data; nothing unpicklable crosses a process.
Replication r seeds every stream with ``SeedSequence(seed, spawn_key=(r, crc32(stream)))``, so
all design points share the same random numbers for the same replication.
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import __version__
from .paths import set_path

if TYPE_CHECKING:
    from ..play.host import RunState


@dataclass(frozen=True)
class RunTask:
    run_id: str
    point: int
    replication: int
    overrides: dict[str, Any]
    scenario_data: dict[str, Any]
    seed: int
    until_min: float | None
    policy: str | None
    metrics: tuple[str, ...]
    ts_every_min: float | None = None
    ts_metrics: tuple[str, ...] = ()
    key: str = ""  # digest of everything the result depends on; resume keeps a stored run only if it matches


def measure(state: RunState, name: str, first_arrest: list[float]) -> float | None:
    """One metric from a run's figures as its play host reports them (``host.state()``)."""
    c = Counter(state.counts)
    if name == "hours_to_first_arrest":
        return first_arrest[0] / 60.0 if first_arrest else None
    if name in ("notices_published", "notices_refused", "diffusions_purged", "refusal_share"):
        n = state.notice_totals()
        return {"notices_published": sum(n["published"].values()), "notices_refused": sum(n["refused"].values()),
                "diffusions_purged": sum(n["diffusions"]["purged"].values()),
                "refusal_share": n["refusal_share"]}[name]
    return {"objectives_met": c["objective.met"], "objectives_failed": c["objective.failed"],
            "arrests": c["arrest.provisional"], "released": c["subject.released"],
            "extraditions_requested": c["extradition.requested"], "messages_handled": state.handled,
            "messages_queued": state.queued, "decisions_expired": c["decision.expired"]}[name]


def run_task(task: RunTask) -> dict[str, Any]:
    """Run one (design point, replication); a failure is a result, never an exception."""
    from ..play.host import PlayHost
    from ..scenario.model import Scenario

    t0 = time.perf_counter()
    row = _row(task)
    metrics: list[dict[str, Any]] = []
    series: list[dict[str, Any]] = []
    try:
        data = copy.deepcopy(task.scenario_data)
        for path, value in task.overrides.items():
            set_path(data, path, value)
        scenario = Scenario.model_validate(data)
        # Each run through a headless play host: the same paths a session's run takes.
        host = PlayHost.headless(scenario, seed=task.seed, base_key=(task.replication,), keep_events=False,
                                 policy=task.policy)
        first_arrest: list[float] = []

        def on_event(e: dict[str, Any]) -> None:
            if e["kind"] == "arrest.provisional" and not first_arrest:
                first_arrest.append(host.now)

        host.listen(on_event, kinds=("arrest.provisional",))
        if task.ts_every_min:
            def sample() -> None:
                state = host.state()
                for name in task.ts_metrics:
                    series.append({"run_id": task.run_id, "t_hours": state.now / 60.0, "metric": name,
                                   "value": _float(measure(state, name, first_arrest))})
            host.every(task.ts_every_min, sample)
        host.run(task.until_min)
        state = host.state()
        for name in task.metrics:
            metrics.append({"run_id": task.run_id, "metric": name, "value": _float(measure(state, name, first_arrest))})
        row.update(status="ok", error="", events=host.event_count())
    except Exception as e:  # noqa: BLE001 - whatever one run hits is recorded with it; the sweep goes on
        return failed_result(task, e, time.perf_counter() - t0)
    row["wall_s"] = round(time.perf_counter() - t0, 4)
    row["metric_rows"], row["timeseries_rows"] = len(metrics), len(series)
    return {"run": row, "metrics": metrics, "timeseries": series}


def _row(task: RunTask) -> dict[str, Any]:
    return {"run_id": task.run_id, "point": task.point, "replication": task.replication, "seed": task.seed,
            "spawn_key": f"({task.replication},)", "parameters": repr(sorted(task.overrides.items())),
            "engine_version": __version__, "task_sha256": task.key}


def failed_result(task: RunTask, error: BaseException, wall_s: float = 0.0) -> dict[str, Any]:
    """A run recorded as failed, with no metrics: by the run itself, or by the executor that lost it."""
    row = _row(task)
    row.update(status="failed", error=f"{type(error).__name__}: {error}".strip()[:2000], events=0,
               wall_s=round(wall_s, 4), metric_rows=0, timeseries_rows=0)
    return {"run": row, "metrics": [], "timeseries": []}


def _float(v: Any) -> float | None:
    return None if v is None else float(v)
