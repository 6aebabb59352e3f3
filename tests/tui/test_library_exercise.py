"""Exercise 2 of the library (parental child abduction) played by key presses at 80x24, through
the workstation's screens, to the debrief with every objective met: the person files the Yellow
Notice and the diffusion, keeps the custody dispute out of a Red Notice, writes to the route's
NCBs chosen in the recipients picker, and replies to Lisbon — and the picker shows the exercise
with its seats and skills."""

from __future__ import annotations

from conftest import SCENARIOS
from textual.widgets import DataTable, Input, OptionList, SelectionList, Static, TextArea
from tui_helpers import app_for

from tui.screens.compose import ComposeScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.decision import DecisionScreen
from tui.screens.message import MessageScreen
from tui.screens.operations import OperationsScreen
from tui.screens.picker import PickerScreen
from tui.screens.recipients import RecipientsScreen
from tui.widgets.inbox_table import InboxTable

SIZE = (80, 24)
EXERCISE = SCENARIOS / "parental-child-abduction.yaml"


async def _type(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", ".": "full_stop", ",": "comma"}.get(c, c) for c in text])


async def _next(pilot, app, done, steps: int = 80) -> None:
    """Press n (the next event) until ``done()``."""
    for _ in range(steps):
        if done():
            return
        await pilot.press("n")
        await pilot.pause()
    raise AssertionError("the awaited moment never came")


async def _open_inbox(pilot, app, msg: int) -> None:
    table = app.screen.query_one("#inbox", InboxTable)
    table.focus()
    table.move_cursor(row=table.index_of(msg))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def _decide(pilot, app, request: str, option: str) -> None:
    """Open the file_request decision about ``request`` and pick ``option`` by arrow keys."""
    q = next(d for d in app.driver.my_decisions() if d.context.get("request") == request)
    table = app.screen.query_one("#decisions", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(q.id))
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DecisionScreen)
    keys = [o.key for o in q.options]
    listed = screen.query_one(OptionList)
    for _ in range(keys.index(option) - (listed.highlighted or 0)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, OperationsScreen)


async def test_at_80_columns_the_picker_cuts_titles_not_difficulty_or_duration(in_tmp):
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, PickerScreen)
        lines = [line.text for line in (screen.query_one("#library", DataTable).render_line(y) for y in range(1, 14))]
        for r, line in zip(screen.rows, lines, strict=False):
            assert f" {r['difficulty']} " in line and r["duration"] in line, line
        assert any(line.count("…") == 1 for line in lines)  # the longest titles, cut
        await pilot.resize_terminal(160, 24)
        await pilot.pause()
        lines = [screen.query_one("#library", DataTable).render_line(y).text for y in range(1, 14)]
        assert all(r["title"] in line and r["roles"] in line for r, line in zip(screen.rows, lines, strict=False))


async def test_the_picker_lists_an_exercise_with_its_seats_and_skills(in_tmp):
    app = app_for()
    async with app.run_test(size=(120, 30)) as pilot:
        assert isinstance(app.screen, PickerScreen)
        row = next(r for r in app.screen.rows if r["path"] == EXERCISE)
        assert row["roles"] == "ncb:IE" and "choosing diffusion recipients" in row["skills"]
        table = app.screen.query_one("#library", DataTable)
        table.move_cursor(row=app.screen.rows.index(row))
        await pilot.pause()
        assert "choosing diffusion recipients" in str(table.get_row_at(table.cursor_row)[4])
        detail = str(app.screen.query_one("#picker-detail", Static).render())
        assert "Dublin" in detail and "skills:" in detail


async def test_exercise_2_by_keys_at_80x24_to_the_debrief_with_every_objective_met(in_tmp):
    app = app_for(EXERCISE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the briefing
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)

        # The Garda report: opening it is reading it, and the two requests are put to the officer.
        await _next(pilot, app, lambda: any(r.inject == "I1" for r in app.driver.inbox()))
        report = next(r for r in app.driver.inbox() if r.inject == "I1")
        await _open_inbox(pilot, app, report.msg)
        assert isinstance(app.screen, MessageScreen)
        await pilot.press("escape")
        await pilot.pause()
        await _next(pilot, app, lambda: {d.context.get("request") for d in app.driver.my_decisions()} >= {"Y1", "D1"})
        await _decide(pilot, app, "Y1", "file")
        await _decide(pilot, app, "D1", "file")

        # A message of the officer's own to the route's NCBs, chosen in the recipients picker.
        await pilot.press("m")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, RecipientsScreen)
        for search in ("portugal", "brazil"):
            field = picker.query_one("#recipient-search", Input)
            field.focus()
            field.value = search
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert picker.query_one("#recipient-list", SelectionList).option_count == 1
            await pilot.press("space")
            await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is compose and set(compose.to) == {"PT", "BR"}
        compose.query_one("#compose-text", TextArea).focus()
        await _type(pilot, "Child abduction, see our diffusion. Please watch flights to Sao Paulo.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)

        # Lisbon writes once the diffusion reached it; the officer replies.
        await _next(pilot, app, lambda: any(r.inject == "I3" for r in app.driver.inbox()))
        lisbon = next(r for r in app.driver.inbox() if r.inject == "I3")
        await _open_inbox(pilot, app, lisbon.msg)
        await pilot.press("r")
        await pilot.pause()
        reply = app.screen
        assert isinstance(reply, ComposeScreen) and reply.to == ("PT",)
        reply.query_one("#compose-text", TextArea).focus()
        await _type(pilot, "Thank you. Brazil has the diffusion too.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        while not isinstance(app.screen, OperationsScreen):
            await pilot.press("escape")
            await pilot.pause()

        # The solicitor's Red Notice for a custody dispute: not filed (RPD Art. 83).
        await _next(pilot, app, lambda: any(d.context.get("request") == "N2" for d in app.driver.my_decisions()))
        await _decide(pilot, app, "N2", "hold")

        # On to the end: other decisions (none are expected) would take the recommended option.
        await _next(pilot, app, lambda: isinstance(app.screen, DebriefScreen), steps=400)

    host = app.driver.host
    assert dict(host.objective_status()) == {o.id: "met" for o in host.scenario.objectives}
    by_person = [e for e in host.events() if e.get("by") == "person"]
    sent = [e for e in by_person if e["kind"] == "message.sent"]
    assert any(e.get("reply_to") for e in sent) and any(e["to"] in ("PT", "BR") and not e.get("reply_to") for e in sent)
    assert {e["option"] for e in by_person if e["kind"] == "decision.made"} == {"file", "hold"}
