"""Arrest and extradition at the workstation, by keys at 80x24: a person at NCB France asks for a
provisional arrest, then sends the formal extradition request from the case board, abandons it,
or asks the state that keeps its national to prosecute him.

Scenario tests/data/arrest-fr.yaml: Marc DUVAL is in Spain (France and Spain share no working
language: the formal request needs a translation); Karim SAADI, French and Moroccan, is in
Morocco, which does not surrender its nationals. Nothing is automation's: every step is the person's.
"""

from __future__ import annotations

from conftest import SCENARIOS
from textual.widgets import Select, SelectionList, Static, TextArea
from tui_helpers import app_for

from sim.api import Accepted
from sim.play.commands import AbandonExtradition, RequestProvisionalArrest
from tui.screens.arrest_request import ProvisionalArrestScreen
from tui.screens.board import BoardScreen
from tui.screens.extradition_form import AbandonScreen, ExtraditionFormScreen, ProsecutionScreen
from tui.screens.operations import OperationsScreen
from tui.screens.recipients import RecipientsScreen

ARREST = SCENARIOS.parent / "tests" / "data" / "arrest-fr.yaml"
SIZE = (80, 24)


async def _arrested(pilot, country: str, subject: str) -> str:
    """Start the exercise, have ``country`` asked to arrest ``subject`` and run until the case
    reaches the board; returns the case's reference."""
    app = pilot.app
    await pilot.press("enter")  # the briefing
    await pilot.pause()
    d = app.driver
    assert isinstance(d.submit(RequestProvisionalArrest(country, subject)), Accepted)
    for _ in range(20):
        case = next((c for c in d.arrest_cases() if c.subject == subject), None)
        if case is not None:
            return case.case
        d.host.advance(d.now + 30, 1.0)
    raise AssertionError(f"{country} never arrested {subject}")


async def _board_at(pilot, ref: str) -> BoardScreen:
    await pilot.press("b")
    await pilot.pause()
    board = pilot.app.screen
    assert isinstance(board, BoardScreen)
    table = board.query_one("#board")
    table.move_cursor(row=table.get_row_index(ref))
    await pilot.pause()
    return board


def _person(app, kind: str, type_: str | None = None) -> list[dict]:
    return [e for e in app.driver.host.events() if e["kind"] == kind and e.get("by") == "person"
            and (type_ is None or e.get("type") == type_)]


async def test_x_sends_the_formal_request_with_the_documents_the_courts_need(in_tmp):
    """The formal request holds the documents ticked; those the requested state needs (with a
    translation, France and Spain sharing no language) start ticked and marked; the request
    answers the open "send it?" prompt, both journalled as the person's."""
    app = app_for(ARREST)
    async with app.run_test(size=SIZE) as pilot:
        case = await _arrested(pilot, "ES", "S1")
        board = await _board_at(pilot, case)
        history = str(board.query_one("#board-history", Static).render())
        assert "Marc DUVAL" in history and "Spain" in history and "S1" not in history
        assert "x: send the formal extradition request" in history
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ExtraditionFormScreen)
        box = form.query_one("#extradition-documents", SelectionList)
        assert sorted(box.selected) == ["facts", "identity", "law", "translation", "warrant"]
        facts = str(form.query_one("#extradition-facts", Static).render())
        assert "Spain" in facts and "left" in facts and "Marc DUVAL" in facts
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is board
        assert any("Formal extradition request sent to Spain" in str(n.message) for n in app._notifications)

    sent = _person(app, "message.sent", "extradition_request")
    assert [(e["to"], e["case"]) for e in sent] == [("ES", case)]
    assert "a translation" in sent[0]["text"]
    assert [e["option"] for e in _person(app, "decision.made") if e["type"] == "request_extradition"] == ["send"]
    assert all(d.kind != "request_extradition" for d in app.driver.my_decisions())  # the prompt is settled


async def test_the_form_shows_the_hosts_refusal_in_words_when_the_case_moved_meanwhile(in_tmp):
    """A refused command changes nothing and says why: the case was abandoned while the form was open."""
    app = app_for(ARREST)
    async with app.run_test(size=SIZE) as pilot:
        case = await _arrested(pilot, "ES", "S1")
        await _board_at(pilot, case)
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ExtraditionFormScreen)
        assert isinstance(app.driver.submit(AbandonExtradition(case)), Accepted)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert f"Not sent: case {case} was abandoned" in str(form.query_one("#extradition-status", Static).render())
    assert not _person(app, "message.sent", "extradition_request")


async def test_a_abandons_the_extradition_once_confirmed_and_the_person_is_released(in_tmp):
    """Abandon releases the person once the arresting NCB has read it (issue 13: not at the deadline)."""
    app = app_for(ARREST)
    async with app.run_test(size=SIZE) as pilot:
        case = await _arrested(pilot, "ES", "S1")
        board = await _board_at(pilot, case)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AbandonScreen)
        await pilot.press("n")  # second thoughts: nothing is sent
        await pilot.pause()
        assert app.screen is board and not _person(app, "message.sent", "extradition_abandoned")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is board
        d = app.driver
        d.host.advance(d.now + 24 * 60, 1.0)
        board.redraw()
        await pilot.pause()
        assert {r.ref: r.state for r in d.board()}[case] == "released"
        assert "a: abandon" not in str(board.query_one("#board-history", Static).render())

    assert [e["to"] for e in _person(app, "message.sent", "extradition_abandoned")] == ["ES"]
    released = [e for e in app.driver.host.events() if e["kind"] == "subject.released" and e.get("case") == case]
    assert [e["reason"] for e in released] == ["requester_abandoned"]


async def test_t_asks_the_state_that_keeps_its_national_to_prosecute_him(in_tmp):
    """Aut dedere aut judicare: Morocco refuses to surrender its national; France asks it to
    prosecute him from the board, and the proceedings are transferred."""
    app = app_for(ARREST)
    async with app.run_test(size=SIZE) as pilot:
        case = await _arrested(pilot, "MA", "S2")
        board = await _board_at(pilot, case)
        history = str(board.query_one("#board-history", Static).render())
        assert "Morocco does not surrender its own nationals" in history and "t: ask Morocco to prosecute the person instead" in history
        await pilot.press("x")  # no formal request on a refused case: the key is not offered
        await pilot.pause()
        assert app.screen is board
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ProsecutionScreen)
        await pilot.press("enter")  # the first (recommended) option: prosecute
        await pilot.pause()
        assert app.screen is board
        d = app.driver
        d.host.advance(d.now + 24 * 60, 1.0)

    assert [(e["to"], e["case"]) for e in _person(app, "message.sent", "transfer_of_proceedings")] == [("MA", case)]
    transferred = [e for e in app.driver.host.events() if e["kind"] == "case.transferred"]
    assert [(e["case"], e["mode"]) for e in transferred] == [(case, "prosecute")]


async def test_p_asks_an_ncb_to_arrest_a_person_chosen_by_name(in_tmp):
    """The provisional-arrest form: the person by name, the country from the picker, a free text."""
    app = app_for(ARREST)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProvisionalArrestScreen)
        person = form.query_one("#arrest-subject", Select)
        assert [str(label) for label, _ in person._options[1:]] == ["Marc DUVAL", "Karim SAADI"]
        await pilot.press("ctrl+s")  # nothing chosen yet: said, not sent
        await pilot.pause()
        assert "choose the person" in str(form.query_one("#arrest-status", Static).render())
        person.value = "S1"
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, RecipientsScreen) and picker.single
        await pilot.press(*"spain", "enter", "space")  # the first pick is the choice
        await pilot.pause()
        assert app.screen is form and form.country == "ES"
        assert "Spain" in str(form.query_one("#arrest-country", Static).render())
        form.query_one("#arrest-text", TextArea).text = "DUVAL is at the Hotel Sol in Madrid."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)

    requested = _person(app, "arrest.requested")
    assert [(e["to"], e["subject"], e.get("notice"), e.get("diffusion")) for e in requested] == [("ES", "S1", None, None)]
    assert [e.get("text") for e in _person(app, "message.sent", "arrest_request")] == [
        "DUVAL is at the Hotel Sol in Madrid."]


def test_the_engines_sentences_name_countries_but_leave_references_alone():
    """Names on screen: "MA does not surrender…" reads "Morocco…", while N-FR-1 stays a reference."""
    from tui.wording import Namer

    name = Namer({"S2": "Karim SAADI"}, {"FR": "France", "MA": "Morocco"})
    assert name.engine("MA does not surrender S2 (notice N-FR-1, FR-2)") == \
        "Morocco does not surrender Karim SAADI (notice N-FR-1, FR-2)"
    assert name("MA and FR") == "MA and FR"  # what people wrote keeps their codes


async def test_without_hints_the_formal_request_starts_empty_and_unmarked(in_tmp):
    """An exercise without hints leaves knowing what the courts need to the trainee: nothing is
    ticked or marked "needed", and no check says what is missing."""
    app = app_for(ARREST)
    async with app.run_test(size=SIZE) as pilot:
        case = await _arrested(pilot, "ES", "S1")
        view = app.driver.arrest_case(case)
        assert view is not None and "translation" in view.needed
        await app.push_screen(ExtraditionFormScreen(app.driver, view, hints=False))
        await pilot.pause()
        form = app.screen
        box = form.query_one("#extradition-documents", SelectionList)
        assert box.selected == []
        labels = [str(box.get_option_at_index(i).prompt) for i in range(box.option_count)]
        assert not any("needed" in label for label in labels)
        assert "⚠" not in str(form.query_one("#extradition-check", Static).render())
