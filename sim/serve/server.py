"""The exercise server: one play host behind a WebSocket, for every seat and the trainer at once.

One process owns the engine and the session file. Each connection opens with a join token, which
decides its seat for the life of the connection; from then on it is sent only that seat's views
(``views.update``) and may give only that seat's commands (the host refuses the rest, as it does
for a single player). The trainer's connection sees everything and owns the clock.

Order and durability: messages are taken one at a time on one event loop, so commands from many
clients apply in the order they arrived, each at the sim instant the clock stands at — the order
the session records and a replay repeats. What a command records waits in memory (the store is
staged) until a writer thread commits it, with everything recorded since the last write, in one
SQLite transaction (synchronous=FULL); the commands arriving during that fsync are applied
meanwhile and go in the next write. A command is acknowledged only once the write holding it has
returned, so an acknowledged command survives the server being killed; a restarted server replays
the session to where it was. The seats' views may show a command's effects a few milliseconds
before its write returns (as they show the clock's events before its progress is saved): after a
crash, a rejoining client is sent its whole view again, as the session has it.

Evaluators: an evaluator's token opens ``evaluator:N``, which is sent the trainer's views (every
seat, the ground truth) and may add notes, HSEEP ratings and validations — recorded as the
trainer's, with the evaluator as their author — but not run the clock, fire, hold or add injects,
nor answer for a seat: those are refused, with the reason.

The wire (JSON text frames):
  client → server   {"type": "hello", "token": T}
                    {"type": "command", "id": N, "command": {...a command's JSON...}}
                    {"type": "clock", "running": true|false, "speed": S}   (the trainer only; S in
                    sim seconds per wall second, or "max")
  server → client   {"type": "welcome", "seat": ..., "role": ..., "name": ..., "briefing": {...}, "protocol": 1}
                    (an evaluator's seat is "trainer", its role "evaluator", its name "evaluator:N")
                    {"type": "refused", "reason": ...}   (then the connection closes)
                    {"type": "state", ...}   (views that changed; the whole state after welcome)
                    {"type": "ack", "id": N, "accepted": bool, "reason"?: ..., "at"?: ...}
                    {"type": "error", "reason": ...}   (a message the server could not take)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from ..engine.longrun import resettle, settle_for_a_session
from ..play.commands import (
    AddInject,
    AddNote,
    Command,
    CommandError,
    DraftRequest,
    ValidateExpectation,
    command_from_json,
    to_json,
)
from ..play.host import Accepted, PlayHost
from ..play.seat_rules import TRAINER
from ..play.wire import to_wire
from .tokens import Tokens, is_evaluator
from .views import Sent, public_briefing, update

PROTOCOL = 1
TICK_S = 0.1  # the clock's step in wall time
ENGINE_BUDGET_S = 0.015  # wall time the engine may take per step (the rest answers the clients)
SAVE_EVERY_S = 2.0  # how often the clock's position is made durable (each save is an fsync)
HELLO_TIMEOUT_S = 10.0
PUSH_DELAY_S = 0.01  # commands arriving within this share one push of the views
PUSH_SLICE_S = 0.005  # a push of the views lets the commands that arrived meanwhile in this often
SEAT_CLOCK_EVERY_S = 0.5  # a seat is told the clock moved at most this often (with nothing else new)
RESETTLE_S = 20.0  # how often what survived is frozen for the session (longrun.resettle)
CLOSE_REFUSED = 4401  # a close code in the application range: the token opened no seat


EVALUATOR_COMMANDS = (AddNote, ValidateExpectation)  # what an evaluator may record: its own judgement


@dataclass(eq=False, slots=True)
class Connection:
    ws: ServerConnection
    name: str  # what the token opened: a seat, the trainer, or evaluator:N
    sent: Sent = field(default_factory=Sent)
    clock_at: float = -math.inf  # when it was last sent the clock (monotonic)
    evaluator: bool = field(init=False)
    # The seat whose views it is sent and whose rights it has: an evaluator's are the trainer's
    # views, with the rights cut down to notes and ratings by the server. (Fields, not properties:
    # every command looks at every connection's.)
    seat: str = field(init=False)

    def __post_init__(self) -> None:
        self.evaluator = is_evaluator(self.name)
        self.seat = TRAINER if self.evaluator else self.name


class ExerciseServer:
    def __init__(self, host: PlayHost, tokens: Tokens, *, log: Callable[[str], None] = print) -> None:
        self.host = host
        self.tokens = tokens
        self.log = log
        self.running = False
        self.speed = 60.0  # sim seconds per wall second (1 min/s), until the trainer sets it
        self.connections: list[Connection] = []
        for seat in tokens.seats:
            if not is_evaluator(seat):
                host.watch(seat)
        self._saved_at = time.monotonic()
        self._resettle_at = time.monotonic() + RESETTLE_S
        self._pending_push: asyncio.TimerHandle | None = None
        self._pushing = asyncio.Lock()  # one push of the views at a time: each connection's in order
        self._unacked: list[tuple[Connection, dict[str, Any]]] = []  # applied, their records not yet written
        self._recorded = asyncio.Event()  # something was recorded (staged) since write_commands last took it

    # --- connections ------------------------------------------------------------------------------
    async def handle(self, ws: ServerConnection) -> None:
        try:
            hello = json.loads(await asyncio.wait_for(ws.recv(), HELLO_TIMEOUT_S))
        except (TimeoutError, ValueError, ConnectionClosed):
            await ws.close(CLOSE_REFUSED, "no hello")
            return
        seat = self.tokens.seat_of(hello.get("token")) if isinstance(hello, dict) and hello.get("type") == "hello" \
            else None
        if seat is None:
            # Said the same way for a forged token, another exercise's, or none: nothing to learn.
            await ws.send(json.dumps({"type": "refused", "reason": "this token opens no seat of this exercise"}))
            await ws.close(CLOSE_REFUSED, "unknown token")
            return
        conn = Connection(ws, seat)
        self.connections.append(conn)
        self.log(f"{seat} joined")
        try:
            await ws.send(json.dumps({"type": "welcome", "seat": conn.seat, "protocol": PROTOCOL,
                                      "role": "evaluator" if conn.evaluator else conn.seat, "name": conn.name,
                                      "briefing": public_briefing(self.host, conn.seat)}))
            await self._push(conn)
            async for raw in ws:
                await self._take(conn, raw)
        except ConnectionClosed:
            pass
        finally:
            self.connections.remove(conn)
            self.log(f"{seat} left")

    async def _take(self, conn: Connection, raw: str | bytes) -> None:
        try:
            msg = json.loads(raw)
        except ValueError:
            await self._send(conn, {"type": "error", "reason": "not JSON"})
            return
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "command":
            await self._command(conn, msg)
        elif kind == "clock":
            await self._clock(conn, msg)
        elif kind == "ask":
            await self._ask(conn, msg)
        else:
            await self._send(conn, {"type": "error", "reason": f"unknown message type {kind!r}"})

    async def _command(self, conn: Connection, msg: dict[str, Any]) -> None:
        # Applied now, in the order the commands arrived from every client; acknowledged by
        # write_commands once what it recorded is durable.
        self._unacked.append((conn, self._apply(conn, msg)))
        self._recorded.set()

    async def write_commands(self, writer: ThreadPoolExecutor) -> None:
        """Make durable what the commands applied since the last write recorded — one transaction,
        on the writer's thread — then acknowledge them. While one write waits for its fsync, the
        commands that arrive meanwhile are applied and staged, to go together in the next: one
        fsync per write instead of per command is what lets many seats at once be acknowledged
        quickly, and the loop is no longer held by the fsync."""
        loop = asyncio.get_running_loop()
        while True:
            await self._recorded.wait()
            self._recorded.clear()
            staged, acks = self.host.take_writes(), self._unacked  # together: the acks of what is staged
            self._unacked = []
            if staged is not None:
                # Shielded: cancelling the server must not cancel a write that was taken and not yet
                # started — the next write's chain would count records that never reached the file.
                await asyncio.shield(loop.run_in_executor(writer, self.host.write, staged))
            for conn in self.connections:  # the notes are read from the file: written now
                if conn.seat == TRAINER:
                    conn.sent.stale = True
            for conn, ack in acks:  # durable now
                await self._send(conn, ack)
            if acks:
                self._push_soon()  # what they changed reaches every seat they concern
            if time.monotonic() >= self._resettle_at:
                resettle()
                self._resettle_at = time.monotonic() + RESETTLE_S

    def _apply(self, conn: Connection, msg: dict[str, Any]) -> dict[str, Any]:
        cid = msg.get("id")
        try:
            command = command_from_json(msg.get("command"))
        except CommandError as e:
            return {"type": "ack", "id": cid, "accepted": False, "reason": str(e)}
        if isinstance(command, EVALUATOR_COMMANDS):
            # Said by whoever the token opened (the trainer, or this evaluator), whatever the client wrote.
            command = dataclasses.replace(command, author=conn.name)
        elif conn.evaluator:
            return {"type": "ack", "id": cid, "accepted": False, "reason": _not_for_evaluators(command)}
        # Recorded in the session before it acts; built by command_from_json just now (only an
        # author put in since), so the host need not check its types again.
        outcome = self.host.submit(conn.seat, command, from_json=True)
        if not isinstance(outcome, Accepted):
            return {"type": "ack", "id": cid, "accepted": False, "reason": outcome.reason}
        for other in self.connections:  # its own views (a draft, a note) may change with no event
            if other.seat in (conn.seat, TRAINER):
                other.sent.stale = True
        return {"type": "ack", "id": cid, "accepted": True, "at": outcome.at}

    async def _ask(self, conn: Connection, msg: dict[str, Any]) -> None:
        """A question a seat's screen asks of its own data (the form it edits, the rules that form
        breaks, an inject's text it received, the debrief once the exercise is over)."""
        what, args = msg.get("what"), msg.get("args")
        try:
            if not isinstance(args, dict):
                raise TypeError("args: expected an object")
            if conn.evaluator and what == "adhoc_problems":
                raise ValueError("an evaluator does not add injects: the trainer does")
            value = self._answer(conn.seat, what, args)
        except (CommandError, KeyError, TypeError, ValueError) as e:
            await self._send(conn, {"type": "answer", "id": msg.get("id"), "error": str(e)})
            return
        await self._send(conn, {"type": "answer", "id": msg.get("id"), "value": value})

    def _answer(self, seat: str, what: object, args: dict[str, Any]) -> Any:
        host = self.host
        if what == "form_for":
            return to_json(host.form_for(seat, str(args["request"]), str(args.get("notice_kind", "red"))))
        if what == "check_form":
            draft = command_from_json(args["draft"])
            if not isinstance(draft, DraftRequest):
                raise ValueError("check_form: expected a draft_request")
            return list(host.check_form(seat, draft))
        if what == "request_form":
            return host.request_form(seat, str(args["request"]))
        if what == "request_checks":
            return host.request_checks(seat, str(args["request"]))
        if what == "inject_text":
            inject = str(args["inject"])
            # Only the text of an inject that reached this seat: the MSEL to come is the trainer's.
            if seat != TRAINER and not any(e.get("inject") == inject for _, e in host.seen(seat)):
                raise ValueError(f"no inject {inject!r} reached {seat}")
            return host.inject_text(inject)
        if what == "seat_view":  # the trainer's look at one seat's screen
            if seat != TRAINER:
                raise ValueError("only the trainer looks at another seat's view")
            other = str(args["seat"])
            if not host.is_seat(other):
                raise ValueError(f"no seat {other!r} in this exercise")
            host.watch(other)
            return {"inbox": to_wire(host.inbox(other)), "seen": to_wire(host.seen(other)),
                    "decisions": to_wire(host.open_decisions(other))}
        if what == "adhoc_problems":
            if seat != TRAINER:
                raise ValueError("only the trainer adds injects")
            command = command_from_json(args["command"])
            if not isinstance(command, AddInject):
                raise ValueError("adhoc_problems: expected an add_inject")
            return dict(host.adhoc_problems(command))
        if what == "debrief":
            if seat != TRAINER and not host.finished:
                raise ValueError("the debrief comes when the exercise is over")
            return host.debrief(source=str(args.get("source", "ncbsim serve")))
        raise ValueError(f"unknown question {what!r}")

    async def _clock(self, conn: Connection, msg: dict[str, Any]) -> None:
        if conn.seat != TRAINER or conn.evaluator:
            await self._send(conn, {"type": "error", "reason": "the clock is the trainer's"})
            return
        if "running" in msg:
            self.running = bool(msg["running"])
        speed = msg.get("speed")
        if speed == "max":
            self.speed = math.inf
        elif isinstance(speed, (int, float)) and not isinstance(speed, bool) and speed > 0:
            self.speed = float(speed)
        elif speed is not None:
            await self._send(conn, {"type": "error", "reason": "speed: sim seconds per wall second, above 0, or max"})
        await self.push_all()

    # --- pushing views ----------------------------------------------------------------------------
    async def _send(self, conn: Connection, msg: dict[str, Any]) -> None:
        with contextlib.suppress(ConnectionClosed):  # its handler sees the close and lets it go
            await conn.ws.send(json.dumps(msg))

    async def _push(self, conn: Connection) -> None:
        at = time.monotonic()
        due = conn.seat == TRAINER or at - conn.clock_at >= SEAT_CLOCK_EVERY_S
        msg = update(self.host, conn.seat, conn.sent, (self.running, self.speed), due)
        if msg is not None:
            if "clock" in msg:
                conn.clock_at = at
            await self._send(conn, msg)

    async def push_all(self) -> None:
        """Bring every connection up to date, one at a time, letting the loop run between them:
        an acknowledgement never waits behind every seat's views being built and sent."""
        self._pending_push = None
        async with self._pushing:
            slice_end = time.monotonic() + PUSH_SLICE_S
            for conn in list(self.connections):
                if conn in self.connections:  # (it may have left while the others were pushed)
                    await self._push(conn)
                if time.monotonic() >= slice_end:  # not after each: every turn of the loop costs a poll
                    await asyncio.sleep(0)
                    slice_end = time.monotonic() + PUSH_SLICE_S

    def _push_soon(self) -> None:
        """Push once the commands waiting now are taken: many at once share one push (each push
        looks at every seat), and no acknowledgement waits for one."""
        if self._pending_push is None:
            self._pending_push = asyncio.get_running_loop().call_later(
                PUSH_DELAY_S, lambda: asyncio.ensure_future(self.push_all()))

    # --- the clock --------------------------------------------------------------------------------
    def step(self, wall_s: float) -> None:
        """Move the engine as the trainer's clock says, for about one tick's budget."""
        host = self.host
        if not self.running or host.finished:
            return
        target = host.duration if math.isinf(self.speed) else host.now + wall_s * self.speed / 60.0
        host.advance(target, ENGINE_BUDGET_S)
        if host.finished:
            self.running = False
        if host.finished or time.monotonic() - self._saved_at >= SAVE_EVERY_S:
            host.save_progress()
            self._saved_at = time.monotonic()

    async def run_clock(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(TICK_S)
            now = time.monotonic()
            self.step(now - last)
            last = now
            self._recorded.set()  # the clock's progress, and any decision left to expire, are written
            await self.push_all()

    async def serve(self, host: str, port: int, ready: Callable[[int], None] | None = None) -> None:
        """Serve until cancelled; ``ready`` is told the port once it listens (0 asks for a free one)."""
        # No compression: the views go out as changes, small, many times a second to every seat,
        # and deflating each was a third of a busy server's time.
        # Young collections every 2,000 allocations: a few ms each, where the 10,000 a TUI uses cost
        # 10-15 ms and the middle generation's 100+ ms, pauses that every seat in flight waits for.
        # No full collection by itself: what survives is frozen every RESETTLE_S anyway, and on
        # the 50-seat load a full one collected nothing and paused every seat 40-130 ms.
        settle_for_a_session(young=2_000, full=False)
        async with serve(self.handle, host, port, max_size=2 ** 20, compression=None) as server:
            bound = next(iter(server.sockets)).getsockname()[1]
            if ready is not None:
                ready(bound)
            # What the session records waits in memory until write_commands writes it on this
            # thread: nothing is acknowledged before its write has returned.
            self.host.stage_writes()
            writer = ThreadPoolExecutor(1, thread_name_prefix="session-writer")
            workers = [asyncio.create_task(self.run_clock()), asyncio.create_task(self.write_commands(writer))]
            try:
                await asyncio.gather(*workers)  # until cancelled (or one of them fails: the server stops)
            finally:
                for w in workers:
                    w.cancel()
                writer.shutdown(wait=True)  # a write under way ends (its commands stay unacknowledged)
                try:
                    self.host.save_progress()
                    staged = self.host.take_writes()
                    if staged is not None:
                        self.host.write(staged)
                finally:
                    self.host.unstage_writes()


def _not_for_evaluators(command: Command) -> str:
    return (f"an evaluator adds notes, ratings and validations; {command.kind.replace('_', ' ')} is the trainer's "
            "(the clock, the injects, and answering for a seat)")
