"""Set the world-baseline year beside INTERPOL's public figures (docs/calibration.md's tables).

    python bench/calibration.py            # print the tables (seeds 1, 2, 3)
    python bench/calibration.py --write    # rewrite them in docs/calibration.md
    python bench/calibration.py --check    # exit 1 if docs/calibration.md no longer matches

Runs scenarios/world-baseline.yaml for each seed and writes, per figure, whether it is a model
output or echoes an input, the public value, the mean of the runs and each seed's value; then
the inputs the scenario sets. The seeds' raw figures are kept in the document (an HTML comment),
so tests/cli/test_calibration_table.py can run one seed and compare its figures exactly, and
check that the tables are what this script renders from them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.engine.exercise import Exercise
from sim.scenario.loader import load_scenario
from sim.scenario.model import Scenario
from sim.scenario.parameters import distribution

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "world-baseline.yaml"
DOC = ROOT / "docs" / "calibration.md"
SEEDS = (1, 2, 3)
BEGIN = "<!-- calibration:begin — written by `python bench/calibration.py --write`; do not edit by hand -->"
END = "<!-- calibration:end -->"
DATA = "<!-- calibration-data "

# (public figure, where it comes from)
PUBLIC: dict[str, tuple[float | None, str]] = {
    "red_published": (15548, "Red Notices issued in 2024 (record)"),
    "diffusions": (12940, "wanted-person diffusions, 2021"),
    "yellow_published": (2687, "Yellow Notices issued, 2023"),
    "blue_published": (3700, "Blue Notices issued, 2024"),
    "refusal_share": (0.053, "refused or cancelled by the NDTF, 2021 (2.8% in 2017, 6.1% in 2020)"),
    "refused_total": (2462, "requests refused, 2024"),
    "refused_art2": (111, "of which Art. 2, 2024"),
    "refused_art3": (194, "of which Art. 3, 2024"),
    "refused_other": (2157, "of which other reasons, 2024"),
    "cancelled_arrest": (9 * 365, "Red Notices cancelled for arrest/extradition/surrender (~9 a day)"),
    "median_days_to_publish": (None, "request to publication: 1-263 days in ten public cases, median a few days"),
    "p99_days_to_publish": (None, "the long tail when a request is flagged"),
    "max_days_to_publish": (263, "longest of the ten public cases"),
}

# The review's timings the time-to-publication rows follow from.
TIMES = ("ndtf.screening_time", "ndtf.work_time", "ndtf.detailed_review_time", "ndtf.diffusion_review_time")

# Figures that echo a volume the scenario sets (its Poisson draw), rather than come out of the
# review: a diffusion circulates at once, and background arrests are a stream of their own.
ECHOES = {
    "diffusions": ("requests_per_year", "diffusion"),
    "cancelled_arrest": ("arrests_per_year", None),
}


def measure(seed: int) -> dict[str, float]:
    """The year's figures for one seed, as the table shows them (before formatting)."""
    loaded = load_scenario(SCENARIO)
    ex = Exercise(loaded.scenario, seed=seed)
    ex.run()
    s = ex.summary()["notices"]
    refused = dict(s["refused"])
    for k, v in s["diffusions"]["purged"].items():
        refused[k] = refused.get(k, 0) + v
    total = sum(refused.values())
    art2, art3 = refused.get("art2_human_rights", 0), refused.get("art3_neutrality", 0)
    requested_at: dict[str, str] = {}
    delays = []
    for e in ex.journal.events:
        if e["kind"] == "notice.requested":
            requested_at[e["notice"]] = e["t"]
        elif e["kind"] == "notice.published":
            t0 = datetime.fromisoformat(requested_at[e["notice"]].replace("Z", "+00:00"))
            t1 = datetime.fromisoformat(e["t"].replace("Z", "+00:00"))
            delays.append((t1 - t0).total_seconds() / 86400)
    delays.sort()
    return {
        "red_published": s["published"].get("red", 0),
        "diffusions": s["diffusions"]["sent"],
        "yellow_published": s["published"].get("yellow", 0),
        "blue_published": s["published"].get("blue", 0),
        "refusal_share": s["refusal_share"],
        "refused_total": total, "refused_art2": art2, "refused_art3": art3, "refused_other": total - art2 - art3,
        "cancelled_arrest": s["cancelled_or_deleted"].get("arrested", 0) + s["diffusions"]["cancelled"],
        "median_days_to_publish": statistics.median(delays),
        "p99_days_to_publish": delays[int(0.99 * (len(delays) - 1))],
        "max_days_to_publish": delays[-1],
    }


def stored(figures: dict[str, float]) -> dict[str, float]:
    """Figures as the document keeps them: counts whole, times and shares to 9 digits (what a
    different C library's last bit cannot change, and any change of the model does)."""
    return {k: round(v, 9) if isinstance(v, float) else int(v) for k, v in figures.items()}


def fmt(x: float | None, key: str) -> str:
    if x is None:
        return "—"
    if key == "refusal_share":
        return f"{x:.1%}"
    if "days" in key:
        return f"{x:.1f} d"
    return f"{x:,.0f}"


def _share(x: float) -> str:
    return f"{x:.2%}".replace(".00%", "%")


def source(key: str, sc: Scenario) -> str:
    if key not in ECHOES:
        return "model"
    name, kind = ECHOES[key]
    value = getattr(sc.background, name)
    if kind is not None:
        value, name = value.get(kind, 0), f"{name}.{kind}"
    return f"input: background.{name} {value:,.0f}"


def inputs(sc: Scenario) -> list[tuple[str, str]]:
    """What the scenario sets that the figures follow from (its own values, read from the file)."""
    bg, ndtf = sc.background, sc.ndtf
    rows = [(f"background.requests_per_year.{k}", f"{v:,.0f}") for k, v in sorted(bg.requests_per_year.items())]
    rows += [(f"background.profile.{k}", _share(v)) for k, v in bg.profile.model_dump().items()]
    rows += [("background.arrests_per_year", f"{bg.arrests_per_year:,.0f}"),
             ("ndtf.reviewers", str(ndtf.reviewers)), ("ndtf.detect_covert", f"{ndtf.detect_covert:g}"),
             ("ndtf.doubt_share", _share(ndtf.doubt_share))]
    rows += [(name, _law(distribution(sc.parameters, name))) for name in TIMES]
    return rows


def _law(d: Any) -> str:
    """A parameter's distribution as written in a scenario (``lognormal: median 2d, sigma 0.8``)."""
    dumped: dict[str, Any] = d.model_dump(mode="json")
    return "; ".join(f"{law}: " + ", ".join(f"{k} {v}" for k, v in args.items()) if isinstance(args, dict)
                     else f"{law}: {args}" for law, args in dumped.items())


def render(runs: dict[int, dict[str, float]]) -> str:
    """The block between the markers: the figures, the inputs, and the seeds' raw figures."""
    sc = load_scenario(SCENARIO).scenario
    seeds = sorted(runs)
    out = [BEGIN, "",
           f"| figure | source | public | ncbsim (mean of {len(seeds)} seeds) | "
           + " | ".join(f"seed {s}" for s in seeds) + " | public source |",
           "|---|---|---|---|" + "---|" * len(seeds) + "---|"]
    for key, (public, where) in PUBLIC.items():
        vals = [runs[s][key] for s in seeds]
        out.append(f"| {key.replace('_', ' ')} | {source(key, sc)} | {fmt(public, key)} | "
                   f"{fmt(statistics.fmean(vals), key)} | " + " | ".join(fmt(v, key) for v in vals) + f" | {where} |")
    out += ["", ("**source**: *model* — an outcome of the simulated review, which the scenario does not set; "
                 "*input* — the Poisson draw of a volume the scenario sets (named), which the model only echoes."),
            "", "What the scenario sets (`scenarios/world-baseline.yaml`):", "",
            "| input | value |", "|---|---|"]
    out += [f"| `{name}` | {value} |" for name, value in inputs(sc)]
    out += ["", DATA + json.dumps({str(s): runs[s] for s in seeds}, sort_keys=True) + " -->", "", END]
    return "\n".join(out)


def committed(doc: str) -> tuple[str, dict[int, dict[str, float]]]:
    """The block as committed in the document, and the seeds' raw figures it keeps."""
    start, end = doc.index(BEGIN), doc.index(END) + len(END)
    block = doc[start:end]
    line = next(x for x in block.splitlines() if x.startswith(DATA))
    data = json.loads(line.removeprefix(DATA).removesuffix(" -->"))
    return block, {int(s): v for s, v in data.items()}


def rewrite(doc: str, block: str) -> str:
    start, end = doc.index(BEGIN), doc.index(END) + len(END)
    return doc[:start] + block + doc[end:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS), help="seeds to run (default 1 2 3)")
    what = ap.add_mutually_exclusive_group()
    what.add_argument("--write", action="store_true", help="rewrite the tables in docs/calibration.md")
    what.add_argument("--check", action="store_true", help="exit 1 if docs/calibration.md no longer matches")
    a = ap.parse_args(argv)
    runs = {seed: stored(measure(seed)) for seed in a.seeds}
    block = render(runs)
    doc = DOC.read_text(encoding="utf-8")
    if a.check:
        same = committed(doc)[0] == block
        print("docs/calibration.md matches" if same else "docs/calibration.md is stale: run --write", file=sys.stderr)
        return 0 if same else 1
    if a.write:
        DOC.write_text(rewrite(doc, block), encoding="utf-8")
    else:
        print(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
