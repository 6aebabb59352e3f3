"""A connection to an exercise server, for one seat: its views kept as the server sends them.

``SeatClient`` joins with a token, keeps the seat's state (decoded views, the clock, what the
seat has learnt in order) and submits commands, each answered by the server's acknowledgement.
The TUI's remote host and the load benchmark are built on it; tests drive the server with it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from ..play.commands import Command, to_json
from ..play.views import ArrestCaseView, BoardRow, CaseFile, DecisionView, InboxItem, InjectRow, RequestView
from ..play.wire import from_wire

VIEWS: dict[str, type] = {"decisions": DecisionView, "awaiting_people": DecisionView, "inbox": InboxItem,
                          "requests": RequestView, "board": BoardRow, "case_files": CaseFile,
                          "arrest_cases": ArrestCaseView, "msel": InjectRow}


class Refused(Exception):
    """The server would not open a seat for this token."""


class AskError(Exception):
    """The server would not answer the question (it is not this seat's to ask, or not now)."""


@dataclass(frozen=True, slots=True)
class Ack:
    accepted: bool
    reason: str = ""
    at: str = ""


@dataclass
class SeatState:
    """A seat's views as the server last sent them."""

    seat: str = ""
    role: str = ""  # the seat, or "evaluator" (whose seat is the trainer's views, without its controls)
    name: str = ""  # what the token opened: the seat, or evaluator:N
    briefing: dict[str, Any] = field(default_factory=dict)
    clock: dict[str, Any] = field(default_factory=dict)
    seen: list[tuple[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # the journal (the trainer's only)
    lists: dict[str, Any] = field(default_factory=dict)
    inbox_index: dict[int, InboxItem] = field(default_factory=dict, repr=False)  # lists["inbox"] by message

    def apply(self, msg: dict[str, Any]) -> None:
        if "clock" in msg:
            self.clock = msg["clock"]
        if "events" in msg:
            del self.events[msg["events_from"]:]
            self.events.extend(msg["events"])
        if "seen" in msg:
            # The server sends from where its last message stopped; a rejoin starts again at 0.
            del self.seen[msg["seen_from"]:]
            self.seen.extend((since, MappingProxyType(e)) for since, e in msg["seen"])
        if "inbox_upsert" in msg:  # newest first: a known message changed, an unknown one is newer than all
            inbox, fresh, changed = self.inbox_index, [], False
            for raw in msg["inbox_upsert"]:
                item = from_wire(InboxItem, raw)
                if item.msg in inbox:
                    changed = True
                else:
                    fresh.append(item)
                inbox[item.msg] = item
            kept = self.lists.get("inbox", ())
            if changed:  # (mostly new messages only: the inbox, thousands long, is not gone through)
                kept = tuple(inbox[item.msg] for item in kept)
            self.lists["inbox"] = (*fresh, *kept)
        for name, value in msg.items():
            if name in VIEWS:
                self.lists[name] = tuple(from_wire(VIEWS[name], v) for v in value)
            elif name in ("partners", "objectives", "notes", "subject_names", "person_names"):
                self.lists[name] = value
        if "inbox" in msg:
            self.inbox_index = {item.msg: item for item in self.lists["inbox"]}


class SeatClient:
    def __init__(self, address: str, token: str) -> None:
        self.address = address if "://" in address else f"ws://{address}"
        self._token = token
        self.state = SeatState()
        self._ws: ClientConnection | None = None
        self._ids = itertools.count(1)
        self._acks: dict[int, asyncio.Future[Ack]] = {}
        self._answers: dict[int, asyncio.Future[Any]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.changed = asyncio.Event()  # set whenever a state message arrives
        self.closed = asyncio.Event()  # set when the connection is gone
        self.on_state: Callable[[SeatState], None] | None = None  # told after each state message

    async def join(self) -> SeatClient:
        ws = await connect(self.address, max_size=2 ** 24, compression=None)
        await ws.send(json.dumps({"type": "hello", "token": self._token}))
        first = json.loads(await ws.recv())
        if first.get("type") != "welcome":
            await ws.close()
            raise Refused(first.get("reason", "refused"))
        self._ws = ws
        seat = first["seat"]
        self.state = SeatState(seat=seat, role=first.get("role", seat), name=first.get("name", seat),
                               briefing=first["briefing"])
        self._reader = asyncio.create_task(self._read(ws))
        return self

    @property
    def seat(self) -> str:
        return self.state.seat

    @property
    def evaluator(self) -> bool:
        return self.state.role == "evaluator"

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                msg = json.loads(raw)
                if msg.get("type") == "state":
                    self.state.apply(msg)
                    if self.on_state is not None:
                        self.on_state(self.state)
                    self.changed.set()
                elif msg.get("type") == "ack":
                    fut = self._acks.pop(msg.get("id"), None)
                    if fut is not None and not fut.done():
                        fut.set_result(Ack(bool(msg["accepted"]), msg.get("reason", ""), msg.get("at", "")))
                elif msg.get("type") == "answer":
                    answer = self._answers.pop(msg.get("id"), None)
                    if answer is not None and not answer.done():
                        if "error" in msg:
                            answer.set_exception(AskError(msg["error"]))
                        else:
                            answer.set_result(msg.get("value"))
        except ConnectionClosed:
            pass
        finally:
            for pending in (*self._acks.values(), *self._answers.values()):
                if not pending.done():  # never acknowledged: the caller must not count on it
                    pending.set_exception(ConnectionError("the server went away before answering"))
            self._acks.clear()
            self._answers.clear()
            self.closed.set()

    async def submit(self, command: Command | dict[str, Any]) -> Ack:
        """Send a command and wait for the server's acknowledgement (accepted: it is recorded)."""
        assert self._ws is not None, "join first"
        cid = next(self._ids)
        fut: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._acks[cid] = fut
        payload = command if isinstance(command, dict) else to_json(command)
        await self._ws.send(json.dumps({"type": "command", "id": cid, "command": payload}))
        return await fut

    async def ask(self, what: str, **args: Any) -> Any:
        """Ask the server a question about the seat's own data (AskError when it will not say)."""
        assert self._ws is not None, "join first"
        qid = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._answers[qid] = fut
        await self._ws.send(json.dumps({"type": "ask", "id": qid, "what": what, "args": args}))
        return await fut

    async def clock(self, *, running: bool | None = None, speed: float | str | None = None) -> None:
        assert self._ws is not None, "join first"
        msg: dict[str, Any] = {"type": "clock"}
        if running is not None:
            msg["running"] = running
        if speed is not None:
            msg["speed"] = speed
        await self._ws.send(json.dumps(msg))

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        """Until ``predicate(state)`` holds (or TimeoutError)."""
        async def until() -> None:
            while True:
                self.changed.clear()  # before looking: a state arriving after the look wakes the wait
                if predicate(self.state):
                    return
                await self.changed.wait()
        await asyncio.wait_for(until(), timeout)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await self._reader
