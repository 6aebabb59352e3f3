"""A stop-payment request (INTERPOL's I-GRIP): ask an NCB to have a bank freeze an account.

The transfer (one of those reported to the seat's NCB, with its amount and the account as the
report names it), the NCB to ask (the recipients picker, one country: the person reads the
account's country from the report — a wrong one finds no account there), and a free text for the
other desk. The host checks it when it is sent; a refusal is shown here in words.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Select, Static, TextArea

from sim.api import Refused
from sim.play.commands import RequestStopPayment

from ..driver import Driver
from ..text import shown
from .compose import row
from .recipients import RecipientsScreen

STATES = {"open": "", "stopped": " · frozen", "withdrawn": " · withdrawn"}


class StopPaymentScreen(Screen[bool]):
    """Returns True when the request was sent, False when put away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("ctrl+o", "pick_country", "Country", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, driver: Driver) -> None:
        super().__init__()
        self.driver = driver
        self.transfers = driver.transfers()
        self.country: str | None = None
        self.names = {r.code: r.name for r in driver.countries()}

    def label(self, funds: str) -> str:
        t = next(x for x in self.transfers if x.funds == funds)
        asked = f" · asked: {', '.join(self.names.get(c, c) for c in t.asked)}" if t.asked else ""
        return f"{t.funds} · USD {t.amount_usd:,.0f} · {t.account or 'account in the report'}{asked}{STATES[t.state]}"

    def compose(self) -> ComposeResult:
        home = self.names.get(self.driver.home) or self.driver.name.country(self.driver.home)
        # The transfer still to ask about first, then any the money of which is still there.
        open_ = sorted((t for t in self.transfers if t.state == "open"), key=lambda t: bool(t.asked))
        first = open_[0].funds if open_ else None
        with Vertical(id="stop-payment"):
            yield Label(f"[b]Stop-payment request (I-GRIP)[/b] · from NCB {shown(home)}", classes="dialog-title")
            yield row("Transfer", Select([(shown(self.label(t.funds)), t.funds) for t in self.transfers],
                                         value=first if first else Select.NULL,
                                         prompt="no transfer reported yet", compact=True, id="stop-funds"))
            yield row("Country", Static(id="stop-country"))
            yield TextArea("", id="stop-text", soft_wrap=True, show_line_numbers=False)
            yield Static(id="stop-status", classes="dialog-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stop-text", TextArea).border_title = "Message to the NCB (the account, the amount, why now)"
        self._show_country()
        self.query_one("#stop-funds").focus()

    def _show_country(self) -> None:
        name = self.names.get(self.country, "") if self.country else ""
        self.query_one("#stop-country", Static).update(
            (shown(name) if name else "[i]none yet: the country that holds the account[/i]")
            + " [dim](ctrl+o: choose)[/dim]")

    def action_pick_country(self) -> None:
        def picked(chosen: tuple[str, ...] | None) -> None:
            if chosen:
                self.country = chosen[0]
                self._show_country()
                self.query_one("#stop-text", TextArea).focus()

        self.app.push_screen(RecipientsScreen(self.driver.countries(), (), (self.country,) if self.country else (),
                                              title="Which NCB holds the account", single=True), picked)

    def command(self) -> RequestStopPayment:
        funds = self.query_one("#stop-funds", Select).value
        return RequestStopPayment(funds if isinstance(funds, str) else "", self.country or "",
                                  self.query_one("#stop-text", TextArea).text)

    def action_send(self) -> None:
        status = self.query_one("#stop-status", Static)
        command = self.command()
        if not command.funds:
            status.update("[b]Not sent:[/b] choose the transfer to stop")
            return
        if not command.to:
            status.update("[b]Not sent:[/b] choose the NCB of the country that holds the account (ctrl+o)")
            return
        outcome = self.driver.submit(command)
        if isinstance(outcome, Refused):
            status.update(f"[b]Not sent:[/b] {shown(self.driver.name.engine(outcome.reason))}")
            return
        self.notify(f"Stop-payment request sent: {shown(self.names.get(command.to, command.to))} is asked to "
                    f"freeze the account of transfer {command.funds}.")
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
