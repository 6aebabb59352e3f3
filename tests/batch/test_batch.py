"""Batches: identical results on every executor, resume after interruption, failures recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS, SLOW_SWEEP, ncbsim, recorded_once

from sim.batch.designs import design_points
from sim.batch.sweep import load_experiment, plan, run_sweep

EXAMPLE = SCENARIOS / "annotated-example.yaml"


def experiment(tmp_path: Path, body: str, name: str = "exp.yaml") -> Path:
    p = tmp_path / name
    p.write_text(f"id: t\ntitle: test sweep\nscenario: {EXAMPLE}\nseed: 3\n" + body)
    return p


SMALL = """replications: 3
until: 1d
parameters:
  - {path: traffic.messages_per_ncb_per_day, values: [5, 40]}
metrics: [messages_handled, messages_queued, objectives_met]
timeseries: {every: 6h, metrics: [messages_handled]}
"""


def metrics(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "metrics").sort_values(["run_id", "metric"]).reset_index(drop=True)


def test_serial_process_and_dask_give_identical_metrics(tmp_path):
    exp = experiment(tmp_path, SMALL)
    results = {}
    for kind in ("serial", "process", "dask"):
        out = tmp_path / kind
        stats = run_sweep(plan(exp), out, kind, 2, None, resume=False)
        assert stats["runs"] == 6
        results[kind] = metrics(out)
    assert len(results["serial"]) == 18
    pd.testing.assert_frame_equal(results["serial"], results["process"])
    pd.testing.assert_frame_equal(results["serial"], results["dask"])
    ts = pd.read_parquet(tmp_path / "serial" / "timeseries")
    assert set(ts["t_hours"]) == {6.0, 12.0, 18.0, 24.0}


def test_common_random_numbers_across_design_points(tmp_path):
    exp = experiment(tmp_path, """replications: 3
until: 1d
parameters:
  - {path: traffic.urgent_share, values: [0.05, 0.050]}
metrics: [messages_handled]
""")
    out = tmp_path / "crn"
    run_sweep(plan(exp), out, "serial", 1, None, resume=False)
    m = metrics(out).assign(point=lambda d: d.run_id.str[:5], rep=lambda d: d.run_id.str[-5:])
    by = m.pivot(index="rep", columns="point", values="value")
    assert (by["p0000"] == by["p0001"]).all()  # same replication, same draws
    assert by["p0000"].nunique() > 1  # different replications, different draws


# Every design point is checked before a sweep, so a run fails only for a reason the checks
# cannot see; this fault stands for one (a run-time error in the model) at the first design point.
FAULT = """
import sys
import sim.play.host as host
real = host.PlayHost.headless.__func__
def headless(cls, scenario, **kw):
    made = real(cls, scenario, **kw)
    if scenario.traffic.messages_per_ncb_per_day == 5:
        def state():
            raise ZeroDivisionError("injected fault")
        made.state = state
    return made
host.PlayHost.headless = classmethod(headless)
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_failing_run_is_recorded_the_sweep_goes_on_and_the_exit_code_is_1(tmp_path):
    exp = experiment(tmp_path, SMALL.replace("replications: 3", "replications: 2"))
    out = tmp_path / "fail"
    r = subprocess.run([sys.executable, "-c", FAULT, "batch", str(exp), "--executor", "serial", "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and "2 of 4 runs failed" in lines[0] and str(out / "status.jsonl") in lines[0]
    assert lines[1] == "  2× ZeroDivisionError: injected fault (p0000-r0000, p0000-r0001)"
    assert "2 runs ok, 2 failed" in r.stdout
    runs = pd.read_parquet(out / "runs").sort_values("run_id")
    assert list(runs["status"]) == ["failed", "failed", "ok", "ok"]
    assert runs.iloc[0]["error"] == "ZeroDivisionError: injected fault"
    assert set(pd.read_parquet(out / "metrics")["run_id"]) == {"p0001-r0000", "p0001-r0001"}
    failed = [json.loads(line) for line in (out / "status.jsonl").read_text().splitlines()]
    assert sum(s["status"] == "failed" for s in failed) == 2


INTERRUPTED = """replications: 6
until: 2d
parameters:
  - {path: traffic.messages_per_ncb_per_day, values: [60, 80]}
metrics: [messages_handled, objectives_met]
"""


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    """The sweep the interrupted ones must end up equal to, run once for both signals."""
    def make(folder: Path) -> None:
        run_sweep(plan(experiment(folder, INTERRUPTED)), folder / "reference", "serial", 1, None, resume=False)

    return recorded_once(tmp_path_factory, "batch-uninterrupted", make) / "reference"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_sweeps_resume_without_counting_a_run_twice(tmp_path, sig, uninterrupted):
    exp = experiment(tmp_path, INTERRUPTED)
    reference = uninterrupted
    out = tmp_path / "interrupted"
    # One worker keeps three runs in flight (serial: each runs as it is submitted), so three are stored,
    # the fourth runs and the fifth waits for the signal: it always lands mid-sweep.
    # A shell without job control starts background jobs with SIGINT ignored, and Python keeps an ignored
    # SIGINT: the sweep would never see Ctrl-C and the test would hang for two minutes. So the sweep gets
    # the Ctrl-C a user's terminal gives it.
    ctrl_c = "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
    cmd = [sys.executable, "-c", ctrl_c + SLOW_SWEEP, "batch", str(exp), "--executor", "serial", "--workers", "1",
           "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NCBSIM_TEST_HOLD_AFTER": "4"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = out / "status.jsonl"
        if status.exists() and len(status.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    done_before = len((out / "status.jsonl").read_text().splitlines())
    assert 3 <= done_before < 12
    r = ncbsim("batch", str(exp), "--executor", "serial", "--out", str(out), "--resume")
    assert r.returncode == 0, r.stderr
    ids = [json.loads(line)["run_id"] for line in (out / "status.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids)) == 12
    pd.testing.assert_frame_equal(metrics(out), metrics(reference))


def test_designs(tmp_path):
    lhs = experiment(tmp_path, """design: latin_hypercube
samples: 5
parameters:
  - {path: ndtf.reviewers, range: {low: 5, high: 50, integer: true}}
  - {path: parameters.ndtf.screening_time, range: {low: 2, high: 48}, unit: h}
""")
    pts = design_points(load_experiment(lhs), tmp_path)
    assert len(pts) == 5 and all(5 <= p["ndtf.reviewers"] <= 50 for p in pts)
    assert all(p["parameters.ndtf.screening_time"].endswith("h") for p in pts)
    sobol = experiment(tmp_path, "design: sobol\nsamples: 4\nparameters:\n  - {path: ndtf.reviewers, range: {low: 1, high: 9}}\n",
                       "sobol.yaml")
    assert len(design_points(load_experiment(sobol), tmp_path)) == 4
    (tmp_path / "points.csv").write_text("ndtf.reviewers\n3\n7\n")
    csv = experiment(tmp_path, "design: csv\ncsv: points.csv\nparameters:\n  - {path: ndtf.reviewers, values: [0]}\n",
                     "csv.yaml")
    assert design_points(load_experiment(csv), tmp_path) == [{"ndtf.reviewers": 3}, {"ndtf.reviewers": 7}]
    steps = experiment(tmp_path, "parameters:\n  - {path: ndtf.reviewers, steps: {start: 10, stop: 30, step: 10}}\n",
                       "steps.yaml")
    assert design_points(load_experiment(steps), tmp_path) == [{"ndtf.reviewers": v} for v in (10, 20, 30)]


def test_cli_batch_summary_plots_and_bad_experiments(tmp_path):
    exp = experiment(tmp_path, SMALL)
    out = tmp_path / "cli"
    r = ncbsim("batch", str(exp), "--workers", "2", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "± 95% CI" in r.stdout and "6 runs ok, 0 failed" in r.stdout
    assert list((out / "plots").glob("*.svg")) and list((out / "plots").glob("*.png"))
    assert json.loads((out / "manifest.json").read_text())["runs"] == 6
    again = ncbsim("batch", str(exp), "--out", str(out))
    assert again.returncode == 2 and "--resume" in again.stderr
    bad = experiment(tmp_path, "replications: 0\ndesign: sobol\nparameters:\n  - {path: x, values: [1]}\n", "bad.yaml")
    r = ncbsim("validate", str(bad))
    assert r.returncode == 2 and "bad.yaml:" in r.stderr and "replications" in r.stderr
    ok = ncbsim("validate", str(ROOT / "scenarios" / "experiments" / "ndtf-capacity-vs-mind.yaml"))
    assert ok.returncode == 0 and "experiment" in ok.stdout
    schema = json.loads(ncbsim("schema", "experiment").stdout)
    assert "replications" in schema["properties"]
