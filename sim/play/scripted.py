"""A scripted policy's commands: given at their set times, checked by the same rules as a person's
command at a seat, and applied by the same code — so headless runs, batches and what-ifs test
the paths people use.

Nothing here is recorded in a session: the script is (sealed in the session's setup), and a
replay gives the same commands at the same instants. A command the rules refuse is not an error
of the run: it is journalled as ``command.refused`` with the reason, as a person would be told.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..durations import minutes
from .commands import (
    SEAT_COMMANDS,
    AddNote,
    AnswerDecision,
    Command,
    ValidateExpectation,
    command_from_json,
    control_payload,
)
from .seat_rules import answer_refusal, control_refusal, is_seat, refusal

if TYPE_CHECKING:
    from ..decisions.script import ScriptedCommand
    from ..engine.exercise import Exercise
    from ..engine.journal import Event

BY = "policy"


class _Inbox:
    """Which messages have reached one office by now: what a seat could reply to, forward or open."""

    def __init__(self, ex: Exercise, office: str) -> None:
        self.ex, self.office = ex, office
        self._arrivals: dict[int, float] = {}  # msg -> sim minute it reaches the office

    def __call__(self, e: Event) -> None:
        if e["kind"] == "message.sent" and e.get("to") == self.office:
            self._arrivals[e["msg"]] = self.ex.env.now + e.get("latency_min", 0.0)

    def inbox_ids(self) -> frozenset[int]:
        now = self.ex.env.now
        return frozenset(m for m, t in self._arrivals.items() if t <= now)


class ScriptedCommands:
    def __init__(self, ex: Exercise, entries: Sequence[ScriptedCommand], at: Any) -> None:
        """``at(minute, action)`` schedules an action behind everything else due then (as a
        person's command would be)."""
        self.ex = ex
        self._inboxes: dict[str, _Inbox] = {}
        for entry in entries:
            command = command_from_json(entry.command)
            if isinstance(command, SEAT_COMMANDS) and entry.seat not in self._inboxes:
                inbox = _Inbox(ex, entry.seat.partition(":")[2] or "GS")
                self._inboxes[entry.seat] = inbox
                ex.journal.listen(inbox, kinds=("message.sent",))
            at(minutes(entry.at), lambda seat=entry.seat, c=command: self.give(seat, c))

    def give(self, seat: str, command: Command) -> None:
        ex = self.ex
        reason = self._refusal(seat, command)
        if reason is not None:
            ex.journal.emit(ex.env.now, "command.refused", seat, seat=seat, command=command.kind, reason=reason,
                            by=BY)
            return
        if isinstance(command, SEAT_COMMANDS):
            ex.acts.apply(seat, command.to_json(), by=BY)
        elif isinstance(command, AnswerDecision):
            ex.port.answer(command.decision, command.option, by="policy:scripted")
        elif not isinstance(command, AddNote | ValidateExpectation):
            with ex.journal.cause(BY):
                ex.injects.control(control_payload(command))

    def _refusal(self, seat: str, command: Command) -> str | None:
        ex = self.ex
        if not is_seat(ex, seat):
            return f"'{seat}' is not a seat of this exercise"
        if ex.finished:
            return "the exercise has ended"
        if isinstance(command, SEAT_COMMANDS):
            return refusal(ex, self._inboxes[seat], seat, command)
        if isinstance(command, AnswerDecision):
            return answer_refusal(ex, seat, command)
        if isinstance(command, AddNote):
            return "an evaluator's note belongs to a session, not to a script"
        if isinstance(command, ValidateExpectation):
            return "an evaluator's verdict is a person's judgement, not a script's"
        return control_refusal(ex, command)
