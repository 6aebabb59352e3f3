"""The trainer's console: every seat and the ground truth, the MSEL under the trainer's hand,
and evaluators' notes and ratings per objective."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option as ListOption

from sim.api import (
    RATINGS,
    VERDICTS,
    AddInject,
    AddNote,
    Command,
    DecisionView,
    FireInject,
    HoldInject,
    InputError,
    Refused,
    ReleaseInject,
    RescheduleInject,
    RunError,
    ValidateExpectation,
    check_outputs,
    describe,
    is_key,
    render_html,
    write_output_text,
)

from ..commands import screen_hits
from ..text import shown
from ..widgets.decision_table import DecisionTable
from ..widgets.event_log import EventLog
from .clocked import ClockedScreen, clock_state
from .decision import DecisionScreen
from .help import TrainerHelpScreen
from .msel import AdhocInjectScreen, MselTable, RescheduleScreen
from .seat_view import SeatPickerScreen, SeatViewScreen, seat_choices

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


VERDICT_TEXT = {"met": "met", "partly_met": "partly met", "not_met": "not met"}
JOURNAL_TEXT = {"met": "met in time", "late": "done late", "missed": "not done yet", "failed": "failed",
                "not decided": "open", "pending": "open"}


class ValidateScreen(ModalScreen[ValidateExpectation | None]):
    """An evaluator's verdict on an expected action, as an HSEEP exercise evaluation guide records
    it: what is judged (an inject's expected action once it fired, or an objective), a note, and
    met / partly met / not met."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, targets: list[tuple[str, str]], preselect: str | None = None) -> None:
        super().__init__()
        self.targets, self.preselect = targets, preselect

    def compose(self) -> ComposeResult:
        with Vertical(id="decision"):
            yield Label("[b]Validate an expected action[/b] (the evaluator's verdict)")
            yield OptionList(*[ListOption(label, id=key) for key, label in self.targets], id="target")
            yield Input(placeholder="evaluator's note (enter to move on)", id="note")
            yield OptionList(*[ListOption(VERDICT_TEXT[v], id=v) for v in VERDICTS], id="verdict")
            yield Label("enter on a verdict records it · escape: cancel", classes="muted")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = cast("NcbsimApp", self.app).clock  # steady in tests: snapshots
        target = self.query_one("#target", OptionList)
        keys = [k for k, _ in self.targets]
        if self.preselect in keys:
            target.highlighted = keys.index(self.preselect)
        target.focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.query_one("#verdict", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "target":
            self.query_one("#note", Input).focus()
            return
        target = self.query_one("#target", OptionList)
        if target.highlighted is None:
            self.notify("Choose what you are judging first.", severity="warning")
            target.focus()
            return
        key = target.get_option_at_index(target.highlighted).id or ""
        what, _, ref = key.partition(":")
        note = self.query_one("#note", Input).value.strip()
        self.dismiss(ValidateExpectation(event.option.id or "", inject=ref if what == "inject" else None,
                                         objective=ref if what == "objective" else None, note=note))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


# Every trainer command, for the palette and the help: (label, action).
TRAINER_COMMANDS = (
    ("Start or pause the clock", "toggle_clock"),
    ("Faster", "faster"),
    ("Slower", "slower"),
    ("Fire the selected inject now", "fire"),
    ("Hold or release the selected inject", "hold"),
    ("Add an ad-hoc inject, now or at a chosen time", "adhoc"),
    ("Reschedule the selected inject", "reschedule"),
    ("Answer the selected decision as its seat", "answer"),
    ("Note and rate the selected objective (HSEEP)", "rate"),
    ("Validate an expected action by hand (met, partly, not met)", "validate"),
    ("A seat's view: exactly what one seat sees", "seat_view"),
    ("Write the after-action report", "report"),
    ("Help: the trainer's keys and panels", "help"),
    ("Quit (the session is saved)", "quit_session"),
)


class TrainerCommands(Provider):
    async def search(self, query: str) -> Hits:
        screen = self.screen  # the screen the palette was opened over
        if not isinstance(screen, TrainerScreen):
            return
        offered = tuple(c for c in TRAINER_COMMANDS if screen.check_action(c[1], ()))  # (an evaluator's: fewer)
        for hit in screen_hits(self, query, screen, offered):
            yield hit


class TrainerScreen(ClockedScreen):
    STAGGERED = ("msel", "log", "objectives", "decisions")
    EVERY_TICK = ("decisions",)  # their countdowns move with the clock
    # Short words, and the secondary keys only in the help and the palette: at 80 columns the
    # footer must still show ? and q.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_clock", "Clock"),
        Binding("plus,equals_sign", "faster", "Faster", show=False),
        Binding("minus", "slower", "Slower", show=False),
        Binding("f", "fire", "Fire"),
        Binding("h", "hold", "Hold", show=False),
        Binding("a", "adhoc", "Ad-hoc", show=False),
        Binding("t", "reschedule", "Reschedule", show=False),
        Binding("r", "rate", "Rate"),
        Binding("e", "validate", "Validate"),
        Binding("v", "seat_view", "Seat"),
        Binding("R", "report", "Report", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit_session", "Quit"),
    ]
    COMMANDS: ClassVar[set[Any]] = {TrainerCommands}
    # An evaluator's console (an evaluator's token, ncbsim trainer --join): the trainer's views, its
    # notes, ratings and validations; the clock, the injects and answering for a seat stay the
    # trainer's (the server refuses them too). Their keys are hidden and do nothing.
    EVALUATOR_DENIED: ClassVar[frozenset[str]] = frozenset(
        {"toggle_clock", "faster", "slower", "fire", "hold", "adhoc", "reschedule", "answer"})

    @property
    def evaluator(self) -> bool:
        return bool(getattr(self.driver, "evaluator", False))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.evaluator and action in self.EVALUATOR_DENIED)

    def compose(self) -> ComposeResult:
        yield Static(id="clock-bar")
        yield Static(id="end-panel")
        with Horizontal(id="ops"):
            with Vertical(id="ops-left"):
                yield MselTable(id="msel")
                yield EventLog(id="event-log")
            with Vertical(id="ops-right"):
                yield DecisionTable(with_seat=True, id="decisions")
                yield DataTable(id="objectives", cursor_type="row")
                yield Static(id="objective-detail", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#decisions").border_title = "Decisions · enter answers"
        obj = self.query_one("#objectives", DataTable)
        obj.border_title = "Objectives · r rate"
        obj.add_columns("id", "status", "rating", "objective")
        self.query_one("#event-log").border_title = "Ground truth"
        self._notes = self.driver.host.notes()
        self._drawn: tuple[int, int, bool] | None = None  # what the tables were last drawn from
        self._report: str | None = None
        end = self.query_one("#end-panel", Static)
        end.display = False
        self.refresh_all()
        self.start_clock()

    def stop_alert(self, decisions: tuple[DecisionView, ...]) -> str:
        seats = ", ".join(dict.fromkeys(self.driver.name.seat(d.seat) for d in decisions))
        return (f"{seats} must decide, and nobody automates that seat: answer as it (enter on the row in "
                "Decisions), or press space to let the clock run on to the deadline, where the default applies.")

    def refresh_all(self, changed: bool = True) -> None:
        self.clock_bar()
        self._decisions()
        # The MSEL and objectives change only with the journal or the trainer's notes: rebuilding
        # them on every tick of a paused clock kept half a core busy doing nothing.
        if changed or self._stale or self._tables_drawn() != self._drawn:
            self._msel()
            self._objectives()
        if changed or "log" in self._stale:
            self._log()
        self._stale.clear()

    def paint(self, panel: str) -> None:
        {"msel": self._msel, "objectives": self._objectives, "log": self._log, "decisions": self._decisions}[panel]()

    def clock_bar(self) -> None:
        d, host = self.driver, self.driver.host
        state = clock_state(d)  # the speed stays shown while paused, and why it stopped by itself
        if host.finished:
            self._show_end()
        bar = self.query_one("#clock-bar", Static)
        role = "EVALUATOR" if self.evaluator else "TRAINER"
        when, rest = f"{host.utc(d.now):%a %d %b %H:%M} UTC", f" · {state} · {role} · "
        title = host.scenario.title
        room = bar.content_size.width - len(when) - len(rest) if bar.content_size.width else len(title)
        if len(title) > room:  # the title gives way, with an ellipsis: the terminal never cuts the bar
            title = title[:room - 1] + "…" if room > 1 else ""
        bar.update(f"[b]{when}[/b]{rest}{shown(title)}")

    def _decisions(self) -> None:
        self.query_one(DecisionTable).sync(self.driver.my_decisions(), self.driver.now)  # in place: the countdowns

    def _tables_drawn(self) -> tuple[int, int, bool]:
        host = self.driver.host
        return host.event_count(), len(self._notes), host.finished

    def _msel(self) -> None:
        self._drawn = self._tables_drawn()
        self.query_one(MselTable).sync(self.driver.host.msel())

    def _objectives(self) -> None:
        host = self.driver.host
        self._drawn = self._tables_drawn()
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
        self._show_objective()

    def _log(self) -> None:
        log = self.query_one("#event-log", EventLog)
        events = self.driver.host.events(self._logged)
        fresh = [e for e in events if is_key(e)][-30:]  # the latest, not a backlog
        if fresh:  # one write a turn
            log.write("\n".join(f"[dim]{e['t'][5:16].replace('T', ' ')}[/dim] {shown(describe(e))}" for e in fresh))
        self._logged += len(events)

    def _show_objective(self) -> None:
        """The selected objective in full under its table: a narrow panel cuts its title."""
        oid = self._selected("#objectives")
        objective = next((o for o in self.driver.host.scenario.objectives if o.id == oid), None)
        if objective is None:
            return
        rated = [n["rating"] for n in self._notes if n["objective"] == oid and n["rating"]]
        rating = f" · rated {RATING_TEXT[rated[-1]]}" if rated else ""
        status = self.driver.host.objective_status()[objective.id]
        self.query_one("#objective-detail", Static).update(
            f"{shown(objective.id)}: {shown(objective.title)} · {status}{rating}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "objectives":
            self._show_objective()

    def on_resize(self, _event: object) -> None:
        self.call_after_refresh(self.refresh_all, False)  # the clock bar's title fits the new width

    def _show_end(self) -> None:
        """The end of the exercise, said once in a panel and a notification, with the report a key away."""
        panel = self.query_one("#end-panel", Static)
        status = self.driver.host.objective_status()
        met = sum(1 for v in status.values() if v == "met")
        where = f"report written to {self._report}" if self._report else "R: write the after-action report"
        panel.update(f"[b]■ The exercise is over.[/b] {met} of {len(status)} objectives met · {where} · "
                     "v: a seat's view · q: quit (the session is saved)")
        if not panel.display:
            panel.display = True
            self.notify("The exercise is over. Press R for the after-action report.", title="Exercise over",
                        timeout=10)

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
        if self.evaluator:
            self.notify("An evaluator watches the decisions; answering for a seat is the trainer's.")
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

        self.app.push_screen(DecisionScreen(q, self.driver.now, self.driver, True), chosen)

    def action_help(self) -> None:
        self.app.push_screen(TrainerHelpScreen())

    def action_answer(self) -> None:
        """The selected decision, answered as its seat (enter on the Decisions panel does the same)."""
        table = self.query_one("#decisions", DataTable)
        if not table.row_count:
            self.notify("No decision is waiting.")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        table.post_message(DataTable.RowSelected(table, table.cursor_row, key))

    def _validation_targets(self) -> list[tuple[str, str]]:
        host = self.driver.host
        out = []
        for x in host.expectations():
            verdict = JOURNAL_TEXT.get(x["verdict"], x["verdict"])
            action = x["action"].replace("_", " ")
            out.append((f"inject:{x['inject']}", f"{x['inject']}: {x['to']} to {action} (journal: {verdict})"))
        status = host.objective_status()
        for o in host.scenario.objectives:
            verdict = JOURNAL_TEXT.get(status[o.id], status[o.id])
            out.append((f"objective:{o.id}", f"{o.id}: {o.title} (journal: {verdict})"))
        return out

    def action_validate(self) -> None:
        targets = self._validation_targets()
        # What the cursor is on, when it is something to judge: the trainer's eye is there.
        focused = self.focused.id if self.focused is not None else None
        pre = None
        if focused in ("injects", "objectives"):
            row = self._selected(f"#{focused}")
            pre = f"{'inject' if focused == 'injects' else 'objective'}:{row}"
        self._modal_open = True

        def done(command: ValidateExpectation | None) -> None:
            self._modal_open = False
            if command:
                outcome = self.driver.submit(command)
                if isinstance(outcome, Refused):
                    self.notify(outcome.reason, severity="warning")
                else:
                    self.notify(f"Recorded: {VERDICT_TEXT[command.verdict]}"
                                f" ({command.inject or command.objective}).")
            self.refresh_all()

        self.app.push_screen(ValidateScreen([(k, shown(v)) for k, v in targets], pre), done)

    def action_seat_view(self) -> None:
        choices = seat_choices(self.driver)
        labels = dict(choices)
        self._modal_open = True

        def chosen(seat: str | None) -> None:
            if seat is None:
                self._modal_open = False
                return

            def back(_result: object = None) -> None:
                self._modal_open = False

            self.app.push_screen(SeatViewScreen(self.driver, seat, labels[seat]), back)

        self.app.push_screen(SeatPickerScreen(choices), chosen)

    def action_report(self) -> None:
        """Write the after-action report (HTML) beside the session, never over another one."""
        app = cast("NcbsimApp", self.app)
        host = self.driver.host
        session = Path(app.session).resolve() if app.session else None
        folder = session.parent if session else Path.cwd()
        stem = session.stem if session else host.scenario.id
        path, n = folder / f"{stem}-report.html", 2
        while path.exists() or path.is_symlink():
            path, n = folder / f"{stem}-report-{n}.html", n + 1
        inputs = [p for p in (app.scenario_path, app.session) if p]
        try:
            check_outputs([("report", os.fspath(path))], inputs=inputs)
            write_output_text(path, render_html(host.debrief(source="ncbsim trainer")))
        except InputError as e:  # a report that cannot be written says why; the exercise goes on
            self.notify(f"The report could not be written: {'; '.join(p.message for p in e.problems)}",
                        severity="error")
            return
        except (RunError, OSError) as e:
            self.notify(f"The report could not be written: {e}", severity="error")
            return
        self._report = os.path.relpath(path) if path.is_relative_to(Path.cwd()) else os.fspath(path)
        cast("NcbsimApp", self.app).report_written = self._report  # said again on exit, with the session's path
        self.notify(f"After-action report written to {self._report}", title="Report", timeout=15)
        if host.finished:
            self._show_end()

    def action_quit_session(self) -> None:
        self.driver.save_progress(force=True)
        self.app.exit()
