"""The sim clock: float minutes since the exercise start, mapped to UTC and to local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

# "HH:MM:" of each minute of a day and "SSZ" of each second: a timestamp is three strings joined
# (one per journal event of a long run; formatting the numbers each time cost a tenth of the journal).
_HOURS_MINUTES = tuple(f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
_SECONDS_Z = tuple(f"{s:02d}Z" for s in range(60))


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class SimClock:
    __slots__ = ("_day", "_day_prefix", "_epoch", "_iso", "_secs", "start")

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the exercise start must carry a time zone (write it in UTC, ending in Z)")
        self.start = start.astimezone(UTC)
        self._epoch = self.start.timestamp()
        self._day: int | None = None
        self._day_prefix = ""
        self._secs: int | None = None  # the last second formatted, and its text: events come in bunches at one instant
        self._iso = ""

    def utc(self, t: float) -> datetime:
        return self.start + timedelta(minutes=t)

    def iso(self, t: float) -> str:
        """Journal timestamps: whole seconds, UTC, ``Z`` suffix (the journal contract)."""
        secs = int(self._epoch + t * 60.0 + 1e-6)
        if secs == self._secs:
            return self._iso
        day, rem = divmod(secs, 86400)
        if day != self._day:  # the date part changes once a sim day; format it once
            self._day = day
            self._day_prefix = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%dT")
        minute, s = divmod(rem, 60)
        self._secs = secs
        self._iso = text = self._day_prefix + _HOURS_MINUTES[minute] + _SECONDS_Z[s]
        return text

    def local(self, t: float, tz: str) -> datetime:
        return self.utc(t).astimezone(zone(tz))

    def at(self, when: datetime) -> float:
        """Sim minutes of an absolute time (negative if before the start)."""
        return (when.astimezone(UTC) - self.start).total_seconds() / 60.0
