"""The MSEL under the trainer's hand: the table of injects (due time, sender and recipient, text,
expected action and its deadline, status in words) with a detail line for the selected row, the
ad-hoc inject form and the reschedule form.

Times in the forms are written as the table shows them: ``now``, ``in 2h`` (from now) or
``at 1d 6h`` / ``at 1d 06:00`` (after the exercise start, like the due column). A form never
throws away what was typed: what is wrong is said in words next to its field, and a command the
host refuses leaves the form open with the reason.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from sim.api import AddInject, InjectRow, Refused, RescheduleInject, format_minutes, parse_duration

from ..text import shown

if TYPE_CHECKING:
    from ..app import NcbsimApp
    from ..driver import Driver

TIME_HELP = "now · in 2h (from now) · at 1d 6h or at 1d 06:00 (after the start, as in the due column)"
TEXT_WIDTH = 24


def parse_when(text: str, now: float) -> float | None:
    """Minutes after the start for ``now``, ``in DUR`` or ``at DUR`` (DUR may end in HH:MM); None
    for now. ValueError says what to write instead."""
    s = text.strip().lower()
    if s in ("", "now"):
        return None
    word, _, rest = s.partition(" ")
    if word not in ("in", "at"):
        word, rest = "in", s  # a bare duration counts from now
    rest = re.sub(r"(\d{1,2}):(\d{2})$", r"\1h\2m", rest.strip())
    try:
        m = parse_duration(rest).total_seconds() / 60
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a time; write {TIME_HELP}") from None
    return now + m if word == "in" else m


def expectation(row: InjectRow) -> str:
    if not row.expect:
        return ""
    return row.expect + (f", by {row.deadline}" if row.deadline else "")


class MselTable(Vertical):
    """The MSEL: one row per inject (the ad-hoc ones too), and the selected one in full below."""

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(id="injects", cursor_type="row")
        table.border_title = "MSEL · f fire · h hold · t move · a add"
        yield table
        yield Static(id="msel-detail", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#injects", DataTable).add_columns("id", "due", "status", "from → to", "expects", "text")
        self._rows: dict[str, InjectRow] = {}

    def sync(self, rows: tuple[InjectRow, ...]) -> None:
        table = self.query_one("#injects", DataTable)
        at = table.cursor_row
        table.clear()
        self._rows = {r.id: r for r in rows}
        for r in rows:
            text = " ".join(r.text.split())
            short = text if len(text) <= TEXT_WIDTH else text[:TEXT_WIDTH - 1] + "…"
            table.add_row(shown(r.id), shown(r.due), shown(r.status_text or r.status), shown(f"{r.sender[:12]} → {r.to}"),
                          shown(expectation(r)), shown(short), key=r.id)
        table.move_cursor(row=min(at, max(0, table.row_count - 1)))
        self.show_detail()

    def selected(self) -> InjectRow | None:
        table = self.query_one("#injects", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._rows.get(key or "")

    def show_detail(self) -> None:
        r = self.selected()
        detail = self.query_one("#msel-detail", Static)
        if r is None:
            detail.update("")
            return
        facts = [f"{r.id}{' (ad hoc)' if r.adhoc else ''}: {r.sender} → {r.to}, {r.priority}, due {r.due}",
                 r.status_text or r.status]
        if r.expect:
            facts.append(f"expects: {expectation(r)}")
        if r.condition:
            facts.append(r.condition)
        detail.update(shown(" · ".join(facts)) + "\n" + shown(" ".join(r.text.split())))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_detail()


def _blink_off(screen: ModalScreen) -> None:
    for field in screen.query(Input):
        field.cursor_blink = cast("NcbsimApp", screen.app).clock  # no blinking in tests: snapshots must be stable


class AdhocInjectScreen(ModalScreen[AddInject | None]):
    """An inject that was never written, as any sender, now or at a chosen time. Enter in the last
    field checks it: what is wrong is shown under its field, with everything typed kept."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel")]
    FIELDS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("id", "e.g. X1"),
        ("to", "the receiving NCB's ISO code, e.g. FR"),
        ("from", "an NCB's code (ES), GS, or a national body in words"),
        ("priority", "routine, high or urgent (default routine)"),
        ("when", TIME_HELP),
        ("text", "the message, as the receiving officer reads it"),
    )

    def __init__(self, driver: Driver | None = None) -> None:
        super().__init__()
        self.driver = driver

    def compose(self) -> ComposeResult:
        with Vertical(id="decision"):
            yield Label("[b]Ad-hoc inject[/b] — now or at a chosen time")
            for name, placeholder in self.FIELDS:
                yield Horizontal(Label(name, classes="field-label"), Input(placeholder=placeholder, compact=True, id=name),
                                 classes="field-row")
                yield Label("", id=f"{name}-problem", classes="field-problem")
            yield Label("", id="adhoc-status", classes="dialog-status")
            yield Label("enter moves on; enter in the message adds it · escape: cancel", classes="muted")

    def on_mount(self) -> None:
        _blink_off(self)
        for label in self.query(".field-problem"):
            label.display = False
        if self.driver is not None:
            taken = {r.id for r in self.driver.host.msel()}
            self.query_one("#id", Input).value = next(f"X{n}" for n in range(1, 10_000) if f"X{n}" not in taken)
        self.query_one("#to", Input).focus()

    def command(self) -> tuple[AddInject | None, dict[str, str]]:
        """The command the fields make, or the problems found before it could be built."""
        v = {i.id: i.value.strip() for i in self.query(Input) if i.id}
        problems: dict[str, str] = {}
        to = v["to"].upper() if re.fullmatch(r"[A-Za-z]{2}", v["to"]) else v["to"]
        sender = v["from"].upper() if re.fullmatch(r"[A-Za-z]{2}", v["from"]) else v["from"]
        at = None
        if self.driver is not None:
            try:
                at = parse_when(v["when"], self.driver.now)
            except ValueError as e:
                problems["when"] = str(e)
        command = AddInject(id=v["id"], to=to, text=v["text"], priority=v["priority"].lower() or "routine",
                            from_=sender or None, at=at)
        return command, problems

    def _show(self, problems: dict[str, str], status: str = "") -> None:
        for name, _ in self.FIELDS:
            label = self.query_one(f"#{name}-problem", Label)
            label.update(shown(problems.get(name, "")))
            label.display = name in problems  # an empty line per field would not fit 80×24
        self.query_one("#adhoc-status", Label).update(shown(status))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "text":
            self.focus_next()
            return
        command, problems = self.command()
        if self.driver is None:
            self.dismiss(command)
            return
        assert command is not None
        problems = {**{("when" if k == "due" else k): m for k, m in self.driver.host.adhoc_problems(command).items()},
                    **problems}
        if problems:
            self._show(problems, "not added: see the fields above")
            first = next(name for name, _ in self.FIELDS if name in problems)
            self.query_one(f"#{first}", Input).focus()
            return
        outcome = self.driver.submit(command)
        if isinstance(outcome, Refused):
            self._show({}, f"not added: {outcome.reason}")
            return
        self.dismiss(command)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class RescheduleScreen(ModalScreen[RescheduleInject | None]):
    """Move one inject to another time; a time past, or an inject that has fired, is refused in
    words and the form stays open."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, driver: Driver, row: InjectRow) -> None:
        super().__init__()
        self.driver, self.row = driver, row

    def compose(self) -> ComposeResult:
        r = self.row
        with Vertical(id="decision"):
            yield Label(f"[b]Reschedule {shown(r.id)}[/b] — due {shown(r.due)}, {shown(r.status_text or r.status)}; "
                        f"it is now {format_minutes(self.driver.now)} after the start")
            yield Label(shown(" ".join(r.text.split())[:200]), classes="muted")
            yield Horizontal(Label("when", classes="field-label"), Input(placeholder=TIME_HELP, compact=True, id="when"),
                             classes="field-row")
            yield Label("", id="when-problem", classes="field-problem")
            yield Label("enter moves it · escape: cancel", classes="muted")

    def on_mount(self) -> None:
        _blink_off(self)
        self.query_one("#when", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self.query_one("#when-problem", Label)
        try:
            at = parse_when(event.value, self.driver.now)
        except ValueError as e:
            problem.update(shown(str(e)))
            return
        command = RescheduleInject(self.row.id, self.driver.now if at is None else at)
        outcome = self.driver.submit(command)
        if isinstance(outcome, Refused):
            problem.update(shown(f"not moved: {outcome.reason}"))
            return
        self.dismiss(command)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
