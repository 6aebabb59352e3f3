"""The operations screen's log of what the seat knows: a wrapping log in a frame of fixed size."""

from __future__ import annotations

from ..screens.clocked import WrappingLog
from .fixed_frame import FixedFrame


class EventLog(FixedFrame, WrappingLog):
    """Grows at nearly every tick while the clock runs: without a layout of the screen each time."""
