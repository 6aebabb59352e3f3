"""An opened I-24/7 message: who sent it, what it is about, its text; reply or forward it.

Opening it is the person reading it (the host is told), which is what the unread marker in the
inbox means.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from sim.api import sentence_start
from sim.play.views import InboxItem

from ..driver import Driver
from ..text import shown
from ..wording import message_text, message_type, when
from .compose import Draft

# What the message screen asks its opener to do next.
REPLY, FORWARD, EDIT_REQUEST = "reply", "forward", "edit-request"


class MessageScreen(ModalScreen[tuple[str, Draft | str] | None]):
    """Returns (REPLY|FORWARD, a compose draft), (EDIT_REQUEST, the request), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reply", "Reply"),
        Binding("f", "forward", "Forward"),
        Binding("e", "edit_request", "Edit the request"),
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, driver: Driver, item: InboxItem) -> None:
        super().__init__()
        self.driver = driver
        self.item = item
        names = {r.code: r.name for r in driver.recipients()}
        self.replyable = item.sender in names  # a national body or a border post is not on I-24/7
        self.sender = f"{names[item.sender]} ({item.sender})" if self.replyable else driver.name.sender(item.sender)
        self.text = message_text(item, driver.name, self.sender)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in (REPLY, FORWARD, "edit_request"):
            # The trainer, watching every NCB's traffic, neither answers nor passes a message on.
            return not self.driver.watching and (action != "edit_request" or self.item.request is not None)
        return True

    def compose(self) -> ComposeResult:
        i = self.item
        facts = [f"[b]From[/b] {shown(self.sender)}", f"[b]Arrived[/b] {when(i.since)}",
                 f"[b]Type[/b] {shown(message_type(i.type))} · {i.priority}"]
        if i.language in self.driver.choices.languages:
            facts[-1] += f" · in {self.driver.choices.languages[i.language]}"
        if i.subject:
            facts.append(f"[b]Subject[/b] {shown(i.subject)}")
        if i.about:
            facts.append(f"[b]About[/b] {shown(self.driver.name.subject(i.about))}")
        if i.case:
            facts.append(f"[b]Case[/b] {shown(self.driver.name.case(i.case))}")
        if i.request and not self.driver.watching:
            facts.append(f"[b]Request[/b] {shown(i.request)} (e: open the form to complete it)")
        with Vertical(id="message"):
            yield Label(f"[b]{sentence_start(shown(message_type(i.type)))}[/b] from {shown(self.sender)}",
                        id="message-title")
            yield Static("\n".join(facts), id="message-facts")
            with VerticalScroll(id="message-body"):
                yield Static(shown(self.driver.name(self.text), newlines=True), id="message-text")
            hint = "r: reply · f: forward · escape: close" if self.replyable else (
                "f: forward (the sender is not on I-24/7) · escape: close")
            if self.driver.watching:
                hint = "escape: close"
            yield Label(hint, classes="muted")
        yield Footer()

    def action_reply(self) -> None:
        i = self.item
        if not self.replyable:
            self.notify(f"{i.sender} is not on I-24/7; forward the message to a partner instead.",
                        severity="warning")
            return
        subject = i.subject or message_type(i.type)
        self.dismiss((REPLY, Draft(to=(i.sender,), subject=_prefixed("Re: ", subject), priority=i.priority,
                                   case=i.case, reply_to=i.msg, heading=f"Reply to {self.sender}")))

    def action_forward(self) -> None:
        i = self.item
        quoted = "\n".join(f"> {line}" for line in self.driver.name(self.text).splitlines())
        text = (f"\n\n---- Forwarded {message_type(i.type)} from {self.sender}, "
                f"{i.since[:16].replace('T', ' ')} UTC ----\n{quoted}")
        self.dismiss((FORWARD, Draft(subject=_prefixed("Fwd: ", i.subject or message_type(i.type)), text=text,
                                     priority=i.priority, case=i.case, forward_of=i.msg,
                                     heading=f"Forward the {message_type(i.type)} from {self.sender}")))

    def action_edit_request(self) -> None:
        if self.item.request:
            self.dismiss((EDIT_REQUEST, self.item.request))

    def action_close(self) -> None:
        self.dismiss(None)


def _prefixed(prefix: str, subject: str) -> str:
    return subject if subject.lower().startswith(prefix.lower()) else prefix + subject
