"""``ncbsim analyze``: Sobol indices recovered on a model whose indices are known, Morris ranking,
paired differences under common random numbers, and the refusals a researcher needs.

The results folders here are written in the format ``ncbsim batch`` writes (manifest with
``design`` and ``parameter_columns``, ``runs`` and ``metrics`` Parquet datasets; docs/research.md),
their design points sampled by the real design code, so the path from design to indices is the
one a sweep takes; only the model is replaced by a function with known answers.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SCENARIOS

from sim.batch.designs import build_design
from sim.batch.experiment import Experiment
from sim.cli import main

PI = round(math.pi, 6)


def write_results(out: Path, exp: Experiment, values, metric: str = "arrests", failed: set[tuple[int, int]] = frozenset(),
                  kind: str | None = None) -> list[dict]:
    """A results folder in the contract's format; ``values(point_dict, point, replication)`` is the model."""
    points = build_design(exp, Path("."), lambda path: ("exp.yaml", 1, 1, "")).points
    columns = [{"path": p.path, "column": p.path.removeprefix("parameters.") + (f"_{p.unit}" if p.unit else ""),
                "unit": p.unit or ""} for p in exp.parameters]
    runs, metrics = [], []
    for k, pt in enumerate(points):
        for r in range(exp.replications):
            rid = f"p{k:04d}-r{r:04d}"
            bad = (k, r) in failed
            row = {"run_id": rid, "point": k, "replication": r, "seed": exp.seed, "status": "failed" if bad else "ok",
                   "error": "RuntimeError: boom" if bad else "", "parameters": json.dumps(pt)}
            for c in columns:
                v = pt[c["path"]]
                row[c["column"]] = float(str(v).removesuffix(c["unit"])) if c["unit"] else float(v)
            runs.append(row)
            if not bad:
                metrics.append({"run_id": rid, "metric": metric, "value": float(values(pt, k, r))})
    for t, rows in (("runs", runs), ("metrics", metrics)):
        (out / t).mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows), out / t / "part-0.parquet")
    manifest = {"experiment": exp.model_dump(mode="json"), "design": {"kind": kind or exp.design},
                "parameter_columns": columns, "design_points": points, "runs": len(runs)}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return points


def analyze(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["analyze", *args])
    return code, out.getvalue(), err.getvalue()


def ishigami(pt: dict, *_: int) -> float:
    x1, x2, x3 = (pt[f"parameters.x{i}"] for i in (1, 2, 3))
    return math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3 ** 4 * math.sin(x1)


def _ishigami_truth() -> tuple[list[float], list[float]]:
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return [v1 / var, v2 / var, 0.0], [(v1 + v13) / var, v2 / var, v13 / var]


def experiment(**fields) -> Experiment:
    return Experiment.model_validate({"id": "t", "title": "known model", "scenario": "s.yaml", "seed": 11, **fields})


def test_saltelli_design_through_analyze_recovers_ishigami_indices_within_their_cis(tmp_path):
    """Rule: a saltelli design's points are SALib's sample in SALib's order, so the analysis of
    the model's values at them gives the model's Sobol indices (Ishigami: known analytically)."""
    s1_true, st_true = _ishigami_truth()
    assert [round(s, 3) for s in s1_true] == [0.314, 0.442, 0.0]
    assert [round(s, 3) for s in st_true] == [0.558, 0.442, 0.244]
    exp = experiment(design="saltelli", samples=1024, parameters=[
        {"path": f"parameters.x{i}", "range": {"low": -PI, "high": PI}} for i in (1, 2, 3)])
    results = tmp_path / "ishigami"
    write_results(results, exp, ishigami)
    code, out, err = analyze(str(results), "--out", str(tmp_path / "an"))
    assert code == 0, err
    assert "Sobol indices of one replication" in out
    table = pd.read_parquet(tmp_path / "an" / "sobol.parquet")
    assert list(table["parameter"]) == ["x1", "x2", "x3"]
    for i, row in table.iterrows():
        assert abs(row["S1"] - s1_true[i]) <= row["S1_conf"], (row["parameter"], row["S1"], row["S1_conf"])
        assert abs(row["ST"] - st_true[i]) <= row["ST_conf"], (row["parameter"], row["ST"], row["ST_conf"])
        assert row["S1_conf"] < 0.1 and row["ST_conf"] < 0.1  # intervals narrow enough to mean something
    assert pd.read_csv(tmp_path / "an" / "sobol.csv")["S1"].round(9).tolist() == table["S1"].round(9).tolist()
    for ext in ("png", "svg"):
        assert (tmp_path / "an" / "plots" / f"sobol--arrests.{ext}").stat().st_size > 1000


def test_second_order_and_replications_are_averaged_and_their_spread_shown(tmp_path):
    """Rule: with replications, indices are of the mean over replications and the per-replication
    spread is reported; second_order adds S2 (Ishigami's only interaction is x1 × x3)."""
    exp = experiment(design="saltelli", samples=256, second_order=True, replications=3, parameters=[
        {"path": f"parameters.x{i}", "range": {"low": -PI, "high": PI}} for i in (1, 2, 3)])
    results = tmp_path / "r"
    write_results(results, exp, lambda pt, k, r: ishigami(pt) + 0.05 * ((k * 7 + r * 3) % 5 - 2))
    code, out, err = analyze(str(results), "--out", str(tmp_path / "an"), "--method", "sobol", "--format", "csv")
    assert code == 0, err
    assert "of the mean over 3 replications" in out and "sd/rep" in out
    s2 = pd.read_csv(tmp_path / "an" / "sobol_second_order.csv")
    top = s2.sort_values("S2").iloc[-1]
    assert (top["parameter_1"], top["parameter_2"]) == ("x1", "x3")
    assert abs(top["S2"] - _ishigami_truth()[1][2]) <= max(top["S2_conf"], 0.1)
    assert pd.read_csv(tmp_path / "an" / "sobol.csv")["S1_rep_sd"].notna().all()
    assert not (tmp_path / "an" / "sobol.parquet").exists()  # --format csv writes CSV only


def test_morris_ranks_parameters_by_their_known_effect(tmp_path):
    """Rule: Morris μ* is the mean |elementary effect| per whole range: 10·a over a ∈ [0, 2] → 20,
    b → 1, c (no effect) → 0; an integer range's levels fall on whole numbers, so d's 0.5 per
    unit over 1…7 → 3 exactly."""
    exp = experiment(design="morris", samples=6, levels=4, parameters=[
        {"path": "a", "range": {"low": 0, "high": 2}}, {"path": "b", "range": {"low": 0, "high": 1}},
        {"path": "c", "range": {"low": 5, "high": 9}}, {"path": "ndtf.reviewers", "range": {"low": 1, "high": 7, "integer": True}}])
    results = tmp_path / "m"
    write_results(results, exp, lambda pt, *_: 10 * pt["a"] + pt["b"] + 0.5 * pt["ndtf.reviewers"], metric="arrests")
    code, out, _ = analyze(str(results), "--out", str(tmp_path / "an"))
    assert code == 0
    m = pd.read_parquet(tmp_path / "an" / "morris.parquet").set_index("parameter")
    assert m.loc["a", "mu_star"] == pytest.approx(20, abs=1e-4)
    assert m.loc["b", "mu_star"] == pytest.approx(1, abs=1e-4)
    assert m.loc["c", "mu_star"] == 0
    assert m.loc["ndtf.reviewers", "mu_star"] == pytest.approx(3)
    assert m["sigma"].max() < 1e-4  # a linear model: every trajectory sees the same effect
    ranked = [line.split()[0] for line in out.split("ranked by μ*")[1].splitlines()[3:7]]
    assert ranked == ["a", "ndtf.reviewers", "b", "c"]


def test_paired_differences_find_a_known_difference_with_a_far_narrower_ci(tmp_path):
    """Rule: replication r shares its random numbers across points, so b − a per replication
    cancels the shared noise: the paired CI holds the true difference (2.5) and is much narrower
    than the unpaired CI of the same runs."""
    rng = np.random.default_rng(3)
    shared = rng.normal(100, 20, size=12)  # the replication's luck, the same at every point
    own = rng.normal(0, 0.2, size=(3, 12))
    exp = experiment(replications=12, metrics=["notices_published"],
                     parameters=[{"path": "ndtf.reviewers", "values": [1, 2, 3]}])
    results = tmp_path / "p"
    write_results(results, exp, lambda pt, k, r: shared[r] + 2.5 * k + own[k, r], metric="notices_published")
    code, out, _ = analyze(str(results), "--out", str(tmp_path / "an"))
    assert code == 0
    p = pd.read_parquet(tmp_path / "an" / "paired.parquet")
    assert len(p) == 3  # every pair of three points
    one = p[(p.point_a == 0) & (p.point_b == 1)].iloc[0]
    assert abs(one["diff"] - 2.5) <= one["diff_ci95"] < 0.5
    assert one["unpaired_ci95"] > 10 * one["diff_ci95"] and one["ci_ratio"] > 10
    assert one["p_value"] < 1e-6
    assert "point 1: ndtf.reviewers=2" in out


def test_plain_sobol_and_latin_hypercube_samples_are_refused_sobol_indices(tmp_path):
    """Rule: SALib's Sobol analysis of a plain sample gives nonsense (S1 < 0, ST > 1), so it is
    refused, naming the design to use."""
    exp = experiment(design="sobol", samples=16, parameters=[{"path": "a", "range": {"low": 0, "high": 1}}])
    results = tmp_path / "s"
    write_results(results, exp, lambda pt, *_: pt["a"])
    code, _, err = analyze(str(results), "--method", "sobol")
    assert code == 2
    assert "saltelli" in err and "plain sobol sample" in err and "Traceback" not in err
    code, _, err = analyze(str(results))  # one replication: nothing else to do either
    assert code == 2 and "nothing to analyse" in err


def test_refusals_name_what_is_wrong(tmp_path):
    """Rule: not a results folder, a metric with missing values (failed runs), too few points:
    each is a clear error, exit 2, no traceback, no files."""
    (tmp_path / "empty").mkdir()
    code, _, err = analyze(str(tmp_path / "empty"))
    assert code == 2 and "not a results folder of ncbsim batch: it has no manifest.json" in err

    exp = experiment(design="saltelli", samples=4, parameters=[
        {"path": "a", "range": {"low": 0, "high": 1}}, {"path": "b", "range": {"low": 0, "high": 1}}])
    results = tmp_path / "f"
    write_results(results, exp, lambda pt, *_: pt["a"] + pt["b"], failed={(2, 0)})
    code, _, err = analyze(str(results), "--metric", "arrests", "--out", str(tmp_path / "an"))
    assert code == 2
    assert "1 of 16 are missing (point 2 replication 0)" in err and "1 run(s) failed" in err
    assert not (tmp_path / "an" / "sobol.csv").exists()

    code, _, err = analyze(str(results), "--metric", "released")
    assert code == 2 and "no metric released in these results (they hold: arrests)" in err

    tiny = experiment(design="saltelli", samples=1, parameters=[{"path": "a", "range": {"low": 0, "high": 1}}])
    results = tmp_path / "tiny"
    write_results(results, tiny, lambda pt, *_: pt["a"])
    code, _, err = analyze(str(results))
    assert code == 2 and "too few points" in err


def test_validate_locates_the_new_design_fields(tmp_path):
    """Rule: saltelli needs a power of 2 base samples, morris integer ranges need whole-number
    levels, and each design's own field is refused on another design, each error located."""
    scen = SCENARIOS / "annotated-example.yaml"
    exp = tmp_path / "e.yaml"
    exp.write_text(f"id: t\ntitle: t\nscenario: {scen}\ndesign: saltelli\nsamples: 6\nlevels: 4\n"
                   "parameters:\n  - {path: ndtf.reviewers, range: {low: 1, high: 9, integer: true}}\n")
    code, _, err = main_capture("validate", str(exp))
    assert code == 2
    assert f"{exp}:5:1: samples: a saltelli design needs a power of 2 base samples" in err and "try 4 or 8" in err
    assert f"{exp}:6:1: levels: levels goes with design: morris, not saltelli" in err
    exp.write_text(f"id: t\ntitle: t\nscenario: {scen}\ndesign: morris\nsamples: 2\n"
                   "parameters:\n  - {path: ndtf.reviewers, range: {low: 1, high: 9, integer: true}}\n")
    code, _, err = main_capture("validate", str(exp))
    assert code == 2 and "parameters.0.range: a morris design over an integer range needs each of its 4 levels" in err
    # A mistyped path does not hide the design's own mistakes: one report says both.
    exp.write_text(f"id: t\ntitle: t\nscenario: {scen}\ndesign: saltelli\nsamples: 6\n"
                   "parameters:\n  - {path: ndtf.reviwers, range: {low: 1, high: 9}}\n")
    code, _, err = main_capture("validate", str(exp))
    assert code == 2 and "did you mean 'reviewers'" in err and "power of 2 base samples" in err


def main_capture(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_analyze_without_the_research_stack_says_how_to_add_it(tmp_path):
    """Rule: like batch, analyze on a light install says in one line what to install."""
    code = "import sys\nsys.modules['SALib'] = None\nfrom sim.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    r = subprocess.run([sys.executable, "-c", code, "analyze", str(tmp_path)], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "SALib missing" in r.stderr and "pip install 'ncbsim[research]'" in r.stderr


def test_saltelli_points_are_salibs_own_sample_in_salibs_order():
    """Rule: design point k is row k of SALib.sample.sobol.sample for the experiment's ranges and
    seed (to the 6 decimals the scenario gets), so SALib's analysis takes the metric as is."""
    from SALib.sample import sobol as salib_sobol

    exp = experiment(design="saltelli", samples=8, second_order=True, parameters=[
        {"path": "a", "range": {"low": 2, "high": 5}}, {"path": "parameters.mind.refresh_interval",
                                                       "range": {"low": 24, "high": 48}, "unit": "h"}])
    points = build_design(exp, Path("."), lambda path: ("e.yaml", 1, 1, "")).points
    ref = salib_sobol.sample({"num_vars": 2, "names": ["a", "b"], "bounds": [[2, 5], [24, 48]]}, 8,
                             calc_second_order=True, seed=11)
    assert len(points) == len(ref) == 8 * (2 * 2 + 2)
    got = np.array([[pt["a"], float(pt["parameters.mind.refresh_interval"].removesuffix("h"))] for pt in points])
    assert np.abs(got - ref).max() < 1e-6
    assert all(isinstance(pt["parameters.mind.refresh_interval"], str) and "e" not in pt["parameters.mind.refresh_interval"]
               for pt in points)  # a duration as the scenario reads it, never in exponent form


def test_a_real_saltelli_sweep_is_analysed_end_to_end(tmp_path):
    """Rule: the path a researcher takes — ncbsim batch on a saltelli experiment, then ncbsim
    analyze on its folder — gives a Sobol table for the metric, every index finite."""
    from sim.batch.sweep import plan, run_sweep

    exp = tmp_path / "s.yaml"
    exp.write_text(f"id: s\ntitle: tiny saltelli\nscenario: {SCENARIOS / 'annotated-example.yaml'}\nseed: 2\n"
                   "until: 12h\ndesign: saltelli\nsamples: 2\nmetrics: [messages_handled]\nparameters:\n"
                   "  - {path: traffic.messages_per_ncb_per_day, range: {low: 5, high: 60}}\n"
                   "  - {path: desks.default.staff, range: {low: 1, high: 3, integer: true}}\n")
    out = tmp_path / "out"
    run_sweep(plan(exp), out, "serial", 1, None, resume=False)
    code, text, err = analyze(str(out), "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(out / "analysis" / "sobol.csv")
    assert list(table["parameter"]) == ["traffic.messages_per_ncb_per_day", "desks.default.staff"]
    assert table[["S1", "ST", "S1_conf", "ST_conf"]].notna().all().all()
    assert "Sobol indices of one replication" in text


def test_a_metric_with_no_variance_is_skipped_and_the_others_analysed(tmp_path):
    """Rule: a metric that is the same at every design point has no variance to apportion; it is
    skipped with the reason, as a metric with missing values is, and the other metrics still get
    their indices (it used to end the whole analysis with exit 2)."""
    exp = experiment(design="saltelli", samples=64, parameters=[
        {"path": f"parameters.x{i}", "range": {"low": -PI, "high": PI}} for i in (1, 2, 3)])
    results = tmp_path / "r"
    write_results(results, exp, ishigami)
    runs = pd.read_parquet(results / "runs")
    constant = [{"run_id": rid, "metric": "released", "value": 0.0} for rid in runs["run_id"]]
    pq.write_table(pa.Table.from_pylist(constant), results / "metrics" / "part-1.parquet")
    code, out, err = analyze(str(results), "--out", str(tmp_path / "an"), "--format", "csv")
    assert code == 0, err
    assert "== arrests" in out and "== released" not in out
    assert "skipped released" in err and "same (0) at every design point" in err
    assert set(pd.read_csv(tmp_path / "an" / "sobol.csv")["metric"]) == {"arrests"}


def test_intervals_too_wide_to_read_are_said_in_words_with_what_would_narrow_them(tmp_path):
    """Rule: with too few base samples the Sobol intervals are wide (an S1 above 1 can appear);
    the analysis says so beside the table, with the sample size that would halve them, and says
    nothing when the intervals are narrow."""
    exp = experiment(design="saltelli", samples=16, parameters=[
        {"path": f"parameters.x{i}", "range": {"low": -PI, "high": PI}} for i in (1, 2, 3)])
    write_results(tmp_path / "few", exp, ishigami)
    code, out, err = analyze(str(tmp_path / "few"), "--format", "none")
    assert code == 0, err
    assert "caution: intervals up to ±" in out and "N = 16 base samples" in out and "samples: 64" in out
    wide = experiment(design="saltelli", samples=1024, parameters=exp.model_dump()["parameters"])
    write_results(tmp_path / "many", wide, ishigami)
    code, out, err = analyze(str(tmp_path / "many"), "--format", "none")
    assert code == 0, err
    assert "caution" not in out
