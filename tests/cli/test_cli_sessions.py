"""Sessions end to end: record, replay identically, branch, resume after SIGKILL."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FLAGSHIP, ROOT, SCENARIOS, ncbsim, scripted_recording
from conftest import SCRIPT_FLAGSHIP as SCRIPT


@pytest.fixture(scope="module")
def scripted_flagship(tmp_path_factory) -> Path:
    """The flagship recorded once with the script (the shipped-scenario replay records it too):
    a finished, headless session whose Q5 is the hit, confirmed."""
    return scripted_recording(tmp_path_factory, FLAGSHIP.name) / "s.db"


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_every_shipped_scenario_replays_to_an_identical_journal(tmp_path_factory, tmp_path, name):
    # The recording (run with --session and --journal) is shared with the tests that read the same
    # run; the replay is this test's own.
    recorded = scripted_recording(tmp_path_factory, name)
    db, journal, again = recorded / "s.db", recorded / "run.jsonl", tmp_path / "replay.jsonl"
    r = ncbsim("replay", str(db), "--journal", str(again), "--json", timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["replay"]["identical"] is True
    assert journal.read_bytes() == again.read_bytes()


def test_branch_from_the_cli(scripted_flagship):
    db = scripted_flagship
    r = ncbsim("replay", str(db), "--branch", "Q5=decline", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["replay"]["identical"] is None and s["arrests"]["released"].get("requester_declined")
    bad = ncbsim("replay", str(db), "--branch", "Q99=decline")
    assert bad.returncode == 2 and "no decision Q99" in bad.stderr


def test_resume_refuses_another_seed_or_a_changed_scenario(tmp_path):
    db = tmp_path / "s.db"
    assert ncbsim("run", str(FLAGSHIP), "--session", str(db), "--until", "1d").returncode == 0
    r = ncbsim("run", str(FLAGSHIP), "--session", str(db), "--seed", "5")
    assert r.returncode == 2 and "seed" in r.stderr
    changed = tmp_path / "flagship.yaml"
    changed.write_text(FLAGSHIP.read_text().replace("seed: 20260302", "seed: 20260303"))
    r = ncbsim("run", str(changed), "--session", str(db))
    assert r.returncode == 2 and "as it was then" in r.stderr
    r = ncbsim("run", str(FLAGSHIP), "--session", str(db), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["session"]["resumed"] is True


def test_bad_session_files(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all")
    for args in (["replay", str(tmp_path / "none.db")], ["replay", str(junk)]):
        r = ncbsim(*args)
        assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1


def _decisions_in(db) -> set[str]:
    with sqlite3.connect(db) as c:
        return {row[0] for row in c.execute("SELECT decision FROM decisions")}


def test_sigkill_loses_no_acknowledged_decision_and_resume_matches(tmp_path):
    reference = tmp_path / "reference.jsonl"
    r = ncbsim("run", str(FLAGSHIP), "--policy", f"scripted:{SCRIPT}", "--journal", str(reference))
    assert r.returncode == 0
    rng = random.Random(7)
    for attempt in range(3):
        folder = tmp_path / f"try{attempt}"
        folder.mkdir()
        db, final = folder / "s.db", folder / "final.jsonl"
        cmd = [sys.executable, "-m", "sim", "run", str(FLAGSHIP), "--policy", f"scripted:{SCRIPT}",
               "--session", str(db), "--journal", str(folder / "partial.jsonl")]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.6, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        parts = list(folder.glob(".partial.jsonl.*.part"))  # sim.files.output_file's part file
        acknowledged = set()
        for part in parts:
            for line in part.read_text().splitlines():
                if '"kind": "decision.made"' in line:
                    acknowledged.add(json.loads(line)["decision"])
        if db.exists():
            assert acknowledged <= _decisions_in(db)
            r = ncbsim("run", str(FLAGSHIP), "--policy", f"scripted:{SCRIPT}", "--session", str(db),
                       "--journal", str(final))
            assert r.returncode == 0, r.stderr
            assert final.read_bytes() == reference.read_bytes()
        for part in parts:
            part.unlink(missing_ok=True)  # the resumed run sweeps a dead process's part file itself


def test_opening_a_foreign_database_changes_nothing(tmp_path):
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as c:
        c.execute("CREATE TABLE t (x)")
    before = foreign.read_bytes()
    r = ncbsim("note", str(foreign), "hi")
    assert r.returncode == 2 and "not an ncbsim session" in r.stderr
    assert foreign.read_bytes() == before


@pytest.mark.parametrize("extra, words", [
    (["--branch", "Q3=bogus"], "offered"),
    (["--journal", "/no/such/dir/j.jsonl"], "folder"),
])
def test_replay_refuses_bad_options(scripted_flagship, extra, words):
    r = ncbsim("replay", str(scripted_flagship), *extra)
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr


def test_play_refuses_a_headless_session_and_a_foreign_seat(scripted_flagship, tmp_path):
    db = tmp_path / "s.db"
    shutil.copyfile(scripted_flagship, db)  # play opens a session for writing
    r = ncbsim("play", "--session", str(db))
    assert r.returncode == 2 and "ncbsim trainer" in r.stderr
    r = ncbsim("play", str(FLAGSHIP), "--session", str(tmp_path / "nowhere" / "s.db"))
    assert r.returncode == 2 and "folder" in r.stderr


def test_run_session_twice_in_one_process_closes_the_store_on_every_path(tmp_path, capsys):
    """A command closes its session (the SQLite connection and the writer's lock) when it ends,
    whether it succeeded or refused: the same process can open the session again at once."""
    from sim.cli import main

    db = str(tmp_path / "s.db")
    run = ["run", str(FLAGSHIP), "--session", db]
    assert main([*run, "--until", "1h"]) == 0
    assert main([*run, "--until", "2h"]) == 0
    assert main([*run, "--until", "3h", "--seed", "5"]) == 2  # check_same_scenario refuses
    assert main([*run, "--until", "3h", "--policy", "careless"]) == 2  # the policy check refuses
    assert main(["note", db, "after the refusals"]) == 0
    assert main([*run, "--until", "4h"]) == 0
    err = capsys.readouterr().err
    assert "already open" not in err and "Traceback" not in err, err
    assert err.count("not 5") == 1 and err.count("recorded with policy") == 1, err
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT value FROM meta WHERE key = 'progress'").fetchone()[0] == "240.0"


def test_a_session_the_ui_refuses_is_closed_again(tmp_path):
    from sim.errors import InputError
    from tui.driver import Driver

    db = str(tmp_path / "s.db")
    Driver.open(str(FLAGSHIP), None, db).close()
    other = SCENARIOS / "pharma-ring-operation.yaml"
    for _ in range(2):  # the second attempt would meet the first one's lock if it were left open
        with pytest.raises(InputError, match="this session was recorded with"):
            Driver.open(str(other), None, db)
    again = Driver.open(None, None, db)
    assert again.seat == "ncb:FR"
    again.close()
