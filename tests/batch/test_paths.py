"""Parameter paths into a scenario (issue 14): lists by position or id, checked against the model and
the scenario, applied the same way when a run is built."""

from __future__ import annotations

import copy

import pytest
from conftest import SCENARIOS

from sim.batch.paths import PathError, parse, resolve, set_path
from sim.batch.runs import RunTask, run_task
from sim.scenario.loader import load_scenario, plain_data
from sim.scenario.model import Scenario

FLAGSHIP = plain_data(load_scenario(SCENARIOS / "fugitive-three-borders.yaml").located.data)
EXAMPLE = plain_data(load_scenario(SCENARIOS / "annotated-example.yaml").located.data)


@pytest.mark.parametrize("path, keys", [
    ("requests[0].to", ("requests", 0, "to")),             # by position in brackets
    ("requests.0.to", ("requests", 0, "to")),              # by position as a dotted number
    ("requests[D1].to", ("requests", 1, "to")),            # by id
    ("subjects[S1].plan.route", ("subjects", 0, "plan", "route")),  # nested below an item
    ("injects[I3].at", ("injects", 3, "at")),
    ("requests[D1]", ("requests", 1)),                     # a whole item
    ("world.extradites_nationals.FR", ("world", "extradites_nationals", "FR")),  # a mapping's key
    ("parameters.ndtf.screening_time", ("parameters", "ndtf.screening_time")),  # one key after parameters.
    ("ndtf.reviewers", ("ndtf", "reviewers")),             # a section the scenario leaves to its defaults
])
def test_a_path_resolves_to_keys_and_positions(path, keys):
    assert resolve(path, FLAGSHIP, Scenario) == keys
    assert resolve(path, FLAGSHIP) == keys  # at run time, without the model: the same place


@pytest.mark.parametrize("path, words", [
    ("requests[D9].to", "no item of 'requests' has the id 'D9' (did you mean 'D2'?); its ids: N1, D1, N2, D2"),
    ("requests[7].to", "'requests' has 4 item(s), positions 0 to 3; there is no item 7"),
    ("requests.7.to", "there is no item 7"),
    ("subjects[S1].plan.rout", "'subjects[S1].plan' has no field 'rout' (did you mean 'route'?)"),
    ("requests.to", "'requests' is a list; choose an item by id or position, like requests[N1] or requests[0].to"),
    ("players[p1].country", "the items of 'players' have no id; choose one by position, like players[0]"),
    ("ndtf.reviewers[0]", "'ndtf.reviewers' is not a list"),
    ("cases[0].lead", "'cases' has no items in the scenario"),
    ("traffic.urgent_share.low", "'traffic.urgent_share' is a single value"),
    ("parameters.ndtf.screening_tme", "did you mean 'ndtf.screening_time'"),
    ("requests[].to", "not a path"),
    ("requests..to", "not a path"),
    ("[D1].to", "not a path"),
])
def test_a_bad_path_says_what_is_wrong(path, words):
    with pytest.raises(PathError) as e:
        resolve(path, FLAGSHIP, Scenario)
    assert words in str(e.value)


def test_parse_keeps_ids_that_look_like_names():
    assert parse("subjects[ S1 ].plan") == ["subjects", "S1", "plan"]


def test_set_path_changes_only_the_item_it_names():
    data = copy.deepcopy(FLAGSHIP)
    set_path(data, "requests[D1].to", ["IT"])
    set_path(data, "ndtf.reviewers", 3)  # a section absent from the file is made
    assert data["requests"][1]["to"] == ["IT"] and data["ndtf"]["reviewers"] == 3
    assert data["requests"][0] == FLAGSHIP["requests"][0]
    assert FLAGSHIP["requests"][1]["to"] != ["IT"]  # the base scenario's data is not touched


def test_a_run_applies_a_path_by_id():
    """A run is built from the scenario data with the paths applied, then validated as usual."""
    task = RunTask("p0000-r0000", 0, 0, {"injects[I1].to": "ZZ"}, EXAMPLE, 1, 60.0, None, ("messages_handled",))
    failed = run_task(task)["run"]
    assert failed["status"] == "failed" and "ZZ" in failed["error"]  # the override reached injects[0].to
    task = RunTask("p0000-r0000", 0, 0, {"injects[I1].to": "PT", "injects[1].to": "PT"}, EXAMPLE, 1, 60.0, None,
                   ("messages_handled",))
    assert run_task(task)["run"]["status"] == "ok"
