"""Batch resume trusts the results files, not only the status log (issue 11, cause 7).

A sweep killed with SIGKILL, a status log cut mid-line, a results file deleted, emptied or
overwritten with garbage, a partial file left by a kill: ``--resume`` checks every run's files,
runs again what is missing or damaged, and ends with the same metrics as a sweep that was never
interrupted. An experiment or scenario changed since the sweep started is refused in one line
unless ``--force-changed`` says to go on (then only the runs that still match are kept). Two
sweeps on one folder: the second is refused at once. A results folder that cannot be one is
refused before any run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS, SLOW_SWEEP, recorded_once

from sim.batch.folder import locked
from sim.batch.sweep import plan, run_sweep
from sim.errors import InputError

EXAMPLE = SCENARIOS / "annotated-example.yaml"
BODY = """id: resume
title: resume test
scenario: {scenario}
seed: 5
replications: 3
until: 12h
parameters:
  - {{path: traffic.messages_per_ncb_per_day, values: [5, {high}]}}
metrics: [messages_handled, messages_queued]
timeseries: {{every: 6h, metrics: [messages_handled]}}
"""
RUNS = 6



def write_experiment(folder: Path, high: int = 40, scenario: Path = EXAMPLE) -> Path:
    p = folder / "exp.yaml"
    p.write_text(BODY.format(scenario=scenario, high=high))
    return p


def batch(*args: str, script: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    head = ["-c", script] if script else ["-m", "sim"]
    return subprocess.run([sys.executable, *head, "batch", *args, "--executor", "serial"], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout)


def metrics(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "metrics").sort_values(["run_id", "metric"]).reset_index(drop=True)


def timeseries(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "timeseries").sort_values(["run_id", "t_hours", "metric"]).reset_index(drop=True)


def status_ids(out: Path) -> list[str]:
    return [json.loads(line)["run_id"] for line in (out / "status.jsonl").read_text().splitlines()]


def assert_same_results(out: Path, reference: Path) -> None:
    pd.testing.assert_frame_equal(metrics(out), metrics(reference))
    pd.testing.assert_frame_equal(timeseries(out), timeseries(reference))
    ids = status_ids(out)
    assert len(ids) == len(set(ids)) == RUNS
    hidden = [p for t in ("runs", "metrics", "timeseries") for p in (out / t).iterdir() if p.name.startswith(".")]
    assert hidden == []


def folder_digest(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".lock" and "plots" not in p.parts}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The uninterrupted sweep, run once for every worker; tests copy it before they change it."""
    def make(folder: Path) -> None:
        run_sweep(plan(write_experiment(folder)), folder / "out", "serial", 1, None, resume=False)

    return recorded_once(tmp_path_factory, "resume-reference", make) / "out"


@pytest.fixture
def done(tmp_path, reference) -> tuple[Path, Path]:
    """A finished sweep (a copy of the reference) and its experiment."""
    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    return exp, out


def test_resume_after_sigkill_gives_the_uninterrupted_results(tmp_path, reference):
    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    # One worker keeps three tasks in flight; the serial executor runs each as it is submitted. So three
    # runs are stored, the fourth runs, and the fifth waits to be killed: the kill always lands mid-sweep.
    proc = subprocess.Popen([sys.executable, "-c", SLOW_SWEEP, "batch", str(exp), "--executor", "serial", "--workers", "1",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NCBSIM_TEST_HOLD_AFTER": "4"})
    deadline = time.monotonic() + 30
    status = out / "status.jsonl"
    while time.monotonic() < deadline and not (status.exists() and len(status.read_text().splitlines()) >= 2):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert 2 <= len(status.read_text().splitlines()) < RUNS
    stats = run_sweep(plan(exp), out, "serial", 1, None, resume=True)
    assert 2 <= stats["skipped_as_done"] < RUNS
    assert_same_results(out, reference)


def test_a_status_line_cut_mid_line_loses_no_finished_run(done, reference):
    exp, out = done
    status = out / "status.jsonl"
    text = status.read_text()
    status.write_text(text[: text.index("\n", len(text) // 2) - 7])  # the 4th line cut short, no newline
    stats = run_sweep(plan(exp), out, "serial", 1, None, resume=True)
    assert stats["skipped_as_done"] == RUNS  # the files say all six are done: nothing runs again
    assert_same_results(out, reference)


@pytest.mark.parametrize("table", ["runs", "metrics", "timeseries"])
@pytest.mark.parametrize("damage", ["delete", "garbage", "truncate", "empty", "other_run"])
def test_a_missing_or_damaged_results_file_is_run_again(done, reference, table, damage):
    exp, out = done
    victim = out / table / "p0001-r0001.parquet"
    if damage == "delete":
        victim.unlink()
    elif damage == "garbage":
        victim.write_bytes(b"\x00garbage, not parquet" * 50)
    elif damage == "truncate":
        victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    elif damage == "empty":
        victim.write_bytes(b"")
    else:  # a whole, readable file, but another run's
        shutil.copy(out / table / "p0000-r0000.parquet", victim)
    stats = run_sweep(plan(exp), out, "serial", 1, None, resume=True)
    assert stats["skipped_as_done"] == RUNS - 1
    assert_same_results(out, reference)


def test_partial_files_left_by_a_kill_are_removed(done, reference):
    exp, out = done
    (out / "metrics" / ".p0000-r0000.parquet.999999.part").write_bytes(b"half a file")
    (out / "runs" / "p0000-r0001.parquet.part").write_bytes(b"from an older version")
    run_sweep(plan(exp), out, "serial", 1, None, resume=True)
    assert_same_results(out, reference)
    assert not (out / "runs" / "p0000-r0001.parquet.part").exists()


def test_a_damaged_sweep_resumed_from_the_cli(done, reference):
    exp, out = done
    (out / "metrics" / "p0000-r0002.parquet").unlink()
    (out / "runs" / "p0001-r0000.parquet").write_bytes(b"garbage")
    r = batch(str(exp), "--out", str(out), "--resume")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "4 stored run(s) checked and kept, 2 run now" in r.stdout
    assert f"{RUNS} runs ok, 0 failed" in r.stdout
    assert_same_results(out, reference)


@pytest.mark.parametrize("change", ["experiment", "scenario", "comment"])
def test_resuming_after_the_inputs_changed_is_refused_unless_forced(tmp_path, change):
    scenario = tmp_path / "scenario.yaml"
    shutil.copy(EXAMPLE, scenario)
    exp = write_experiment(tmp_path, scenario=scenario)
    out = tmp_path / "out"
    run_sweep(plan(exp), out, "serial", 1, None, resume=False)
    if change == "experiment":
        exp = write_experiment(tmp_path, high=50, scenario=scenario)
    elif change == "scenario":
        scenario.write_text(scenario.read_text().replace("duration: 3d", "duration: 2d", 1))
    else:
        exp.write_text(exp.read_text() + "# a comment changes the file, not the runs\n")
    before = folder_digest(out)
    inputs = {p: p.read_bytes() for p in (exp, scenario)}
    r = batch(str(exp), "--out", str(out), "--resume")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{out}: --resume:") and "--force-changed" in lines[0]
    assert str(exp if change != "scenario" else scenario) in lines[0]
    assert "Traceback" not in r.stderr
    assert folder_digest(out) == before  # refused before touching anything
    assert {p: p.read_bytes() for p in (exp, scenario)} == inputs

    stats = run_sweep(plan(exp), out, "serial", 1, None, resume=True, force_changed=True)
    # Forced, it keeps exactly the runs whose task is unchanged and matches a fresh sweep.
    assert stats["skipped_as_done"] == {"experiment": 3, "scenario": 0, "comment": RUNS}[change]
    fresh = tmp_path / "fresh"
    run_sweep(plan(exp), fresh, "serial", 1, None, resume=False)
    pd.testing.assert_frame_equal(metrics(out), metrics(fresh))
    assert len(status_ids(out)) == RUNS


def test_a_sweep_without_its_manifest_is_not_resumed_unless_forced(done, reference):
    exp, out = done
    (out / "manifest.json").unlink()
    with pytest.raises(InputError, match=r"manifest\.json is missing") as e:
        run_sweep(plan(exp), out, "serial", 1, None, resume=True)
    assert len(e.value.problems) == 1 and "--force-changed" in str(e.value)
    stats = run_sweep(plan(exp), out, "serial", 1, None, resume=True, force_changed=True)
    assert stats["skipped_as_done"] == RUNS  # each run's own digest still vouches for it
    assert_same_results(out, reference)


def test_a_point_removed_from_the_experiment_leaves_no_stale_runs(done):
    exp, out = done
    exp.write_text(exp.read_text().replace("values: [5, 40]", "values: [40]"))
    stats = run_sweep(plan(exp), out, "serial", 1, None, resume=True, force_changed=True)
    assert stats["removed_other"] == 3
    ids = set(metrics(out)["run_id"])
    assert ids == {"p0000-r0000", "p0000-r0001", "p0000-r0002"}


def test_a_second_sweep_on_the_same_folder_is_refused_at_once(tmp_path, reference):
    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    gate = tmp_path / "gate"
    gate.write_text("hold the first sweep")
    first = subprocess.Popen([sys.executable, "-c", SLOW_SWEEP, "batch", str(exp), "--executor", "serial", "--out", str(out)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, NCBSIM_TEST_GATE=str(gate)))
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (out / "manifest.json").exists():
            time.sleep(0.02)
        t0 = time.monotonic()
        second = batch(str(exp), "--out", str(out), timeout=30)
        assert second.returncode == 2
        assert time.monotonic() - t0 < 8  # refused, not queued behind the first
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "another ncbsim batch" in lines[0] and f"process {first.pid}" in lines[0]
        assert lines[0].startswith(f"{out}: --out:")
        with pytest.raises(InputError, match="another ncbsim batch"):
            run_sweep(plan(exp), out, "serial", 1, None, resume=True)
        assert first.poll() is None  # the first sweep was not disturbed
        gate.unlink()
        _, err = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert_same_results(out, reference)


def test_the_lock_is_held_in_process_and_released_after(tmp_path):
    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    with locked(out):
        r = batch(str(exp), "--out", str(out))
        assert r.returncode == 2 and "another ncbsim batch" in r.stderr
        run_sweep(plan(exp), out, "serial", 1, None, resume=False)  # the holder itself may sweep
    with locked(out):  # and once released, anyone may take it again
        pass


@pytest.mark.parametrize("make, words", [
    (lambda out: out.write_text("a file"), "this is a file, not a folder"),
    (lambda out: (out.mkdir(), (out / "runs").write_text("x")), "runs in this folder is a file"),
    (lambda out: None, "does not exist"),
], ids=["file", "subfolder-file", "missing-parent"])
def test_a_results_folder_that_cannot_be_one_is_refused_before_any_run(tmp_path, make, words):
    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    make(out)
    target = out / "inner" if words == "does not exist" else out
    before = folder_digest(tmp_path)
    r = batch(str(exp), "--out", str(target))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{target}: --out:") and words in lines[0]
    assert "Traceback" not in r.stderr
    assert folder_digest(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_an_unwritable_results_folder_is_refused_before_any_run(tmp_path):
    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        r = batch(str(exp), "--out", str(out))
    finally:
        out.chmod(0o755)
    assert r.returncode == 2 and "not writable" in r.stderr and "Traceback" not in r.stderr
    assert list(out.iterdir()) == []


def test_resume_on_an_empty_folder_refuses_nothing_and_runs_all(tmp_path, reference):
    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    stats = run_sweep(plan(exp), out, "serial", 1, None, resume=True)
    assert stats["skipped_as_done"] == 0
    assert_same_results(out, reference)


def test_without_resume_a_folder_with_runs_is_refused(done):
    exp, out = done
    before = folder_digest(out)
    with pytest.raises(InputError, match="--resume"):
        run_sweep(plan(exp), out, "serial", 1, None, resume=False)
    assert folder_digest(out) == before
