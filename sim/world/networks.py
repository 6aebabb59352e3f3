"""The two networks of the world, as networkx graphs.

* **I-24/7**: every NCB is linked to the General Secretariat (``GS``, where the CCC sits), to
  every other NCB, and to its regional bureau. Messages take the fastest path that relays only
  through GS or a bureau, never through a third NCB (I-24/7 relays centrally, not hop by hop
  between countries), so a link that is down reroutes via Lyon or the bureau.
* **Travel**: countries linked by surface routes (NCB cities under 800 km apart) and flights
  (up to 4,000 km, and to and from the global air hubs at any distance), with hours derived from
  great-circle distance. Scenarios can override or close routes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations

import networkx as nx

from .geo import great_circle_km
from .members import Member, Office

HUB = "GS"

# Gateway and encryption overhead per hop, then propagation/queueing that grows with distance.
I247_HOP_MINUTES = 0.5
I247_KM_PER_MINUTE = 8000.0

SURFACE_MAX_KM = 800.0
SURFACE_KMH = 70.0
SHORT_HAUL_MAX_KM = 4000.0
FLIGHT_KMH = 750.0
FLIGHT_OVERHEAD_H = 3.0  # getting to the airport, check-in, border formalities
# Countries whose airports connect the world; every member has a route to each of them.
AIR_HUBS = ("AE", "QA", "TR", "FR", "GB", "DE", "NL", "US", "SG", "CN", "JP", "IN", "ZA", "ET",
            "KE", "BR", "PA", "MX", "EG", "TH", "AU")


def link_latency(km: float) -> float:
    return I247_HOP_MINUTES + km / I247_KM_PER_MINUTE


def build_i247(members: Mapping[str, Member], offices: Mapping[str, Office],
               down: Iterable[tuple[str, str]] = ()) -> nx.Graph:
    g = nx.Graph()
    gs = offices["GS"]
    g.add_node(HUB, kind="hub", lat=gs.lat, lon=gs.lon)
    for m in members.values():
        g.add_node(m.iso2, kind="ncb", lat=m.lat, lon=m.lon)
        g.add_edge(m.iso2, HUB, latency=link_latency(great_circle_km(m.lat, m.lon, gs.lat, gs.lon)))
        if m.bureau and m.bureau in offices:
            rb = offices[m.bureau]
            if rb.id not in g:
                g.add_node(rb.id, kind="bureau", lat=rb.lat, lon=rb.lon)
                g.add_edge(rb.id, HUB, latency=link_latency(great_circle_km(rb.lat, rb.lon, gs.lat, gs.lon)))
            g.add_edge(m.iso2, rb.id, latency=link_latency(great_circle_km(m.lat, m.lon, rb.lat, rb.lon)))
    # INTERPOL's other offices (IGCI, the CCC sites, bureaus no member in this world reports to…)
    # are I-24/7 endpoints too, linked to the General Secretariat: leaves, so no route between two
    # NCBs passes through one.
    for o in offices.values():
        if o.id not in g:
            g.add_node(o.id, kind="office", lat=o.lat, lon=o.lon)
            g.add_edge(o.id, HUB, latency=link_latency(great_circle_km(o.lat, o.lon, gs.lat, gs.lon)))
    for one, other in combinations(members.values(), 2):
        g.add_edge(one.iso2, other.iso2,
                   latency=link_latency(great_circle_km(one.lat, one.lon, other.lat, other.lon)))
    for a, b in down:
        if g.has_edge(a, b):
            g.remove_edge(a, b)
    return g


class I247Routes:
    """Fastest relay-legal path between two nodes, cached per pair (the graph is fixed in a run)."""

    def __init__(self, graph: nx.Graph) -> None:
        self.graph = graph
        self._cache: dict[tuple[str, str], tuple[tuple[str, ...], float]] = {}
        # The graph's own dict of dicts: networkx's views cost more than the lookup (a world's
        # traffic asks for tens of thousands of pairs once each).
        self._adj: dict[str, dict[str, dict[str, float]]] = graph._adj

    def route(self, src: str, dst: str) -> tuple[tuple[str, ...], float]:
        key = (src, dst)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        g = self.graph
        result: tuple[tuple[str, ...], float]
        link = self._adj.get(src, {}).get(dst)
        if link is not None:
            result = ((src, dst), link["latency"])
        else:
            relay = nx.subgraph_view(g, filter_node=lambda n: n in (src, dst) or g.nodes[n]["kind"] != "ncb")
            try:
                path = nx.shortest_path(relay, src, dst, weight="latency")
            except (nx.NetworkXNoPath, nx.NodeNotFound):
                result = ((), float("inf"))
            else:
                result = (tuple(path), float(nx.path_weight(relay, path, "latency")))
        self._cache[key] = result
        return result


def build_travel(members: Mapping[str, Member],
                 routes: Iterable[tuple[str, str, float]] = (),
                 closed: Iterable[tuple[str, str]] = ()) -> nx.Graph:
    g = nx.Graph()
    for m in members.values():
        g.add_node(m.iso2, region=m.region)
    for one, other in combinations(members.values(), 2):
        km = great_circle_km(one.lat, one.lon, other.lat, other.lon)
        options = []
        if km <= SURFACE_MAX_KM:
            options.append(("surface", 1.0 + km / SURFACE_KMH))
        hub = one.iso2 in AIR_HUBS or other.iso2 in AIR_HUBS
        if hub or km <= SHORT_HAUL_MAX_KM:
            options.append(("air", FLIGHT_OVERHEAD_H + km / FLIGHT_KMH))
        if options:
            mode, hours = min(options, key=lambda o: o[1])
            g.add_edge(one.iso2, other.iso2, mode=mode, hours=round(hours, 2), km=round(km, 1))
    for a, b in closed:
        if g.has_edge(a, b):
            g.remove_edge(a, b)
    for a, b, hours in routes:
        if a in g and b in g:
            g.add_edge(a, b, mode="scenario", hours=float(hours),
                       km=g.edges[a, b]["km"] if g.has_edge(a, b) else 0.0)
    return g


def travel_hours(g: nx.Graph, src: str, dst: str) -> tuple[list[str], float]:
    path = nx.shortest_path(g, src, dst, weight="hours")
    return path, float(nx.path_weight(g, path, "hours"))
