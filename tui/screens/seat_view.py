"""A seat's view for the trainer: pick any seat and see exactly what it sees, read-only — its
I-24/7 inbox, its open decisions and what it has learnt — from the same host views the trainee's
operations screen reads (``inbox(seat)``, ``open_decisions(seat)``, ``seen(seat)``)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option as ListOption

from sim.api import is_key

from ..driver import Driver
from ..text import shown
from ..widgets.decision_table import DecisionTable
from ..widgets.event_log import EventLog
from ..widgets.inbox_table import InboxTable
from .operations import inbox_cells, log_line


def seat_choices(driver: Driver) -> list[tuple[str, str]]:
    """Every seat of the exercise, as (seat, label): the players' seats first, then the General
    Secretariat's desks, then every NCB of the exercise's world by name."""
    host = driver.host
    played = [p.seat for p in host.scenario.players]
    ncbs = [(f"ncb:{r.code}", r.name) for r in host.recipients() if r.code != "GS"]
    names = dict(ncbs) | {"ndtf": "NDTF (the Notices and Diffusions Task Force)", "ccc": "CCC (the duty officer)"}
    out = [(s, f"{names.get(s, s)} — {s} (a player's seat)") for s in played]
    out += [(s, f"{names[s]} — {s}") for s in ("ndtf", "ccc") if s not in played]
    out += [(s, f"{name} — {s}") for s, name in ncbs if s not in played]
    return out


class SeatPickerScreen(ModalScreen[str | None]):
    """Choose the seat whose view to open: type to narrow the list, enter to open it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="decision"):
            yield Label("[b]A seat's view[/b] — exactly what one seat sees, read-only")
            yield Input(placeholder="type to search: a country, ndtf, ccc…", id="seat-filter")
            yield OptionList(*[ListOption(label, id=seat) for seat, label in self.choices], id="seats")
            yield Label("enter opens the seat's view · escape: cancel", classes="muted")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False

    def on_input_changed(self, event: Input.Changed) -> None:
        words = event.value.strip().lower()
        seats = self.query_one(OptionList)
        seats.clear_options()
        seats.add_options([ListOption(label, id=seat) for seat, label in self.choices if words in label.lower()])
        seats.highlighted = 0 if seats.option_count else None

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        seats = self.query_one(OptionList)
        if seats.option_count == 1:  # the search names one seat: open it
            self.dismiss(seats.get_option_at_index(0).id)
            return
        seats.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class SeatViewScreen(Screen[None]):
    """One seat's screen as its trainee would see it, at the instant it was opened: nothing here
    acts for the seat (opening no message marks it read, no decision can be answered)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,v", "back", "Back to the console")]

    def __init__(self, driver: Driver, seat: str, label: str) -> None:
        super().__init__()
        self.driver, self.seat, self.label = driver, seat, label

    def compose(self) -> ComposeResult:
        yield Static(id="clock-bar")
        with Horizontal(id="ops"):
            with Vertical(id="ops-left"):
                yield InboxTable(inbox_cells, id="inbox")
                yield EventLog(id="event-log")
            with Vertical(id="ops-right"):
                yield DecisionTable(id="decisions")
        yield Footer()

    def on_mount(self) -> None:
        d, host, seat = self.driver, self.driver.host, self.seat
        name = self.label.partition(" — ")[0]  # the seat as people say it: "France", "NDTF (…)"
        who = name.split(" (")[0]
        self.query_one("#clock-bar", Static).update(
            f"[b]{host.utc(d.now):%a %d %b %H:%M} UTC[/b] · read-only: what {shown(who)} sees")
        self.query_one("#inbox", InboxTable).border_title = f"{shown(who)}'s I-24/7 inbox"
        decisions = self.query_one(DecisionTable)
        decisions.border_title = f"{shown(who)}'s decisions"
        log = self.query_one("#event-log", EventLog)
        log.border_title = f"What {shown(who)} knows"
        prompts: dict[str, str] = {}
        seen = host.seen(seat)
        for _since, e in seen:  # every question, so a later answer can say what it was
            if e["kind"] == "decision.requested":
                prompts[str(e["decision"])] = str(e.get("prompt", ""))
        lines = [log_line(since, e, d, prompts) for since, e in seen
                 if is_key(e) or (e["kind"] == "message.sent" and e.get("inject"))]
        if lines:
            log.write("\n".join(lines))
        self.call_after_refresh(self._decisions)
        self.call_after_refresh(self._inbox)  # once laid out: the message column takes the panel's width

    def _inbox(self) -> None:
        """The same lines as the seat's own screen (two a message, no ids), in this panel's width."""
        self.query_one("#inbox", InboxTable).show(self.driver.host.inbox(self.seat), self.driver.name)

    def action_back(self) -> None:
        self.dismiss(None)

    def _decisions(self) -> None:
        self.query_one(DecisionTable).sync(self.driver.host.open_decisions(self.seat), self.driver.now,
                                           self.driver.name.engine)
