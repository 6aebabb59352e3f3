"""The case board: each of the seat's requests and arrest cases, its state as it changes, the
next answer due from the seat, and the selected case's history.

The operations screen's clock keeps running underneath; the board redraws when a case moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from sim.api import Refused
from sim.play.commands import WithdrawRequest
from sim.play.views import BoardRow

from ..driver import Driver
from ..text import shown
from ..wording import kind_label, words

if TYPE_CHECKING:
    from .operations import OperationsScreen

EDITABLE = ("draft", "info requested")
LIVE = ("published", "circulated", "compliant", "hit")


def _when(iso: str) -> str:
    return iso[5:16].replace("T", " ")


def what(row: BoardRow) -> str:
    return "arrest" if row.what == "arrest" else kind_label(row.what.removesuffix(" notice"))


class BoardScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit / resubmit"),
        Binding("w", "withdraw", "Withdraw"),
        Binding("space", "toggle_clock", "Start/pause"),
        Binding("escape,b", "close", "Back"),
    ]

    def __init__(self, driver: Driver, operations: OperationsScreen) -> None:
        super().__init__()
        self.driver = driver
        self.operations = operations
        self._drawn: tuple[BoardRow, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="board-clock")
        with Vertical(id="board-panes"):
            yield DataTable(id="board", cursor_type="row", zebra_stripes=True)
            yield Static(id="board-history")
        yield Footer()

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
                "No case yet: a request you draft (r on the operations screen) appears here.")
            return
        refs = [r.ref for r in rows]
        if selected in refs:
            table.move_cursor(row=refs.index(selected))
        self._history()

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
        if r is None:
            return
        head = f"[b]{shown(what(r))} {shown(r.ref)}[/b]" + (
            f" on {shown(self.driver.name.subject(r.subject))}" if r.subject else "") + f" — {shown(words(r.state))}"
        if r.deadline:
            head += f" · your answer is due by {_when(r.deadline)} UTC"
        lines = [f"{_when(when)}  {shown(self.driver.name(text))}" for when, text in r.history[-12:]]
        if words(r.state) in EDITABLE and r.what != "arrest":
            lines.append("[dim]e: open the form to correct and resubmit it[/dim]")
        elif words(r.state) in LIVE and r.what != "arrest":
            lines.append("[dim]w: withdraw it (it stops being valid at once)[/dim]")
        self.query_one("#board-history", Static).update("\n".join([head, *lines]))

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
            self.notify(f"{what(r).capitalize()} {r.ref} withdrawn.")
        self.redraw()

    def action_toggle_clock(self) -> None:
        self.operations.action_toggle_clock()
        self.redraw()

    def action_close(self) -> None:
        self.dismiss(None)
