"""The case board: each of the seat's requests and arrest cases, its state as it changes, the
next answer due from the seat, and the selected case's history.

The keys follow the selected case: a request is corrected (`e`) or withdrawn (`w`); on an arrest
case on the seat's request, the formal extradition request is sent (`x`), the extradition
abandoned (`a`), or — once the requested state kept its national — prosecution asked for (`t`).
`p` asks another NCB to arrest the selected case's person (or anyone). The operations screen's
clock keeps running underneath, and holds still while one of these dialogs is open; the board
redraws when a case moves.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from sim.api import Refused, sentence_start
from sim.play.commands import WithdrawRequest
from sim.play.views import ArrestCaseView, BoardRow

from ..driver import Driver
from ..text import shown
from ..wording import LIVE, kind_label, words
from .arrest_request import ProvisionalArrestScreen
from .extradition_form import AbandonScreen, ExtraditionFormScreen, ProsecutionScreen, deadline_words

if TYPE_CHECKING:
    from .operations import OperationsScreen

EDITABLE = ("draft", "info requested")
REQUEST_ACTIONS = ("edit", "withdraw")
CASE_ACTIONS = {"send_documents": "send_refused", "abandon": "abandon_refused",
                "ask_prosecution": "prosecution_refused"}  # action -> why the host would refuse it now


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _when(iso: str) -> str:
    return iso[5:16].replace("T", " ")


def preparation_words(driver: Driver, ready: str, due: str | None) -> str:
    """The formal request the seat's ministry is preparing: when it should be ready, when it is
    due, and the days left until then (sim time)."""
    now = driver.host.utc(driver.now)
    line = f"[b]Extradition request being prepared[/b] — ready about {_utc(ready):%a %d %b}"
    if due is None:
        return line
    days = (_utc(due) - now).total_seconds() / 86400
    left = f"{int(days)} day{'s' if int(days) != 1 else ''} left" if days >= 1 else (
        "less than a day left" if days > 0 else "the time is up")
    # A file that will not be ready in time is the trainee's cue to send what it holds now (x).
    late = " [b]— too late: the person goes free first[/b]" if _utc(ready) > _utc(due) else ""
    return f"{line}, due {_utc(due):%a %d %b %H:%M} UTC ({left}){late}"


def what(row: BoardRow) -> str:
    return "arrest" if row.what == "arrest" else kind_label(row.what.removesuffix(" notice"))


class BoardScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit / resubmit"),
        Binding("w", "withdraw", "Withdraw"),
        Binding("x", "send_documents", "Extradition"),
        Binding("a", "abandon", "Abandon"),
        Binding("t", "ask_prosecution", "Prosecute"),
        Binding("p", "provisional_arrest", "Arrest"),
        Binding("space", "toggle_clock", "Clock"),
        Binding("escape,b", "close", "Back"),
    ]

    def __init__(self, driver: Driver, operations: OperationsScreen) -> None:
        super().__init__()
        self.driver = driver
        self.operations = operations
        self._drawn: tuple[BoardRow, ...] | None = None
        self._current: ArrestCaseView | None = None  # the selected arrest case, as of the last drawing

    def compose(self) -> ComposeResult:
        yield Static(id="board-clock")
        with Vertical(id="board-panes"):
            yield DataTable(id="board", cursor_type="row", zebra_stripes=True)
            yield Static(id="board-history")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#board", DataTable)
        table.border_title = "Case board — your requests and arrest cases"
        table.add_column("ref", key="ref")
        table.add_column("what", key="what")
        table.add_column("subject", key="subject")
        table.add_column("state", key="state")
        table.add_column("since (UTC)", key="since")
        table.add_column("your answer due", key="due")
        self.query_one("#board-history").border_title = "History"
        self.redraw()
        self.set_interval(0.5, self.redraw)

    def redraw(self) -> None:
        d = self.driver
        clock = "paused (space)" if d.paused else f"running, {d.speed[0]}"
        self.query_one("#board-clock", Static).update(f"[b]{d.host.utc(d.now):%a %d %b %H:%M} UTC[/b] · {clock}")
        rows = d.board()
        if rows == self._drawn:
            if self._current is not None:
                self._history()  # the time left on an arrest case moves with the clock
            return
        self._drawn = rows
        table = self.query_one("#board", DataTable)
        selected = self._selected_ref()
        table.clear()
        for r in rows:
            table.add_row(shown(r.ref), shown(what(r)), shown(d.name.subject(r.subject) or "—"), shown(words(r.state)),
                          _when(r.since), _when(r.deadline) if r.deadline else "—", key=r.ref)
        if not rows:
            self.query_one("#board-history", Static).update(
                "No arrest yet: each arrest of the exercise appears here with its history." if d.watching else
                "No case yet: a request you draft (r on the operations screen) appears here, and an arrest "
                "made on your request (p: ask an NCB to arrest a person).")
            return
        refs = [r.ref for r in rows]
        if selected in refs:
            table.move_cursor(row=refs.index(selected))
        self._history()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A request's keys on a request, an arrest case's on an arrest case (shown only there)."""
        r = self._selected() if self.is_mounted else None
        if action in REQUEST_ACTIONS:
            return r is not None and r.what != "arrest"
        if action in CASE_ACTIONS:  # only what the host would take now: the footer is the case's to-do list
            case = self._current
            return case is not None and r is not None and case.case == r.ref and getattr(case, CASE_ACTIONS[action]) is None
        if action == "provisional_arrest":
            return self.driver.seat.startswith("ncb:")
        return True

    def _case(self, r: BoardRow | None) -> ArrestCaseView | None:
        """The selected arrest case, when it is on the seat's request (not one it holds for another)."""
        return self.driver.arrest_case(r.ref) if r is not None and r.what == "arrest" else None

    def _selected_ref(self) -> str | None:
        table = self.query_one("#board", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _selected(self) -> BoardRow | None:
        ref = self._selected_ref()
        return next((r for r in self._drawn or () if r.ref == ref), None)

    def _history(self) -> None:
        r = self._selected()
        self._current = case = self._case(r)
        self.refresh_bindings()
        if r is None:
            return
        name = self.driver.name
        head = f"[b]{shown(what(r))} {shown(r.ref)}[/b]" + (
            f" on {shown(name.subject(r.subject))}" if r.subject else "") + (
            f" in {shown(name.country(case.country))}" if case else "") + f" — {shown(words(r.state))}"
        if r.deadline and not (case is not None and case.send_refused is None and case.deadline == r.deadline):
            head += f" · your answer is due by {_when(r.deadline)} UTC"
        lines = [f"{_when(when)}  {shown(name.engine(text))}" for when, text in r.history[-12:]]
        if case is not None:
            lines += self._case_lines(case)
        elif words(r.state) in EDITABLE and r.what != "arrest":
            lines.append("[dim]e: open the form to correct and resubmit it · p: ask an NCB to arrest the person[/dim]")
        elif words(r.state) in LIVE and r.what != "arrest":
            lines.append("[dim]w: withdraw it (it stops being valid at once) · p: ask an NCB to arrest the person "
                         "on it[/dim]")
        self.query_one("#board-history", Static).update("\n".join([head, *lines]))

    def _case_lines(self, case: ArrestCaseView) -> list[str]:
        """Where the seat's own arrest case stands, and the keys that act on it now."""
        lines = []
        labels = dict(case.documents)
        if case.sent is not None:
            lines.append(f"[b]Formal request sent:[/b] {shown(', '.join(labels[d] for d in case.sent) or 'no documents')}")
        elif case.ready is not None:
            lines.append(preparation_words(self.driver, case.ready, case.deadline))
        elif case.send_refused is None:
            lines.append(f"[b]The formal extradition request must arrive[/b] {deadline_words(self.driver, case)}")
        keys = []
        if case.send_refused is None:
            keys.append("x: send the formal extradition request")
        if case.abandon_refused is None:
            keys.append("a: abandon the extradition")
        if case.prosecution_refused is None:
            what = "prosecute the person or enforce the sentence" if case.sentence else "prosecute the person"
            keys.append(f"t: ask {shown(self.driver.name.country(case.country))} to {what} instead")
        if keys:
            lines.append(f"[dim]{' · '.join(keys)}[/dim]")
        return lines

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._history()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        r = self._selected()
        if r is None or r.what == "arrest":
            return
        if words(r.state) not in EDITABLE:
            self.notify(f"{what(r)} {r.ref} is {words(r.state)}: it can no longer be edited.")
            return
        self.operations.open_form(self.driver.form_for(r.ref))

    def action_withdraw(self) -> None:
        """Withdraw the selected published notice or live diffusion; the host says why not otherwise."""
        r = self._selected()
        if r is None or r.what == "arrest":
            return
        outcome = self.driver.submit(WithdrawRequest(r.ref))
        if isinstance(outcome, Refused):
            self.notify(f"Not withdrawn: {outcome.reason}", severity="warning")
        else:
            self.notify(f"{sentence_start(what(r))} {r.ref} withdrawn.")
        self.redraw()

    # --- an arrest case on the seat's request ----------------------------------------------------
    def _case_dialog(self, screen_for, refused, done) -> None:
        """Open the case's dialog, or say in words why the host would refuse it now."""
        r = self._selected()
        case = self._case(r)
        if case is None:
            return
        reason = refused(case)
        if reason is not None:
            self.notify(shown(self.driver.name.engine(reason)), title=f"arrest {case.case}", severity="warning")
            return

        def closed(result) -> None:
            if result:
                self.notify(shown(done(case, result)), title=f"arrest {case.case}")
            self.redraw()
            self._history()

        self.operations._dialog(screen_for(case), closed)

    def action_send_documents(self) -> None:
        """The formal extradition request: a form of the documents it holds."""
        country = self.driver.name.country
        self._case_dialog(lambda c: ExtraditionFormScreen(self.driver, c, self.operations._hints()),
                          lambda c: c.send_refused,
                          lambda c, _: f"Formal extradition request sent to {country(c.country)}: it counts once "
                                       f"{country(c.country)} has read it.")

    def action_abandon(self) -> None:
        country = self.driver.name.country
        self._case_dialog(lambda c: AbandonScreen(self.driver, c), lambda c: c.abandon_refused,
                          lambda c, _: f"Extradition abandoned: {country(c.country)} releases "
                                       f"{self.driver.name.subject(c.subject)} once it has read your message.")

    def action_ask_prosecution(self) -> None:
        country = self.driver.name.country
        self._case_dialog(lambda c: ProsecutionScreen(self.driver, c), lambda c: c.prosecution_refused,
                          lambda c, mode: f"{country(c.country)} is asked to "
                                          f"{'prosecute' if mode == 'prosecute' else 'enforce the sentence against'} "
                                          f"{self.driver.name.subject(c.subject)}.")

    def action_provisional_arrest(self) -> None:
        """Ask an NCB to arrest the selected case's person (on that request when it is live)."""
        r = self._selected()
        subject = r.subject if r is not None else None
        request = r.ref if r is not None and r.what != "arrest" and words(r.state) in LIVE else None
        self.operations._dialog(ProvisionalArrestScreen(self.driver, subject, request=request),
                                lambda _sent: self.redraw())

    def action_toggle_clock(self) -> None:
        self.operations.action_toggle_clock()
        self.redraw()

    def action_close(self) -> None:
        self.dismiss(None)
