"""The trainer's console: hold, fire, ad-hoc injects, answering any seat, notes and ratings."""

from __future__ import annotations

from conftest import FLAGSHIP
from textual.widgets import DataTable, Input

from sim.api import SessionStore
from tui.app import make_app
from tui.screens.decision import DecisionScreen
from tui.screens.trainer import AdhocInjectScreen, RatingScreen, TrainerScreen


async def test_trainer_controls_the_msel_and_rates_objectives(in_tmp):
    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TrainerScreen)
        host = app.driver.host

        def status(inject):
            return next(i.status for i in host.msel() if i.id == inject)

        await pilot.press(*["down"] * 7, "h")  # hold I4 (after I5, I2, I3, its contingencies I3b-I3c and I6)
        assert status("I4") == "held"
        await pilot.press(*["up"] * 4, "f")  # fire I3 now, ahead of its time
        await pilot.pause()
        assert status("I3") == "fired"
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AdhocInjectScreen)
        for field, value in (("id", "X1"), ("to", "fr"), ("from", "ES"), ("priority", "urgent"),
                             ("text", "Sighting in Tangier")):
            app.screen.query_one(f"#{field}", Input).value = value
        app.screen.query_one("#text", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert status("X1") == "fired"
        host.catch_up(30)  # FR reads the warrant; its decisions now wait for someone
        app.screen.refresh_all()
        decisions = app.screen.query_one("#decisions", DataTable)
        assert decisions.row_count == 2
        decisions.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert any(e["kind"] == "decision.made" and e["decision"] == "Q1" and e["option"] == "file"
                   for e in host.events())
        app.screen.query_one("#objectives", DataTable).focus()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RatingScreen)
        app.screen.query_one("#note", Input).value = "Quick read"
        app.screen.query_one("#rating").focus()
        await pilot.press("enter")
        await pilot.pause()
        objectives = app.screen.query_one("#objectives", DataTable)
        app.screen.refresh_all()
        assert objectives.get_row("O1")[2] == "P"
        objectives.focus()
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one("#rating").focus()
        await pilot.press("down", "enter")  # the second rating: with some challenges
        await pilot.pause()
        app.screen.refresh_all()
        assert objectives.get_row("O1")[2] == "S"  # once shown as "P": the first letter of "performed_…"
    recorded = SessionStore.open("t.db", write=False)  # the app has let go of it: read what the file holds
    try:
        notes = recorded.notes()
        controls = [r for r in recorded.decisions() if r.by == "control"]
    finally:
        recorded.close()
    assert notes[-2]["objective"] == "O1" and notes[-2]["rating"] == "performed_without_challenges"
    assert notes[-1]["rating"] == "performed_with_some_challenges"
    assert [c.decision for c in controls] == ["C1", "C2", "C3"]


async def test_the_console_says_when_the_exercise_is_over(in_tmp):
    """At the end the clock bar said '▶ max' still; now it says the exercise is over."""
    from textual.widgets import Static

    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True, automate=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.driver.paused = False
        app.driver.speed_index = -1
        app.driver.host.catch_up(None)
        app.screen.refresh_all()
        await pilot.pause()
        assert "exercise over" in str(app.screen.query_one("#clock-bar", Static).render())
