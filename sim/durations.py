"""Human durations as scenario authors write them: ``90m``, ``36h``, ``3d``, ``2w``, ``1d12h``.

Sim time inside the engine is float minutes since the exercise start; these helpers are the
only place that converts between the two, so a unit slip cannot hide in the model code.
"""

from __future__ import annotations

import re
from datetime import timedelta

from .errors import shown

_UNIT_MINUTES = {"s": 1 / 60, "m": 1.0, "h": 60.0, "d": 1440.0, "w": 10080.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
_MAX_MINUTES = 1e9  # ~1,900 years: beyond this timedelta itself overflows; callers set real limits
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?[smhdw])+$")

DURATION_PATTERN = r"^\s*(\d+(\.\d+)?\s*[smhdw]\s*)+$"
DURATION_HELP = "a duration with a unit, like 90m, 36h, 3d, 2w or 1d12h"


def parse_duration(text: str) -> timedelta:
    """Parse ``1d12h`` into a timedelta; raise ValueError with a reason a person can act on."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        # ValueError, not TypeError: pydantic turns only ValueError into a located problem.
        raise ValueError(f"expected {DURATION_HELP}")  # noqa: TRY004
    if isinstance(text, (int, float)):
        # A bare number is ambiguous (minutes? hours?), so it is refused rather than guessed.
        raise ValueError(f"a bare number has no unit; write {DURATION_HELP}")  # noqa: TRY004
    s = text.strip().replace(" ", "")
    if s.startswith("-"):
        raise ValueError("a duration cannot be negative")
    if not _WHOLE.match(s):
        raise ValueError(f"{shown(text)} is not {DURATION_HELP}")
    minutes = sum(float(n) * _UNIT_MINUTES[u] for n, u in _PART.findall(s))
    if minutes > _MAX_MINUTES:
        raise ValueError(f"{shown(text)} is far longer than ten years, the most an exercise may last")
    return timedelta(minutes=minutes)


def minutes(td: timedelta) -> float:
    return td.total_seconds() / 60.0


def format_minutes(m: float) -> str:
    """``2d 3h 05m`` style, for summaries and the TUI."""
    if m == float("inf"):
        return "never"
    total = round(m)
    d, rem = divmod(total, 1440)
    h, mm = divmod(rem, 60)
    if d:
        return f"{d}d {h}h {mm:02d}m"
    if h:
        return f"{h}h {mm:02d}m"
    return f"{mm}m"


def format_duration(td: timedelta) -> str:
    """The inverse of ``parse_duration``: ``timedelta(hours=36)`` -> ``1d12h`` (exact, round-trips)."""
    secs = td.total_seconds()
    d, rem = divmod(secs, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    parts = [f"{int(d)}d" if d else "", f"{int(h)}h" if h else "", f"{int(m)}m" if m else "",
             (f"{s:g}s" if s == int(s) else f"{s!r}s") if s else ""]
    return "".join(parts) or "0m"
