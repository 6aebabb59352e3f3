"""Experiments are checked whole before a sweep starts (issue 11, cause 8).

Each bad experiment below is refused by ``ncbsim validate`` and by ``ncbsim batch`` before any
run, through the real CLI: exit 2, one line naming the file (the experiment, or its design CSV)
and the field, no traceback, the inputs unchanged and no results folder made. Scheduler
addresses: a malformed one is bad input (exit 2, before anything starts), an unreachable one
a failed run (exit 1, within a few seconds). Only loopback is ever contacted.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS

EXAMPLE = SCENARIOS / "annotated-example.yaml"
HEAD = f"id: t\ntitle: checks\nscenario: {EXAMPLE}\nreplications: 1\nuntil: 6h\n"

# (experiment body after HEAD, files beside it, where the one line points, words it must hold)
CASES = {
    "path-into-a-list-without-an-item": (
        "parameters:\n  - {path: injects.at, values: [1h, 2h]}\n", {},
        "exp.yaml:7:6: parameters.0.path:", "'injects' is a list; choose an item by id or position, like injects[I1] or injects[0].at"),
    "path-into-an-empty-list": (
        "parameters:\n  - {path: requests.0.to, values: [[FR], [ES]]}\n", {},
        "exp.yaml:7:6: parameters.0.path:", "'requests' has no items in the scenario"),
    "misspelt-id-in-a-path": (
        "parameters:\n  - {path: 'injects[l2].to', values: [ES]}\n", {},
        "exp.yaml:7:6: parameters.0.path:", "no item of 'injects' has the id 'l2' (did you mean 'I2'?); its ids: I1, I2"),
    "index-out-of-range-in-a-path": (
        "parameters:\n  - {path: 'injects[5].at', values: [1h]}\n", {},
        "exp.yaml:7:6: parameters.0.path:", "'injects' has 2 item(s), positions 0 to 1; there is no item 5"),
    "misspelt-field-after-an-id": (
        "parameters:\n  - {path: 'injects[I1].priorty', values: [high]}\n", {},
        "exp.yaml:7:6: parameters.0.path:", "'injects[I1]' has no field 'priorty' (did you mean 'priority'?)"),
    "value-by-id-refused": (
        "parameters:\n  - {path: 'injects[I2].to', values: [ES, ZZ]}\n", {},
        "exp.yaml:7:43: parameters.0.values.1:", "injects[I2].to = \"ZZ\": 'ZZ' is not an ISO 3166"),
    "path-that-does-not-exist": (
        "parameters:\n  - {path: ndtf.reviewrs, values: [1, 2]}\n", {},
        "exp.yaml:7:6: parameters.0.path:", "did you mean 'reviewers'"),
    "path-below-a-value": (
        "parameters:\n  - {path: traffic.urgent_share.low, values: [1, 2]}\n", {},
        "exp.yaml:7:6: parameters.0.path:", "a single value"),
    "unknown-model-parameter": (
        "parameters:\n  - {path: parameters.ndtf.screening_tme, values: [1h, 2h]}\n", {},
        "exp.yaml:7:6: parameters.0.path:", "did you mean 'ndtf.screening_time'"),
    "value-out-of-the-scenario-bounds": (
        "parameters:\n  - {path: ndtf.reviewers, values: [5, 0]}\n", {},
        "exp.yaml:7:40: parameters.0.values.1:", "ndtf.reviewers = 0"),
    "model-parameter-value-refused": (
        "parameters:\n  - {path: parameters.ndtf.screening_time, values: [6h, -2h]}\n", {},
        "exp.yaml:7:57: parameters.0.values.1:", "parameters.ndtf.screening_time = \"-2h\""),
    "sampled-range-out-of-bounds": (
        "design: latin_hypercube\nsamples: 4\nparameters:\n  - {path: traffic.urgent_share, range: {low: 0.5, high: 3}}\n",
        {}, "exp.yaml:9:52: parameters.0.range.high:", "traffic.urgent_share = 3.0"),
    "inf-in-a-range": (
        "design: sobol\nsamples: 4\nparameters:\n  - {path: ndtf.reviewers, range: {low: 1, high: .inf}}\n", {},
        "exp.yaml:9:", "parameters.0.range.high"),
    "nan-in-values": (
        "parameters:\n  - {path: traffic.urgent_share, values: [0.1, .nan]}\n", {},
        "exp.yaml:7:", "parameters.0.values.1"),
    "inf-in-steps": (
        "parameters:\n  - {path: ndtf.reviewers, steps: {start: 1, stop: .inf, step: 1}}\n", {},
        "exp.yaml:7:", "parameters.0.steps.stop"),
    "design-too-large": (
        "parameters:\n  - {path: ndtf.reviewers, steps: {start: 1, stop: 1e12, step: 1}}\n", {},
        "exp.yaml:6:1: parameters:", "1,000,000,000,000 design points"),
    "too-many-runs": (
        "parameters:\n  - {path: ndtf.reviewers, values: [1, 2, 3]}\n", {},
        "exp.yaml:4:1: replications:", "= 150,000 runs"),
    "timeseries-every-zero": (
        "timeseries: {every: 0m, metrics: [arrests]}\n", {}, "exp.yaml:6:", "timeseries.every"),
    "timeseries-too-dense": (
        "timeseries: {every: 1s, metrics: [arrests]}\n", {}, "exp.yaml:6:", "timeseries.every"),
    "latin-1-design-csv": (
        "design: csv\ncsv: points.csv\nparameters:\n  - {path: ndtf.reviewers, values: [1]}\n",
        {"points.csv": b"ndtf.reviewers\n3\n\xe9t\xe9\n"}, "points.csv:3:1:", "not UTF-8"),
    "bad-cell-in-design-csv": (
        "design: csv\ncsv: points.csv\nparameters:\n  - {path: ndtf.reviewers, values: [1]}\n",
        {"points.csv": b"ndtf.reviewers\n3\nnan\n"}, "points.csv:3:1: ndtf.reviewers:", "finite number"),
    "design-csv-value-refused": (
        "design: csv\ncsv: points.csv\nparameters:\n  - {path: ndtf.reviewers, values: [1]}\n",
        {"points.csv": b"ndtf.reviewers\n3\n-4\n"}, "points.csv:3:1: ndtf.reviewers:", "ndtf.reviewers = -4"),
    "design-csv-unknown-column": (
        "design: csv\ncsv: points.csv\nparameters:\n  - {path: ndtf.reviewers, values: [1]}\n",
        {"points.csv": b"ndtf.reviewers,ndtf.reviewrs\n3,4\n"}, "points.csv:1:16: ndtf.reviewrs:",
        "not a parameter path"),
    "design-csv-is-a-fifo": (
        "design: csv\ncsv: points.csv\nparameters:\n  - {path: ndtf.reviewers, values: [1]}\n",
        {"points.csv": "fifo"}, "points.csv: ", "named pipe"),
}


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


@pytest.mark.parametrize("command", ["validate", "batch"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_experiment_is_refused_in_one_located_line(tmp_path, case, command):
    body, files, where, words = CASES[case]
    head = HEAD.replace("replications: 1", "replications: 50000") if case == "too-many-runs" else HEAD
    exp = tmp_path / "exp.yaml"
    exp.write_text(head + body)
    for name, content in files.items():
        if content == "fifo":
            os.mkfifo(tmp_path / name)
        else:
            (tmp_path / name).write_bytes(content)
    before = digest(tmp_path)
    scenario_before = EXAMPLE.read_bytes()
    out = tmp_path / "results"
    args = [str(exp)] if command == "validate" else [str(exp), "--executor", "serial", "--out", str(out)]
    r = cli(command, *args, timeout=20)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(str(tmp_path / where.split(":")[0])), lines[0]
    assert where in lines[0] and words in lines[0], lines[0]
    assert digest(tmp_path) == before and EXAMPLE.read_bytes() == scenario_before
    assert not out.exists()


def test_paths_into_lists_by_id_and_position_validate(tmp_path):
    """Issue 14: a list item is addressed by id or by position, in brackets or as a dotted number."""
    exp = tmp_path / "exp.yaml"
    exp.write_text(HEAD + "parameters:\n  - {path: 'injects[I1].priority', values: [urgent, routine]}\n"
                          "  - {path: 'injects[1].to', values: [ES, PT]}\n"
                          "  - {path: world.extradites_nationals.ES, values: [yes, no]}\n")
    r = cli("validate", str(exp))
    assert r.returncode == 0, r.stderr
    assert "8 design point(s), 8 runs" in r.stdout


def test_a_sound_experiment_still_validates(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(HEAD + "parameters:\n  - {path: ndtf.reviewers, values: [1, 5]}\n"
                          "  - {path: parameters.ndtf.screening_time, values: [6h, {lognormal: {median: 2d, sigma: 0.5}}]}\n")
    r = cli("validate", str(exp))
    assert r.returncode == 0, r.stderr
    assert "4 design point(s), 4 runs" in r.stdout


@pytest.mark.parametrize("address", ["nonsense", "tcp://", "tcp://127.0.0.1:99999", "tcp://127.0.0.1:x",
                                     "http://127.0.0.1:8786/", "tcp://a b:1"])
def test_a_malformed_scheduler_address_is_bad_input(tmp_path, address):
    exp = tmp_path / "exp.yaml"
    exp.write_text(HEAD)
    out = tmp_path / "results"
    r = cli("batch", str(exp), "--executor", "dask", "--scheduler", address, "--out", str(out))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("--scheduler: ") and "HOST:PORT" in lines[0]
    assert "Traceback" not in r.stderr and not out.exists()


def test_an_unreachable_scheduler_fails_within_seconds(tmp_path):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exp = tmp_path / "exp.yaml"
    exp.write_text(HEAD)
    out = tmp_path / "results"
    t0 = time.monotonic()
    r = cli("batch", str(exp), "--executor", "dask", "--scheduler", f"tcp://127.0.0.1:{port}", "--out", str(out))
    assert time.monotonic() - t0 < 15
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"tcp://127.0.0.1:{port}" in lines[0] and "Traceback" not in r.stderr
    assert not (out / "manifest.json").exists() and not list((out / "runs").glob("*.parquet"))
