"""A batch run is reproduced by the command on its row, and the result folder is tidy and documented.

Rules checked here (issue 16, items 1 and 2; the contract in docs/research.md, "tables"):
- every row of ``runs`` carries a shell command, and that command, run as it stands, prints the
  metric values the batch stored for that run, exactly;
- one float64 column per numeric parameter, in the unit its name gives (durations in hours,
  ``_h``), text parameters in a string column, the parameters again as JSON;
- the summary is written as ``summary.parquet`` and ``summary.csv`` (one row per design point
  and metric), printed with whole metric names;
- the manifest records the layout, the parameter columns, the design, Python, the dependencies'
  versions and the commit;
- a folder of the older layout is refused on ``--resume`` in words, and redone whole with
  ``--force-changed``.
"""

from __future__ import annotations

import json
import math
import shlex
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SCENARIOS

from sim.batch.runs import run_task
from sim.batch.sweep import plan, run_sweep
from sim.cli import main

EXAMPLE = SCENARIOS / "annotated-example.yaml"
METRICS = ["messages_handled", "hours_to_first_arrest", "objectives_met"]
EXPERIMENT = f"""id: tidy
title: tidy tables
scenario: {EXAMPLE}
seed: 3
replications: 2
until: 12h
parameters:
  - {{path: traffic.messages_per_ncb_per_day, values: [5, 40]}}
  - {{path: parameters.desk.handling_time, values: ["10m", "1h30m"]}}
  - {{path: world.extradites_nationals.FR, values: ["no"]}}
metrics: [{", ".join(METRICS)}]
"""


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """One small sweep through the CLI as a user runs it: (results folder, what it printed)."""
    folder = tmp_path_factory.mktemp("tidy")
    exp = folder / "exp.yaml"
    exp.write_text(EXPERIMENT)
    out = folder / "out"
    r = subprocess.run([sys.executable, "-m", "sim", "batch", str(exp), "--executor", "serial", "--workers", "1",
                        "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    return out, r.stdout


def stored_metrics(out, run_id: str) -> dict[str, float | None]:
    m = pd.read_parquet(out / "metrics")
    return {row.metric: (None if math.isnan(row.value) else row.value)
            for row in m[m.run_id == run_id].itertuples()}


def test_the_command_on_a_runs_row_reproduces_that_runs_metrics_exactly(swept, capsys):
    """MUST SHOW (issue 16): the printed command reproduces the batch run's metrics, bit for bit."""
    out, _ = swept
    runs = pd.read_parquet(out / "runs").sort_values("run_id")
    assert runs["command"].is_unique
    # Every design point, a replication other than 0: the streams must be keyed as the batch keys them.
    for row in runs[runs.replication == 1].itertuples():
        argv = shlex.split(row.command)
        assert argv[:3] == ["ncbsim", "run", str(EXAMPLE)]
        capsys.readouterr()
        assert main([*argv[1:], "--json"]) == 0
        printed = json.loads(capsys.readouterr().out)["metrics"]
        assert printed == stored_metrics(out, row.run_id), row.command
        assert list(printed) == METRICS


def test_the_command_run_in_a_shell_prints_the_values_stored_for_the_run(swept):
    out, _ = swept
    row = pd.read_parquet(out / "runs").sort_values("run_id").iloc[-1]
    r = subprocess.run(row["command"].replace("ncbsim", f"{shlex.quote(sys.executable)} -m sim", 1), shell=True,
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    shown = r.stdout.split("metrics (the values ncbsim batch records for this run):\n")[1].splitlines()
    want = stored_metrics(out, row["run_id"])
    assert [line.split() for line in shown[:3]] == [[k, "none" if v is None else repr(v)] for k, v in want.items()]
    assert f"replication {row['replication']}" in r.stdout


def test_runs_has_one_numeric_column_per_parameter_in_the_unit_its_name_gives(swept):
    out, _ = swept
    table = pq.read_table(out / "runs")
    types = {f.name: str(f.type) for f in table.schema}
    assert types["traffic.messages_per_ncb_per_day"] == "double"
    assert types["desk.handling_time_h"] == "double"  # a duration, in hours
    assert types["world.extradites_nationals.FR"] == "string"  # a word stays text
    names = table.schema.names
    assert names.index("spawn_key") < names.index("traffic.messages_per_ncb_per_day") < names.index(
        "desk.handling_time_h") < names.index("parameters") < names.index("command")
    runs = table.to_pandas().sort_values("run_id")
    assert sorted(set(runs["desk.handling_time_h"])) == [10 / 60, 1.5]
    assert set(runs["world.extradites_nationals.FR"]) == {"no"}
    first = runs.iloc[0]
    assert json.loads(first["parameters"]) == {"traffic.messages_per_ncb_per_day": 5,
                                               "parameters.desk.handling_time": "10m",
                                               "world.extradites_nationals.FR": "no"}


def test_the_summary_is_written_as_parquet_and_csv_and_printed_with_whole_names(swept):
    out, printed = swept
    summary = pd.read_parquet(out / "summary.parquet")
    assert list(summary.columns) == ["point", "traffic.messages_per_ncb_per_day", "desk.handling_time_h",
                                     "world.extradites_nationals.FR", "metric", "runs", "n", "missing", "mean",
                                     "sd", "sem", "ci95_low", "ci95_high", "min", "median", "max"]
    assert len(summary) == 4 * len(METRICS)
    assert list(summary["metric"][:3]) == METRICS  # the experiment's order within each point
    assert str(summary["desk.handling_time_h"].dtype) == "float64"
    csv = pd.read_csv(out / "summary.csv")
    pd.testing.assert_frame_equal(csv.drop(columns="world.extradites_nationals.FR"),
                                  summary.drop(columns="world.extradites_nationals.FR"), check_dtype=False)
    handled = summary[summary.metric == "messages_handled"].iloc[0]
    values = pd.read_parquet(out / "metrics").merge(pd.read_parquet(out / "runs")[["run_id", "point"]])
    mine = values[(values.point == handled["point"]) & (values.metric == "messages_handled")]["value"]
    assert handled["mean"] == pytest.approx(mine.mean()) and handled["n"] == len(mine) == 2
    assert handled["ci95_low"] < handled["mean"] < handled["ci95_high"]
    arrest = summary[summary.metric == "hours_to_first_arrest"].iloc[0]  # none happened: empty, not NaN text
    assert arrest["n"] == 0 and arrest["missing"] == 2 and pd.isna(arrest["mean"])
    assert ",hours_to_first_arrest,2,0,2,,," in (out / "summary.csv").read_text().replace('"', "")
    head = printed.splitlines()[1]
    assert "desk.handling_time_h" in head and "traffic.messages_per_ncb_per_day" in head
    assert any("hours_to_first_arrest" in line for line in printed.splitlines())


def test_the_manifest_records_the_layout_the_design_and_the_software(swept):
    out, _ = swept
    m = json.loads((out / "manifest.json").read_text())
    assert m["results_format"] == 2
    assert m["parameter_columns"] == [
        {"path": "traffic.messages_per_ncb_per_day", "column": "traffic.messages_per_ncb_per_day", "unit": "",
         "dtype": "float64"},
        {"path": "parameters.desk.handling_time", "column": "desk.handling_time_h", "unit": "h", "dtype": "float64"},
        {"path": "world.extradites_nationals.FR", "column": "world.extradites_nationals.FR", "unit": "",
         "dtype": "string"}]
    assert m["design"] == {"kind": "full_factorial", "points": 4, "seed": 3}
    assert m["python"] == ".".join(map(str, sys.version_info[:3]))
    for dep in ("simpy", "networkx", "pydantic", "pyyaml", "numpy", "scipy", "pandas", "pyarrow", "dask", "textual"):
        assert m["dependencies"][dep], dep
    assert len(m["git"]["commit"]) == 40 and isinstance(m["git"]["dirty"], bool)  # the tests run in a checkout


def test_a_folder_of_the_older_layout_is_refused_in_words_then_redone_whole(tmp_path, capsys):
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"id: old\ntitle: old layout\nscenario: {EXAMPLE}\nseed: 3\nuntil: 6h\n"
                   "parameters:\n  - {path: traffic.messages_per_ncb_per_day, values: [5, 40]}\n"
                   "metrics: [messages_handled]\n")
    out = tmp_path / "out"
    run_sweep(plan(exp), out, "serial", 1, None, resume=False)
    # What a sweep of the earlier layout left: the parameters as a repr, no numeric columns, no command.
    for f in (out / "runs").glob("*.parquet"):
        t = pq.read_table(f)
        pq.write_table(t.select([n for n in t.schema.names
                                 if n not in ("command", "traffic.messages_per_ncb_per_day")]), f)
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("results_format", "parameter_columns", "design"):
        del manifest[key]
    (out / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert main(["batch", str(exp), "--executor", "serial", "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "older layout" in err and "--force-changed" in err and len(err.splitlines()) == 1
    stats = run_sweep(plan(exp), out, "serial", 1, None, resume=True, force_changed=True)
    assert stats["skipped_as_done"] == 0 and stats["runs"] == 2
    runs = pd.read_parquet(out / "runs")
    assert runs["command"].str.startswith("ncbsim run ").all()
    assert json.loads((out / "manifest.json").read_text())["results_format"] == 2


def test_a_run_of_an_experiment_without_parameters_is_reproduced_too(tmp_path, capsys):
    """No --set at all: the command still builds the scenario as the batch does, streams keyed by R."""
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"id: bare\ntitle: no parameters\nscenario: {EXAMPLE}\nseed: 11\nreplications: 2\nuntil: 1d\n"
                   "policy: careless\nmetrics: [messages_handled, messages_queued, decisions_expired]\n")
    task = plan(exp).tasks[1]
    assert "--set" not in task.command and "--policy careless" in task.command
    stored = {m["metric"]: m["value"] for m in run_task(task)["metrics"]}
    capsys.readouterr()
    assert main([*shlex.split(task.command)[1:], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"] == stored
