"""Set the world-baseline year beside INTERPOL's public figures (writes docs/calibration.md's table).

    python bench/calibration.py [--seeds 3] > /tmp/table.md

Runs scenarios/world-baseline.yaml for each seed and prints, per figure, the public value, the
mean of the runs and their range.
"""

from __future__ import annotations

import argparse
import statistics
from datetime import datetime
from pathlib import Path

from sim.engine.exercise import Exercise
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]

# (label, public figure, where it comes from)
PUBLIC = {
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


def measure(seed: int) -> dict[str, float]:
    loaded = load_scenario(ROOT / "scenarios" / "world-baseline.yaml")
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


def fmt(x: float | None, key: str) -> str:
    if x is None:
        return "—"
    if key == "refusal_share":
        return f"{x:.1%}"
    if "days" in key:
        return f"{x:.1f} d"
    return f"{x:,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    a = ap.parse_args()
    runs = [measure(seed) for seed in range(1, a.seeds + 1)]
    print(f"| figure | public | ncbsim (mean of {a.seeds} seeds) | range | public source |")
    print("|---|---|---|---|---|")
    for key, (public, source) in PUBLIC.items():
        vals = [r[key] for r in runs]
        mean = statistics.fmean(vals)
        print(f"| {key.replace('_', ' ')} | {fmt(public, key)} | {fmt(mean, key)} | "
              f"{fmt(min(vals), key)} – {fmt(max(vals), key)} | {source} |")


if __name__ == "__main__":
    main()
