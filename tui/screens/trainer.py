"""The trainer's console: every seat and the ground truth, the MSEL under the trainer's hand,
and evaluators' notes and ratings per objective."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, RichLog, Static
from textual.widgets.option_list import Option as ListOption

from sim.api import (
    RATINGS,
    AddInject,
    AddNote,
    Command,
    DecisionView,
    FireInject,
    HoldInject,
    Refused,
    ReleaseInject,
    RescheduleInject,
    describe,
    is_key,
)

from ..text import shown
from ..widgets.decision_table import DecisionTable
from .clocked import CLOCK_BINDINGS, MIN_LOG_WIDTH, ClockedScreen
from .decision import DecisionScreen
from .msel import AdhocInjectScreen, MselTable, RescheduleScreen

if TYPE_CHECKING:
    from ..app import NcbsimApp

RATING_TEXT = {"performed_without_challenges": "P — performed without challenges",
               "performed_with_some_challenges": "S — performed with some challenges",
               "performed_with_major_challenges": "M — performed with major challenges",
               "unable_to_perform": "U — unable to be performed"}


class RatingScreen(ModalScreen[tuple[str | None, str] | None]):
    """A note, and optionally a rating, for one objective."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, objective: str, title: str) -> None:
        super().__init__()
        self.objective, self.title_text = objective, title

    def compose(self) -> ComposeResult:
        with Vertical(id="decision"):
            yield Label(f"[b]{shown(self.objective)}[/b] {shown(self.title_text)}")
            yield Input(placeholder="evaluator's note (enter to move on)", id="note")
            yield OptionList(*[ListOption(RATING_TEXT[r], id=r) for r in RATINGS],
                             ListOption("no rating, just the note", id="none"), id="rating")
            yield Label("enter on a rating records it · escape: cancel", classes="muted")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = cast("NcbsimApp", self.app).clock  # no blinking in tests: snapshots must be stable

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        rating = None if event.option.id == "none" else event.option.id
        self.dismiss((rating, self.query_one("#note", Input).value.strip()))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class TrainerScreen(ClockedScreen):
    BINDINGS: ClassVar[list[BindingType]] = CLOCK_BINDINGS + [
        Binding("f", "fire", "Fire inject now"),
        Binding("h", "hold", "Hold/release"),
        Binding("a", "adhoc", "Ad-hoc inject"),
        Binding("t", "reschedule", "Reschedule inject"),
        Binding("r", "rate", "Note/rate objective"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit_session", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="clock-bar")
        with Horizontal(id="ops"):
            with Vertical(id="ops-left"):
                yield MselTable(id="msel")
                yield RichLog(id="event-log", wrap=True, markup=True, min_width=MIN_LOG_WIDTH)
            with Vertical(id="ops-right"):
                yield DecisionTable(with_seat=True, id="decisions")
                yield DataTable(id="objectives", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#decisions").border_title = "Decisions, every seat (enter: answer as that seat)"
        obj = self.query_one("#objectives", DataTable)
        obj.border_title = "Objectives (r: note and rate)"
        obj.add_columns("id", "status", "rating", "objective")
        self.query_one("#event-log").border_title = "Ground truth"
        self._notes = self.driver.host.notes()
        self.refresh_all()
        self.start_clock()

    def stop_alert(self, decisions: tuple[DecisionView, ...]) -> str:
        seats = ", ".join(dict.fromkeys(d.seat for d in decisions))
        return (f"{seats} must decide, and nobody automates that seat: answer as it (enter on the row in "
                "Decisions), or press space to let the clock run on to the deadline, where the default applies.")

    def refresh_all(self, changed: bool = True) -> None:
        d, host = self.driver, self.driver.host
        state = "▶ " + d.speed[0] if not d.paused else "⏸ paused (space)"
        if host.finished:
            state = "■ exercise over"
        self.query_one("#clock-bar", Static).update(
            f"[b]{host.utc(d.now):%a %d %b %H:%M} UTC[/b] · {state} · TRAINER · {shown(host.scenario.title)}")
        self.query_one(MselTable).sync(host.msel())
        self.query_one(DecisionTable).sync(d.my_decisions(), d.now)
        obj = self.query_one("#objectives", DataTable)
        orow = obj.cursor_row
        obj.clear()
        notes = self._notes
        status = host.objective_status()
        for o in host.scenario.objectives:
            rated = [n["rating"] for n in notes if n["objective"] == o.id and n["rating"]]
            # HSEEP's letter (P, S, M, U) leads each rating's text: the first letter of the rating's
            # own name would be P for three of the four ("performed_…").
            obj.add_row(shown(o.id), status[o.id], RATING_TEXT[rated[-1]][0] if rated else "",
                        shown(o.title[:50]), key=o.id)
        obj.move_cursor(row=min(orow, max(0, obj.row_count - 1)))
        if changed:
            log = self.query_one("#event-log", RichLog)
            events = host.events(self._logged)
            fresh = [e for e in events if is_key(e)][-30:]  # the latest, not a backlog
            for e in fresh:
                log.write(f"[dim]{e['t'][5:16].replace('T', ' ')}[/dim] {shown(describe(e))}")
            self._logged += len(events)

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _submit(self, command: Command) -> None:
        outcome = self.driver.submit(command)
        if isinstance(outcome, Refused):
            self.notify(outcome.reason, severity="warning")
        self.refresh_all()

    def action_fire(self) -> None:
        inj = self._selected("#injects")
        if inj:
            self._submit(FireInject(inj))

    def action_hold(self) -> None:
        inj = self._selected("#injects")
        if inj:
            held = next(i for i in self.driver.host.msel() if i.id == inj).status.startswith("held")
            self._submit(ReleaseInject(inj) if held else HoldInject(inj))

    def action_adhoc(self) -> None:
        self._modal_open = True

        def done(_command: AddInject | None) -> None:  # the form submitted it itself
            self._modal_open = False
            self.refresh_all()

        self.app.push_screen(AdhocInjectScreen(self.driver), done)

    def action_reschedule(self) -> None:
        row = self.query_one(MselTable).selected()
        if row is None:
            return
        self._modal_open = True

        def done(_command: RescheduleInject | None) -> None:  # the form submitted it itself
            self._modal_open = False
            self.refresh_all()

        self.app.push_screen(RescheduleScreen(self.driver, row), done)

    def action_rate(self) -> None:
        oid = self._selected("#objectives")
        if oid is None:
            return
        title = next(o.title for o in self.driver.host.scenario.objectives if o.id == oid)
        self._modal_open = True

        def done(result) -> None:
            self._modal_open = False
            if result:
                rating, text = result
                outcome = self.driver.submit(AddNote(text or "(rating only)", "trainer", oid, rating))
                if isinstance(outcome, Refused):
                    self.notify(outcome.reason, severity="warning")
                self._notes = self.driver.host.notes()
                self.refresh_all(False)

        self.app.push_screen(RatingScreen(oid, title), done)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        qid = event.row_key.value
        if event.data_table.id != "decisions" or qid is None:
            return
        q = next((d for d in self.driver.my_decisions() if d.id == qid), None)
        if q is None:  # answered or expired since the table was drawn
            self.refresh_all()
            return
        self._modal_open = True

        def chosen(key: str | None) -> None:
            self._modal_open = False
            if key:
                outcome = self.driver.answer(q, key)
                if isinstance(outcome, Refused):
                    self.notify(outcome.reason, severity="warning")
            self.refresh_all()

        self.app.push_screen(DecisionScreen(q, self.driver.now, self.driver.host.scenario, True), chosen)

    def action_quit_session(self) -> None:
        self.driver.save_progress(force=True)
        self.app.exit()
