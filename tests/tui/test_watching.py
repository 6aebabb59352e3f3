"""The trainer's seat on the desk's screen (`ncbsim play` of a scenario nobody plays, or `--as
trainer`): it watches the General Secretariat's inbox and everything that happens, and offers none
of a desk's work, which the host would refuse the trainer."""

from __future__ import annotations

from conftest import FLAGSHIP, SCENARIOS
from tui_helpers import app_for

from sim.api import sentence_start
from tui.driver import Driver
from tui.screens.compose import ComposeScreen
from tui.screens.decision import DecisionScreen
from tui.screens.help import WatchHelpScreen
from tui.screens.message import MessageScreen
from tui.screens.operations import OperationsScreen
from tui.widgets.inbox_table import InboxTable

BASELINE = SCENARIOS / "world-baseline.yaml"
DESKS_WORK = ("compose", "new_request", "provisional_arrest", "stop_payment")


async def test_the_trainer_watching_sees_no_desk_keys_no_unread_marks_and_reads_nothing(in_tmp):
    app = app_for(BASELINE)  # nobody plays it: the screen opens at the trainer's seat
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OperationsScreen) and app.driver.seat == "trainer"
        app.driver.host.advance(5 * 1440.0, budget_s=60)  # the NCBs' first answers to the NDTF
        screen.refresh_all()
        await pilot.pause()

        shown_keys = {key for key, active in screen.active_bindings.items() if active.enabled}
        assert not {"m", "r", "p", "s"} & shown_keys  # a desk's work: neither shown nor taken
        assert {"space", "n", "b", "c"} <= shown_keys
        await pilot.press("m")
        await pilot.pause()
        assert not isinstance(app.screen, ComposeScreen)

        inbox = screen.query_one("#inbox", InboxTable)
        assert inbox.border_title == "I-24/7 inbox, General Secretariat"
        assert "unread" not in str(inbox.border_subtitle)
        items = app.driver.inbox()
        assert items and all(not i.read for i in items)  # nobody read them at the trainer's seat...
        marks = [inbox.cells_at(row)[0] for row in range(len(items))]
        assert not any("●" in m for m in marks)  # ...and no mark says the trainer has to

        submitted = []
        real_submit = app.driver.submit
        app.driver.submit = lambda command: submitted.append(command) or real_submit(command)  # type: ignore[method-assign]
        before = app.driver.host.seen_count("trainer")
        inbox.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        for action in ("reply", "forward", "edit_request"):
            assert not app.screen.check_action(action, ())
        assert "r: reply" not in str(app.screen.query(".muted").last().render())
        await pilot.press("escape")
        await pilot.pause()
        app.driver.host.advance(app.driver.host.now + 1, budget_s=5)
        kinds = [e["kind"] for _, e in app.driver.seen(before)]
        # Nothing was asked of the host (which would refuse it): the trainer reads at no seat.
        assert not submitted and "message.read" not in kinds

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, WatchHelpScreen)


def test_a_sentence_starts_upper_case_and_keeps_its_acronyms():
    assert sentence_start("answer to the NDTF") == "Answer to the NDTF"
    assert sentence_start("UN special") == "UN special"
    assert sentence_start("") == ""


async def test_watching_a_played_session_the_trainer_answers_a_seats_decision_as_the_trainer(in_tmp):
    """A session with a person at NCB France, opened on the desk's screen as the trainer: a
    decision of France's is the trainer's to answer for the seat (as on the console), but no NCB's
    form is the trainer's to write."""
    Driver.open(str(FLAGSHIP), None, "s.db", trainer=True).close()
    app = app_for(FLAGSHIP, seat="trainer", session="s.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.driver.watching
        while not app.driver.my_decisions():
            app.driver.host.advance(app.driver.host.now + 60.0, budget_s=30)
        app.screen.refresh_all()
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DecisionScreen) and screen.decision.seat == "ncb:FR"
        assert screen.decision.kind == "file_request" and not screen.check_action("open_form", ())
        hint = str(screen.query(".muted").last().render())
        assert "as the trainer" in hint and "NCB France" in hint and "f:" not in hint
        await pilot.press("enter")
        await pilot.pause()
        made = [e for _, e in app.driver.seen() if e["kind"] == "decision.made"]
        assert made and made[-1]["by"] == "trainer"
