"""A sweep whose runs fail says so loudly (issue 14): exit 1, how many failed and why, grouped by
error, everything it could store stored, and --resume still working."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from conftest import ROOT, SCENARIOS

from sim.cli.batch import failure_summary

# Every design point is checked before a sweep, so runs fail only for reasons the checks cannot
# see: this fault stands for two such (run-time errors in the model), one per design point.
FAULT = """
import sys
import sim.play.host as host
real = host.PlayHost.headless.__func__
def headless(cls, scenario, **kw):
    made = real(cls, scenario, **kw)
    def run(until=None):
        if scenario.traffic.messages_per_ncb_per_day == 5:
            raise ZeroDivisionError("injected fault")
        raise RuntimeError(f"the desk at {scenario.injects[0].to} lost its queue")
    made.run = run
    return made
host.PlayHost.headless = classmethod(headless)
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""

EXPERIMENT = f"""id: t
title: every run fails
scenario: {SCENARIOS / "annotated-example.yaml"}
replications: 2
until: 6h
parameters:
  - {{path: traffic.messages_per_ncb_per_day, values: [5, 40]}}
  - {{path: 'injects[I1].to', values: [ES]}}
metrics: [messages_handled]
"""


def batch(exp: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", FAULT, "batch", str(exp), "--executor", "serial", "--out", str(out),
                           *extra], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_when_every_run_fails_batch_exits_1_with_the_failures_grouped_by_error(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(EXPERIMENT)
    out = tmp_path / "out"
    r = batch(exp, out)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("ncbsim batch: 4 of 4 runs failed (every error is in ")
    assert lines[1:] == ["  2× ZeroDivisionError: injected fault (p0000-r0000, p0000-r0001)",  # most first, then by run
                         "  2× RuntimeError: the desk at ES lost its queue (p0001-r0000, p0001-r0001)"]
    assert "0 runs ok, 4 failed" in r.stdout
    # everything that could be written is: the manifest, each run's row with its error, the log
    assert json.loads((out / "manifest.json").read_text())["runs"] == 4
    runs = pd.read_parquet(out / "runs").sort_values("run_id")
    assert list(runs["status"]) == ["failed"] * 4
    assert list(runs["error"])[:1] == ["ZeroDivisionError: injected fault"]
    assert [json.loads(line)["status"] for line in (out / "status.jsonl").read_text().splitlines()] == ["failed"] * 4

    again = batch(exp, out, "--resume")  # the failed runs are stored results: kept, and still reported
    assert again.returncode == 1, again.stderr
    assert "resumed: 4 stored run(s) checked and kept, 0 run now" in again.stdout
    assert again.stderr.strip().splitlines()[1:] == lines[1:]


def test_many_distinct_errors_are_summarised_not_listed_without_end(tmp_path):
    failed = [(f"p{i:04d}-r0000", f"ValueError: bad value {i}") for i in range(12)] + \
             [(f"p{i:04d}-r0001", "ValueError: bad value 0") for i in range(12)]
    lines = failure_summary(failed, 30, tmp_path).splitlines()
    assert lines[0].startswith("ncbsim batch: 24 of 30 runs failed")
    assert lines[1] == "  13× ValueError: bad value 0 (p0000-r0000, p0000-r0001, p0001-r0001, …)"
    assert len(lines) == 12 and lines[-1] == "  … and 2 run(s) with 2 other error(s)"
