"""``validate`` warns when an objective waits for the formal extradition request inside a window
its preparation (extradition.preparation_time) often outlasts: such an objective fails whatever
the trainee does (issue 15, item 7: the flagship's O7 asked for it within its three weeks)."""

from __future__ import annotations

from conftest import MINIMAL_SCENARIO, ncbsim


def warnings(tmp_path, objectives: str, parameters: str = "") -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO.replace("duration: 2d", "duration: 21d") + parameters + "objectives:\n"
                    + objectives, encoding="utf-8")
    r = ncbsim("validate", str(path))
    assert r.returncode == 0, r.stderr
    return [ln for ln in (r.stdout + r.stderr).splitlines() if "warning:" in ln]


def test_waiting_for_the_request_within_the_exercise_warns_with_the_share_of_runs(tmp_path):
    """Rule: the default preparation (median 16 days) outlasts 21 days in about 29% of runs."""
    found = warnings(tmp_path, "  - {id: O1, title: a, check: {event: extradition.requested, match: {requester: FR}}}\n")
    assert len(found) == 1 and "objectives.0.check" in found[0]
    assert "extradition.preparation_time" in found[0] and "29% of runs" in found[0]
    assert "decision.made request_extradition send" in found[0]


def test_what_the_requester_controls_or_a_short_preparation_is_not_warned(tmp_path):
    started = "  - {id: O1, title: a, check: {event: decision.made, match: {type: request_extradition, option: send}}}\n"
    assert warnings(tmp_path, started) == []
    quick = "parameters:\n  extradition.preparation_time: {fixed: 5d}\n"
    assert warnings(tmp_path, "  - {id: O1, title: a, check: {event: extradition.requested}, by: 10d}\n", quick) == []
