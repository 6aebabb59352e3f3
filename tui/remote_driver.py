"""The driver of a seat joined to an exercise server (``ncbsim play --join``, ``ncbsim trainer
--join``).

The same screens as single-seat play, fed by a remote host: the views are the server's, and the
clock is the trainer's. At a seat the clock keys say so instead of moving it, and a decision that
reaches the seat is announced without stopping a clock the seat does not own; at the trainer's
console they tell the server, which runs the clock for everyone.
"""

from __future__ import annotations

from sim.api import DecisionView
from sim.serve.remote import RemoteHost

from .driver import MAX, SPEEDS, Driver


class RemoteDriver(Driver):
    served = True

    def __init__(self, host: RemoteHost) -> None:
        self.remote = host
        self._ready = False  # the base class's settings (a paused clock) are not sent to the server
        super().__init__(host, host.seat, None)  # type: ignore[arg-type]  # the host's read API, remotely
        self.evaluator = host.evaluator  # the trainer's console, without its clock, injects or answers
        self.owns_clock = host.seat == "trainer" and not host.evaluator
        self._drawn = -1
        self._ready = True

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
        """The trainer's console stops or starts the server's clock; a seat's does nothing."""
        if self._ready and self.owns_clock:
            self.remote.set_clock(running=not value)

    @property
    def pause_reason(self) -> str:
        if not self.remote.connected:
            return "reconnecting to the exercise server…"
        if self.remote.finished:
            return "the exercise is over"
        if self.remote.running or self.owns_clock:  # the trainer is told "(space)", as at a local console
            return ""
        return "the trainer has stopped the clock"

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
        self.paused = not self.paused
        return True

    def run_on(self, confirmed: bool = False) -> bool:
        self.paused = False
        return True

    def needs_confirmation(self) -> bool:
        return False  # the server's clock does not stop for decisions: the trainer watches them

    def pause(self) -> None:
        self.paused = True

    def faster(self) -> None:
        self._set_speed(+1)

    def slower(self) -> None:
        self._set_speed(-1)

    def _set_speed(self, step: int) -> None:
        if not self.owns_clock:
            return
        rate = self.remote.speed
        at = len(SPEEDS) - 1 if rate == MAX else min(range(len(SPEEDS) - 1), key=lambda i: abs(SPEEDS[i][1] - rate))
        self.remote.set_clock(speed=SPEEDS[max(0, min(len(SPEEDS) - 1, at + step))][1])

    def jump_to_next_event(self, budget_s: float | None = None) -> str:
        return "trainer"
