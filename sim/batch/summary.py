"""After a sweep: mean and 95% confidence interval per design point and metric, and plots."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds

from ..errors import RunError
from ..files import output_file
from .results import SCHEMAS, ResultStore


def load(out: Path, run_ids: list[str]):
    """This plan's runs and metrics (files of anything else in the folder are not read)."""
    import pandas as pd

    store = ResultStore(out)
    try:
        runs, metrics = (ds.dataset([str(store.file(t, r)) for r in run_ids], schema=SCHEMAS[t],
                                    format="parquet").to_table().to_pandas() for t in ("runs", "metrics"))
    except (OSError, ValueError) as e:
        raise RunError(f"cannot read the results in {out}: {e}") from None
    if not len(metrics):
        return runs, pd.DataFrame(columns=["run_id", "metric", "value", "point"])
    return runs, metrics.merge(runs[["run_id", "point"]], on="run_id")


def summarise(m, points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean and 95% CI per design point and metric, from ``load``'s metrics."""
    from scipy import stats

    rows = []
    for (point, metric), g in sorted(m.groupby(["point", "metric"]), key=lambda kv: kv[0]):
        v = g["value"].dropna()
        n = len(v)
        mean = float(v.mean()) if n else math.nan
        half = float(stats.t.ppf(0.975, n - 1) * v.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        rows.append({"point": int(point), **{k: points[int(point)].get(k) for k in points[int(point)]},
                     "metric": metric, "n": n, "mean": mean, "ci95": half})
    return rows


def render(rows: list[dict[str, Any]], params: list[str]) -> str:
    head = ["point", *[p.split(".")[-1] for p in params], "metric", "n", "mean", "± 95% CI"]
    lines = ["  ".join(f"{h[:14]:>14}" for h in head)]
    for r in rows:
        ci = "—" if math.isnan(r["ci95"]) else f"{r['ci95']:.3g}"
        mean = "—" if math.isnan(r["mean"]) else f"{r['mean']:.4g}"
        cells = [r["point"], *[r.get(p) for p in params], r["metric"], r["n"], mean, ci]
        lines.append("  ".join(f"{str(c)[:14]:>14}" for c in cells))
    return "\n".join(lines)


PLOT_FORMATS = ("png", "svg")


def plot_names(metrics: list[str], params: list[str]) -> list[str]:
    """The file names ``plot`` may write in ``plots/``, known before the sweep runs."""
    return [f"{metric}--{p.replace('.', '_')}.{ext}" for metric in metrics for p in params for ext in PLOT_FORMATS]


def plot(out: Path, rows: list[dict[str, Any]], params: list[str]) -> tuple[list[str], list[str]]:
    """One chart per metric and swept parameter: the points' means with their 95% intervals.

    Returns the files written and, for each one that could not be written, why: the results are
    already stored, so one plot that fails does not stop the others.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "ncbsim", "svg.fonttype": "none"})
    folder = out / "plots"
    try:
        folder.mkdir(exist_ok=True)
    except OSError as e:
        return [], [f"cannot make {folder}: {e.strerror or e}"]
    written: list[str] = []
    failed: list[str] = []
    for metric in sorted({r["metric"] for r in rows}):
        for p in params:
            pts = [r for r in rows if r["metric"] == metric and not math.isnan(r["mean"])]
            xs = [r[p] for r in pts]
            if not pts or not all(isinstance(x, (int, float)) for x in xs):
                xs = [str(x) for x in xs]
            fig, ax = plt.subplots(figsize=(6, 3.6))
            try:
                ax.errorbar(xs, [r["mean"] for r in pts],
                            yerr=[0 if math.isnan(r["ci95"]) else r["ci95"] for r in pts], fmt="o", capsize=4)
                ax.set_xlabel(p)
                ax.set_ylabel(metric.replace("_", " "))
                ax.set_title(f"{metric.replace('_', ' ')} by {p} (mean, 95% CI)")
                for name in plot_names([metric], [p]):
                    path = folder / name
                    ext = name.rsplit(".", 1)[1]
                    try:
                        with output_file(path, "wb") as fh:
                            fig.savefig(fh, format=ext, bbox_inches="tight",
                                        metadata={"Date": None} if ext == "svg" else None)
                    except (OSError, RunError) as e:
                        failed.append(str(e) if isinstance(e, RunError) else f"cannot write {path}: {e.strerror or e}")
                    else:
                        written.append(str(path))
            finally:
                plt.close(fig)
    return written, failed
