"""The workstation by key presses at 80x24: a person at NCB France does the desk's work themselves.

Scenario tests/data/workstation-fr.yaml: a warrant for Marc DUVAL, Spain's request for
information at 3h, DUVAL reaching Morocco (a FIND border) on day 2. Nothing is foreseen as
automation's work, so every step in the journal is the person's.
"""

from __future__ import annotations

from textual.widgets import DataTable, Input, SelectionList, Static, TextArea
from tui_helpers import WORKSTATION, app_for

from tui.screens.board import BoardScreen
from tui.screens.compose import ComposeScreen
from tui.screens.decision import DecisionScreen
from tui.screens.message import MessageScreen
from tui.screens.operations import OperationsScreen
from tui.screens.recipients import RecipientsScreen
from tui.screens.request_form import RequestFormScreen
from tui.widgets.inbox_table import InboxTable

SIZE = (80, 24)


async def _type(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


async def _fill(pilot, screen, selector: str, text: str) -> None:
    screen.query_one(selector).focus()
    await pilot.pause()
    await _type(pilot, text)


async def _set(pilot, screen, selector: str, text: str) -> None:
    """Fill a field at once (Input.Changed fires as for typing; typing every field by key is slow)."""
    field = screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


async def _select(pilot, screen, selector: str, value: str) -> None:
    screen.query_one(selector).value = value
    await pilot.pause()


async def _run_until(pilot, app, done, steps: int = 60) -> None:
    """Press n (next event) until ``done()``; decisions that are not the test's stay open."""
    for _ in range(steps):
        if done():
            return
        app.driver.host.advance(app.driver.now + 480, 1.0)
        app.screen.refresh_all()
        await pilot.pause()
    raise AssertionError("the awaited moment never came")


def _inbox_row(app, type_: str):
    return next(r for r in app.driver.inbox() if r.type == type_)


async def _open_inbox(pilot, app, msg: int) -> None:
    table = app.screen.query_one("#inbox", InboxTable)
    table.focus()
    table.move_cursor(row=table.index_of(msg))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_a_person_at_ncb_france_works_the_case_at_80x24(in_tmp):
    app = app_for(WORKSTATION)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the briefing
        await pilot.pause()
        ops = app.screen
        assert isinstance(ops, OperationsScreen)

        # The warrant: opening it is reading it.
        await pilot.press("n")
        await pilot.pause()
        warrant = _inbox_row(app, "inject")
        assert not warrant.read
        await _open_inbox(pilot, app, warrant.msg)
        assert isinstance(app.screen, MessageScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert _inbox_row(app, "inject").read

        # A Red Notice request, without the penalty.
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RequestFormScreen)
        ref = form.query_one("#form-reference", Input).value
        await _select(pilot, form, "#form-subject", "S1")
        await _select(pilot, form, "#form-purpose", "prosecution")
        await _select(pilot, form, "#form-offence", "homicide")
        await _fill(pilot, form, "#field-name", "DUVAL")  # typed: the checks follow the keys
        for field, text in [("born", "1986-04-11"), ("nationality", "FR"), ("description", "1.82 m"),
                            ("photo", "photo-1"), ("charge", "murder"), ("law", "Art 221-1"),
                            ("warrant", "TJ-Paris-2026-118")]:
            await _set(pilot, form, f"#field-{field}", text)
        checks = str(form.query_one("#form-checks", Static).render())
        assert "maximum penalty (years)" in checks and "max_penalty_years" not in checks
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)

        # A diffusion to two countries chosen in the picker.
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        await _select(pilot, form, "#form-kind", "diffusion")
        await _select(pilot, form, "#form-subject", "S1")
        await _select(pilot, form, "#form-purpose", "arrest")
        await _select(pilot, form, "#form-offence", "homicide")
        await _fill(pilot, form, "#form-penalty", "30")
        for field, text in [("name", "Marc DUVAL"), ("born", "1986-04-11"), ("nationality", "FR"), ("charge", "murder")]:
            await _set(pilot, form, f"#field-{field}", text)
        assert "recipients" in str(form.query_one("#form-checks", Static).render())
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, RecipientsScreen)
        for search in ("spain", "morocco"):
            await _set(pilot, picker, "#recipient-search", search)
            await pilot.press("enter")  # to the list
            await pilot.pause()
            assert picker.query_one("#recipient-list", SelectionList).option_count == 1
            await pilot.press("space")
            await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and form.to == ("ES", "MA")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)

        # Spain's request for information arrives; the person answers it by a reply.
        await _run_until(pilot, app, lambda: any(r.type == "rfi" for r in app.driver.inbox()))
        rfi = _inbox_row(app, "rfi")
        await _open_inbox(pilot, app, rfi.msg)
        await pilot.press("r")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen) and compose.to == ("ES",)
        compose.query_one("#compose-text", TextArea).focus()
        await _type(pilot, "He owns it.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)

        # The hit in Morocco: confirm it.
        def hit_waits():
            return any(d.kind == "confirm_hit" for d in app.driver.my_decisions())

        await _run_until(pilot, app, hit_waits)
        table = app.screen.query_one("#decisions", DataTable)
        q = next(d for d in app.driver.my_decisions() if d.kind == "confirm_hit")
        table.focus()
        table.move_cursor(row=table.get_row_index(q.id))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        await pilot.press("enter")  # the first option: confirm
        await pilot.pause()

        # The NDTF sends the Red Notice request back; the board tells, and the form is corrected.
        await _run_until(pilot, app, lambda: any(r.request == ref and r.state == "info_requested"
                                                 for r in app.driver.requests()))
        await pilot.press("b")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        states = {r.ref: r.state for r in app.driver.board()}
        assert states[ref] == "info requested"
        rows = board.query_one("#board", DataTable)
        rows.move_cursor(row=rows.get_row_index(ref))
        await pilot.pause()
        history = str(board.query_one("#board-history", Static).render())
        assert "Marc DUVAL" in history and "S1" not in history
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RequestFormScreen) and form.existing is not None
        await _fill(pilot, form, "#form-penalty", "30")
        assert "✓" in str(form.query_one("#form-checks", Static).render())
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("escape")
        await pilot.pause()

    by_person = [e for e in app.driver.host.events() if e.get("by") == "person"]
    kinds = [e["kind"] for e in by_person]
    assert kinds.count("request.drafted") >= 3  # the notice, the diffusion, the corrected notice
    assert any(e["kind"] == "notice.requested" and e["notice"] == ref for e in by_person)
    assert any(e["kind"] == "request.resubmitted" for e in by_person)
    assert any(e["kind"] == "diffusion.sent" and sorted(e["to"]) == ["ES", "MA"] for e in by_person)
    assert any(e["kind"] == "message.sent" and e["type"] == "rfi_reply" and e["to"] == "ES" for e in by_person)
    assert any(e["kind"] == "decision.made" and e["type"] == "confirm_hit" and e["option"] == "confirm"
               for e in by_person)
    assert any(e["kind"] == "message.read" for e in by_person)


async def test_a_silver_form_offers_the_measures_and_warns_against_freezing_at_80x24(in_tmp):
    """The form shows the measures only for a Silver Notice; ticking "freeze" is flagged as the
    person ticks it (a judicial measure, asked by mutual legal assistance), and the saved draft
    keeps the measures as ticked."""
    from textual.widgets import Checkbox

    app = app_for(WORKSTATION)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RequestFormScreen)
        assert not form.query_one("#form-measures-row").display  # a Red Notice asks for no measures
        await _select(pilot, form, "#form-kind", "silver")
        assert form.query_one("#form-measures-row").display
        await _select(pilot, form, "#form-subject", "S1")
        await _select(pilot, form, "#form-offence", "fraud")
        await _fill(pilot, form, "#form-penalty", "5")
        for field, text in [("name", "Marc DUVAL"), ("born", "1986-04-11"), ("nationality", "FR"),
                            ("asset", "a villa in Marbella"), ("charge", "fraud"), ("law", "Art. 313-1")]:
            await _set(pilot, form, f"#field-{field}", text)
        checks = form.query_one("#form-checks", Static)
        assert "meets the review rules" in str(checks.render())
        for measure in ("locate", "freeze"):
            form.query_one(f"#measure-{measure}", Checkbox).focus()
            await pilot.press("space")
            await pilot.pause()
        assert "it asks to freeze" in str(checks.render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        ref = form.form.request
        assert app.driver.host.form_for("ncb:FR", ref).measures == ("locate", "freeze")
