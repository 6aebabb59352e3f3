"""Background I-24/7 traffic that nobody plays: Poisson arrivals and follow-up forwards.

One process generates the whole world's traffic (a superposition of per-NCB Poisson streams is
one Poisson stream with the summed rate), so its cost does not grow with the number of NCBs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..rng import Draws

if TYPE_CHECKING:
    from .exercise import Exercise


class BackgroundTraffic:
    def __init__(self, ex: Exercise, per_ncb_per_day: float, forward_share: float,
                 urgent_share: float) -> None:
        # What the load uses, taken once: the clock and I-24/7 (both built before it).
        self.env, self.send = ex.env, ex.send
        self.codes = list(ex.world.members)
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.rate_per_min = per_ncb_per_day * len(self.codes) / 1440.0
        self.forward_share = forward_share
        self.urgent_share = urgent_share
        rng: np.random.Generator = ex.streams.stream("traffic")
        self.u = Draws(rng.random)  # uniforms for choices and shares
        self.gap = Draws(lambda k: rng.exponential(1.0, k))  # unit-mean gaps, scaled below
        if self.rate_per_min > 0 and len(self.codes) > 1:
            ex.env.process(self._arrivals())

    def _pair(self) -> tuple[str, str]:
        n = len(self.codes)
        a = int(self.u() * n)
        b = int(self.u() * (n - 1))
        return self.codes[a], self.codes[b + (b >= a)]

    def _priority(self) -> str:
        return "urgent" if self.urgent_share and self.u() < self.urgent_share else "routine"

    def _arrivals(self):
        # ``_pair`` and ``_priority`` written out: this loop sends most of a busy world's messages.
        env, gap, mean_gap, u = self.env, self.gap, 1.0 / self.rate_per_min, self.u
        timeout, send, codes, urgent = env.timeout, self.send, self.codes, self.urgent_share
        n = len(codes)
        while True:
            yield timeout(gap() * mean_gap)
            a = int(u() * n)
            b = int(u() * (n - 1))
            priority = "urgent" if urgent and u() < urgent else "routine"
            send(codes[a], codes[b + (b >= a)], kind="traffic", priority=priority)

    def after_handled(self, code: str, kind: str) -> None:
        """Some handled messages need a message to another NCB (a reply, a forward)."""
        if (kind == "traffic" or kind == "forward") and self.forward_share and self.u() < self.forward_share:
            n = len(self.codes)
            j = int(self.u() * (n - 1))
            i = self.index[code]
            self.send(code, self.codes[j + (j >= i)], kind="forward", priority=self._priority())
