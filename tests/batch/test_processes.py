"""Clean process handling: no pool worker outlives the sweep's main process, however it ends;
a signal stops a sweep with whole result files and an exit code that names it; the progress
rate counts only the runs done in this session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import ROOT, SCENARIOS, SLOW_SWEEP, ncbsim

from sim.batch.sweep import progress_line

EXAMPLE = SCENARIOS / "annotated-example.yaml"
SWEEP = """replications: 2
until: 12h
parameters:
  - {path: traffic.messages_per_ncb_per_day, values: [20, 40]}
metrics: [messages_handled, objectives_met]
"""
RUNS = 4  # each of the 2 workers stores one run and holds the next: 2 are left to resume


def experiment(tmp_path: Path, executor_note: str = "") -> Path:
    p = tmp_path / "exp.yaml"
    p.write_text(f"id: procs\ntitle: processes{executor_note}\nscenario: {EXAMPLE}\nseed: 2\n" + SWEEP)
    return p


def stored(out: Path) -> list[str]:
    status = out / "status.jsonl"
    return [json.loads(line)["run_id"] for line in status.read_text().splitlines()] if status.exists() else []


def start_held_sweep(tmp_path: Path, executor: str, preamble: str = "") -> tuple[subprocess.Popen, Path,
                                                                                list[psutil.Process]]:
    """A sweep whose workers each finish one run, then hold the next until they are killed."""
    out = tmp_path / "out"
    # A shell without job control starts background jobs with SIGINT ignored, and a suite run under
    # nohup passes SIGHUP ignored on (where the sweep rightly goes on); give the sweep the handlers a
    # terminal gives it.
    ctrl_c = ("import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
              "signal.signal(signal.SIGHUP, signal.SIG_DFL)\n")
    cmd = [sys.executable, "-c", ctrl_c + preamble + SLOW_SWEEP, "batch", str(experiment(tmp_path)), "--executor", executor,
           "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NCBSIM_TEST_HOLD_AFTER": "1"})
    main = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = main.children(recursive=True)
        if len(stored(out)) >= 1 and len(workers) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None and len(workers) >= 2, "the sweep did not get going"
    return proc, out, workers


def assert_all_end(workers: list[psutil.Process], within: float = 5.0) -> None:
    _, alive = psutil.wait_procs(workers, timeout=within)
    assert not alive, [(p.pid, p.status()) for p in alive]


def assert_resumes(exp: Path, out: Path) -> None:
    r = ncbsim("batch", str(exp), "--executor", "serial", "--out", str(out), "--resume")
    assert r.returncode == 0, r.stderr
    ids = stored(out)
    assert len(ids) == len(set(ids)) == RUNS


def test_kill_9_of_the_main_process_ends_every_pool_worker_and_the_folder_resumes(tmp_path):
    proc, out, workers = start_held_sweep(tmp_path, "process")
    proc.kill()
    proc.wait(timeout=10)
    # The kernel kills them at once (PR_SET_PDEATHSIG); the watchdog would within a second or two.
    assert_all_end(workers)
    assert_resumes(tmp_path / "exp.yaml", out)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_signal_to_the_main_process_alone_stops_the_sweep_at_once_with_its_exit_code(tmp_path, sig):
    proc, out, workers = start_held_sweep(tmp_path, "process")
    t0 = time.monotonic()
    proc.send_signal(sig)  # to the main process only, not its group: the workers must be ended by it
    _, err = proc.communicate(timeout=20)
    # The held runs would never finish: the sweep ended because it killed them, not by waiting.
    assert time.monotonic() - t0 < 10
    assert proc.returncode == 128 + sig, err
    assert f"interrupted ({sig.name})" in err and "--resume" in err
    assert_all_end(workers)
    assert not [n for t in ("runs", "metrics", "timeseries") for n in os.listdir(out / t) if n.startswith(".")]
    assert_resumes(tmp_path / "exp.yaml", out)


def test_a_sweep_started_under_nohup_goes_on_after_a_hang_up(tmp_path):
    nohup = "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"  # what nohup does before it starts the command
    proc, _, workers = start_held_sweep(tmp_path, "process", nohup)
    proc.send_signal(signal.SIGHUP)
    for w in workers:
        w.send_signal(signal.SIGHUP)  # a hang-up reaches the whole foreground group
    time.sleep(1.5)
    assert proc.poll() is None and all(w.is_running() for w in workers)
    proc.terminate()
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 143, err
    assert_all_end(workers)


def test_a_worker_whose_parent_died_ends_by_its_watchdog_where_the_kernel_does_not_help(tmp_path):
    # The fallback for systems without PR_SET_PDEATHSIG: a child started as a pool worker, the
    # kernel's help switched off, outlives its parent by at most a couple of watchdog periods.
    code = """
import os, sys, time
parent = os.getpid()
child = os.fork()
if child == 0:
    sys.platform = "not-linux"  # no prctl: only the watchdog is left
    from sim.batch import executors
    executors.worker_start(parent)
    time.sleep(60)
    os._exit(3)
print(child, flush=True)
os._exit(0)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert r.returncode == 0, r.stderr
    orphan = psutil.Process(int(r.stdout))
    assert_all_end([orphan], within=5.0)


def test_the_progress_rate_after_a_resume_counts_only_runs_done_in_this_session():
    # 60 of 100 were stored before; 10 more in 20 s now: 0.5 runs/s, so 30 runs take 60 s.
    line = progress_line(done=70, total=100, done_now=10, seconds=20.0, failed=1)
    assert "70/100 runs" in line and "0.50/s" in line and "ETA 60s" in line and "1 failed" in line
    # Before the first run of the session finishes there is no rate to show, not an inflated one.
    assert "–/s" in progress_line(done=60, total=100, done_now=0, seconds=3.0, failed=0)


def test_kill_9_of_the_main_process_ends_a_local_dask_clusters_workers(tmp_path):
    pytest.importorskip("distributed")
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"id: procs\ntitle: dask\nscenario: {EXAMPLE}\nseed: 2\nreplications: 400\nuntil: 1d\n"
                   "metrics: [messages_handled]\n")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "batch", str(exp), "--executor", "dask", "--workers", "2",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main = psutil.Process(proc.pid)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None and not stored(out):
        time.sleep(0.1)
    workers = main.children(recursive=True)
    assert proc.poll() is None and workers, "the sweep did not get going"
    proc.kill()
    proc.wait(timeout=10)
    assert_all_end(workers, within=15.0)
