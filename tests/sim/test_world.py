"""The world's networks: I-24/7 mesh and rerouting, travel graph, subsets."""

from __future__ import annotations

import networkx as nx
import pytest

from sim.world import HUB, World, all_members, all_offices, travel_hours


@pytest.fixture(scope="module")
def world() -> World:
    return World.build()


def test_i247_mesh_links_every_ncb_to_every_other_and_to_lyon(world):
    g = world.i247
    ncbs = [n for n, d in g.nodes(data=True) if d["kind"] == "ncb"]
    assert len(ncbs) == 196
    assert all(g.has_edge(n, HUB) for n in ncbs)
    ncb_edges = sum(1 for a, b in g.edges if g.nodes[a]["kind"] == g.nodes[b]["kind"] == "ncb")
    assert ncb_edges == 196 * 195 // 2
    assert all(d["latency"] > 0 for *_, d in g.edges(data=True))


def test_regional_bureaus_link_their_countries(world):
    g = world.i247
    for code, m in all_members().items():
        if m.bureau:
            assert g.has_edge(code, m.bureau)
    assert {n for n, d in g.nodes(data=True) if d["kind"] == "bureau"} == {
        o for o in all_offices() if o.startswith("RB-")}


def test_latency_grows_with_distance(world):
    routes = world.routes()
    assert routes.route("FR", "ES")[1] < routes.route("FR", "AU")[1]


def test_down_link_reroutes_via_lyon_not_a_third_ncb():
    w = World.build(members=["FR", "ES", "DE"], i247_down=[("FR", "ES")])
    path, latency = w.routes().route("FR", "ES")
    assert path == ("FR", HUB, "ES")
    assert latency > World.build(members=["FR", "ES", "DE"]).routes().route("FR", "ES")[1]


def test_no_route_when_every_path_is_down():
    w = World.build(members=["FR", "ES"], i247_down=[("FR", "ES"), ("FR", HUB)])
    assert w.routes().route("FR", "ES") == ((), float("inf"))


def test_travel_graph_connects_all_members(world):
    assert nx.is_connected(world.travel)
    path, hours = travel_hours(world.travel, "FR", "SN")
    assert path[0] == "FR" and path[-1] == "SN" and 4 < hours < 30
    assert world.travel.edges["VA", "IT"]["mode"] == "surface"  # Vatican City to Rome
    assert world.travel.edges["FR", "ES"]["mode"] == "air"


def test_scenario_overrides_and_closes_routes():
    w = World.build(members=["FR", "ES", "MA"], travel_routes=[("ES", "MA", 1.5)], travel_closed=[("FR", "ES")])
    assert not w.travel.has_edge("FR", "ES")
    assert w.travel.edges["ES", "MA"]["hours"] == 1.5


def test_subset_and_exclusion():
    w = World.build(members=["FR", "ES", "MA"], exclude=["MA"])
    assert list(w.members) == ["ES", "FR"]
    with pytest.raises(KeyError, match="KP"):
        World.build(members=["FR", "KP"])


def test_an_exercise_with_nobody_travelling_never_builds_the_travel_graph():
    """The travel graph (19,110 pairs) is built on first use: the world-baseline year has nobody
    on the move, and building it anyway cost it 2 MB and 2 % of its time."""
    from conftest import SCENARIOS

    from sim.api import load_scenario
    from sim.engine.exercise import Exercise

    World._build.cache_clear()  # identical selections share one World: another test may have built its graph
    ex = Exercise(load_scenario(SCENARIOS / "world-baseline.yaml").scenario, keep_events=False)
    ex.run(1440.0)
    assert "travel" not in vars(ex.world)  # a cached_property is stored in the instance once built
    moving = Exercise(load_scenario(SCENARIOS / "fugitive-three-borders.yaml").scenario, keep_events=False)
    moving.run(1440.0)
    assert "travel" in vars(moving.world)  # ... and built when someone travels
