"""The world an exercise runs in: members, offices and their networks.

The networks (and networkx) are imported when first used: the members' table is needed by
commands that must start fast (``ncbsim world --help`` lists the regions), the graphs only by runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from .members import LANGUAGES, REGIONS, Member, Office, all_members, all_offices, data_sources

if TYPE_CHECKING:
    import networkx as nx

    from .networks import HUB, I247Routes, travel_hours

_NETWORKS = ("HUB", "I247Routes", "build_i247", "build_travel", "travel_hours")


def __getattr__(name: str) -> Any:
    if name in _NETWORKS:
        from . import networks

        return getattr(networks, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class World:
    """A selection of members (all 196 by default) with the offices and both graphs."""

    members: dict[str, Member]
    offices: dict[str, Office]
    i247: nx.Graph = field(repr=False)
    # What the travel graph is built from: (routes added, links closed).
    travel_changes: tuple[tuple[tuple[str, str, float], ...], tuple[tuple[str, str], ...]] = field(repr=False)

    @cached_property
    def travel(self) -> nx.Graph:
        """The travel graph, built when first asked for: only subjects on the move need it, and
        the 19,110 pairs of the 196 members cost about a quarter of a second (a twentieth of
        the world-baseline year, which has nobody travelling)."""
        from .networks import build_travel

        return build_travel(self.members, *self.travel_changes)

    @classmethod
    def build(cls, members: Iterable[str] | None = None, exclude: Iterable[str] = (),
              i247_down: Iterable[tuple[str, str]] = (),
              travel_routes: Iterable[tuple[str, str, float]] = (),
              travel_closed: Iterable[tuple[str, str]] = ()) -> World:
        """The world for a selection; identical selections share one (read-only) World.

        Building the 196-node mesh costs ~0.2 s, which a batch of thousands of replications
        should pay once, not per run. Nothing in the engine mutates a World.
        """
        return cls._build(None if members is None else tuple(members), tuple(exclude),
                          tuple(map(tuple, i247_down)), tuple(map(tuple, travel_routes)),
                          tuple(map(tuple, travel_closed)))

    @classmethod
    @lru_cache(maxsize=8)
    def _build(cls, members, exclude, i247_down, travel_routes, travel_closed) -> World:
        from .networks import build_i247

        known = all_members()
        chosen = list(known) if members is None else list(members)
        unknown = [c for c in list(chosen) + list(exclude) if c not in known]
        if unknown:
            raise KeyError(f"not INTERPOL members: {', '.join(unknown)}")
        skip = set(exclude)
        selected = {c: known[c] for c in sorted(set(chosen)) if c not in skip}
        offices = all_offices()
        return cls(
            members=selected,
            offices=dict(offices),
            i247=build_i247(selected, offices, i247_down),
            travel_changes=(travel_routes, travel_closed),
        )

    def routes(self) -> I247Routes:
        from .networks import I247Routes

        return I247Routes(self.i247)


__all__ = ["HUB", "LANGUAGES", "REGIONS", "Member", "Office", "World", "all_members",
           "all_offices", "data_sources", "travel_hours"]
