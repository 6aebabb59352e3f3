"""Parameter columns and ``--set`` values: the rules the runs table and the reproducing command follow.

- a duration is stored in hours (``_h``), whether written ``"6h"``/``"2d"`` or sampled as a number with
  a duration unit; a number with another declared unit keeps the number and names the unit; a
  plain number is stored as is; anything else stays text;
- a value written by ``value_text`` reads back through ``--set`` as the very same value (type included),
  so the command on a runs row sets exactly what the batch set;
- the manifest's software record leaves ``git`` out where the engine is not a git checkout.
"""

from __future__ import annotations

import datetime as dt
import shlex
from types import SimpleNamespace

import pytest

from sim.batch.columns import ParameterColumn, parameter_columns, parse_value, reproduce_command, value_text
from sim.batch.provenance import git_state, provenance


def columns(*specs):
    params = [SimpleNamespace(path=path, unit=unit) for path, unit, _ in specs]
    points = [{path: v for (path, _, values), v in zip(specs, combo, strict=True)}
              for combo in zip(*(values for _, _, values in specs), strict=True)]
    return parameter_columns(params, points)


def test_durations_are_hours_other_units_are_named_and_words_stay_text():
    cols = columns(("parameters.mind.refresh_interval", "h", ["50.24h", "12h"]),
                   ("parameters.ndtf.screening_time", None, ["6h", "2d"]),
                   ("traffic.messages_per_ncb_per_day", None, [5, 40.5]),
                   ("traffic.load", "pct", ["5pct", "12.5pct"]),
                   ("world.extradites_nationals.FR", None, ["no", "eu"]),
                   ("requests[D1].to", None, [["ES", "MA"], ["FR"]]))
    assert [(c.column, c.unit, c.dtype) for c in cols] == [
        ("mind.refresh_interval_h", "h", "float64"), ("ndtf.screening_time_h", "h", "float64"),
        ("traffic.messages_per_ncb_per_day", "", "float64"), ("traffic.load_pct", "pct", "float64"),
        ("world.extradites_nationals.FR", "", "string"), ("requests[D1].to", "", "string")]
    assert [cols[0].value(v) for v in ("50.24h", "12h")] == [50.24, 12.0]
    assert cols[1].value("2d") == 48.0 and cols[1].value("1d12h") == 36.0
    assert cols[2].value(5) == 5.0 and isinstance(cols[2].value(5), float)
    assert cols[3].value("12.5pct") == 12.5
    assert cols[4].value("eu") == "eu"
    assert cols[5].value(["ES", "MA"]) == '["ES", "MA"]'


def test_a_column_mixing_numbers_and_words_is_text_and_minutes_become_hours():
    mixed, minutes = columns(("x.level", None, [3, "high"]), ("parameters.desk.handling_time", "m", ["30m", "90m"]))
    assert mixed.dtype == "string" and mixed.value(3) == "3"
    assert (minutes.column, minutes.value("90m")) == ("desk.handling_time_h", 1.5)


def test_two_paths_that_would_share_a_column_are_refused():
    with pytest.raises(ValueError, match="share the column"):
        columns(("parameters.ndtf.reviewers", None, [1]), ("ndtf.reviewers", None, [2]))


@pytest.mark.parametrize("value", [5, 0.1, 1e-10, 2.5e20, -3, "6h", "24", "no", "yes", "true", "null", True, False,
                                   None, "a #b", "it's", "[x", ["ES", "MA"], {"fixed": "10m"}, "",
                                   {"lognormal": {"median": "20m", "sigma": 0.6}}, "2026-03-02T06:00:00Z",
                                   dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC), "ünïcode"])
def test_a_value_written_for_set_reads_back_as_the_same_value(value):
    text = value_text(value)
    back = parse_value(text, "--set")
    assert back == value and type(back) is type(value)
    # and survives the shell: the command quotes it whole
    cmd = reproduce_command("s.yaml", seed=1, replication=2, until=None, policy=None,
                            overrides={"x.y": value}, metrics=["arrests"])
    assert shlex.split(cmd)[shlex.split(cmd).index("--set") + 1] == f"x.y={text}"


def test_the_command_names_every_input_of_a_batch_run():
    cmd = reproduce_command("/a b/s.yaml", seed=7, replication=3, until=dt.timedelta(days=10), policy="careless",
                            overrides={"ndtf.reviewers": 4}, metrics=["arrests", "released"])
    assert shlex.split(cmd) == ["ncbsim", "run", "/a b/s.yaml", "--seed", "7", "--replication", "3", "--until",
                                "10d", "--policy", "careless", "--set", "ndtf.reviewers=4", "--metrics",
                                "arrests,released"]


def test_outside_a_git_checkout_the_manifest_has_no_commit(tmp_path):
    assert git_state(tmp_path) is None
    info = provenance()
    assert set(info) >= {"python", "platform", "dependencies"}
    assert info["dependencies"]["numpy"] and "pyarrow" in info["dependencies"]


def test_a_cell_value_is_checked_against_its_column():
    col = ParameterColumn("parameters.x", "x_h", "h", "float64")
    with pytest.raises(ValueError, match="not a number"):
        col.value("soon")


def test_the_printed_summary_of_a_large_design_is_its_head_and_says_where_the_rest_is():
    """Rule: a sweep of thousands of design points prints the first rows of its summary and how
    many more there are in summary.csv, not thousands of lines; a small one prints whole."""
    from sim.batch.summary import PRINTED_ROWS, render

    col = ParameterColumn("parameters.x", "x_h", "h", "float64")
    rows = [{"point": k, "x_h": float(k), "metric": "arrests", "n": 2, "mean": 1.0, "ci95_low": 0.5,
             "ci95_high": 1.5} for k in range(PRINTED_ROWS + 25)]
    text = render(rows, [col])
    lines = text.splitlines()
    assert len(lines) == 1 + PRINTED_ROWS + 1
    assert lines[-1] == f"… 25 more row(s) of {PRINTED_ROWS + 25}: the whole summary is in summary.csv"
    assert "more row" not in render(rows[:5], [col]) and len(render(rows[:5], [col]).splitlines()) == 6
