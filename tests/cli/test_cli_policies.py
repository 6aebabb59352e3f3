"""Headless runs act through the same paths as people: by_the_book and careless give different
outcomes on the flagship, every automated action says it was the policy's, and each run's
session replays to the same journal byte for byte."""

from __future__ import annotations

import json

import pytest
from conftest import FLAGSHIP, ncbsim


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for policy in ("by_the_book", "careless"):
        folder = tmp_path_factory.mktemp(policy)
        session, journal = folder / "s.db", folder / "j.jsonl"
        done = ncbsim("run", str(FLAGSHIP), "--until", "4d", "--policy", policy, "--session", str(session),
                      "--journal", str(journal), "--json", timeout=300)
        assert done.returncode == 0, done.stderr
        events = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
        out[policy] = (session, journal, events, json.loads(done.stdout))
    return out


def test_the_two_policies_lead_to_different_outcomes(runs):
    def outcome(policy):
        counts = runs[policy][3]["events_by_kind"]
        return {k: counts.get(k, 0) for k in ("notice.published", "objective.met", "objective.failed")}

    assert outcome("by_the_book") != outcome("careless")


@pytest.mark.parametrize("policy", ["by_the_book", "careless"])
def test_every_automated_action_is_the_policys_and_the_run_replays_identically(runs, tmp_path, policy):
    session, journal, events, _ = runs[policy]
    made = [e for e in events if e["kind"] == "decision.made"]
    assert made and all((e["by"], e["policy"]) == ("policy", policy) for e in made)
    assert not any(e.get("by") == "person" for e in events)
    rebuilt = tmp_path / "again.jsonl"
    again = ncbsim("replay", str(session), "--journal", str(rebuilt), timeout=300)
    assert again.returncode == 0, again.stderr
    assert rebuilt.read_bytes() == journal.read_bytes()
