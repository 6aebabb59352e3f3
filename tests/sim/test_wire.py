"""Views cross a socket as JSON and come back equal (issue 18's first brick): every view a seat's
screens read, taken from real runs of the shipped scenarios at several seeds and instants, goes
through ``json.dumps``/``json.loads`` and decodes to an equal view. What is not a view is refused
with the field it went wrong at, never half-built."""

from __future__ import annotations

import json

import pytest
from conftest import SCENARIOS

from sim.api import PlayHost, load_scenario
from sim.play.views import (
    ArrestCaseView,
    BoardRow,
    CaseFile,
    DecisionView,
    FormChoices,
    InboxItem,
    InjectRow,
    Recipient,
    RequestView,
)
from sim.play.wire import WireError, from_wire, to_wire

SHIPPED = [p for p in sorted(SCENARIOS.glob("*.yaml")) if p.stem != "world-baseline"]


def through_json(cls, view):
    return from_wire(cls, json.loads(json.dumps(to_wire(view))))


@pytest.mark.parametrize("seed", [1, 7])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_view_of_every_seat_comes_back_equal(path, seed):
    scenario = load_scenario(path).scenario
    host = PlayHost.headless(scenario, seed=seed, policy="by_the_book")
    # The played seats, the desks at GS, and NCBs that take part in the run (seen from its journal).
    members = sorted({r.code for r in host.recipients() if len(r.code) == 2})[:4]
    seats = sorted({p.seat for p in scenario.players} | {"ndtf", "ccc"} | {f"ncb:{c}" for c in members})
    for seat in seats:
        host.watch(seat)
    checked = 0
    for until in (host.duration / 3, host.duration):
        host.run(until)
        for seat in seats:
            views = [(InboxItem, v) for v in host.inbox(seat)] + [(DecisionView, v) for v in host.open_decisions(seat)]
            views += [(CaseFile, v) for v in host.case_files(seat)] + [(RequestView, v) for v in host.requests(seat)]
            views += [(BoardRow, v) for v in host.board(seat)] + [(ArrestCaseView, v) for v in host.arrest_cases(seat)]
            for cls, view in views:
                assert through_json(cls, view) == view, (seat, cls.__name__)
                checked += 1
            seen = host.seen(seat)
            assert json.loads(json.dumps(to_wire(seen))) == [[since, dict(e)] for since, e in seen]
    for cls, view in [(InjectRow, v) for v in host.msel()] + [(Recipient, v) for v in host.recipients()] + [
            (FormChoices, host.form_choices())]:
        assert through_json(cls, view) == view
    assert checked > 0


def test_what_is_not_a_view_is_refused_naming_the_field():
    ok = to_wire(Recipient("FR", "NCB Paris", "Europe"))
    assert from_wire(Recipient, ok) == Recipient("FR", "NCB Paris", "Europe")
    with pytest.raises(WireError, match=r"Recipient\.code: expected str, got 7"):
        from_wire(Recipient, {**ok, "code": 7})
    with pytest.raises(WireError, match="Recipient needs 'region'"):
        from_wire(Recipient, {"code": "FR", "name": "x"})
    with pytest.raises(WireError, match="Recipient has no field 'secret'"):
        from_wire(Recipient, {**ok, "secret": 1})
    with pytest.raises(WireError, match="expected an object for Recipient"):
        from_wire(Recipient, ["FR"])
    with pytest.raises(WireError, match=r"CaseFile\.born: 'yesterday'"):
        from_wire(CaseFile, {"id": "S1", "name": "x", "born": "yesterday", "nationality": None, "facts": []})
    with pytest.raises(WireError, match=r"RequestView\.unsent_changes"):
        from_wire(RequestView, {"request": "N1", "notice_kind": "red", "subject": None, "state": "draft",
                                "missing": [], "to": [], "asked": "", "unsent_changes": "yes"})


def test_a_waiting_decision_comes_back_with_its_options_and_context(tmp_path):
    from sim.sessions.runner import SessionRun, new_session

    path = SCENARIOS / "fugitive-three-borders.yaml"
    loaded = load_scenario(path)
    seat = loaded.scenario.players[0].seat
    store = new_session(tmp_path / "s.db", loaded, seed=None, policy=None, script=None, people=[seat])
    host = PlayHost(SessionRun(store))
    host.watch(seat)
    while not host.open_decisions(seat) and not host.finished:
        host.advance(host.duration, 0.05, seat)
    waiting = host.open_decisions(seat)
    assert waiting and waiting[0].options
    for view in waiting:
        back = through_json(DecisionView, view)
        assert back == view and back.options == view.options and dict(back.context) == dict(view.context)
    host.close()
