"""An evaluator validates an expected action by hand (HSEEP's exercise evaluation guides): met,
partly met or not met, with a note — a trainer's command, journalled, replayed byte for byte,
and shown in the report beside the journal's own scoring."""

from __future__ import annotations

import json

import pytest
from test_play_host import Recorded, assert_replays

from sim.api import Accepted, Refused, ValidateExpectation, command_from_json, render_html, render_markdown
from sim.sessions.store import SessionStore


@pytest.fixture
def played(tmp_path):
    r = Recorded(tmp_path / "s.db")
    r.host.catch_up(200)  # I1 (the warrant, expected: acknowledge) has fired and been read
    yield r
    r.close()


def test_a_validation_is_journalled_recorded_and_replayed(played):
    h = played.host
    out = h.submit("trainer", ValidateExpectation("partly_met", inject="I1", note="read late", author="Ana"))
    assert isinstance(out, Accepted)
    assert isinstance(h.submit("trainer", ValidateExpectation("met", objective="O1")), Accepted)
    (first, second) = h.validations()
    assert (first["inject"], first["verdict"], first["note"], first["author"], first["by"]) == \
        ("I1", "partly_met", "read late", "Ana", "trainer")
    assert second["objective"] == "O1" and "note" not in second
    rows = [r for r in played.store.decisions() if r.by == "command"]
    assert [json.loads(r.option)["kind"] for r in rows] == ["validate_expectation"] * 2
    assert all(r.seat == "trainer" for r in rows)
    h.catch_up(600)
    assert_replays(played, 600)
    # The session file, checked as every command does on opening, accepts the trainer's rows.
    SessionStore.open(played.path, write=False).close()


@pytest.mark.parametrize("command, words", [
    (ValidateExpectation("met", inject="I3"), "has not fired"),
    (ValidateExpectation("met", inject="I9"), "no inject"),
    (ValidateExpectation("met", objective="O9"), "no objective"),
    (ValidateExpectation("met"), "either"),
    (ValidateExpectation("met", inject="I1", objective="O1"), "either"),
    (ValidateExpectation("sort_of", inject="I1"), "unknown verdict"),
    (ValidateExpectation("met", inject="I1", author=" "), "author"),
])
def test_a_validation_that_cannot_be_judged_is_refused_in_words(played, command, words):
    before = played.state()
    out = played.host.submit("trainer", command)
    assert isinstance(out, Refused) and words in out.reason
    assert played.state() == before


def test_only_the_trainer_validates(played):
    out = played.host.submit("ncb:FR", ValidateExpectation("met", inject="I1"))
    assert isinstance(out, Refused) and "only the trainer" in out.reason


def test_the_command_round_trips_through_json():
    c = ValidateExpectation("not_met", objective="O2", note="no request sent", author="evaluator 2")
    assert command_from_json(c.to_json()) == c


def test_the_report_shows_the_evaluators_verdict_beside_the_journals(played):
    h = played.host
    h.submit("trainer", ValidateExpectation("partly_met", inject="I1", note="acknowledged, no follow-up"))
    d = h.debrief(source="test")
    (row,) = d["validations"]
    auto = next(x["verdict"] for x in d["expectations"] if x["inject"] == "I1")
    assert row["automatic"] == auto and row["verdict"] == "partly met"
    page = render_html(d)
    assert "id='validations'" in page and "acknowledged, no follow-up" in page
    text = render_markdown(d)
    assert "## Evaluators' validation" in text and "partly met" in text


def test_a_run_without_validations_has_no_such_section(played):
    d = played.host.debrief(source="test")
    assert d["validations"] == [] and "validation" not in render_markdown(d)
