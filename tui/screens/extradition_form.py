"""After a provisional arrest on the seat's request: the formal extradition request, giving up,
and — when the requested state keeps its national — asking it to prosecute him instead.

Three small dialogs opened from the case board. The formal request is a list of documents to
tick, those the requested state's courts want ticked at the start and marked "needed", with the
time left before the request must have arrived. Each dialog gives its command to the host; a
refusal is shown in words in the dialog and nothing is sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from sim.api import Refused, format_minutes
from sim.play.commands import AbandonExtradition, AskProsecution, SendExtraditionDocuments
from sim.play.views import ArrestCaseView

from ..driver import Driver
from ..text import shown


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def deadline_words(driver: Driver, case: ArrestCaseView) -> str:
    """When the formal request must have arrived, and how long is left (sim time)."""
    if case.deadline is None:
        return "no time limit runs"
    left = (_utc(case.deadline) - driver.host.utc(driver.now)).total_seconds() / 60
    when = f"{_utc(case.deadline):%a %d %b %H:%M} UTC"
    return f"by {when} ({format_minutes(left)} left)" if left > 0 else f"by {when} (the time is up)"


def who(driver: Driver, case: ArrestCaseView) -> tuple[str, str]:
    """The person and the requested state, by name."""
    return driver.name.subject(case.subject), driver.name.country(case.country)


class ExtraditionFormScreen(ModalScreen[bool]):
    """The formal extradition request: which documents it holds. Returns True when sent."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send the request", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, driver: Driver, case: ArrestCaseView, hints: bool = True) -> None:
        super().__init__()
        self.driver = driver
        self.case = case
        # Without hints (the exercise's choice) nothing is ticked or marked: knowing what the
        # courts need is then the trainee's part.
        self.hints = hints

    def compose(self) -> ComposeResult:
        c = self.case
        person, country = who(self.driver, c)
        with Vertical(id="extradition", classes="case-dialog"):
            yield Label(f"[b]Formal extradition request[/b] · case {shown(c.case)}", classes="dialog-title")
            yield Static(f"{shown(person)} is provisionally arrested in {shown(country)}. The request must reach "
                         f"{shown(country)} {deadline_words(self.driver, c)}, or the person is released.",
                         id="extradition-facts")
            yield SelectionList[str](*[Selection(shown(self._label(key, label)), key, self.hints and key in c.needed)
                                       for key, label in c.documents], id="extradition-documents")
            yield Static(id="extradition-check")
            yield Static(id="extradition-status", classes="dialog-status")
            yield Label("space: tick or untick · ctrl+s: send · escape: cancel", classes="muted")
        yield Footer()

    def _label(self, key: str, label: str) -> str:
        if not self.hints:
            return label
        if key == "translation":
            return f"{label} — " + ("needed: no working language in common" if key in self.case.needed
                                    else "not needed: a working language in common")
        return f"{label} — needed" if key in self.case.needed else label

    def on_mount(self) -> None:
        box = self.query_one("#extradition-documents", SelectionList)
        box.border_title = "Documents attached"
        box.focus()
        self._check()

    @property
    def documents(self) -> tuple[str, ...]:
        """The ticked documents, in the order of the list."""
        ticked = set(self.query_one("#extradition-documents", SelectionList).selected)
        return tuple(key for key, _ in self.case.documents if key in ticked)

    @on(SelectionList.SelectedChanged, "#extradition-documents")
    def _check(self) -> None:
        """What the requested state's courts would say of the papers as ticked (before sending)."""
        missing = [label for key, label in self.case.documents if key in self.case.needed and key not in self.documents]
        country = self.driver.name.country(self.case.country)
        check = self.query_one("#extradition-check", Static)
        if not self.hints:
            check.update(f"{shown(country)}'s courts will judge the request by what it holds.")
            return
        check.set_class(bool(missing), "-problems")
        check.update(f"⚠ {shown(country)}'s courts will refuse a request without {shown(', '.join(missing))}"
                     if missing else "✓ Every document the courts need is attached.")

    def action_send(self) -> None:
        outcome = self.driver.submit(SendExtraditionDocuments(self.case.case, self.documents))
        if isinstance(outcome, Refused):
            self.query_one("#extradition-status", Static).update(
                f"[b]Not sent:[/b] {shown(self.driver.name.engine(outcome.reason))}")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class AbandonScreen(ModalScreen[bool]):
    """Giving up the extradition, once confirmed. Returns True when the message went."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "abandon", "Yes, abandon"),
        Binding("escape,n", "cancel", "No"),
    ]

    def __init__(self, driver: Driver, case: ArrestCaseView) -> None:
        super().__init__()
        self.driver = driver
        self.case = case

    def compose(self) -> ComposeResult:
        person, country = who(self.driver, self.case)
        with Vertical(id="abandon", classes="case-dialog"):
            yield Label(f"[b]Abandon the extradition?[/b] · case {shown(self.case.case)}", classes="dialog-title")
            yield Static(f"You tell {shown(country)} that you will not request the extradition of {shown(person)}. "
                         f"{shown(country)} releases the person as soon as it has read your message. This cannot be undone.")
            yield Static(id="abandon-status", classes="dialog-status")
            yield Label("y: abandon · n or escape: keep the case", classes="muted")
        yield Footer()

    def action_abandon(self) -> None:
        outcome = self.driver.submit(AbandonExtradition(self.case.case))
        if isinstance(outcome, Refused):
            self.query_one("#abandon-status", Static).update(
                f"[b]Not abandoned:[/b] {shown(self.driver.name.engine(outcome.reason))}")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ProsecutionScreen(ModalScreen[str | None]):
    """Aut dedere aut judicare: ask the state that keeps its national to prosecute him, or to
    enforce the sentence. Returns the mode asked, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, driver: Driver, case: ArrestCaseView) -> None:
        super().__init__()
        self.driver = driver
        self.case = case

    def compose(self) -> ComposeResult:
        c = self.case
        person, country = who(self.driver, c)
        # Enforcing needs a sentence passed in the requesting state: offered (and recommended)
        # only when the case rests on a request to serve one, as the engine's own prompt does.
        modes = [("prosecute", f"Ask {country} to prosecute the person itself")]
        if c.sentence:
            modes.insert(0, ("enforce", f"Ask {country} to enforce the sentence"))
        with Vertical(id="prosecution", classes="case-dialog"):
            yield Label(f"[b]Prosecution instead of extradition[/b] · case {shown(c.case)}", classes="dialog-title")
            yield Static(f"{shown(country)} will not surrender {shown(person)}, its own national. It can be asked "
                         "to try the person under its own law (aut dedere aut judicare)"
                         + (", or to enforce the sentence passed in your country." if c.sentence else "."))
            yield OptionList(*[Option(shown(label) + (" (recommended)" if i == 0 and len(modes) > 1 else ""), id=mode)
                               for i, (mode, label) in enumerate(modes)], id="prosecution-modes")
            yield Static(id="prosecution-status", classes="dialog-status")
            yield Label("enter: ask · escape: cancel", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        mode = str(event.option.id)
        outcome = self.driver.submit(AskProsecution(self.case.case, mode))
        if isinstance(outcome, Refused):
            self.query_one("#prosecution-status", Static).update(
                f"[b]Not asked:[/b] {shown(self.driver.name.engine(outcome.reason))}")
            return
        self.dismiss(mode)

    def action_cancel(self) -> None:
        self.dismiss(None)
