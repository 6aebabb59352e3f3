"""Named random streams derived from the scenario seed.

Each stream is ``SeedSequence(seed, spawn_key=base + (crc32(name),))``. Keying by a stable hash of
the name (rather than by position in a list of names) means adding a stream later never shifts the
draws of the existing ones, so old journals stay reproducible. ``base`` is the batch runner's
replication key, giving common random numbers across design points.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from itertools import chain, repeat
from operator import methodcaller
from typing import Any

import numpy as np


class RandomStreams:
    def __init__(self, seed: int, base_key: tuple[int, ...] = ()) -> None:
        if seed < 0:
            raise ValueError("seed must be a non-negative integer")
        self.seed = seed
        self.base_key = tuple(base_key)
        self._streams: dict[str, np.random.Generator] = {}
        self.fork_key: tuple[int, ...] = ()

    def _seed(self, name: str) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=self.base_key + (zlib.crc32(name.encode()),) + self.fork_key)

    def stream(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            gen = self._streams[name] = np.random.Generator(np.random.PCG64(self._seed(name)))
        return gen

    def fork(self, replication: int) -> None:
        """Re-draw the future: every stream continues from a new seed keyed by ``replication``.

        The generators are re-seeded in place, so everything holding one (samplers, policies)
        follows; values already drawn into blocks are the shared past and are used up first.
        """
        self.fork_key = (0xF0F0, replication)
        for name, gen in self._streams.items():
            gen.bit_generator.state = np.random.PCG64(self._seed(name)).state


class Draws(functools.partial):
    """Scalar draws served from blocks: numpy's per-call overhead dwarfs a single draw.

    ``Draws(lambda k: rng.lognormal(mu, sigma, k))()`` returns the next value. Blocks are drawn in
    a fixed size, and only when the previous one is used up, so the sequence depends only on the
    stream and the order of calls. A call is ``next`` on the chained blocks, all in C: a year's run
    draws half a million numbers, and a Python-level ``__call__`` cost four times as much.
    """

    __slots__ = ()

    def __new__(cls, fn: Callable[[int], Any], block: int = 512) -> Draws:
        blocks = map(methodcaller("tolist"), map(fn, repeat(block)))
        return super().__new__(cls, next, chain.from_iterable(blocks))
