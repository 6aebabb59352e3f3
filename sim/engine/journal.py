"""The append-only journal: the truth of what happened in a run.

One event per line of JSONL, in order: ``{"seq": 17, "t": "2026-03-02T08:14:00Z", "kind":
"notice.published", "actor": "GS", ...}`` (the journal contract in design.md). Views, reports and
statistics are all derived from it; nothing else in the engine is authoritative.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from .clock import SimClock

Event = dict[str, Any]
Listener = Callable[[Event], None]

_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


class Journal:
    """Numbers, timestamps and records events; streams them to an optional sink.

    ``keep=False`` keeps only the counts (for long batch runs whose memory must stay flat).
    """

    def __init__(self, clock: SimClock, sink: IO[str] | None = None, keep: bool = True) -> None:
        self.clock = clock
        self.sink = sink
        self.keep = keep
        self.events: list[Event] = []
        self.counts: Counter[str] = Counter()
        self.listeners: list[Listener] = []
        self._seq = 0
        self._last_t = 0.0
        # Who caused what is being recorded (person, policy, default, trainer): every event
        # written while a cause is set carries it as ``by``, unless it names its own.
        self.by: str | None = None

    @contextmanager
    def cause(self, by: str | None) -> Iterator[None]:
        """Events recorded inside carry ``by`` (the outer cause comes back after)."""
        outer, self.by = self.by, by
        try:
            yield
        finally:
            self.by = outer

    def emit(self, t: float, kind: str, actor: str, **fields: Any) -> Event:
        return self.record(t, kind, actor, fields)

    def record(self, t: float, kind: str, actor: str, fields: dict[str, Any]) -> Event:
        """``emit`` for hot paths that already hold the fields in a dict."""
        if t < self._last_t:
            raise RuntimeError(f"journal time went backwards: {kind} at {t} after {self._last_t}")
        self._last_t = t
        self._seq += 1
        event: Event = {"seq": self._seq, "t": self.clock.iso(t), "kind": kind, "actor": actor, **fields}
        if self.by is not None and "by" not in event:
            event["by"] = self.by
        self.counts[kind] += 1
        if self.keep:
            self.events.append(event)
        if self.sink is not None:
            self.sink.write(_encode(event) + "\n")
        if self.listeners:
            for listener in self.listeners:
                listener(event)
        return event

    def __len__(self) -> int:
        return self._seq

