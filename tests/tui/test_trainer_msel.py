"""The MSEL under the trainer's hand: the table shows each inject's text, expected action and
status in words; the trainer moves an inject to another time, and adds an ad-hoc one for later
after a first attempt the form refused without losing what was typed."""

from __future__ import annotations

from conftest import FLAGSHIP
from textual.widgets import DataTable, Input, Label

from tui.app import make_app
from tui.screens.msel import AdhocInjectScreen, RescheduleScreen, parse_when
from tui.screens.trainer import TrainerScreen


def cell(app, inject: str, column: int) -> str:
    return str(app.screen.query_one("#injects", DataTable).get_row(inject)[column])


async def goto(pilot, app, inject: str) -> None:
    table = app.screen.query_one("#injects", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(inject))
    await pilot.pause()


async def test_trainer_reschedules_an_inject_and_the_table_shows_it(in_tmp):
    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TrainerScreen)
        assert cell(app, "I1", 4) == "request notice within 2h 00m"  # the expected action, in words
        assert cell(app, "I4", 1) == "5d 0h 00m" and cell(app, "I3b", 1) == "with I3"
        await goto(pilot, app, "I4")
        assert "La DST de Dakar signale" in str(app.screen.query_one("#msel-detail").render())  # full text below
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, RescheduleScreen)
        field = app.screen.query_one("#when", Input)
        field.value = "at 3d 06:00"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrainerScreen)
        assert cell(app, "I4", 1) == "3d 6h 00m" and cell(app, "I4", 2) == "rescheduled to 3d 6h 00m"
        app.driver.host.catch_up(30)  # I1 has fired: its expectation's deadline is known
        app.screen.refresh_all()
        assert cell(app, "I1", 2) == "fired at 0m" and cell(app, "I1", 4) == "request notice within 2h 00m, by 2h 00m"
        await goto(pilot, app, "I1")
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#when", Input).value = "in 1h"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RescheduleScreen)  # refused: the form stays, with the reason in words
        said = str(app.screen.query_one("#when-problem", Label).render())
        assert said == "not moved: inject I1 has already fired (at 0m)"
    moved = [e for e in app.driver.host.events() if e["kind"] == "inject.rescheduled"]
    assert [(e["inject"], e["due"]) for e in moved] == [("I4", "2026-03-05T12:00:00Z")]


async def test_adhoc_inject_after_a_failed_attempt_keeps_its_fields_and_fires_at_its_time(in_tmp):
    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        host = app.driver.host
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AdhocInjectScreen)
        assert app.screen.query_one("#id", Input).value == "X1"  # the next free id, offered
        typed = {"to": "xx", "from": "GS", "priority": "urgent", "when": "in 90", "text": "Sighting in Dakar"}
        for name, value in typed.items():
            app.screen.query_one(f"#{name}", Input).value = value
        app.screen.query_one("#text", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AdhocInjectScreen)  # nothing thrown away
        assert {n: app.screen.query_one(f"#{n}", Input).value for n in typed} == typed
        problems = {n: str(app.screen.query_one(f"#{n}-problem", Label).render()) for n in ("to", "when")}
        assert problems["to"].startswith("'XX' is not a member country in this exercise")
        assert problems["when"].startswith("'in 90' is not a time; write now · in 2h")
        said = " ".join(problems.values())
        assert "pydantic" not in said and "{" not in said and "type=" not in said
        assert app.screen.focused is app.screen.query_one("#to", Input)  # the first field to fix
        app.screen.query_one("#to", Input).value = "fr"
        app.screen.query_one("#when", Input).value = "in 90m"
        app.screen.query_one("#text", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrainerScreen)
        assert cell(app, "X1", 1) == "1h 30m" and cell(app, "X1", 2) == "pending"
        host.catch_up(120)
        app.screen.refresh_all()
        assert cell(app, "X1", 2) == "fired at 1h 30m"
    fired = [e for e in host.events() if e["kind"] in ("inject.added", "inject.fired") and e["inject"] == "X1"]
    assert [(e["kind"], e["t"]) for e in fired] == [("inject.added", "2026-03-02T06:00:00Z"),
                                                    ("inject.fired", "2026-03-02T07:30:00Z")]
    assert fired[1]["from"] == "GS" and fired[1]["channel"] == "i247" and fired[1]["by"] == "trainer"
    reached = [m for m in host.inbox("ncb:FR") if m.inject == "X1"]  # France's officer reads what was typed
    assert [(m.sender, m.text) for m in reached] == [("GS", "Sighting in Dakar")]


def test_times_are_written_as_the_table_shows_them():
    assert parse_when("now", 100.0) is None
    assert parse_when("in 2h", 100.0) == 220.0
    assert parse_when("2h", 100.0) == 220.0  # a bare duration counts from now
    assert parse_when("at 1d 06:00", 100.0) == parse_when("at 1d 6h", 0.0) == 1800.0
