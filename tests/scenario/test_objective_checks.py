"""Objectives that grade people (``done_by``, ``seat``) are checked when a scenario is validated:
a seat outside the world is an error; one nobody plays, a warning that names the way to play it."""

from __future__ import annotations

from conftest import MINIMAL_SCENARIO, ncbsim


def validate(tmp_path, objectives: str):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "objectives:\n" + objectives, encoding="utf-8")
    return ncbsim("validate", str(path))


def test_a_seat_outside_the_world_is_an_error(tmp_path):
    r = validate(tmp_path, '  - {id: O1, title: a, check: {event: message.sent, done_by: person, seat: "ncb:JP"}}\n')
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "objectives.0.check.seat: JP is not in this exercise's world" in r.stderr


def test_a_person_at_a_seat_nobody_plays_is_a_warning_naming_how_to_play_it(tmp_path):
    r = validate(tmp_path, '  - {id: O1, title: a, check: {event: message.sent, done_by: person, seat: "ncb:ES"}}\n'
                           '  - {id: O2, title: b, check: {event: message.sent, done_by: person, seat: "ncb:FR"}}\n')
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in (r.stdout + r.stderr).splitlines() if "warning:" in ln]
    assert len(lines) == 1 and "objectives.0.check.seat" in lines[0] and "--as ncb:ES" in lines[0]


def test_done_by_takes_only_the_four_causes(tmp_path):
    r = validate(tmp_path, "  - {id: O1, title: a, check: {event: message.sent, done_by: someone}}\n")
    assert r.returncode == 2 and "objectives.0.check.done_by" in r.stderr and "'person'" in r.stderr


def test_a_seat_written_wrongly_is_explained_in_words(tmp_path):
    r = validate(tmp_path, '  - {id: O1, title: a, check: {event: message.sent, seat: "ncb:FRA"}}\n')
    assert r.returncode == 2
    assert "objectives.0.check.seat: expected a seat: ncb:CC (an NCB, e.g. ncb:FR), ndtf or ccc, got 'ncb:FRA'" \
        in r.stderr
