"""A sweep's own files never destroy anything: not an input, not a file a link points to.

The lock and the status log are written in place, so a link planted at either is refused; the
manifest, the status log, the lock and everything under the results' subfolders are checked
against the experiment's inputs before the folder is touched; a plot that cannot be written is
reported in one line after the results are stored, and the other plots are still written. The
manifest records the digests of the bytes the plan was made from, and nothing is announced
before the sweep is really going to run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS, SLOW_SWEEP

import sim.batch.plan as plan_module
from sim.batch.columns import ParameterColumn
from sim.batch.folder import locked
from sim.batch.summary import plot
from sim.batch.sweep import plan, run_sweep
from sim.errors import InputError

EXAMPLE = SCENARIOS / "annotated-example.yaml"
PARAM = "traffic.messages_per_ncb_per_day"


def body(scenario: Path | str = EXAMPLE, design: str = "values: [5, 40]") -> str:
    return (f"id: out\ntitle: outputs test\nscenario: {scenario}\nseed: 1\nreplications: 1\nuntil: 6h\n"
            f"parameters:\n  - {{path: {PARAM}, {design}}}\nmetrics: [messages_handled]\n")


def batch(*args: str, cwd: Path = ROOT, script: str | None = None, env: dict | None = None,
          timeout: float = 300) -> subprocess.CompletedProcess:
    # A hang guard, not a speed check: on a loaded machine a two-run sweep took over 60 s.
    head = ["-c", script] if script else ["-m", "sim"]
    return subprocess.run([sys.executable, *head, "batch", *args, "--executor", "serial", "--workers", "1"],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def listing(folder: Path) -> dict[str, str]:
    """Every entry below ``folder`` (links not followed) with what it holds or points to."""
    seen = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink():
            seen[str(p)] = "-> " + os.readlink(p)
        elif p.is_file():
            seen[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            seen[str(p)] = "dir"
    return seen


def refused_in_one_line(r: subprocess.CompletedProcess, *words: str) -> str:
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "--out" in lines[0] and all(w in lines[0] for w in words), lines[0]
    assert r.stdout == ""  # nothing announced for a sweep that does not run
    return lines[0]


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_a_link_planted_as_the_lock_is_refused_and_its_target_kept(tmp_path, link):
    exp = tmp_path / "exp.yaml"
    exp.write_text(body())
    victim = tmp_path / "victim.yaml"
    victim.write_text("precious: true\n")
    out = tmp_path / "out"
    out.mkdir()
    if link == "symlink":
        (out / ".lock").symlink_to("../victim.yaml")
    else:
        os.link(victim, out / ".lock")
    before = listing(tmp_path)
    line = refused_in_one_line(batch(str(exp), "--out", str(out)), ".lock")
    assert line.startswith(f"{out}:")
    assert listing(tmp_path) == before
    with pytest.raises(InputError, match=r"\.lock"), locked(out):
        pass
    assert victim.read_text() == "precious: true\n"


def test_a_link_planted_as_the_status_log_is_refused(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(body())
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "status.jsonl").symlink_to(victim)
    before = listing(tmp_path)
    refused_in_one_line(batch(str(exp), "--out", str(out)), "status.jsonl")
    assert listing(tmp_path) == before


def _experiment_named_manifest(tmp: Path) -> tuple[list[str], Path]:
    (tmp / "manifest.json").write_text(body())  # JSON is YAML, and YAML written here is read as the experiment
    return ["manifest.json", "--out", "."], tmp


def _design_csv_named_status(tmp: Path) -> tuple[list[str], Path]:
    out = tmp / "out"
    out.mkdir()
    (out / "status.jsonl").write_text(f"{PARAM}\n5\n40\n")
    (tmp / "exp.yaml").write_text(body(design="range: {low: 1, high: 50}").replace(
        "seed: 1\n", "seed: 1\ndesign: csv\ncsv: out/status.jsonl\n"))
    return ["exp.yaml", "--out", "out"], tmp


def _scenario_inside_runs(tmp: Path) -> tuple[list[str], Path]:
    (tmp / "out" / "runs").mkdir(parents=True)
    shutil.copy(EXAMPLE, tmp / "out" / "runs" / "scenario.yaml")
    (tmp / "exp.yaml").write_text(body(scenario="out/runs/scenario.yaml"))
    return ["exp.yaml", "--out", "out"], tmp


def _experiment_inside_plots(tmp: Path) -> tuple[list[str], Path]:
    (tmp / "out" / "plots").mkdir(parents=True)
    (tmp / "out" / "plots" / "exp.yaml").write_text(body())
    return ["out/plots/exp.yaml", "--out", "out"], tmp


@pytest.mark.parametrize("setup, words", [
    (_experiment_named_manifest, ("manifest.json", "input")),
    (_design_csv_named_status, ("status.jsonl", "input")),
    (_scenario_inside_runs, ("runs/", "input")),
    (_experiment_inside_plots, ("plots/", "input")),
], ids=["experiment-is-manifest", "design-csv-is-status-log", "scenario-in-runs", "experiment-in-plots"])
def test_an_input_where_the_sweep_writes_is_refused_before_anything_is_written(tmp_path, setup, words):
    args, cwd = setup(tmp_path)
    before = listing(tmp_path)
    refused_in_one_line(batch(*args, cwd=cwd), *words)
    assert listing(tmp_path) == before  # the input unchanged, and not even the lock or a subfolder made


def test_a_folder_where_a_plot_goes_is_refused_before_any_run(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(body())
    out = tmp_path / "out"
    (out / "plots" / f"messages_handled--{PARAM.replace('.', '_')}.svg").mkdir(parents=True)
    before = listing(tmp_path)
    refused_in_one_line(batch(str(exp), "--out", str(out)), "messages_handled--", "folder")
    assert listing(tmp_path) == before


def test_a_plot_that_cannot_be_written_is_reported_and_the_others_are_written(tmp_path):
    png = f"messages_handled--{PARAM.replace('.', '_')}.png"
    svg = png[:-4] + ".svg"
    (tmp_path / "plots" / png).mkdir(parents=True)
    column = ParameterColumn(PARAM, PARAM, "", "float64")
    rows = [{"point": k, PARAM: x, "metric": "messages_handled", "n": 2, "mean": m, "ci95_low": m - 1,
             "ci95_high": m + 1} for k, (x, m) in enumerate([(5.0, 10.0), (40.0, 30.0)])]
    written, failed = plot(tmp_path, rows, [column])
    assert written == [str(tmp_path / "plots" / svg)]
    assert len(failed) == 1 and png in failed[0]
    assert (tmp_path / "plots" / svg).read_text().startswith("<?xml")
    assert (tmp_path / "plots" / png).is_dir()


def test_a_plot_folder_appearing_during_the_sweep_fails_in_one_line_with_the_results_kept(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(body())
    out = tmp_path / "out"
    gate = tmp_path / "gate"
    gate.write_text("hold the sweep")
    sweep = subprocess.Popen([sys.executable, "-c", SLOW_SWEEP, "batch", str(exp), "--executor", "serial",
                              "--workers", "1", "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(os.environ, NCBSIM_TEST_GATE=str(gate)))
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (out / "manifest.json").exists():
            time.sleep(0.02)
        png = out / "plots" / f"messages_handled--{PARAM.replace('.', '_')}.png"
        png.mkdir(parents=True)
        gate.unlink()
        stdout, stderr = sweep.communicate(timeout=60)
    finally:
        if sweep.poll() is None:
            sweep.kill()
            sweep.wait()
    assert sweep.returncode == 1, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and str(png) in lines[0] and "results are stored" in lines[0]
    assert "2 runs ok" in stdout
    assert png.with_suffix(".svg").is_file()
    assert len(list((out / "metrics").glob("*.parquet"))) == 2


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_manifest_records_the_experiment_and_design_as_they_were_read(tmp_path, monkeypatch):
    design = tmp_path / "design.csv"
    design.write_text(f"{PARAM}\n5\n40\n")
    exp = tmp_path / "exp.yaml"
    exp.write_text(body(design="range: {low: 1, high: 50}").replace("seed: 1\n", "seed: 1\ndesign: csv\ncsv: design.csv\n"))
    read = {exp: exp.read_bytes(), design: design.read_bytes()}
    real = plan_module.build_design

    def build_then_edit(*args, **kwargs):
        built = real(*args, **kwargs)
        exp.write_text(exp.read_text() + "# edited after it was read\n")
        design.write_text(f"{PARAM}\n6\n41\n")
        return built

    monkeypatch.setattr(plan_module, "build_design", build_then_edit)
    pl = plan(exp)
    assert [p[PARAM] for p in pl.points] == [5, 40]
    assert pl.inputs["experiment"][1] == _sha(read[exp])
    assert pl.inputs["design CSV"][1] == _sha(read[design])


def test_a_scenario_changed_after_it_was_loaded_is_not_recorded_as_the_one_run(tmp_path, monkeypatch):
    scenario = tmp_path / "scenario.yaml"
    shutil.copy(EXAMPLE, scenario)
    exp = tmp_path / "exp.yaml"
    exp.write_text(body(scenario="scenario.yaml"))
    original = scenario.read_bytes()
    assert plan(exp).inputs["scenario"][1] == _sha(original)
    real = plan_module.load_scenario

    def load_then_edit(path, *args, **kwargs):
        loaded = real(path, *args, **kwargs)
        scenario.write_bytes(original + b"# edited after it was loaded\n")
        return loaded

    monkeypatch.setattr(plan_module, "load_scenario", load_then_edit)
    try:
        recorded = plan(exp).inputs["scenario"][1]
    except InputError as e:  # refusing is as good as recording the loaded bytes
        assert len(e.problems) == 1 and e.problems[0].file == str(scenario.resolve())
    else:
        assert recorded == _sha(original)


def test_a_refused_resume_announces_nothing(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(body())
    out = tmp_path / "out"
    run_sweep(plan(exp), out, "serial", 1, None, resume=False)
    exp.write_text(body(design="values: [5, 41]"))
    r = batch(str(exp), "--out", str(out), "--resume")
    assert r.returncode == 2 and "--resume" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""
    started = batch(str(exp), "--out", str(out), "--resume", "--force-changed")
    assert started.returncode == 0, started.stderr
    assert "2 design point(s) × 1 replication(s) = 2 runs" in started.stdout.splitlines()[0]
