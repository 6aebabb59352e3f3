"""``ncbsim analyze``: sensitivity indices and paired differences from a finished sweep's results."""

from __future__ import annotations

import argparse
import sys

INSTALL_HINT = "pip install 'ncbsim[research]' (from a checkout: pip install -e '.[research]')"
METHODS = ("auto", "sobol", "morris", "paired")

EPILOG = """\
what it computes (--method auto, the default, picks what the design supports):
  sobol   first-order and total Sobol indices S1, ST with 95% bootstrap CIs (S2 too when the
          experiment set second_order), for a saltelli design; of each metric's mean over the
          replications, with the indices' spread across single replications beside them
  morris  Morris μ*, μ, σ and μ*'s 95% CI, for a morris design; effects per whole range
  paired  point b − point a per replication under common random numbers: mean, 95% CI, paired
          t-test p, and the CI the same runs would give unpaired (ratio = how much narrower);
          every pair when the design has at most 6 points, else each point against --baseline;
          by default for designs with replications other than saltelli and morris
A sobol or latin_hypercube design is a plain sample: Sobol indices of it are refused (use a
saltelli design). Files: sobol, sobol_second_order, morris, paired (.parquet, .csv) and
plots/sobol--METRIC, plots/morris--METRIC (.png, .svg) in --out.

exit codes: 0 ok; 2 not a results folder, an unfinished sweep, a metric with missing values,
too few points, a method the design does not support, or the research stack missing.
"""


def register(sub) -> None:
    p = sub.add_parser("analyze", help="Sobol indices, Morris screening and paired differences of a sweep",
                       description="Analyse the results folder of a finished ncbsim batch sweep: Sobol indices "
                                   "(saltelli design), Morris elementary effects (morris design) and paired "
                                   "differences between design points under common random numbers; print "
                                   "tables, write them as Parquet and CSV, and plot the indices. Needs the "
                                   "research stack: " + INSTALL_HINT + ".",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", metavar="RESULTS", help="the results folder of ncbsim batch (its --out)")
    p.add_argument("--metric", action="append", metavar="M",
                   help="a metric to analyse (repeat for more; default: every metric with values)")
    p.add_argument("--method", action="append", choices=METHODS,
                   help="what to compute (repeat for more; default auto: the design's indices, or paired differences "
                        "for other designs with replications)")
    p.add_argument("--baseline", type=int, metavar="K",
                   help="paired differences of every point against design point K (default: all pairs when "
                        "there are at most 6 points, else against point 0)")
    p.add_argument("--out", metavar="DIR", help="where the tables and plots go (default: RESULTS/analysis)")
    p.add_argument("--format", default="parquet,csv,png,svg", metavar="LIST",
                   help="files to write, a comma-separated list of parquet, csv, png, svg, or none "
                        "(default: all four)")
    p.add_argument("--seed", type=int, default=0, metavar="N",
                   help="seed of the bootstrap behind the indices' CIs (default 0: the same CIs every time)")
    p.set_defaults(handler=analyze_command)


def _formats(text: str) -> tuple[str, ...]:
    from ..batch.analysis import FORMATS
    from ..errors import InputError, Problem

    parts = [t.strip().lower() for t in text.split(",") if t.strip()]
    if parts == ["none"]:
        return ()
    bad = [t for t in parts if t not in FORMATS]
    if bad or not parts:
        raise InputError([Problem("--format", 0, 0, "", f"expected a comma-separated list of {', '.join(FORMATS)} "
                                                        f"or none, got {text[:60]!r}")])
    return tuple(dict.fromkeys(parts))


def analyze_command(args) -> int:
    from pathlib import Path

    from ..errors import InputError, Problem
    from .batch import missing_research

    formats = _formats(args.format)
    if missing := [*missing_research("process"), *_salib_missing()]:
        raise InputError([Problem("ncbsim analyze", 0, 0, "", f"needs the research stack ({', '.join(missing)} "
                                                              f"missing): {INSTALL_HINT}")])
    from ..batch import analysis as an

    res = an.load_results(args.results)
    metrics = an.check_metrics(res, args.metric)
    methods = _methods(res, args.method)
    out = Path(args.out) if args.out else res.folder / "analysis"
    if formats:
        try:
            (out / "plots").mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError([Problem(str(out), 0, 0, "--out", f"cannot make this folder: {e.strerror or e}")]) from None
    print(f"{res.experiment.get('title', '')} — {res.kind} design, {res.points:,} design point(s) × "
          f"{res.replications} replication(s)")
    for note in res.notes:
        print(f"note: {note}")
    tables: dict[str, list[dict]] = {"sobol": [], "sobol_second_order": [], "morris": [], "paired": []}
    written: list[str] = []
    skipped: list[str] = []
    pairs = an.pairs_to_compare(res, args.baseline) if "paired" in methods else []
    for metric in metrics:
        try:
            blocks = _analyse(an, res, metric, methods, pairs, args.seed, formats, out, tables, written)
        except an.MissingValues as e:
            if args.metric:
                raise
            skipped.append(f"{metric}: {e.problems[0].message}")
            continue
        print()
        print(f"== {metric}")
        for block in blocks:
            print(block)
    for name, rows in tables.items():
        if rows:
            written += an.write_table(out, name, rows, formats)
    for s in skipped:
        print(f"\nskipped {s}", file=sys.stderr)
    if not any(tables.values()):
        raise InputError([Problem(str(res.folder), 0, 0, "metrics", "no metric could be analysed (see above)")])
    if written:
        print(f"\nwritten: {len(written)} file(s) in {out}")
    return 0


def _salib_missing() -> list[str]:
    import importlib.util

    try:
        return [] if importlib.util.find_spec("SALib") else ["SALib"]
    except (ImportError, ValueError):
        return ["SALib"]


def _methods(res, asked: list[str] | None) -> list[str]:
    from ..batch import analysis as an

    if asked and "auto" not in asked:
        methods = list(dict.fromkeys(asked))
        for m in methods:  # refused before any work, whatever the order they were asked in
            if m == "sobol" and res.kind != "saltelli":
                raise an.AnalysisError(str(res.folder), "--method sobol", an.NO_SOBOL.format(kind=res.kind))
            if m == "morris" and res.kind != "morris":
                raise an.AnalysisError(str(res.folder), "--method morris", an.NO_MORRIS.format(kind=res.kind))
            if m == "paired" and res.replications < 2:
                raise an.AnalysisError(str(res.folder), "--method paired",
                                       "paired differences need at least 2 replications; this sweep has 1")
        return methods
    methods = [an.INDEX_DESIGNS[res.kind]] if res.kind in an.INDEX_DESIGNS else []
    # A saltelli or morris design's points are random draws, not alternatives to compare: pairs
    # of them only on request (--method paired).
    if res.replications >= 2 and not methods:
        methods.append("paired")
    if not methods:
        why = (an.NO_SOBOL.format(kind=res.kind) if res.kind in ("sobol", "latin_hypercube")
               else f"a {res.kind} design gives no sensitivity indices (use design: saltelli or morris)")
        raise an.AnalysisError(str(res.folder), "design", f"nothing to analyse: {why}; and with 1 replication "
                                                          "there are no paired differences either")
    if res.kind in ("sobol", "latin_hypercube"):
        print(f"note: no Sobol indices: {an.NO_SOBOL.format(kind=res.kind)}", file=sys.stderr)
    return methods


def _analyse(an, res, metric, methods, pairs, seed, formats, out, tables, written) -> list[str]:
    blocks = []
    if "sobol" in methods:
        rows, s2 = an.sobol(res, metric, seed)
        tables["sobol"] += rows
        tables["sobol_second_order"] += s2
        how = (f"of the mean over {res.replications} replications (sd/rep: the indices' spread across single "
               "replications)" if res.replications > 1 else "of one replication")
        blocks.append(f"Sobol indices {how}, 95% CI:\n" + an.render_sobol(rows))
        caution = an.sobol_caution(rows)
        if caution:
            blocks.append(caution)
        if s2:
            blocks.append("second-order indices:\n" + an.render_s2(s2))
        written += an.plot_indices(out, metric, rows, "sobol", formats)
    if "morris" in methods:
        rows = an.morris(res, metric, seed)
        tables["morris"] += rows
        how = f"of the mean over {res.replications} replications" if res.replications > 1 else "of one replication"
        blocks.append(f"Morris elementary effects {how} (per whole range; ranked by μ*), 95% CI:\n"
                      + an.render_morris(rows))
        written += an.plot_indices(out, metric, rows, "morris", formats)
    if "paired" in methods:
        rows = an.paired(res, metric, pairs)
        tables["paired"] += rows
        labels = sorted({k for r in rows for k in (r["point_a"], r["point_b"])})
        legend = "\n".join(f"  point {k}: {res.labels.get(k, '')}" for k in labels[:12])
        blocks.append("paired differences under common random numbers (b − a per replication), 95% CI; "
                      "ratio = unpaired CI / paired CI:\n" + an.render_paired(rows) + "\n" + legend)
    return blocks
