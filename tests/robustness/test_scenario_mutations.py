"""Random mutations of valid scenarios: refused by validation, or they run. Never anything else.

A scenario that ``validate`` accepts must run; a scenario that cannot run must be refused by
``validate`` with located problems. The property takes the shipped annotated example and the
flagship as plain data, mutates them as a careless or hostile author would (delete a key, a
value of another type, huge, negative, infinite or not-a-number numbers, empty or very long
text, unknown codes, booleans for codes, duplicated items and ids, dates far away), writes the
result as YAML and then either

(a) loads it and runs it in-process to the end of a short horizon, or
(b) gets an InputError whose every problem names a file and a message.

Any other exception, at load time or while running, is a bug. Examples are derandomized (the
same ones on every machine, no example database) so CI is deterministic.
"""

from __future__ import annotations

import copy
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SCENARIOS
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.scenario.loader import load_scenario, locate

HORIZON_MIN = 2 * 1440.0  # two sim days: long enough to reach injects, requests and decisions

BASES = {name: locate(SCENARIOS / name).data for name in ("annotated-example.yaml", "fugitive-three-borders.yaml")}

# Values an author could put anywhere. Large valid values that would only make a run slow (a
# thousand messages a day per NCB is allowed, and takes seconds a day) are left out on purpose:
# the property is about crashes and late refusals, not speed.
NUMBERS = [-1, 0, 1, 2, 0.5, 7, 64, 1e6 + 1, 1e12, 1e300, -1e300, 10**30, 2**63, float("inf"), float("-inf"),
           float("nan"), 1e-300]
TEXTS = ["", " ", "x" * 10_000, "XX", "ZZ", "FRA", "fr", "KP", "\x1b[31mred", "I1", "Q1", "S1", "all", "mon",
         "0m", "1s", "9999w", "3660d", "1d12h", "-3h", "08:00-18:00", "24:00-08:00", "ncb:FR", "urgent",
         "message.handled", "2026-03-02T06:00:00Z", "yes", "~", "{", "- x"]
DATES = [datetime(1, 1, 1, tzinfo=UTC), datetime(1969, 12, 31, tzinfo=UTC), datetime(2199, 12, 31, tzinfo=UTC),
         datetime(9999, 12, 31, tzinfo=UTC), date(1, 1, 1), date(9999, 12, 31), date(2026, 3, 2)]
OTHER = [None, True, False, [], {}, [None], {"x": 1}, ["FR", "FR"], [True]]

values = st.one_of(st.sampled_from(NUMBERS), st.sampled_from(TEXTS), st.sampled_from(DATES),
                   st.sampled_from(OTHER), st.integers(-10, 10_000))


def _alike(value: Any) -> st.SearchStrategy:
    """Another value of the same kind: the mutations that get past the types, into the model."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, (int, float)):
        return st.one_of(st.sampled_from(NUMBERS), st.integers(-10, 10_000),
                         st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: x * value if value else x))
    if isinstance(value, str):
        return st.one_of(st.sampled_from(TEXTS), st.just(value * 2), st.just(value[:1]), st.just(value + "x"))
    if isinstance(value, (datetime, date)):
        return st.sampled_from(DATES)
    if isinstance(value, list):
        return st.one_of(st.just([]), st.just(value + value), st.just(value[:1]), st.just(value[::-1]))
    if isinstance(value, dict):
        return st.one_of(st.just({}), st.just(dict(list(value.items())[:1])))
    return values

Path_ = tuple


def _paths(data: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every place in the tree: mapping keys and list items, at every depth."""
    out: list[Path_] = []
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return out
    for key, value in items:
        here = prefix + (key,)
        out.append(here)
        out.extend(_paths(value, here))
    return out


def _parent(data: Any, path: Path_) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutation(draw, data: dict) -> None:
    """Change ``data`` in place once."""
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    parent, last = _parent(data, path), path[-1]
    how = draw(st.sampled_from(["delete", "replace", "alike", "alike", "alike", "duplicate", "add"]))
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = copy.deepcopy(draw(values))  # never share a drawn list or mapping
    elif how == "alike":
        parent[last] = copy.deepcopy(draw(_alike(parent[last])))
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))  # duplicate ids, seats, participants
    elif how == "duplicate" and isinstance(parent[last], (dict, list)):
        parent[last] = copy.deepcopy(parent[last]) if draw(st.booleans()) else [copy.deepcopy(parent[last])] * 2
    else:  # add an unknown or known key next to this one
        target = parent if isinstance(parent, dict) else data
        key = draw(st.sampled_from(["extra", "id", "at", "to", "from", "country", "seed", "start", "duration"]))
        target[key] = copy.deepcopy(draw(values))


@st.composite
def mutated(draw) -> tuple[str, dict]:
    name = draw(st.sampled_from(sorted(BASES)))
    data = copy.deepcopy(BASES[name])
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        draw(mutation(data))
    return name, data


PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def check_validates_and_runs_or_is_refused(path: Path) -> str:
    """The property for one file: 'refused' or 'ran'; anything else raises."""
    try:
        loaded = load_scenario(path)
    except InputError as e:
        assert e.problems, "an InputError without problems"
        for p in e.problems:
            assert p.file and p.message, p
            assert "\n" not in str(p), p
        return "refused"
    ex = Exercise(loaded.scenario, journal_sink=io.StringIO(), keep_events=False)
    ex.run(HORIZON_MIN)
    return "ran"


@PROPERTY
@given(mutated())
def test_mutated_scenarios_are_refused_by_validate_or_run(tmp_path, case):
    name, data = case
    path = tmp_path / name
    path.write_text(_dump(data), encoding="utf-8")
    event(check_validates_and_runs_or_is_refused(path))


@pytest.mark.parametrize("name", sorted(BASES))
def test_the_unmutated_bases_run(tmp_path, name):
    path = tmp_path / name
    path.write_text(_dump(copy.deepcopy(BASES[name])), encoding="utf-8")
    assert check_validates_and_runs_or_is_refused(path) == "ran"
