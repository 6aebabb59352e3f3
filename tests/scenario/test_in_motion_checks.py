"""validate checks a world already in motion at the start: what is published before it, who is
held, who is abroad and on which document — the mistakes a trainer writing these by hand makes,
each located on the line that causes it."""

from __future__ import annotations

import pytest
from conftest import ncbsim

from sim.errors import InputError
from sim.scenario.checks import check_scenario
from sim.scenario.loader import locate, validate_model
from sim.scenario.model import Scenario

BASE = """\
id: t
title: test
start: 2026-03-02T06:00:00Z
duration: 10d
world:
  members: [FR, ES, MA, SN, DE, BE]
"""
DUVAL = """\
subjects:
  - id: S1
    identity: {name: Marc DUVAL, nationality: FR, aliases: [Jean MARTIN]}
    location: ES
"""
RED = "  - {id: N1, kind: red, by: FR, subject: S1, offence: homicide, max_penalty_years: 30, published: -60d}\n"


def problems(tmp_path, text: str) -> list[tuple[str, str, str, int]]:
    """(severity, field, message, line) of every problem validate finds."""
    path = tmp_path / "s.yaml"
    path.write_text(BASE + text, encoding="utf-8")
    located = locate(path)
    try:
        sc = validate_model(located, Scenario)
    except InputError as e:
        return [(p.severity, p.field, p.message, p.line) for p in e.problems]
    return [(p.severity, p.field, p.message, p.line) for p in check_scenario(sc, located)]


def only(found, field: str) -> tuple[str, str, int]:
    mine = [(s, m, line) for s, f, m, line in found if f == field]
    assert len(mine) == 1, found
    return mine[0]


def test_a_consistent_world_in_motion_passes(tmp_path):
    found = problems(tmp_path, DUVAL + "    arrived: -70d\n" + "requests:\n" + RED
                     + "arrests:\n  - {subject: S1, request: N1, since: -10d}\n")
    assert [p for p in found if p[0] == "error"] == []


def test_an_arrest_on_a_request_not_published_is_an_error(tmp_path):
    req = RED.replace("published: -60d", "at: 1h")
    found = problems(tmp_path, DUVAL + "requests:\n" + req + "arrests:\n  - {subject: S1, request: N1, since: -10d}\n")
    severity, message, line = only(found, "arrests.0.request")
    assert severity == "error" and "not published before the start" in message and line == 14


def test_an_arrest_before_the_publication_is_an_error(tmp_path):
    found = problems(tmp_path, DUVAL + "requests:\n" + RED + "arrests:\n  - {subject: S1, request: N1, since: -70d}\n")
    assert any("comes before request N1 was published" in m for _s, f, m, _l in found if f == "arrests.0.since")


def test_an_arrest_outside_the_world_or_away_from_the_subject_is_located(tmp_path):
    found = problems(tmp_path, DUVAL + "requests:\n" + RED
                     + "arrests:\n  - {subject: S1, request: N1, country: JP, since: -10d}\n")
    messages = [m for _s, f, m, _l in found if f == "arrests.0.country"]
    assert any("JP is not in this exercise's world" in m for m in messages)
    assert any("S1 is in ES at the start" in m for m in messages)


def test_an_arrest_whose_deadline_passed_before_the_start_is_an_error(tmp_path):
    found = problems(tmp_path, DUVAL + "requests:\n" + RED + "arrests:\n  - {subject: S1, request: N1, since: -61d}\n")
    errors = [m for s, f, m, _l in found if s == "error"]
    assert any("comes before request N1 was published" in m for m in errors)
    found = problems(tmp_path, DUVAL + "requests:\n" + RED.replace("-60d", "-90d")
                     + "arrests:\n  - {subject: S1, request: N1, since: -61d}\n")
    assert "he would have been released" in only(found, "arrests.0.since")[1]


def test_an_arrest_by_a_state_that_keeps_its_nationals_is_an_error(tmp_path):
    """Each nationality counts: a Moroccan dual national held in Morocco for France."""
    subject = DUVAL.replace("nationality: FR,", "nationality: FR, other_nationalities: [MA],").replace(
        "location: ES", "location: MA")
    found = problems(tmp_path, subject + "requests:\n" + RED
                     + "arrests:\n  - {subject: S1, request: N1, since: -10d}\n")
    assert "does not surrender its own nationals" in only(found, "arrests.0.country")[1]


def test_a_request_published_against_a_refugee_from_the_start_is_an_error(tmp_path):
    subject = DUVAL + "    refugee: {confirmed_by: DE, fearing: FR}\n"
    severity, message, _line = only(problems(tmp_path, subject + "requests:\n" + RED), "requests.0.published")
    assert severity == "error" and "refugee rule" in message


def test_a_published_request_that_breaks_the_rules_or_has_expired_is_an_error(tmp_path):
    low = RED.replace("max_penalty_years: 30", "max_penalty_years: 1")
    assert "NDTF would have refused it" in only(problems(tmp_path, DUVAL + "requests:\n" + low),
                                                "requests.0.published")[1]
    old = RED.replace("-60d", "-1900d")
    assert "expired before it" in only(problems(tmp_path, DUVAL + "requests:\n" + old), "requests.0.published")[1]
    gone = RED.replace("published: -60d", "published: -60d, withdraw_after: 30d")
    assert "before the start" in only(problems(tmp_path, DUVAL + "requests:\n" + gone), "requests.0.withdraw_after")[1]


def test_a_mind_copy_older_than_the_publication_is_a_warning(tmp_path):
    world = "  border_systems: {MA: mind}\n  mind: {MA: {first_refresh: 6h, interval: 24h}}\n"
    req = RED.replace("-60d", "-10h")
    severity, message, _line = only(problems(tmp_path, world + DUVAL + "requests:\n" + req), "requests.0.published")
    assert severity == "warning" and "MA's MIND copy" in message and "until the refresh at 6h" in message


def test_an_entry_after_an_arrest_notice_through_find_is_a_warning(tmp_path):
    """He could not have entered Spain from Morocco unnoticed while the Red Notice was live —
    unless in a name the notice does not list."""
    arrived = DUVAL + "    arrived: -3d\n    arrived_from: MA\n"
    severity, message, _line = only(problems(tmp_path, arrived + "requests:\n" + RED), "subjects.0.arrived")
    assert severity == "warning" and "would have been held at that entry" in message
    forged = arrived + "    entered_on: P1\n    documents: [{id: P1, status: forged, name: Jean MARTIN}]\n"
    assert not [p for p in problems(tmp_path, forged + "requests:\n" + RED) if p[1] == "subjects.0.arrived"]
    schengen = arrived.replace("arrived_from: MA", "arrived_from: FR")
    assert not [p for p in problems(tmp_path, schengen + "requests:\n" + RED) if p[1] == "subjects.0.arrived"]


def test_an_alias_the_subject_never_uses_is_a_warning(tmp_path):
    req = RED.replace("published: -60d", "published: -60d, aliases: [Paul X]")
    severity, message, _line = only(problems(tmp_path, DUVAL + "requests:\n" + req), "requests.0.aliases.0")
    assert severity == "warning" and "never uses the name 'Paul X'" in message


@pytest.mark.parametrize("text, field, words", [
    ("    documents: [{id: P1, name: Paul X}]\n", "subjects.0", "neither the person's name"),
    ("    documents: [{id: P1, status: genuine, reported: -1d}]\n", "subjects.0.documents.0", "only a stolen or lost"),
    ("    plan: {route: [MA], document: P9}\n    documents: [{id: P1}]\n", "subjects.0", "no document has id 'P9'"),
    ("    arrived_from: MA\n", "subjects.0", "give 'arrived' too"),
])
def test_documents_and_arrivals_are_checked(tmp_path, text, field, words):
    found = problems(tmp_path, DUVAL + text)
    assert any(f == field and words in m for _s, f, m, _l in found), found


def test_validate_cli_reports_them_located_with_exit_2(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE + DUVAL + "requests:\n" + RED + "arrests:\n  - {subject: S1, request: N2, since: -10d}\n",
                    encoding="utf-8")
    r = ncbsim("validate", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "s.yaml:14:" in r.stderr and "arrests.0.request: no request has id 'N2'" in r.stderr


def test_an_arrest_whose_days_left_are_fewer_than_preparing_the_request_takes_is_warned(tmp_path):
    """FR–ES is under the EAW (60 days): 40 days into it, the 20 left are shorter than the
    preparation time (median 16 days) in a third of runs; at 10 days in, no warning."""
    late = problems(tmp_path, DUVAL + "    arrived: -70d\n" + "requests:\n" + RED
                    + "arrests:\n  - {subject: S1, request: N1, since: -40d}\n")
    severity, message, _line = only(late, "arrests.0.since")
    assert severity == "warning" and "extradition.preparation_time" in message and "% of runs" in message
    early = problems(tmp_path, DUVAL + "    arrived: -70d\n" + "requests:\n" + RED
                     + "arrests:\n  - {subject: S1, request: N1, since: -10d}\n")
    assert not [p for p in early if p[1] == "arrests.0.since"]
