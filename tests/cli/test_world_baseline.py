"""The world-baseline year lands on the public figures (docs/calibration.md)."""

from __future__ import annotations

import json

from conftest import scripted_recording


def test_world_baseline_json_matches_public_figures(tmp_path_factory):
    # The year is recorded once for this and the shipped-scenario replay test (which needs a script
    # and a session). It raises no decision, so the script answers nothing: these are the model's own
    # figures, exactly as a plain `ncbsim run world-baseline.yaml --json` prints them.
    s = json.loads((scripted_recording(tmp_path_factory, "world-baseline.yaml") / "summary.json").read_text())
    assert s["session"]["decisions_recorded"] == 0
    n = s["notices"]
    assert set(n["published"]) == {"red", "yellow", "blue", "black", "green", "orange", "purple", "silver", "un"}
    assert abs(n["published"]["red"] - 15_500) <= 0.15 * 15_500
    assert 0.03 <= n["refusal_share"] <= 0.08
    reasons = set(n["refused"]) | set(n["diffusions"]["purged"])
    assert {"art2_human_rights", "art3_neutrality", "art83_excluded_offence", "art83_penalty_threshold",
            "data_quality"} <= reasons
    assert 11_000 <= n["diffusions"]["sent"] <= 15_000
    assert s["members"] == 196 and s["complete"] is True
