"""The world-baseline year lands on the public figures (docs/calibration.md)."""

from __future__ import annotations

import json

from conftest import SCENARIOS, ncbsim


def test_world_baseline_json_matches_public_figures():
    r = ncbsim("run", str(SCENARIOS / "world-baseline.yaml"), "--json", timeout=300)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    n = s["notices"]
    assert set(n["published"]) == {"red", "yellow", "blue", "black", "green", "orange", "purple", "silver", "un"}
    assert abs(n["published"]["red"] - 15_500) <= 0.15 * 15_500
    assert 0.03 <= n["refusal_share"] <= 0.08
    reasons = set(n["refused"]) | set(n["diffusions"]["purged"])
    assert {"art2_human_rights", "art3_neutrality", "art83_excluded_offence", "art83_penalty_threshold",
            "data_quality"} <= reasons
    assert 11_000 <= n["diffusions"]["sent"] <= 15_000
    assert s["members"] == 196 and s["complete"] is True
