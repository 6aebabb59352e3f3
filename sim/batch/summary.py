"""After a sweep: mean and 95% confidence interval per design point and metric, as tables and plots.

The summary is written beside the runs as ``summary.parquet`` and ``summary.csv`` (one row per
design point and metric, the parameters in the runs table's numeric columns), printed with every
metric's full name, and drawn: one chart per metric and parameter, on a numeric axis for a
numeric parameter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..errors import RunError
from ..files import output_file
from .columns import ParameterColumn
from .results import ResultStore

SUMMARY_FILES = ("summary.parquet", "summary.csv")
# After the design point and the parameter columns: the statistics of one metric over the point's runs.
_STATS = [("metric", pa.string()), ("runs", pa.int64()), ("n", pa.int64()), ("missing", pa.int64()),
          ("mean", pa.float64()), ("sd", pa.float64()), ("sem", pa.float64()), ("ci95_low", pa.float64()),
          ("ci95_high", pa.float64()), ("min", pa.float64()), ("median", pa.float64()), ("max", pa.float64())]
_ARROW = {"float64": pa.float64(), "string": pa.string()}


def summary_schema(columns: Sequence[ParameterColumn]) -> pa.Schema:
    return pa.schema([("point", pa.int64()), *((c.column, _ARROW[c.dtype]) for c in columns), *_STATS])


def load(out: Path, run_ids: list[str], columns: Sequence[ParameterColumn] = ()):
    """This plan's runs and metrics (files of anything else in the folder are not read)."""
    import pandas as pd

    store = ResultStore(out, columns)
    try:
        runs, metrics = (ds.dataset([str(store.file(t, r)) for r in run_ids], schema=store.schemas[t],
                                    format="parquet").to_table().to_pandas() for t in ("runs", "metrics"))
    except (OSError, ValueError) as e:
        raise RunError(f"cannot read the results in {out}: {e}") from None
    if not len(metrics):
        return runs, pd.DataFrame(columns=["run_id", "metric", "value", "point"])
    return runs, metrics.merge(runs[["run_id", "point"]], on="run_id")


def _nan(x: Any) -> float:
    return math.nan if x is None else float(x)


def summarise(m, points: list[dict[str, Any]], columns: Sequence[ParameterColumn] = (),
              metrics: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One row per design point and metric, from ``load``'s metrics: the point's parameter values in
    their columns, then the runs that recorded the metric, the values among them (an empty value,
    like the hours to an arrest that never happened, is missing), mean, standard deviation, standard
    error, the 95% confidence interval of the mean (Student's t), min, median and max.
    Metrics come in ``metrics`` order (the experiment's), then any other by name."""
    from scipy import stats

    order = {name: k for k, name in enumerate(metrics)}
    rows = []
    groups = m.groupby(["point", "metric"]) if len(m) else []
    for (point, metric), g in sorted(groups, key=lambda kv: (kv[0][0], order.get(kv[0][1], len(order)), kv[0][1])):
        v = g["value"].dropna()
        n = len(v)
        mean = float(v.mean()) if n else math.nan
        sd = float(v.std(ddof=1)) if n > 1 else math.nan
        sem = sd / math.sqrt(n) if n > 1 else math.nan
        half = float(stats.t.ppf(0.975, n - 1)) * sem if n > 1 else math.nan
        pt = points[int(point)]
        rows.append({"point": int(point), **{c.column: c.value(pt.get(c.path)) for c in columns},
                     "metric": metric, "runs": len(g), "n": n, "missing": len(g) - n, "mean": mean, "sd": sd,
                     "sem": sem, "ci95_low": mean - half, "ci95_high": mean + half,
                     "min": _nan(v.min()) if n else math.nan, "median": _nan(v.median()) if n else math.nan,
                     "max": _nan(v.max()) if n else math.nan})
    return rows


def write_summary(out: Path, rows: list[dict[str, Any]], columns: Sequence[ParameterColumn]) -> list[str]:
    """``summary.parquet`` and ``summary.csv`` beside the runs (each written whole, then renamed)."""
    import pyarrow.csv as pacsv

    # A statistic that has no value (the mean of a metric no run recorded, the spread of one run)
    # is empty in both files, not NaN: an empty CSV cell and a Parquet null read as missing everywhere.
    table = pa.Table.from_pylist([{k: None if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
                                  for r in rows], schema=summary_schema(columns))
    written = []
    for name in SUMMARY_FILES:
        path = out / name
        try:
            with output_file(path, "wb") as fh:
                if name.endswith(".parquet"):
                    pq.write_table(table, fh)
                else:
                    pacsv.write_csv(table, fh)
        except OSError as e:
            raise RunError(f"cannot write {path}: {e.strerror or e}; the runs are stored in {out}, and "
                           "--resume writes the summary again") from None
        written.append(str(path))
    return written


def _cell(value: Any, kind: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.3g}" if kind == "ci" else f"{value:.4g}"
    return str(value)


PRINTED_ROWS = 60  # a saltelli sweep has thousands of rows: the terminal gets the head, the files the whole


def render(rows: list[dict[str, Any]], columns: Sequence[ParameterColumn], limit: int | None = PRINTED_ROWS) -> str:
    """The summary for the terminal, every name whole: mean ± half the 95% CI per point and metric
    (the first ``limit`` rows, and how many more there are in summary.csv)."""
    head = ["point", *[c.column for c in columns], "metric", "n", "mean", "± 95% CI"]
    table = [head]
    shown = rows if limit is None else rows[:limit]
    for r in shown:
        half = (r["ci95_high"] - r["ci95_low"]) / 2
        table.append([_cell(r["point"]), *[_cell(r[c.column]) for c in columns], r["metric"], _cell(r["n"]),
                      _cell(r["mean"]), _cell(half, "ci")])
    widths = [max(len(row[j]) for row in table) for j in range(len(head))]
    text = [j for j, h in enumerate(head) if h == "metric" or (2 <= j + 1 <= len(columns) + 1
                                                                and columns[j - 1].dtype == "string")]
    out = "\n".join("  ".join(cell.ljust(w) if j in text else cell.rjust(w)
                              for j, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
                    for row in table)
    if len(shown) < len(rows):
        out += f"\n… {len(rows) - len(shown):,} more row(s) of {len(rows):,}: the whole summary is in summary.csv"
    return out


PLOT_FORMATS = ("png", "svg")


def plot_names(metrics: list[str], params: list[str]) -> list[str]:
    """The file names ``plot`` may write in ``plots/``, known before the sweep runs."""
    return [f"{metric}--{p.replace('.', '_')}.{ext}" for metric in metrics for p in params for ext in PLOT_FORMATS]


def plot(out: Path, rows: list[dict[str, Any]], columns: Sequence[ParameterColumn]) -> tuple[list[str], list[str]]:
    """One chart per metric and swept parameter: the points' means with their 95% intervals,
    against the parameter's numeric column (its values as categories only for a text parameter).

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
        for c in columns:
            pts = sorted((r for r in rows if r["metric"] == metric and not math.isnan(r["mean"])),
                         key=lambda r: (r[c.column] is None, r[c.column] if c.dtype == "float64" else 0))
            xs = [r[c.column] if c.dtype == "float64" else str(r[c.column]) for r in pts]
            halves = [0.0 if math.isnan(r["ci95_high"]) else (r["ci95_high"] - r["ci95_low"]) / 2 for r in pts]
            fig, ax = plt.subplots(figsize=(6, 3.6))
            try:
                ax.errorbar(xs, [r["mean"] for r in pts], yerr=halves, fmt="o", capsize=4)
                label = c.path.removeprefix("parameters.")
                ax.set_xlabel(f"{label} ({_UNIT_WORDS.get(c.unit, c.unit)})" if c.unit else label)
                ax.set_ylabel(metric.replace("_", " "))
                ax.set_title(f"{metric.replace('_', ' ')} by {label} (mean, 95% CI)")
                for name in plot_names([metric], [c.path]):
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


_UNIT_WORDS = {"h": "hours"}
