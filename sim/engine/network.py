"""Network analysis of a run's actual I-24/7 traffic, for researchers.

Fed the journal as it is written (so it works on runs that keep no events), it builds the graph
of who sent to whom — relays through Lyon or a bureau included — and finds the bottlenecks:
the NCBs where messages waited longest, and the nodes most between the traffic (betweenness
centrality on the traffic actually sent, not on the fully connected network).
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import pairwise
from typing import Any

import networkx as nx


class TrafficAnalysis:
    def __init__(self) -> None:
        self.edges: dict[tuple[str, str], int] = defaultdict(int)
        self.sent: dict[str, int] = defaultdict(int)
        self.handled: dict[str, int] = defaultdict(int)
        self.waited: dict[str, float] = defaultdict(float)
        self.max_wait: dict[str, float] = defaultdict(float)
        self.translated: dict[str, int] = defaultdict(int)

    def __call__(self, e: dict[str, Any]) -> None:
        kind = e["kind"]
        if kind == "message.sent" and e.get("channel") == "i247":
            path = [e["from"], *e.get("via", ()), e["to"]]
            self.sent[e["from"]] += 1
            for a, b in pairwise(path):
                self.edges[(a, b)] += 1
        elif kind == "message.handled":
            who, w = e["actor"], e.get("waited_min", 0.0)
            self.handled[who] += 1
            self.waited[who] += w
            self.max_wait[who] = max(self.max_wait[who], w)
            if e.get("translated"):
                self.translated[who] += 1

    def graph(self) -> nx.DiGraph:
        g = nx.DiGraph()
        for (a, b), n in sorted(self.edges.items()):
            g.add_edge(a, b, messages=n, distance=1.0 / n)
        for node in sorted(set(self.handled) | set(self.sent)):
            g.add_node(node)
        betweenness = nx.betweenness_centrality(g, weight="distance") if g.number_of_edges() else {}
        for node in g.nodes:
            h = self.handled.get(node, 0)
            g.nodes[node].update(sent=self.sent.get(node, 0), handled=h,
                                 mean_wait_min=round(self.waited[node] / h, 2) if h else 0.0,
                                 max_wait_min=round(self.max_wait.get(node, 0.0), 2),
                                 translated=self.translated.get(node, 0),
                                 betweenness=round(betweenness.get(node, 0.0), 5))
        return g

    def report(self, top: int = 5) -> dict[str, Any]:
        g = self.graph()
        nodes = [dict(g.nodes[n], node=n) for n in g.nodes]
        by_wait = sorted((n for n in nodes if n["handled"]), key=lambda n: (-n["mean_wait_min"], n["node"]))
        by_between = sorted(nodes, key=lambda n: (-n["betweenness"], n["node"]))
        pick = ("node", "handled", "mean_wait_min", "max_wait_min", "betweenness")
        return {
            "nodes": g.number_of_nodes(), "links_used": g.number_of_edges(),
            "relayed_messages": sum(n for (a, b), n in self.edges.items() if a == "GS" or a.startswith("RB-")),
            "longest_waits": [{k: n[k] for k in pick} for n in by_wait[:top]],
            "most_between": [{k: n[k] for k in pick} for n in by_between[:top]],
        }


def write_graph(g: nx.DiGraph, path: str) -> None:
    """GraphML for Gephi, yEd or networkx; JSON node-link for everything else. Written whole or
    not at all (``sim.files.output_file``)."""
    from ..files import output_file

    if path.endswith(".graphml"):
        with output_file(path, "wb") as fh:
            nx.write_graphml(g, fh)
    else:
        with output_file(path) as fh:
            json.dump(nx.node_link_data(g, edges="links"), fh, indent=1, sort_keys=True)
