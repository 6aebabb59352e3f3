"""One run of an experiment: a plain, picklable task in, plain rows out (any executor, any process).

Workers rebuild the exercise from the scenario's data; nothing unpicklable crosses a process.
Replication r seeds every stream with ``SeedSequence(seed, spawn_key=(r, crc32(stream)))``, so
all design points share the same random numbers for the same replication.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..metrics import measure
from .columns import ParameterColumn, parameters_json
from .paths import set_path

if TYPE_CHECKING:
    from ..play.host import PlayHost, RunState
    from ..scenario.model import Scenario


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
    command: str = ""  # the ``ncbsim run`` command that reproduces this run and prints its metrics
    columns: tuple[ParameterColumn, ...] = ()  # the runs table's parameter columns, in design order


class MetricProbe:
    """What a run's metrics need beyond the host's final state (the time of the first arrest).

    The batch and ``ncbsim run --metrics`` both measure through it, so the two print the same values.
    """

    def __init__(self, host: PlayHost) -> None:
        self._host = host
        self.first_arrest: float | None = None  # sim minutes
        host.listen(self._on_event, kinds=("arrest.provisional",))  # the only kind it reads

    def _on_event(self, e: dict[str, Any]) -> None:
        if e["kind"] == "arrest.provisional" and self.first_arrest is None:
            self.first_arrest = self._host.now

    def measure(self, state: RunState, name: str) -> float | None:
        return measure(name, state, self.first_arrest)

    def values(self, names: tuple[str, ...] | list[str]) -> dict[str, float | None]:
        state = self._host.state()
        return {name: self.measure(state, name) for name in names}


def build_scenario(scenario_data: dict[str, Any], overrides: dict[str, Any]) -> Scenario:
    """The scenario one run plays: the base scenario's data with a design point's values set."""
    from ..scenario.model import Scenario

    data = copy.deepcopy(scenario_data)
    for path, value in overrides.items():
        set_path(data, path, value)
    return Scenario.model_validate(data)


def run_task(task: RunTask) -> dict[str, Any]:
    """Run one (design point, replication); a failure is a result, never an exception."""
    from ..play.host import PlayHost

    t0 = time.perf_counter()
    row = _row(task)
    metrics: list[dict[str, Any]] = []
    series: list[dict[str, Any]] = []
    try:
        scenario = build_scenario(task.scenario_data, task.overrides)
        # Each run through a headless play host: the same paths a session's run takes.
        host = PlayHost.headless(scenario, seed=task.seed, base_key=(task.replication,), keep_events=False,
                                 policy=task.policy)
        probe = MetricProbe(host)
        if task.ts_every_min:
            def sample() -> None:
                state = host.state()
                for name in task.ts_metrics:
                    series.append({"run_id": task.run_id, "t_hours": state.now / 60.0, "metric": name,
                                   "value": probe.measure(state, name)})
            host.every(task.ts_every_min, sample)
        host.run(task.until_min)
        state = host.state()
        for name in task.metrics:
            metrics.append({"run_id": task.run_id, "metric": name, "value": probe.measure(state, name)})
        row.update(status="ok", error="", events=host.event_count())
    except Exception as e:  # noqa: BLE001 - whatever one run hits is recorded with it; the sweep goes on
        return failed_result(task, e, time.perf_counter() - t0)
    row["wall_s"] = round(time.perf_counter() - t0, 4)
    row["metric_rows"], row["timeseries_rows"] = len(metrics), len(series)
    return {"run": row, "metrics": metrics, "timeseries": series}


def _row(task: RunTask) -> dict[str, Any]:
    row = {"run_id": task.run_id, "point": task.point, "replication": task.replication, "seed": task.seed,
           "spawn_key": f"({task.replication},)"}
    for c in task.columns:
        row[c.column] = c.value(task.overrides.get(c.path))
    row.update(parameters=parameters_json(task.overrides), command=task.command, engine_version=__version__,
               task_sha256=task.key)
    return row


def failed_result(task: RunTask, error: BaseException, wall_s: float = 0.0) -> dict[str, Any]:
    """A run recorded as failed, with no metrics: by the run itself, or by the executor that lost it."""
    row = _row(task)
    row.update(status="failed", error=f"{type(error).__name__}: {error}".strip()[:2000], events=0,
               wall_s=round(wall_s, 4), metric_rows=0, timeseries_rows=0)
    return {"run": row, "metrics": [], "timeseries": []}

