"""sim.api.run_scenario: the researcher's run function is one batch run, with located input errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from conftest import FLAGSHIP, SCENARIOS

from sim import api
from sim.api import METRICS, InputError, RunError, load_scenario, run_scenario
from sim.batch.sweep import plan, run_sweep

EXAMPLE = SCENARIOS / "annotated-example.yaml"
SWEEP = f"""id: api
title: the API against the batch
scenario: {EXAMPLE}
seed: 5
replications: 2
until: 1d
parameters:
  - {{path: parameters.mind.refresh_interval, values: ["6h", "36h"]}}
  - {{path: traffic.messages_per_ncb_per_day, values: [40]}}
metrics: [{", ".join(METRICS)}]
"""


def _same(a: float | None, b: float | None) -> bool:
    return a == b if a is not None and b is not None else a is b


def test_run_scenario_returns_exactly_the_metrics_the_batch_stored_for_each_point_and_replication(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(SWEEP)
    pl = plan(exp)
    run_sweep(pl, tmp_path / "out", "serial", 1, None, resume=False)
    stored = pd.read_parquet(tmp_path / "out" / "metrics")
    for task in pl.tasks:
        got = run_scenario(EXAMPLE, parameters=pl.points[task.point], seed=5, replication=task.replication,
                           until="1d")
        want = {r.metric: (None if pd.isna(r.value) else float(r.value))
                for r in stored[stored.run_id == task.run_id].itertuples()}
        assert list(got) == list(METRICS)  # every metric by default, in METRICS' order
        assert all(_same(got[k], want[k]) for k in METRICS), (task.run_id, got, want)
    # The two settings and the two replications are different runs, not one answer repeated.
    assert len({tuple(stored[stored.run_id == t.run_id].sort_values("metric").value) for t in pl.tasks}) > 1


def test_a_loaded_scenario_or_its_model_runs_as_the_file_does():
    kw = {"parameters": {"ndtf.reviewers": 2}, "seed": 1, "replication": 3, "until": "12h",
          "metrics": ["messages_handled", "messages_queued"]}
    from_file = run_scenario(EXAMPLE, **kw)
    loaded = load_scenario(EXAMPLE)
    assert run_scenario(loaded, **kw) == from_file
    assert run_scenario(loaded.scenario, **kw) == from_file
    assert run_scenario(EXAMPLE, **{**kw, "replication": 4}) != from_file


def test_bad_input_is_refused_before_any_run_with_one_located_problem_per_mistake(monkeypatch):
    ran = []
    monkeypatch.setattr("sim.batch.runs.run_task", lambda task: ran.append(task))
    with pytest.raises(InputError) as e:
        run_scenario(EXAMPLE, parameters={"ndtf.reviwers": 2, "parameters.mind.refresh": "1h"},
                     metrics=["arests"], seed=-1, until="3 days", policy="lazy")
    text = {p.field or p.file: p.message for p in e.value.problems}
    assert "did you mean 'reviewers'" in text["ndtf.reviwers"]
    assert "not a model parameter" in text["parameters.mind.refresh"]
    assert "did you mean 'arrests'" in text["arests"]
    assert "by_the_book" in text["policy"] and "2^63" in text["seed"] and "36h" in text["until"]
    # A value the scenario refuses is located in the scenario file, as the loader locates it.
    with pytest.raises(InputError) as e:
        run_scenario(EXAMPLE, parameters={"parameters.mind.refresh_interval": 36})  # a duration needs its unit
    (p,) = e.value.problems
    assert (Path(p.file).name, p.field) == ("annotated-example.yaml", "parameters.mind.refresh_interval") and p.line
    for negative in (timedelta(hours=-3), "-3h"):  # a timedelta is not parsed: it is checked all the same
        with pytest.raises(InputError) as e:
            run_scenario(EXAMPLE, until=negative)
        assert "cannot be negative" in e.value.problems[0].message
    with pytest.raises(InputError) as e:
        run_scenario(SCENARIOS / "no-such-scenario.yaml")
    assert "no-such-scenario.yaml" in str(e.value)
    assert ran == []


def test_a_failed_run_raises_run_error_instead_of_returning_nothing(monkeypatch):
    def broken(self, until=None):
        raise ZeroDivisionError("the engine broke")

    monkeypatch.setattr("sim.play.host.PlayHost.run", broken)
    with pytest.raises(RunError, match="ZeroDivisionError: the engine broke"):
        run_scenario(FLAGSHIP, until="1h")


def test_the_metrics_a_researcher_can_ask_for_are_exported_with_their_meaning():
    assert "arrests" in api.METRICS and api.METRICS["hours_to_first_arrest"].meaning.startswith("sim hours")
    assert api.METRICS["refusal_share"].unit == "share" and isinstance(api.METRICS["arrests"], api.Metric)
    assert {"run_scenario", "METRICS", "POLICIES"} <= set(api.__all__)
    assert "Example::" in (run_scenario.__doc__ or "")
