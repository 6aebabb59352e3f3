"""End to end, as a user runs them: ncbsim run, world, --help, exit codes."""

from __future__ import annotations

import json

import pytest
from conftest import FLAGSHIP, ncbsim

SUBCOMMANDS = ["play", "trainer", "run", "replay", "report", "note", "validate", "schema", "world"]


@pytest.mark.parametrize("cmd", SUBCOMMANDS)
def test_every_subcommand_has_help(cmd):
    r = ncbsim(cmd, "--help")
    assert r.returncode == 0 and "usage: ncbsim " + cmd in r.stdout


def test_top_level_help_lists_the_commands():
    r = ncbsim("--help")
    assert r.returncode == 0 and all(c in r.stdout for c in SUBCOMMANDS)
    assert ncbsim().returncode == 2


def test_run_prints_a_readable_summary():
    r = ncbsim("run", str(FLAGSHIP))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Murder suspect on the run across three borders" in out
    assert "ran to the end" in out and "message.handled" in out and "I-24/7 messages:" in out
    assert "MET    O1" in out
    assert "Traceback" not in r.stderr


def test_run_json_and_journal_agree(tmp_path):
    journal = tmp_path / "run.jsonl"
    r = ncbsim("run", str(FLAGSHIP), "--until", "36h", "--seed", "11", "--json", "--journal", str(journal))
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    assert s["seed"] == 11 and s["complete"] is False and s["end"] == "2026-03-03T18:00:00Z"
    assert s["events"] == len(events) and sum(s["events_by_kind"].values()) == len(events)
    assert s["messages"]["sent"] == sum(1 for e in events if e["kind"] == "message.sent")
    assert len(s["scenario_sha256"]) == 64
    assert not list(tmp_path.glob("*.part"))


def test_missing_file_is_one_line_exit_2():
    r = ncbsim("run", "no/such/scenario.yaml")
    assert r.returncode == 2
    assert r.stderr.strip() == "no/such/scenario.yaml: file not found"


def test_directory_instead_of_file():
    r = ncbsim("run", "scenarios")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "folder" in r.stderr


@pytest.mark.parametrize("args, words", [
    (["--until", "soon"], "--until"),
    (["--until=-3h"], "negative"),
    (["--seed", "-1"], "--seed"),
    (["--seed", "x"], "invalid int"),
    (["--journal", "/no/such/dir/j.jsonl"], "folder"),
])
def test_bad_options_exit_2_without_traceback(args, words):
    r = ncbsim("run", str(FLAGSHIP), *args)
    assert r.returncode == 2, r.stdout
    assert words in r.stderr and "Traceback" not in r.stderr


def test_world_lists_members_and_offices():
    r = ncbsim("world")
    assert r.returncode == 0
    assert "196 member countries" in r.stdout and "Manchester" in r.stdout and "Wiesbaden" in r.stdout
    assert "CCC-SIN" in r.stdout


def test_world_json_has_members_offices_sources():
    doc = json.loads(ncbsim("world", "--json").stdout)
    assert len(doc["members"]) == 196 and len(doc["offices"]) == 18 and doc["sources"]
    fr = next(m for m in doc["members"] if m["iso2"] == "FR")
    assert fr["languages"] == ["fr"] and fr["timezone"] == "Europe/Paris"


def test_world_region_filter():
    doc = json.loads(ncbsim("world", "--json", "--region", "Europe").stdout)
    assert doc["members"] and all(m["region"] == "Europe" for m in doc["members"])


def test_network_analysis_is_exported_with_the_run(tmp_path):
    import networkx as nx

    graph = tmp_path / "traffic.graphml"
    r = ncbsim("run", str(FLAGSHIP), "--until", "2d", "--network", str(graph), "--json")
    assert r.returncode == 0, r.stderr
    net = json.loads(r.stdout)["network"]
    assert net["links_used"] > 100 and len(net["longest_waits"]) == 5 and len(net["most_between"]) == 5
    g = nx.read_graphml(graph)
    assert g.number_of_nodes() >= 190 and all("mean_wait_min" in d for _, d in g.nodes(data=True))
    as_json = tmp_path / "traffic.json"
    assert ncbsim("run", str(FLAGSHIP), "--until", "1d", "--network", str(as_json)).returncode == 0
    assert json.loads(as_json.read_text())["links"]


@pytest.mark.parametrize("args, words", [
    (["play", "no/such.yaml"], "file not found"),
    (["play", str(FLAGSHIP), "--as", "ncb:XX"], "not a seat of this exercise"),
    (["play", str(FLAGSHIP), "--as", "admin"], "not a seat"),
    (["play", "--session", "none.db"], "no session file"),
    (["trainer", "no/such.yaml"], "no such file"),
])
def test_play_and_trainer_refuse_bad_input_before_the_screen(args, words):
    r = ncbsim(*args)
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr


def test_world_columns_line_up_for_the_longest_time_zone():
    """America/Argentina/Buenos_Aires once ran into the language column ("Buenos_Aireses")."""
    lines = ncbsim("world").stdout.splitlines()
    lang = lines[1].index("lang")
    rows = [ln for ln in lines[2:] if len(ln) > 4 and ln[2:4] == "  "][:196]
    assert len(rows) == 196
    for row in rows:
        assert row[lang - 2:lang] == "  ", row
    assert "Buenos_Aires  es" in next(r for r in rows if r.startswith("AR "))
