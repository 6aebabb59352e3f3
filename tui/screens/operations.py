"""The operations screen: clock, inbox, decisions, event log, map, and the selected item."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Static

from sim.api import InboxItem, Refused, all_members, describe, is_key, local_time, sentence_start
from sim.play.commands import DraftRequest

from ..driver import Driver
from ..messages import ExerciseEnded
from ..text import shown
from ..widgets.decision_table import DecisionTable
from ..widgets.event_log import EventLog
from ..widgets.inbox_table import InboxTable
from ..widgets.world_map import WorldMap
from ..wording import Namer, decision_line, message_text, message_type, when
from .arrest_request import ProvisionalArrestScreen
from .board import BoardScreen, what
from .clocked import ClockedScreen, clock_state
from .compose import ComposeScreen, Draft
from .decision import OPEN_FORM, DecisionScreen
from .help import HelpScreen, WatchHelpScreen
from .message import EDIT_REQUEST, MessageScreen
from .request_form import RequestFormScreen
from .stop_payment import StopPaymentScreen

PRIORITY_MARK = {"urgent": "!!", "high": "!", "routine": ""}
INBOX_LEGEND = "● unread · !! urgent · ! high"
WATCHED_LEGEND = "!! urgent · ! high"  # the trainer reads at no seat: nothing is unread there
# A seat's own work: the trainer, watching from the desk's screen, has none of it (the host
# would refuse each), so its keys are neither shown nor taken there.
SEATS_WORK = frozenset({"compose", "new_request", "provisional_arrest", "stop_payment"})
LOG_LINES_PER_TICK = 30
STAGGERED = ("inbox", "log", "decisions", "map")  # the panels that take turns while the clock runs


class OperationsScreen(ClockedScreen):
    STAGGERED = STAGGERED
    EVERY_TICK = ("decisions",)  # their countdowns move with the clock
    # Short words, and +/- and p only in the help (p is also on the case board's footer): at 80
    # columns every other key of the desk must show.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_clock", "Clock"),
        Binding("plus,equals_sign", "faster", "Faster", show=False),
        Binding("minus", "slower", "Slower", show=False),
        Binding("n", "next_event", "Next"),
        Binding("d", "open_decision", "Decide"),
        Binding("m", "compose", "Write"),
        Binding("r", "new_request", "Request"),
        Binding("p", "provisional_arrest", "Arrest", show=False),
        Binding("s", "stop_payment", "Stop payment", show=False),  # package D
        Binding("b", "board", "Board"),
        Binding("c", "case_file", "Case file"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit_session", "Quit"),
    ]

    def __init__(self, driver: Driver, clock: bool = True) -> None:
        super().__init__(driver, clock)
        self._inbox_drawn = -1
        self._bar_lines = 0  # the clock bar's height as last drawn
        self._prompts: dict[str, str] = {}  # decision id -> its question, for the log's lines

    def compose(self) -> ComposeResult:
        yield Static(id="clock-bar")
        with Horizontal(id="ops"):
            with Vertical(id="ops-left"):
                yield InboxTable(watched_cells if self.driver.watching else inbox_cells, id="inbox")
                yield EventLog(id="event-log")
            with Vertical(id="ops-right"):
                yield DecisionTable(id="decisions")
                yield Static(id="detail")
                yield WorldMap(self.driver.seat.partition(":")[2] or None, id="world-map")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p still opens it (see help)

    def on_mount(self) -> None:
        inbox = self.query_one("#inbox", InboxTable)
        # The trainer's seat reads the General Secretariat's inbox (SeatTracker.home).
        inbox.border_title = "I-24/7 inbox, General Secretariat" if self.driver.watching else "I-24/7 inbox"
        inbox.border_subtitle = WATCHED_LEGEND if self.driver.watching else INBOX_LEGEND
        self.query_one("#decisions").border_title = "Decisions waiting"
        self.query_one("#event-log").border_title = "What happens" if self.driver.watching else "What you know"
        self.query_one("#detail").border_title = "Selected"
        self.query_one("#world-map").border_title = "NCB network"
        self.query_one("#world-map").border_subtitle = (WorldMap.WATCHED_LEGEND if self.driver.watching
                                                        else WorldMap.LEGEND)
        self.refresh_all()
        self.start_clock()

    def after_tick(self) -> None:
        if self.driver.host.finished:
            self._debrief()

    def _debrief(self) -> None:
        self.app.clear_notifications()  # what the clock said before the end is not the debrief's news
        self.post_message(ExerciseEnded())

    def refresh_all(self, changed: bool = True) -> None:
        self.clock_bar()
        if changed or self._stale:
            self._inbox()
            self._log()
            self._map()
            self.news()
        self._decisions()
        self._stale.clear()

    def paint(self, panel: str) -> None:
        {"inbox": self._inbox, "log": self._log, "decisions": self._decisions, "map": self._map}[panel]()

    def news(self) -> None:
        """Tell the person when something they did has a consequence (a case on the board moved)."""
        name = self.driver.name
        for row, lines in self.driver.board_news():
            about = f" on {name.subject(row.subject)}" if row.subject else ""
            self.app.notify(shown(name.engine(lines[-1])), title=f"{what(row)} {row.ref}{about}", timeout=8)

    def clock_bar(self) -> None:
        d, host = self.driver, self.driver.host
        utc = host.utc(d.now)
        local = ""
        country = d.seat.partition(":")[2]
        if country in all_members():
            m = all_members()[country]
            local = f" · {m.ncb_city} {host.local(d.now, m.timezone):%a %H:%M}"
        day, days = d.day()
        waiting = len(d.my_decisions())
        told = "waits for you" in d.pause_reason
        room = 2 * (self.size.width - 2) - 4  # two lines, less what a wrap loses at word ends

        def bar(state: str) -> str:
            # Most urgent first; the exercise's title only when it fits.
            return (f"[b]{utc:%a %d %b %H:%M} UTC[/b]{local} · {shown(state)}"
                    + (f" · [reverse] {waiting} decision(s) waiting [/reverse]" if waiting and not told else "")
                    + f" · day {day} of {days} · {shown(d.name.seat(d.seat))}")

        line = bar(clock_state(d))
        over = len(Text.from_markup(line).plain) - room
        if over > 0 and d.pause_reason and self.size.width:
            # A long reason to pause (the news that stopped the clock) gives way, so the day and the
            # seat stay on the bar: the log below shows the news whole.
            line = bar(clock_state(d, reason_room=len(d.pause_reason) - over))
        title = f" · {shown(host.scenario.title)}"
        fits = len(Text.from_markup(line + title).plain) <= room
        text = line + (title if fits or not self.size.width else "")
        # A new layout of the whole screen only when the bar's height changes (one line or two):
        # the time in it changes every tick, and at maximum speed a layout per tick was a third
        # of the tick's drawing.
        lines = 1 if Text.from_markup(text).cell_len <= self.size.width - 2 else 2
        self.query_one("#clock-bar", Static).update(text, layout=lines != self._bar_lines)
        self._bar_lines = lines

    def on_resize(self, event: events.Resize) -> None:
        # Once the panels have their new sizes (the inbox refits its own text to its width).
        self.call_after_refresh(self.clock_bar)

    def _inbox(self) -> None:
        if self._inbox_drawn == self.driver.inbox_version:
            return
        self._inbox_drawn = self.driver.inbox_version
        self.query_one("#inbox", InboxTable).show(self.driver.inbox(), self.driver.name)

    def _decisions(self) -> None:
        self.query_one(DecisionTable).sync(self.driver.my_decisions(), self.driver.now, self.driver.name.engine)

    def _log(self) -> None:
        log = self.query_one("#event-log", EventLog)
        items = self.driver.seen(self._logged)
        fresh = [(since, e) for since, e in items
                 if is_key(e) or (e["kind"] == "message.sent" and e.get("inject"))]
        # While the clock runs the log shows the latest, not a backlog: no more than its panel
        # shows at once (each line takes a row or more), the rest said in one line. Paused, or
        # before the panel has a size (a resumed session's first draw), it keeps up to the
        # backlog's cap.
        most = LOG_LINES_PER_TICK
        rows = log.scrollable_content_region.height
        if not self.driver.paused and rows > 1:
            most = min(most, rows - 1)
        lines = []
        if len(fresh) > most:
            fresh, dropped = fresh[-most:], len(fresh) - most
            lines.append(f"[dim]… {dropped} earlier events not shown[/dim]")
        for _since, e in items:  # every question, so a later answer in the log can say what it was
            if e["kind"] == "decision.requested":
                self._prompts[str(e["decision"])] = str(e.get("prompt", ""))
        lines += (log_line(since, e, self.driver, self._prompts) for since, e in fresh)
        if lines:  # one write a turn, scrolled to its end at once
            log.write("\n".join(lines))
        self._logged += len(items)

    def _map(self) -> None:
        self.query_one(WorldMap).set_partners(self.driver.partners)

    # --- actions ----------------------------------------------------------------------------
    def action_next_event(self) -> None:
        if self._trainers_clock():
            return
        outcome = self.driver.jump_to_next_event()
        if outcome == "waiting":
            self.notify("A decision is waiting: press d to decide, or space to let the clock run on "
                        "(at its deadline the default applies); n jumps once none waits.")
            return
        self._last = time.monotonic()
        self.refresh_all()
        if outcome == "none":
            self.notify(f"{self.driver.pause_reason[0].upper()}{self.driver.pause_reason[1:]}.", title="Next")
        if self.driver.host.finished:
            self._debrief()

    def action_case_file(self) -> None:
        files = self.driver.case_file()
        if not files:
            text = "No subject has come to your knowledge yet."
        else:
            parts = []
            for f in files:
                head = f"[b]{shown(f.name)}[/b]" + (f", born {f.born}" if f.born else "") + (
                    f", {shown(f.nationality)}" if f.nationality else "")
                facts = [f"  {since[5:16].replace('T', ' ')} {shown(self.driver.name.engine(describe(e)))}"
                         for since, e in f.facts[-6:]]
                parts.append("\n".join([head] + facts))
            text = "\n\n".join(parts)
        detail = self.query_one("#detail", Static)
        detail.border_title = "Case file"
        detail.update(text)

    def action_quit_session(self) -> None:
        self.driver.save_progress(force=True)
        self.app.exit()  # the app's session_note says where the session is and how to resume it

    def action_open_decision(self, decision_id: str | None = None) -> None:
        waiting = self.driver.my_decisions()
        if not waiting:
            self.notify("No decision is waiting." if self.driver.watching else "No decision is waiting for you.")
            return
        q = next((d for d in waiting if d.id == decision_id), waiting[0])
        hints = next((p.hints for p in self.driver.host.scenario.players if p.seat == self.driver.seat), True)
        self._modal_open = True

        def chosen(key: str | None) -> None:
            self._modal_open = False
            self._last = time.monotonic()
            if key is None:
                return
            if key == OPEN_FORM:
                self.open_form(self.driver.form_for(str(q.context.get("request", "")),
                                                    str(q.context.get("notice_kind", "red"))))
                return
            outcome = self.driver.answer(q, key)
            if isinstance(outcome, Refused):  # e.g. the deadline passed while the dialog was open
                self.notify(outcome.reason, severity="warning")
            self.refresh_all()

        self.app.push_screen(DecisionScreen(q, self.driver.now, self.driver, hints, self.driver.name), chosen)

    def _hints(self) -> bool:
        return next((p.hints for p in self.driver.host.scenario.players if p.seat == self.driver.seat), True)

    def _dialog(self, screen, then=None) -> None:
        """Push a dialog; the clock holds still while it is open (as for a decision)."""
        self._modal_open = True

        def closed(result) -> None:
            self._modal_open = False
            self._last = time.monotonic()
            self.refresh_all()
            if then is not None:
                then(result)

        self.app.push_screen(screen, closed)

    def open_compose(self, draft: Draft) -> None:
        self._dialog(ComposeScreen(self.driver, draft))

    def open_form(self, form: DraftRequest) -> None:
        if not self.driver.seat.startswith("ncb:"):
            self.notify("Only an NCB requests notices and diffusions.", severity="warning")
            return
        self._dialog(RequestFormScreen(self.driver, form, self._hints()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.driver.watching and action in SEATS_WORK)

    def action_help(self) -> None:
        self.app.push_screen(WatchHelpScreen() if self.driver.watching else HelpScreen())

    def action_compose(self) -> None:
        self.open_compose(Draft())

    def action_new_request(self) -> None:
        self.open_form(DraftRequest(self.driver.new_reference("red"), "red"))

    def action_provisional_arrest(self) -> None:
        if not self.driver.seat.startswith("ncb:"):
            self.notify("Only an NCB asks another to arrest a person.", severity="warning")
            return
        self._dialog(ProvisionalArrestScreen(self.driver))

    def action_stop_payment(self) -> None:
        if not self.driver.seat.startswith("ncb:"):
            self.notify("Only an NCB asks another for a stop payment.", severity="warning")
            return
        if not self.driver.transfers():
            self.notify("No fraudulent transfer has been reported to your NCB yet.", severity="warning")
            return
        self._dialog(StopPaymentScreen(self.driver))

    def action_board(self) -> None:
        self.app.push_screen(BoardScreen(self.driver, self))

    def open_message(self, msg: int) -> None:
        item = next((r for r in self.driver.inbox() if r.msg == msg), None)
        if item is None:
            return
        self.driver.read(item)

        def then(result) -> None:
            if result is None:
                return
            action, payload = result
            if action == EDIT_REQUEST:
                mine = {r.request for r in self.driver.requests()}
                if payload not in mine:
                    self.notify(f"Request {payload} is not one of yours.", severity="warning")
                    return
                self.open_form(self.driver.form_for(payload))
            else:
                self.open_compose(payload)

        self._dialog(MessageScreen(self.driver, item), then)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "decisions":
            self.action_open_decision(event.row_key.value)

    def on_inbox_table_selected(self, event: InboxTable.Selected) -> None:
        self.open_message(event.item.msg)


def inbox_cells(r: InboxItem, name: Namer, room: int) -> tuple[str, str]:
    """An inbox row as the operations screen and the trainer's seat view show it: the mark, then
    two lines with no ids — when and from whom, and what it says in the width there is."""
    text = " ".join((r.subject or name(message_text(r, name, name.sender(r.sender)))).split())
    label = message_type(r.type)
    # A text that already says what it is ("Request for information about …") needs no label.
    what = text if text.lower().startswith(label.lower()) or r.type in ("inject", "message") else (
        f"{sentence_start(label)}: {text}")
    head = f"{when(r.since)[4:-4]} · {name.sender(r.sender)}"
    return (("" if r.read else "●") + PRIORITY_MARK[r.priority],
            shown(_cut(head, room)) + "\n" + shown(_cut(what, room)))


def watched_cells(r: InboxItem, name: Namer, room: int) -> tuple[str, str]:
    """An inbox row on the trainer's desk screen: no unread mark (the trainer reads at no seat)."""
    mark, lines = inbox_cells(r, name, room)
    return mark.removeprefix("●"), lines


def log_line(since: str, e: Mapping[str, Any], driver: Driver, prompts: dict[str, str]) -> str:
    """One line of what a seat knows: an inject's message shows what it says; every other event
    (the person's own messages too) is described, a decision by its question."""
    name = driver.name
    if e["kind"] == "message.sent" and e.get("inject"):
        said = driver.inject_text(e["inject"])
        text = f"Message from {name.sender(str(e['from']))}: {said[:280] + '…' if len(said) > 280 else said}"
    else:
        text = name.engine(decision_line(e, prompts) or describe(e))
    # What was already so at the start says when it really happened itself; the actor's wall
    # clock at the start would only add a second bracket.
    lt = None if e.get("since") else local_time(e)
    return f"[dim]{when(since)[4:-4]}[/dim] {shown(text)}" + (f" [dim]({lt} local)[/dim]" if lt else "")


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[:room - 1] + "…"
