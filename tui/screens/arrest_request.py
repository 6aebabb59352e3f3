"""A request for provisional arrest: ask another NCB to arrest a person where he is.

The person (by name), the country (the recipients picker, one country), optionally one of the
seat's own notices or diffusions on that person as the basis (without one, the request rests
on the national warrant, through the treaty's channels), and a free text for the other desk.
The host checks it when it is sent; a refusal is shown here in words and nothing is sent.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Select, Static, TextArea

from sim.api import Refused
from sim.play.commands import RequestProvisionalArrest

from ..driver import Driver
from ..text import shown
from ..wording import LIVE, kind_label
from .compose import row
from .recipients import RecipientsScreen

ON_WARRANT = "\x00warrant"  # the basis choice "no notice: the national warrant"


class ProvisionalArrestScreen(Screen[bool]):
    """Returns True when the request was sent, False when put away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("ctrl+o", "pick_country", "Country", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, driver: Driver, subject: str | None = None, country: str | None = None,
                 request: str | None = None) -> None:
        super().__init__()
        self.driver = driver
        self.persons = driver.persons()
        self.subject = subject if subject in self.persons else None
        self.country = country
        self.request = request
        self.names = {r.code: r.name for r in driver.countries()}

    def compose(self) -> ComposeResult:
        home = self.names.get(self.driver.home) or self.driver.name.country(self.driver.home)
        with Vertical(id="arrest-request"):
            yield Label(f"[b]Request a provisional arrest[/b] · from NCB {shown(home)}", classes="dialog-title")
            yield row("Person", Select([(shown(name), sid) for sid, name in self.persons.items()],
                                       value=self.subject if self.subject else Select.NULL,
                                       prompt="choose the person", compact=True, id="arrest-subject"))
            yield row("Country", Static(id="arrest-country"))
            yield row("On", Select([(shown(label), value) for label, value in self.bases()], compact=True,
                                   allow_blank=False, id="arrest-basis"))
            yield TextArea("", id="arrest-text", soft_wrap=True, show_line_numbers=False)
            yield Static(id="arrest-status", classes="dialog-status")
        yield Footer()

    def on_mount(self) -> None:
        text = self.query_one("#arrest-text", TextArea)
        text.border_title = "Message to the NCB (where the person is, why it is urgent)"
        self._show_country()
        self._fill_basis()
        self.query_one("#arrest-subject" if self.subject is None else "#arrest-text").focus()
        if self.subject is not None and self.country is None:
            self.call_after_refresh(self.action_pick_country)

    # --- the fields -----------------------------------------------------------------------------
    def _show_country(self) -> None:
        name = self.names.get(self.country, "") if self.country else ""
        self.query_one("#arrest-country", Static).update(
            (shown(name) if name else "[i]none yet[/i]") + " [dim](ctrl+o: choose)[/dim]")

    def bases(self) -> list[tuple[str, str]]:
        """What the arrest may rest on: the national warrant, or one of the seat's live notices
        and diffusions on the chosen person (one under review or withdrawn is no basis yet, or any more)."""
        out = [("the national warrant (no notice or diffusion)", ON_WARRANT)]
        if self.subject is None:
            return out
        for r in self.driver.board():
            if r.what == "arrest" or r.subject != self.subject or r.state not in LIVE:
                continue
            label = kind_label(r.what.removesuffix(" notice"))
            out.append((f"{label} {r.ref} ({r.state})", r.ref))
        return out

    def _fill_basis(self) -> None:
        options = self.bases()
        box = self.query_one("#arrest-basis", Select)
        box.set_options([(shown(label), value) for label, value in options])
        keys = [v for _, v in options]
        box.value = self.request if self.request in keys else (keys[1] if len(keys) > 1 else ON_WARRANT)

    @on(Select.Changed, "#arrest-subject")
    def _subject_changed(self, event: Select.Changed) -> None:
        self.subject = event.value if isinstance(event.value, str) else None
        self.request = None
        self._fill_basis()

    def action_pick_country(self) -> None:
        def picked(chosen: tuple[str, ...] | None) -> None:
            if chosen:
                self.country = chosen[0]
                self._show_country()
                self.query_one("#arrest-text", TextArea).focus()

        self.app.push_screen(RecipientsScreen(self.driver.countries(), (), (self.country,) if self.country else (),
                                              title="Which NCB is to arrest the person", single=True), picked)

    # --- sending ----------------------------------------------------------------------------------
    def command(self) -> RequestProvisionalArrest:
        basis = self.query_one("#arrest-basis", Select).value
        return RequestProvisionalArrest(self.country or "", self.subject or "",
                                        basis if isinstance(basis, str) and basis != ON_WARRANT else None,
                                        self.query_one("#arrest-text", TextArea).text)

    def action_send(self) -> None:
        status = self.query_one("#arrest-status", Static)
        if self.subject is None:
            status.update("[b]Not sent:[/b] choose the person to arrest")
            return
        if self.country is None:
            status.update("[b]Not sent:[/b] choose the country to ask (ctrl+o)")
            return
        outcome = self.driver.submit(self.command())
        if isinstance(outcome, Refused):
            status.update(f"[b]Not sent:[/b] {shown(self.driver.name.engine(outcome.reason))}")
            return
        self.notify(f"Request sent: {shown(self.names.get(self.country, self.country))} is asked to arrest "
                    f"{shown(self.persons[self.subject])} provisionally.")
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
