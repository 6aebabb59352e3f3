"""The driver of a seat played against an exercise server (``ncbsim play --join``).

The same screens as single-seat play, fed by a remote host: the views are the server's, the
clock is the trainer's. The clock keys say so instead of moving it, and a decision that reaches
the seat is announced without stopping a clock this seat does not own.
"""

from __future__ import annotations

from sim.api import DecisionView
from sim.serve.remote import RemoteHost

from .driver import MAX, SPEEDS, Driver


class RemoteDriver(Driver):
    owns_clock = False

    def __init__(self, host: RemoteHost) -> None:
        super().__init__(host, host.seat, None)  # type: ignore[arg-type]  # the host's read API, remotely
        self.remote = host
        self._drawn = -1

    @classmethod
    def join(cls, address: str, token: str) -> RemoteDriver:
        host = RemoteHost(address, token)
        try:
            return cls(host)
        except BaseException:
            host.close()
            raise

    # --- the trainer's clock, as the server says it stands --------------------------------------
    @property
    def paused(self) -> bool:
        return not self.remote.running or self.remote.finished

    @paused.setter
    def paused(self, value: bool) -> None:
        """The clock is the trainer's: nothing a seat does stops or starts it."""

    @property
    def pause_reason(self) -> str:
        if not self.remote.connected:
            return "reconnecting to the exercise server…"
        if self.remote.finished:
            return "the exercise is over"
        return "" if self.remote.running else "the trainer has stopped the clock"

    @pause_reason.setter
    def pause_reason(self, value: str) -> None:
        pass

    @property
    def speed(self) -> tuple[str, float]:
        rate = self.remote.speed
        named = next((s for s in SPEEDS if s[1] == rate), None)
        if named is not None or rate == MAX:
            return named or SPEEDS[-1]
        return (f"{rate / 3600:g} h/s" if rate >= 3600 else f"{rate / 60:g} min/s", rate)

    def tick(self, wall_seconds: float) -> bool:
        """True when the server sent something new since the last tick; a decision new to this
        seat is announced (``stopped_for``) — the clock goes on, as the trainer runs it."""
        version = self.remote.version
        changed, self._drawn = version != self._drawn, version
        new: tuple[DecisionView, ...] = tuple(d for d in self.my_decisions() if d.id not in self._stopped_for)
        self._stopped_for.update(d.id for d in new)
        self.stopped_for = new
        return changed

    def toggle(self) -> bool:
        return True

    def run_on(self, confirmed: bool = False) -> bool:
        return True

    def needs_confirmation(self) -> bool:
        return False

    def pause(self) -> None:
        pass

    def faster(self) -> None:
        pass

    def slower(self) -> None:
        pass

    def jump_to_next_event(self, budget_s: float | None = None) -> str:
        return "trainer"
