"""The case board shows long-running work the seat started (issue 15, item 7): once NCB France
has chosen to send the formal extradition request, its arrest case says the request is being
prepared, when it should be ready and when it is due, until it leaves or the person sends it.

Scenario tests/data/arrest-fr.yaml (a person plays NCB France; ten days, while preparing the file
takes about sixteen): France asks Spain to arrest Marc DUVAL, then answers "send" to the prompt.
"""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from sim.api import Accepted, AnswerDecision, PlayHost, SessionRun, load_scenario, new_session
from sim.play.commands import RequestProvisionalArrest, SendExtraditionDocuments

ARREST = SCENARIOS.parent / "tests" / "data" / "arrest-fr.yaml"
FR = "ncb:FR"


@pytest.fixture
def preparing(tmp_path):
    """A host where France has answered "send" on DUVAL's arrest in Spain: (host, case id)."""
    store = new_session(tmp_path / "s.db", load_scenario(ARREST), seed=None, policy=None, script=None, people=[FR])
    host = PlayHost(SessionRun(store))
    host.watch(FR)
    assert isinstance(host.submit(FR, RequestProvisionalArrest("ES", "S1")), Accepted)
    prompt = None
    while prompt is None and not host.finished:
        host.advance(host.now + 30, 5.0, stop_for=FR)
        prompt = next((d for d in host.open_decisions(FR) if d.kind == "request_extradition"), None)
    assert prompt is not None, "Spain never arrested DUVAL"
    assert isinstance(host.submit(FR, AnswerDecision(FR, prompt.id, "send")), Accepted)
    host.advance(host.now + 1, 5.0)
    yield host, prompt.context["case"]
    store.close()


def test_the_board_shows_the_request_being_prepared_with_its_due_date(preparing):
    host, case = preparing
    row = next(r for r in host.board(FR) if r.ref == case)
    view = next(c for c in host.arrest_cases(FR) if c.case == case)
    started = next(e for e in host.events() if e["kind"] == "extradition.preparing")
    assert row.state == "request in preparation"
    assert row.underway is not None and row.underway.what == "formal extradition request"
    assert (row.underway.since, row.underway.ready, row.underway.due) == (started["t"], started["ready"], view.deadline)
    assert view.ready == started["ready"] and view.deadline is not None
    # The preparation outlasts this exercise, and both dates are the board's to show.
    assert view.ready > host.iso(host.duration) and view.deadline > view.ready
    assert any("starts preparing the formal extradition request" in what and "due by" in what
               for _, what in row.history)
    # The person chose; the ministry prepares: only the choice is theirs in "What people did".
    assert started["by"] == "policy"
    assert [e["kind"] for e in host.events() if e.get("by") == "person" and e["t"] == started["t"]] == ["decision.made"]


def test_the_preparation_leaves_the_board_once_the_seat_sends_the_request_itself(preparing):
    """Rule: the person may send what they hold at once (x); the ministry's file then never leaves."""
    host, case = preparing
    view = next(c for c in host.arrest_cases(FR) if c.case == case)
    assert isinstance(host.submit(FR, SendExtraditionDocuments(case, view.needed)), Accepted)
    row = next(r for r in host.board(FR) if r.ref == case)
    view = next(c for c in host.arrest_cases(FR) if c.case == case)
    assert row.underway is None and view.ready is None and view.sent == view.needed
    host.run()
    assert not [e for e in host.events() if e["kind"] == "extradition.prepared"]
