"""Writing an I-24/7 message: recipients, priority, language, subject, case, free text.

A reply comes with its recipient and the message it answers; a forward with the message it
passes on, quoted. The host checks the message when it is sent; a refusal is shown here in
words and nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from sim.api import Refused
from sim.play.commands import SendMessage

from ..driver import Driver
from ..text import shown
from .recipients import RecipientsScreen, recipient_label


@dataclass(frozen=True)
class Draft:
    """What the compose screen opens with."""

    to: tuple[str, ...] = ()
    subject: str = ""
    text: str = ""
    priority: str = "routine"
    language: str | None = None
    case: str | None = None
    reply_to: int | None = None
    forward_of: int | None = None
    heading: str = "New I-24/7 message"


def row(label: str, *widgets, id: str | None = None) -> Horizontal:
    """A labelled line of a form."""
    return Horizontal(Label(label, classes="field-label"), *widgets, classes="field-row", id=id)


class ComposeScreen(Screen[bool]):
    """Returns True when the message was sent, False when put away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("ctrl+o", "pick_recipients", "Recipients", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, driver: Driver, draft: Draft) -> None:
        super().__init__()
        self.driver = driver
        self.draft = draft
        self.to: tuple[str, ...] = draft.to
        self.names = {r.code: r.name for r in driver.host.recipients()}

    def compose(self) -> ComposeResult:
        d, choices = self.draft, self.driver.choices
        with Vertical(id="compose"):
            yield Label(f"[b]{shown(d.heading)}[/b] · from NCB {shown(self.names.get(self.driver.home, self.driver.home))}", id="compose-title")
            yield row("To", Static(id="compose-to"))
            yield row("Priority",
                      Select([(p, p) for p in choices.priorities], value=d.priority, allow_blank=False,
                             compact=True, id="compose-priority"),
                      Label("Language", classes="field-label"),
                      Select([(name, code) for code, name in choices.languages.items()],
                             value=d.language if d.language in choices.languages else Select.NULL,
                             prompt="one they read", compact=True, id="compose-language"))
            yield row("Subject", Input(d.subject, placeholder="subject line", compact=True, id="compose-subject"))
            yield row("Case ref.", Input(d.case or "", placeholder="optional, e.g. C1", compact=True,
                                         id="compose-case"))
            yield TextArea(d.text, id="compose-text", soft_wrap=True, show_line_numbers=False)
            yield Static(id="compose-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compose-text", TextArea).border_title = "Message"
        self._show_to()
        # A reply or a forward has its recipient or subject: the person starts writing at once.
        self.query_one("#compose-text" if self.to or self.draft.forward_of else "#compose-subject").focus()

    def _show_to(self) -> None:
        names = ", ".join(shown(recipient_label(t, self.names)) for t in self.to)
        self.query_one("#compose-to", Static).update(
            (names or "[i]nobody yet[/i]") + " [dim](ctrl+o: choose)[/dim]")

    def action_pick_recipients(self) -> None:
        def picked(chosen: tuple[str, ...] | None) -> None:
            if chosen is not None:
                self.to = chosen
                self._show_to()

        self.app.push_screen(RecipientsScreen(self.driver.recipients(), self.driver.regions(), self.to,
                                              title="Send the message to"), picked)

    def message(self) -> SendMessage:
        language = self.query_one("#compose-language", Select).value
        case = self.query_one("#compose-case", Input).value.strip()
        return SendMessage(self.to, self.query_one("#compose-text", TextArea).text,
                           self.query_one("#compose-subject", Input).value.strip(),
                           str(self.query_one("#compose-priority", Select).value),
                           language if isinstance(language, str) else None, case or None,
                           self.draft.reply_to, self.draft.forward_of)

    def action_send(self) -> None:
        outcome = self.driver.submit(self.message())
        if isinstance(outcome, Refused):
            self.query_one("#compose-status", Static).update(f"[b]Not sent:[/b] {shown(outcome.reason)}")
            return
        self.notify("Message sent.")
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
