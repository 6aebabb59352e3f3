"""Sensitivity analysis of a finished sweep: Sobol indices, Morris screening, paired differences.

Reads a results folder as ``ncbsim batch`` writes it (docs/research.md, "tables"): the manifest
names the design and its parameter columns; ``runs`` gives each run's design point and
replication; ``metrics`` the values. Design point k is row k of the design as sampled, so for a
``saltelli`` or ``morris`` design the mean over replications at point k is row k of the ``Y``
SALib's analysis expects.

Replications share their random numbers across design points (common random numbers), so the
difference between two points within one replication is free of most of the run-to-run noise:
``paired`` shows that difference's interval beside the one the same runs would give unpaired.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..files import output_file

CONF_LEVEL = 0.95
RESAMPLES = 100  # SALib's bootstrap resamples for the indices' confidence intervals
INDEX_DESIGNS = {"saltelli": "sobol", "morris": "morris"}
ALL_PAIRS_UP_TO = 6  # design points; above this, each point is compared with the baseline only
NO_SOBOL = ("Sobol indices need a saltelli design: SALib's Sobol analysis reads the design points as its A, B "
            "and AB blocks, which a {kind} design does not have (fed a plain sobol sample it gives first-order "
            "indices below 0 and total indices above 1, meaning nothing). Set design: saltelli in the experiment "
            "(samples: a power of 2) and run it again")
NO_MORRIS = ("Morris elementary effects need a morris design (trajectories that change one parameter at a "
             "time); this sweep's design is {kind}. Set design: morris in the experiment and run it again")


class AnalysisError(InputError):
    """A results folder or a request that cannot be analysed, said in words."""

    def __init__(self, where: str, field_: str, message: str) -> None:
        super().__init__([Problem(where, 0, 0, field_, message)])


@dataclass
class Results:
    folder: Path
    kind: str  # the design's kind
    experiment: dict[str, Any]
    names: list[str]  # one per parameter, in design order: the runs table's column name
    points: int
    replications: int
    values: Any  # DataFrame: point, replication, run_id, status, metric, value
    x: Any | None  # DataFrame indexed by point: the parameters' numeric values (None when not numeric)
    labels: dict[int, str] = field(default_factory=dict)  # point → "name=value, …" for people
    notes: list[str] = field(default_factory=list)


def _column_name(path: str, unit: str) -> str:
    name = path.removeprefix("parameters.")
    return f"{name}_{unit}" if unit else name


def load_results(folder: str | Path) -> Results:
    """A results folder read whole; refused clearly when it is not one, or its sweep is not finished."""
    import pyarrow.dataset as ds

    out = Path(folder)
    where = str(out)
    manifest_path = out / "manifest.json"
    if not out.is_dir():
        raise AnalysisError(where, "RESULTS", "no such folder; give the results folder of an ncbsim batch "
                                              "sweep (its --out)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnalysisError(where, "RESULTS", "not a results folder of ncbsim batch: it has no manifest.json") from None
    except (OSError, ValueError) as e:
        raise AnalysisError(where, "manifest.json", f"cannot read the manifest: {e}") from None
    exp = manifest.get("experiment") if isinstance(manifest, dict) else None
    if not isinstance(exp, dict) or not isinstance(exp.get("parameters"), list):
        raise AnalysisError(where, "manifest.json", "not a manifest of ncbsim batch: it records no experiment")
    design = manifest.get("design") if isinstance(manifest.get("design"), dict) else {}
    kind = str(design.get("kind") or exp.get("design") or "full_factorial")
    params = [p for p in exp["parameters"] if isinstance(p, dict)]
    columns = manifest.get("parameter_columns")
    if isinstance(columns, list) and len(columns) == len(params):
        names = [str(c.get("column") or _column_name(str(c.get("path")), str(c.get("unit") or ""))) for c in columns]
    else:
        columns = None
        names = [_column_name(str(p.get("path")), "") for p in params]
    tables = {}
    for t in ("runs", "metrics"):
        if not (out / t).is_dir():
            raise AnalysisError(where, "RESULTS", f"not a results folder of ncbsim batch: it has no {t}/ folder")
        try:
            tables[t] = ds.dataset(str(out / t), format="parquet").to_table().to_pandas()
        except (OSError, ValueError) as e:
            raise AnalysisError(where, t, f"cannot read the {t} table: {e}") from None
    runs, metrics = tables["runs"], tables["metrics"]
    for t, needed in (("runs", ("run_id", "point", "replication", "status")), ("metrics", ("run_id", "metric", "value"))):
        if lacking := [c for c in needed if c not in tables[t].columns]:
            raise AnalysisError(where, t, f"the {t} table has no column {', '.join(lacking)}; it was not written "
                                          "by ncbsim batch")
    if not len(runs):
        raise AnalysisError(where, "runs", "the sweep stored no runs yet")
    expected = manifest.get("runs")
    if isinstance(expected, int) and len(runs) < expected:
        raise AnalysisError(where, "runs", f"the sweep is not finished: {len(runs):,} of {expected:,} runs are "
                                           "stored; carry on with ncbsim batch --resume --out " + where)
    design_points = manifest.get("design_points")
    n_points = len(design_points) if isinstance(design_points, list) else int(runs["point"].max()) + 1
    reps = int(exp.get("replications") or runs["replication"].max() + 1)
    merged = runs[["run_id", "point", "replication", "status"]].merge(metrics[["run_id", "metric", "value"]],
                                                                      on="run_id", how="left")
    res = Results(out, kind, exp, names, n_points, reps, merged, None)
    res.x = _numeric_design(res, runs, columns, params, design_points)
    if isinstance(design_points, list):
        res.labels = {k: ", ".join(f"{_short(p)}={v}" for p, v in pt.items()) for k, pt in enumerate(design_points)
                      if isinstance(pt, dict)}
    elif res.x is not None:
        res.labels = {int(k): ", ".join(f"{n}={v:g}" for n, v in row.items()) for k, row in res.x.iterrows()}
    return res


def _short(path: str) -> str:
    return path.removeprefix("parameters.")


_NUMBER_WITH_UNIT = re.compile(r"^\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$")


def _numeric_design(res: Results, runs: Any, columns: list | None, params: list[dict],
                    design_points: Any) -> Any | None:
    """The design's numeric values per point: the runs' parameter columns (the contract), or,
    for a folder written before they existed, the design points the manifest lists with their
    unit stripped (exact: the unit is only appended to the sampled number)."""
    import pandas as pd

    if columns is not None and all(n in runs.columns for n in res.names):
        x = runs.sort_values("replication").drop_duplicates("point").set_index("point")[res.names]
        try:
            return x.astype(float).sort_index()
        except (TypeError, ValueError):
            return None
    if not isinstance(design_points, list):
        return None
    rows = []
    for pt in design_points:
        row = []
        for p in params:
            v = pt.get(p.get("path")) if isinstance(pt, dict) else None
            if isinstance(v, bool):
                return None
            if isinstance(v, (int, float)):
                row.append(float(v))
                continue
            m = _NUMBER_WITH_UNIT.match(str(v))
            if not m or m.group(2) != (p.get("unit") or ""):
                return None
            row.append(float(m.group(1)))
        rows.append(row)
    res.notes.append("the parameters' values are read from the manifest's design points (this folder's runs "
                     "table has no numeric parameter columns)")
    return pd.DataFrame(rows, columns=res.names).rename_axis("point")


def metric_names(res: Results) -> list[str]:
    listed = res.experiment.get("metrics")
    found = sorted(set(res.values["metric"].dropna()))
    return [m for m in listed if m in found] if isinstance(listed, list) else found


def check_metrics(res: Results, asked: list[str] | None) -> list[str]:
    known = metric_names(res)
    if asked:
        unknown = [m for m in asked if m not in known]
        if unknown:
            raise AnalysisError(str(res.folder), "--metric", f"no metric {', '.join(unknown)} in these results "
                                                             f"(they hold: {', '.join(known) or 'none'})")
        return list(dict.fromkeys(asked))
    if not known:
        raise AnalysisError(str(res.folder), "metrics", "these results hold no metric values (every run failed?)")
    return known


def response(res: Results, metric: str) -> Any:
    """The metric as a points × replications matrix (NaN where a run failed or the metric is undefined)."""
    import numpy as np

    v = res.values
    ok = v[(v["metric"] == metric) & (v["status"] == "ok")]
    grid = np.full((res.points, res.replications), np.nan)
    for p, r, val in zip(ok["point"], ok["replication"], ok["value"], strict=True):
        if 0 <= p < res.points and 0 <= r < res.replications and val is not None:
            grid[int(p), int(r)] = float(val)
    return grid


class MissingValues(AnalysisError):
    """A metric this analysis cannot use (values missing, or no variance): skipped, the others go on."""


def _complete(res: Results, metric: str, grid: Any, method: str) -> None:
    import numpy as np

    missing = np.argwhere(np.isnan(grid))
    if not len(missing):
        return
    v = res.values
    failed = v[(v["status"] != "ok")].drop_duplicates("run_id")
    why = (f"{len(failed):,} run(s) failed (see the runs table's error column and status.jsonl)" if len(failed)
           else "the metric is undefined in those runs (e.g. hours_to_first_arrest when nobody was arrested)")
    first = ", ".join(f"point {p} replication {r}" for p, r in missing[:3])
    raise MissingValues(str(res.folder), metric,
                        f"{method} needs a value at every design point and replication; {len(missing):,} of "
                        f"{grid.size:,} are missing ({first}{', …' if len(missing) > 3 else ''}): {why}. "
                        "Leave this metric out (--metric), or rerun the sweep so every run has it")


def _problem(res: Results) -> dict[str, Any]:
    bounds = []
    for p in res.experiment["parameters"]:
        r = p.get("range") or {}
        bounds.append([float(r.get("low", 0.0)), float(r.get("high", 1.0))])
    return {"num_vars": len(res.names), "names": list(res.names), "bounds": bounds}


def sobol(res: Results, metric: str, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """First-order and total indices (S1, ST) with CIs; second-order pairs when the design has them.

    Indices are of the metric's mean over replications at each point; with two or more
    replications the indices are also computed per replication and their spread reported.
    """
    import numpy as np
    from SALib.analyze import sobol as salib_sobol

    if res.kind != "saltelli":
        raise AnalysisError(str(res.folder), "--method sobol", NO_SOBOL.format(kind=res.kind))
    grid = response(res, metric)
    _complete(res, metric, grid, "Sobol analysis")
    d = len(res.names)
    second = bool(res.experiment.get("second_order"))
    block = 2 * d + 2 if second else d + 2
    if res.points % block or res.points // block < 2:
        raise AnalysisError(str(res.folder), "design", f"{res.points} design point(s) are not the {block}-point "
                                                       "blocks of at least 2 base samples a saltelli design of "
                                                       f"{d} parameter(s) has; too few points for Sobol indices")
    problem = _problem(res)
    y = grid.mean(axis=1)
    if not np.ptp(y):
        raise MissingValues(str(res.folder), metric, f"{metric} is the same ({y[0]:g}) at every design point: "
                                                     "it has no variance to apportion")
    si = salib_sobol.analyze(problem, y, calc_second_order=second, num_resamples=RESAMPLES,
                             conf_level=CONF_LEVEL, seed=seed)
    per_rep = []
    if res.replications > 1:
        for r in range(res.replications):
            if np.ptp(grid[:, r]):
                s = salib_sobol.analyze(problem, grid[:, r], calc_second_order=second, num_resamples=2,
                                        conf_level=CONF_LEVEL, seed=seed)
                per_rep.append((s["S1"], s["ST"]))
    rows = []
    for i, name in enumerate(res.names):
        row = {"metric": metric, "parameter": name, "S1": float(si["S1"][i]), "S1_conf": float(si["S1_conf"][i]),
               "ST": float(si["ST"][i]), "ST_conf": float(si["ST_conf"][i]), "replications": res.replications,
               "base_samples": res.points // block}
        if per_rep:
            row["S1_rep_sd"] = float(np.std([s1[i] for s1, _ in per_rep], ddof=1)) if len(per_rep) > 1 else math.nan
            row["ST_rep_sd"] = float(np.std([st[i] for _, st in per_rep], ddof=1)) if len(per_rep) > 1 else math.nan
        rows.append(row)
    pairs = []
    if second:
        for i in range(d):
            for j in range(i + 1, d):
                pairs.append({"metric": metric, "parameter_1": res.names[i], "parameter_2": res.names[j],
                              "S2": float(si["S2"][i][j]), "S2_conf": float(si["S2_conf"][i][j])})
    return rows, pairs


WIDE_CI = 0.2  # a ± this wide on an index between 0 and 1 ranks little: say so beside the table


def sobol_caution(rows: list[dict]) -> str | None:
    """Words for indices whose intervals are too wide to read (too few base samples), or None."""
    widest = max((max(r["S1_conf"], r["ST_conf"]) for r in rows), default=0.0)
    if not widest > WIDE_CI:
        return None
    n = rows[0]["base_samples"]
    return (f"caution: intervals up to ±{widest:.2f} with N = {n} base samples; an index outside [0, 1] or "
            f"within its interval of another is noise. Four times the samples (samples: {4 * n}) halves them.")


def morris(res: Results, metric: str, seed: int = 0) -> list[dict]:
    """Morris μ, μ*, σ and μ*'s CI per parameter, on the metric's mean over replications.

    Elementary effects are in the metric's units per whole range of the parameter (SALib's
    unscaled effects on the unit cube), so μ* compares parameters across their ranges.
    """
    from SALib.analyze import morris as salib_morris

    if res.kind != "morris":
        raise AnalysisError(str(res.folder), "--method morris", NO_MORRIS.format(kind=res.kind))
    grid = response(res, metric)
    _complete(res, metric, grid, "Morris analysis")
    d = len(res.names)
    if res.points % (d + 1) or res.points // (d + 1) < 2:
        raise AnalysisError(str(res.folder), "design", f"{res.points} design point(s) are not at least 2 "
                                                       f"trajectories of {d + 1} points; too few for Morris")
    if res.x is None:
        raise AnalysisError(str(res.folder), "parameter_columns",
                            "Morris needs the parameters' numeric values per point; this folder has neither "
                            "numeric parameter columns in its runs table nor numeric design points")
    levels = int(res.experiment.get("levels") or 4)
    x = res.x.sort_index().to_numpy(dtype=float)
    si = salib_morris.analyze(_problem(res), x, grid.mean(axis=1), num_resamples=RESAMPLES,
                              conf_level=CONF_LEVEL, num_levels=levels, seed=seed)
    return [{"metric": metric, "parameter": name, "mu": float(si["mu"][i]), "mu_star": float(si["mu_star"][i]),
             "mu_star_conf": float(si["mu_star_conf"][i]), "sigma": float(si["sigma"][i]),
             "trajectories": res.points // (d + 1), "replications": res.replications}
            for i, name in enumerate(res.names)]


def pairs_to_compare(res: Results, baseline: int | None) -> list[tuple[int, int]]:
    if baseline is not None and not 0 <= baseline < res.points:
        raise AnalysisError(str(res.folder), "--baseline", f"no design point {baseline}; "
                                                           f"the points are 0 to {res.points - 1}")
    if baseline is None and res.points <= ALL_PAIRS_UP_TO:
        return [(a, b) for a in range(res.points) for b in range(a + 1, res.points)]
    base = baseline or 0
    return [(base, b) for b in range(res.points) if b != base]


def paired(res: Results, metric: str, pairs: list[tuple[int, int]]) -> list[dict]:
    """Point b minus point a per replication (same random numbers), against the unpaired comparison."""
    import numpy as np
    from scipy import stats

    if res.replications < 2:
        raise AnalysisError(str(res.folder), "replications", "paired differences need at least 2 replications; "
                                                            "this sweep has 1")
    grid = response(res, metric)
    rows = []
    for a, b in pairs:
        both = ~np.isnan(grid[a]) & ~np.isnan(grid[b])
        d = grid[b][both] - grid[a][both]
        n = len(d)
        row: dict[str, Any] = {"metric": metric, "point_a": a, "point_b": b, "a": res.labels.get(a, str(a)),
                               "b": res.labels.get(b, str(b)), "n": n,
                               "mean_a": _mean(grid[a][~np.isnan(grid[a])]),
                               "mean_b": _mean(grid[b][~np.isnan(grid[b])]), "diff": _mean(d)}
        if n >= 2:
            t = float(stats.t.ppf(0.5 + CONF_LEVEL / 2, n - 1))
            sd = float(np.std(d, ddof=1))
            row["diff_ci95"] = t * sd / math.sqrt(n)
            if sd:
                row["t"] = row["diff"] / (sd / math.sqrt(n))
            else:  # the same difference in every replication
                row["t"] = 0.0 if row["diff"] == 0 else math.copysign(math.inf, row["diff"])
            row["p_value"] = float(2 * stats.t.sf(abs(row["t"]), n - 1)) if math.isfinite(row["t"]) else 0.0
            row["unpaired_ci95"] = _welch_half(grid[a][both], grid[b][both])
            if row["diff_ci95"]:
                row["ci_ratio"] = row["unpaired_ci95"] / row["diff_ci95"]
            else:  # no spread paired: infinitely narrower, unless there is none unpaired either
                row["ci_ratio"] = math.inf if row["unpaired_ci95"] else math.nan
        else:
            row.update(diff_ci95=math.nan, t=math.nan, p_value=math.nan, unpaired_ci95=math.nan, ci_ratio=math.nan)
        rows.append(row)
    return rows


def _mean(v: Any) -> float:
    return float(v.mean()) if len(v) else math.nan


def _welch_half(a: Any, b: Any) -> float:
    """The 95% half-width of the difference of two means taken as independent samples (Welch)."""
    from scipy import stats

    na, nb = len(a), len(b)
    va, vb = (float(a.var(ddof=1)) / na, float(b.var(ddof=1)) / nb)
    if va + vb == 0:
        return 0.0
    df = (va + vb) ** 2 / ((va ** 2) / (na - 1) + (vb ** 2) / (nb - 1))
    return float(stats.t.ppf(0.5 + CONF_LEVEL / 2, df) * math.sqrt(va + vb))


# ---- tables for people ----------------------------------------------------------------------

def _num(v: Any, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if isinstance(v, float):
        return f"{v:.{digits}f}" if abs(v) < 1e4 else f"{v:.4g}"
    return str(v)


def table(head: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right if right is not None else set(range(1, len(head)))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def render_sobol(rows: list[dict]) -> str:
    rep = any("S1_rep_sd" in r for r in rows)
    head = ["parameter", "S1", "± CI", "ST", "± CI"] + (["S1 sd/rep", "ST sd/rep"] if rep else [])
    body = [[r["parameter"], _num(r["S1"]), _num(r["S1_conf"]), _num(r["ST"]), _num(r["ST_conf"])]
            + ([_num(r.get("S1_rep_sd")), _num(r.get("ST_rep_sd"))] if rep else []) for r in rows]
    return table(head, body)


def render_s2(rows: list[dict]) -> str:
    return table(["parameters", "S2", "± CI"],
                 [[f"{r['parameter_1']} × {r['parameter_2']}", _num(r["S2"]), _num(r["S2_conf"])] for r in rows])


def render_morris(rows: list[dict]) -> str:
    ranked = sorted(rows, key=lambda r: -r["mu_star"])
    return table(["parameter", "μ*", "± CI", "μ", "σ"],
                 [[r["parameter"], _num(r["mu_star"]), _num(r["mu_star_conf"]), _num(r["mu"]), _num(r["sigma"])]
                  for r in ranked])


def render_paired(rows: list[dict], limit: int = 20) -> str:
    body = [[f"{r['point_b']} − {r['point_a']}", str(r["n"]), _num(r["mean_a"]), _num(r["mean_b"]), _num(r["diff"]),
             _num(r["diff_ci95"]), _num(r["p_value"], 4), _num(r["unpaired_ci95"]), _num(r["ci_ratio"], 1)]
            for r in rows[:limit]]
    text = table(["points", "n", "mean a", "mean b", "b − a", "± CI paired", "p", "± CI unpaired", "ratio"], body)
    if len(rows) > limit:
        text += f"\n… and {len(rows) - limit:,} more pairs (all in the paired table's files)"
    return text


# ---- files ----------------------------------------------------------------------------------

TABLE_FORMATS = ("parquet", "csv")
PLOT_FORMATS = ("png", "svg")
FORMATS = TABLE_FORMATS + PLOT_FORMATS


def write_table(out: Path, name: str, rows: list[dict], formats: tuple[str, ...]) -> list[str]:
    import pandas as pd

    frame = pd.DataFrame(rows)
    written = []
    for ext in formats:
        if ext not in TABLE_FORMATS:
            continue
        path = out / f"{name}.{ext}"
        with output_file(path, "wb" if ext == "parquet" else "w") as fh:
            if ext == "parquet":
                frame.to_parquet(fh, index=False)
            else:
                frame.to_csv(fh, index=False)
        written.append(str(path))
    return written


def plot_indices(out: Path, metric: str, rows: list[dict], method: str, formats: tuple[str, ...]) -> list[str]:
    """A bar chart of the indices with their CI whiskers, one file per format."""
    wanted = [ext for ext in formats if ext in PLOT_FORMATS]
    if not wanted or not rows:
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    plt.rcParams.update({"svg.hashsalt": "ncbsim", "svg.fonttype": "none"})
    names = [r["parameter"] for r in rows]
    pos = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(names) + 2), 3.8))
    try:
        if method == "sobol":
            w = 0.38
            ax.bar(pos - w / 2, [r["S1"] for r in rows], w, yerr=[r["S1_conf"] for r in rows], capsize=4,
                   label="first order S1")
            ax.bar(pos + w / 2, [r["ST"] for r in rows], w, yerr=[r["ST_conf"] for r in rows], capsize=4,
                   label="total ST")
            ax.axhline(0, color="black", linewidth=0.6)
            ax.set_ylabel("share of variance")
            ax.set_title(f"Sobol indices of {metric.replace('_', ' ')} (95% CI)")
        else:
            ax.bar(pos, [r["mu_star"] for r in rows], 0.6, yerr=[r["mu_star_conf"] for r in rows], capsize=4,
                   label="μ* (mean |elementary effect|)")
            ax.plot(pos, [r["sigma"] for r in rows], "o", color="black", label="σ (spread: interaction, non-linearity)")
            ax.set_ylabel(f"{metric.replace('_', ' ')} per whole range")
            ax.set_title(f"Morris screening of {metric.replace('_', ' ')} (95% CI)")
        crowded = sum(len(n) for n in names) > 8 * len(names) + 12  # long names side by side overlap
        ax.set_xticks(pos, names, rotation=25 if crowded else 0, ha="right" if crowded else "center")
        ax.legend(fontsize="small")
        written = []
        for ext in wanted:
            path = out / "plots" / f"{method}--{metric}.{ext}"
            with output_file(path, "wb") as fh:
                fig.savefig(fh, format=ext, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
            written.append(str(path))
        return written
    finally:
        plt.close(fig)


