"""The append-only journal: the truth of what happened in a run.

One event per line of JSONL, in order: ``{"seq": 17, "t": "2026-03-02T08:14:00Z", "kind":
"notice.published", "actor": "GS", ...}`` (the journal contract in design.md). Views, reports and
statistics are all derived from it; nothing else in the engine is authoritative.
"""

from __future__ import annotations

import json
import json.encoder
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, SupportsIndex

from .clock import SimClock

Event = dict[str, Any]
Listener = Callable[[Event], None]
Kinds = Iterable[str] | Callable[[str], bool]



def _encoder() -> Callable[[Event], str]:
    """The journal's JSON, byte for byte as ``json.JSONEncoder(ensure_ascii=False, allow_nan=False)``
    writes it (the journal contract), through the C encoder built once rather than per event (as
    ``encode`` does): a sixth of the encoding time. Faster libraries (orjson, msgspec) write other
    bytes (no spaces after separators, other float forms), so they cannot be used."""
    std = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return std.encode
    try:
        # markers=None: the journal holds no containers that contain themselves.
        chunks = make(None, std.default, json.encoder.encode_basestring, None, std.key_separator,
                      std.item_separator, False, False, False)
    except TypeError:  # another Python's signature
        return std.encode

    def encode(event: Event) -> str:
        return "".join(chunks(event, 0))

    probe = {"seq": 1, "t": "2026-03-02T06:00:00Z", "kind": "k.k", "actor": "FR", "text": "Über «x» \"q\"\n\u2028",
             "n": [0.1, 1e-05, 1e16, -0.0, 3, None, True, False], "d": {"a": {"b": []}}}
    try:
        same = encode(probe) == std.encode(probe)
        encode({"x": float("nan")})
        same = False  # must refuse NaN as the standard encoder does
    except ValueError:
        pass
    return encode if same else std.encode


_encode = _encoder()


class _Subscribed:
    """A listener that hears only some kinds (``Journal.listen(..., kinds=...)``)."""

    __slots__ = ("fn", "wants")

    def __init__(self, fn: Listener, kinds: Kinds) -> None:
        self.fn = fn
        self.wants: Callable[[str], bool] = kinds if callable(kinds) else frozenset(kinds).__contains__

    def __call__(self, event: Event) -> None:
        self.fn(event)


class _Listeners(list[Listener]):
    """The journal's listeners in the order they came: any change forgets who hears which kind
    (tests and old callers change the list in place)."""

    def __init__(self, changed: Callable[[], None]) -> None:
        super().__init__()
        self._changed = changed

    def append(self, x: Listener) -> None:
        self._changed()
        super().append(x)

    def extend(self, xs: Iterable[Listener]) -> None:
        self._changed()
        super().extend(xs)

    def insert(self, i: SupportsIndex, x: Listener) -> None:
        self._changed()
        super().insert(i, x)

    def remove(self, x: Listener) -> None:
        self._changed()
        super().remove(x)

    def pop(self, i: SupportsIndex = -1) -> Listener:
        self._changed()
        return super().pop(i)

    def clear(self) -> None:
        self._changed()
        super().clear()

    def __setitem__(self, i: Any, x: Any) -> None:
        self._changed()
        super().__setitem__(i, x)

    def __delitem__(self, i: Any) -> None:
        self._changed()
        super().__delitem__(i)

    def __iadd__(self, xs: Iterable[Listener]) -> _Listeners:  # type: ignore[override,misc]
        self._changed()
        super().extend(xs)
        return self


class Journal:
    """Numbers, timestamps and records events; streams them to an optional sink.

    ``keep=False`` keeps only the counts (for long batch runs whose memory must stay flat). An
    event nobody reads (no sink, ``keep=False``, no listener for its kind) is only numbered and
    counted: its dict and timestamp are never built, so a batch run pays for what its metrics read.
    """

    def __init__(self, clock: SimClock, sink: IO[str] | None = None, keep: bool = True) -> None:
        self.clock = clock
        self.sink = sink
        self.keep = keep
        self.events: list[Event] = []
        self.counts: Counter[str] = Counter()
        # Listeners are called in the order they came; a plain callable hears every kind.
        self.listeners: list[Listener] = _Listeners(self._forget)
        self._hearing: dict[str, tuple[Listener, ...]] = {}  # kind -> its listeners, worked out once
        self._seq = 0
        self._last_t = 0.0
        # Who caused what is being recorded (person, policy, default, trainer): every event
        # written while a cause is set carries it as ``by``, unless it names its own.
        self.by: str | None = None

    def _forget(self) -> None:
        self._hearing = {}

    def listen(self, listener: Listener, kinds: Kinds | None = None) -> None:
        """Call ``listener`` with each event of ``kinds`` (names, or a test of a name; None: every
        kind) as it is written. Events of other kinds are not built for it."""
        if isinstance(kinds, str):  # one kind named alone, not the set of its letters
            kinds = (kinds,)
        self.listeners.append(listener if kinds is None else _Subscribed(listener, kinds))

    def _hearers(self, kind: str) -> tuple[Listener, ...]:
        hearing = tuple(fn.fn if isinstance(fn, _Subscribed) else fn for fn in self.listeners
                        if not isinstance(fn, _Subscribed) or fn.wants(kind))
        self._hearing[kind] = hearing
        return hearing

    def wants(self, kind: str) -> bool:
        """Whether an event of ``kind`` would be read (written, kept or heard): hot paths ask
        before gathering its fields."""
        if self.keep or self.sink is not None:
            return True
        hearing = self._hearing.get(kind)
        return bool(hearing if hearing is not None else self._hearers(kind))

    @contextmanager
    def cause(self, by: str | None) -> Iterator[None]:
        """Events recorded inside carry ``by`` (the outer cause comes back after)."""
        outer, self.by = self.by, by
        try:
            yield
        finally:
            self.by = outer

    def emit(self, t: float, kind: str, actor: str, **fields: Any) -> Event | None:
        return self.record(t, kind, actor, fields)

    def skip(self, t: float, kind: str) -> bool:
        """If nobody would read an event of ``kind`` now, number and count it and return True (the
        caller gathers no fields); otherwise return False and the caller records it."""
        if self.keep or self.sink is not None:
            return False
        hearing = self._hearing.get(kind)
        if hearing is None:
            hearing = self._hearers(kind)
        if hearing:
            return False
        if t < self._last_t:
            raise RuntimeError(f"journal time went backwards: {kind} at {t} after {self._last_t}")
        self._last_t = t
        self._seq += 1
        self.counts[kind] += 1
        return True

    def record(self, t: float, kind: str, actor: str, fields: dict[str, Any]) -> Event | None:
        """``emit`` for hot paths that already hold the fields in a dict. Returns the event, or
        None when nobody reads it (it is numbered and counted all the same)."""
        if t < self._last_t:
            raise RuntimeError(f"journal time went backwards: {kind} at {t} after {self._last_t}")
        self._last_t = t
        self._seq += 1
        self.counts[kind] += 1
        hearing = self._hearing.get(kind)
        if hearing is None:
            hearing = self._hearers(kind)
        keep, sink = self.keep, self.sink
        if not (hearing or keep or sink is not None):
            return None
        event: Event = {"seq": self._seq, "t": self.clock.iso(t), "kind": kind, "actor": actor, **fields}
        if self.by is not None and "by" not in event:
            event["by"] = self.by
        if keep:
            self.events.append(event)
        if sink is not None:
            sink.write(_encode(event) + "\n")
        for listener in hearing:
            listener(event)
        return event

    def __len__(self) -> int:
        return self._seq
