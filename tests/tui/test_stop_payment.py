"""The stop-payment form (`s` on the operations screen, tui/screens/stop_payment.py): a transfer
reported to the seat's NCB, the country from the picker, a free text; the host's refusal in words;
sent, it is the person's own request and answers the open prompt to ask for the stop."""

from __future__ import annotations

from conftest import SCENARIOS
from textual.widgets import Select, Static, TextArea
from tui_helpers import app_for

from tui.screens.operations import OperationsScreen
from tui.screens.recipients import RecipientsScreen
from tui.screens.stop_payment import StopPaymentScreen

FRAUD = SCENARIOS / "cyber-fraud-ring.yaml"
SIZE = (100, 30)


async def test_s_asks_the_ncb_that_holds_the_account_to_stop_a_transfer(in_tmp):
    app = app_for(FRAUD)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the briefing
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)
        await pilot.press("s")  # nothing reported yet: said, no form
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)
        while not app.driver.transfers():
            await pilot.press("n")
            await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, StopPaymentScreen)
        transfer = form.query_one("#stop-funds", Select)
        assert transfer.value == "F1" and "USD 480,000" in form.label("F1")
        await pilot.press("ctrl+s")  # no country yet: said, not sent
        await pilot.pause()
        assert "choose the NCB" in str(form.query_one("#stop-status", Static).render())

        transfer.value = "F2"
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, RecipientsScreen) and picker.single
        await pilot.press(*"united arab", "enter", "space")
        await pilot.pause()
        assert app.screen is form and form.country == "AE"
        form.query_one("#stop-text", TextArea).text = "Freeze IBAN AE07 0331 2345 6789 0123 456 now."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)

        events = app.driver.host.events()
        asked = [e for e in events if e["kind"] == "funds.stop_requested"]
        assert [(e["funds"], e["to"], e["by"]) for e in asked] == [("F2", "AE", "person")]
        # Asked from the inbox before the desk's routine reading of the report: no prompt yet.
        assert not [e for e in events if e["kind"].startswith("decision.") and e.get("type") == "stop_payment"]
        sent = [e for e in events if e["kind"] == "message.sent" and e.get("type") == "stop_payment"]
        assert [e["text"] for e in sent] == ["Freeze IBAN AE07 0331 2345 6789 0123 456 now."]

        await pilot.press("s")  # asked again about F2: the host's refusal, in words
        await pilot.pause()
        again = app.screen
        assert isinstance(again, StopPaymentScreen)
        assert again.query_one("#stop-funds", Select).value == "F1"  # the one still to ask about comes first
        again.query_one("#stop-funds", Select).value = "F2"
        again.country = "AE"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "already asked" in str(again.query_one("#stop-status", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        while not app.driver.my_decisions():
            await pilot.press("n")
            await pilot.pause()
        # Once the desk has read the report, the prompt asks only about the transfer not yet asked.
        prompts = [e for e in app.driver.host.events() if e["kind"] == "decision.requested"
                   and e["type"] == "stop_payment"]
        assert [e["funds"] for e in prompts] == ["F1"]
