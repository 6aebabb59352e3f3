"""Session files are input: damaged, edited, shared or read-only ones get one clear line, never a traceback.

Each case edits a copy of a small real session the way a person with a database tool (or a bad
disk) would, runs the real CLI on it, and checks: exit 2 (1 where a replay finds the journal
differs), one line naming the session file and the field or decision, no traceback, and the
session file byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import FLAGSHIP, ROOT, ncbsim, recorded_once

from sim.scenario.loader import load_scenario
from sim.sessions.runner import SessionRun, new_session

SCRIPT = ROOT / "tests" / "data" / "script-flagship.yaml"
QUICK = 20  # seconds: a refused command answers at once; the subprocess start is most of it


# Both sessions are recorded once per test session (shared by the xdist workers) and only ever
# copied (``_edited``, ``shutil.copyfile``) before a test changes or opens them.
@pytest.fixture(scope="module")
def policy_session(tmp_path_factory) -> Path:
    """Two days of the flagship answered by a script: decisions Q1–Q4, all made by a policy."""
    def make(folder: Path) -> None:
        r = ncbsim("run", str(FLAGSHIP), "--session", str(folder / "policy.db"), "--until", "2d",
                   "--policy", f"scripted:{SCRIPT}")
        assert r.returncode == 0, r.stderr

    return recorded_once(tmp_path_factory, "flagship-2d-policy", make) / "policy.db"


@pytest.fixture(scope="module")
def person_session(tmp_path_factory) -> Path:
    """Two days of the flagship with a person at NCB France, answering as the TUI would."""
    def make(folder: Path) -> None:
        db = folder / "person.db"
        store = new_session(db, load_scenario(FLAGSHIP), seed=None, policy=None, script=None, people=["ncb:FR"])
        run = SessionRun(store, keep_events=False)
        t = 0.0
        while t < 2 * 1440:
            t += 120
            run.run(t)
            for d in list(run.exercise.port.open):
                if d.seat == "ncb:FR":
                    run.exercise.answer(d.id, d.recommended)
        store.close()

    db = recorded_once(tmp_path_factory, "flagship-2d-person", make) / "person.db"
    assert {r[0] for r in _rows(db, "SELECT by FROM decisions")} == {"seat"}
    return db


def _rows(db: Path, sql: str, *args) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(db)) as c:
        return c.execute(sql, args).fetchall()


def _edited(src: Path, folder: Path, *statements: str | tuple) -> Path:
    db = folder / "edited.db"
    shutil.copyfile(src, db)
    c = sqlite3.connect(db)
    for s in statements:
        sql, args = (s, ()) if isinstance(s, str) else (s[0], s[1:])
        c.execute(sql, args)
    c.commit()
    c.close()
    return db


def _refused(r: subprocess.CompletedProcess, db: Path, *words: str, code: int = 2) -> None:
    assert r.returncode == code, (r.returncode, r.stdout[-500:], r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(db) in lines[0] or code == 1, lines[0]
    for w in words:
        assert w in lines[0], lines[0]


def _meta(key: str, value) -> tuple:
    return ("UPDATE meta SET value = ? WHERE key = ?", value, key)


BAD_FIELDS = [
    pytest.param(_meta("seed", "abc"), "session meta 'seed': expected a whole number", id="seed-text"),
    pytest.param(_meta("seed", "-4"), "session meta 'seed'", id="seed-negative"),
    pytest.param(_meta("seed", "99999999999999999999"), "session meta 'seed'", id="seed-too-big"),
    pytest.param(_meta("scenario_data", "[1, 2"), "session meta 'scenario_data': not valid JSON", id="scenario-not-json"),
    pytest.param(_meta("scenario_data", "[1, 2]"), "session meta 'scenario_data': expected a JSON object",
                 id="scenario-a-list"),
    pytest.param(_meta("people", "[" * 50_000), "session meta 'people': nested too deeply", id="people-deep"),
    pytest.param(_meta("people", '["ncb:FR", 7]'), "session meta 'people': expected a JSON list of seats",
                 id="people-not-text"),
    pytest.param(_meta("progress", "nan"), "session meta 'progress'", id="progress-nan"),
    pytest.param(_meta("progress", "1e999"), "session meta 'progress'", id="progress-inf"),
    pytest.param(_meta("finished", "yes"), "session meta 'finished': expected 0 or 1", id="finished"),
    pytest.param(_meta("policy", "reckless"), "session meta 'policy': expected one of", id="policy"),
    pytest.param(_meta("script", "{not json"), "session meta 'script'", id="script"),
    pytest.param(_meta("format", "7"), "session meta 'format': an unknown session format '7'", id="format"),
    pytest.param(("UPDATE meta SET value = ? WHERE key = 'seed'", b"\x00\x01"), "session meta 'seed': expected text",
                 id="seed-blob"),
    pytest.param("DELETE FROM meta WHERE key = 'seed'", "session meta 'seed': missing", id="seed-missing"),
    pytest.param("UPDATE decisions SET sim_time = 'soon' WHERE decision = 'Q2'", "decision Q2 'sim_time'",
                 id="sim-time-text"),
    pytest.param("UPDATE decisions SET by = 'robot' WHERE decision = 'Q2'", "decision Q2 'by'", id="by-unknown"),
    pytest.param("UPDATE decisions SET decision = 'X2' WHERE decision = 'Q2'", "decision row 2", id="id-malformed"),
    pytest.param("UPDATE decisions SET chain = 'x' WHERE decision = 'Q1'", "decision Q1 'chain'", id="chain-text"),
    pytest.param("INSERT INTO notes(objective, rating, text, author, sim_time, wall_time) "
                 "VALUES ('O1', 'superb', 'x', 'a', 1.0, 'now')", "note 1 'rating'", id="note-rating"),
    pytest.param("DROP TABLE notes", "not an ncbsim session", id="table-missing"),
]


@pytest.mark.parametrize("edit, words", BAD_FIELDS)
def test_a_bad_field_is_named_not_a_traceback(policy_session, tmp_path, edit, words):
    db = _edited(policy_session, tmp_path, edit)
    before = db.read_bytes()
    r = ncbsim("replay", str(db), timeout=QUICK)
    _refused(r, db, words)
    assert db.read_bytes() == before


@pytest.mark.parametrize("command", [
    ["replay", "{db}"], ["report", "{db}"], ["note", "{db}", "a note"], ["trainer", "{db}"],
    ["run", str(FLAGSHIP), "--session", "{db}"], ["replay", "{db}", "--branch", "Q1=hold"],
    ["report", "{db}", "--what-if", "1"],
])
def test_every_command_that_opens_a_session_checks_it(policy_session, tmp_path, command):
    db = _edited(policy_session, tmp_path, _meta("seed", "abc"))
    before = db.read_bytes()
    r = ncbsim(*[a.format(db=db) for a in command], timeout=QUICK)
    _refused(r, db, "session meta 'seed': expected a whole number from 0 to 2^63-1, got 'abc'")
    assert db.read_bytes() == before


TAMPERING = [
    pytest.param("policy", "UPDATE decisions SET option = 'decline' WHERE decision = 'Q3'",
                 "decision Q3 was changed after it was recorded", id="policy-decision-changed"),
    pytest.param("person", "UPDATE decisions SET option = 'decline' WHERE decision = 'Q3'",
                 "decision Q3 was changed after it was recorded", id="person-decision-changed"),
    pytest.param("person", "UPDATE decisions SET sim_time = sim_time + 1 WHERE decision = 'Q2'",
                 "decision Q2 was changed after it was recorded", id="person-decision-moved"),
    pytest.param("policy", "UPDATE decisions SET by = 'seat' WHERE decision = 'Q2'",
                 "decision Q2 was changed after it was recorded", id="policy-made-a-person"),
    pytest.param("policy", "DELETE FROM decisions WHERE decision = 'Q2'",
                 "a decision recorded between Q1 and Q3 was deleted", id="deleted"),
    pytest.param("policy", "DELETE FROM decisions WHERE decision = 'Q4'",
                 "1 decision(s) recorded after Q3 were deleted", id="last-deleted"),
    pytest.param("policy", "INSERT INTO decisions VALUES (99, 'Q99', 'ncb:FR', 'file', 9000.0, "
                           "'2026-03-02T06:00:00Z', 'seat', '" + "0" * 64 + "')",
                 "decision Q99 was inserted after the session was recorded", id="inserted"),
    pytest.param("policy", "UPDATE decisions SET n = n + 100 WHERE decision IN ('Q1', 'Q2')",
                 "decision Q1 'sim_time': recorded out of order", id="reordered"),
    pytest.param("policy", "UPDATE decisions SET n = n + 100 WHERE decision = 'Q4'",
                 "decisions: a decision recorded between Q3 and Q4", id="renumbered"),
    pytest.param("policy", _meta("seed", "12345"),
                 "session meta 'seed': was changed after the session was created", id="seed-changed"),
    pytest.param("policy", _meta("scenario_data", '{"id": "other"}'),
                 "session meta 'scenario_data': was changed after the session was created", id="scenario-changed"),
]


@pytest.mark.parametrize("which, edit, words", TAMPERING)
def test_tampering_with_a_recorded_decision_is_refused_by_name(policy_session, person_session, tmp_path,
                                                               which, edit, words):
    db = _edited(policy_session if which == "policy" else person_session, tmp_path, edit)
    before = db.read_bytes()
    r = ncbsim("replay", str(db), timeout=QUICK)
    _refused(r, db, words)
    assert db.read_bytes() == before


def _format_1(src: Path, folder: Path, *edits: str) -> Path:
    """The same session as the engine before the tamper check wrote it."""
    return _edited(src, folder, "ALTER TABLE decisions DROP COLUMN chain",
                   "DELETE FROM meta WHERE key IN ('sealed', 'decisions_head', 'decisions_count')",
                   _meta("format", "1"), *edits)


def test_a_format_1_session_opens_and_says_it_has_no_tamper_check(person_session, tmp_path):
    db = _format_1(person_session, tmp_path)
    before = db.read_bytes()
    r = ncbsim("replay", str(db), timeout=60)
    assert r.returncode == 0, r.stderr
    assert "format-1 session: its decisions carry no tamper check" in r.stdout
    assert db.read_bytes() == before


def test_a_changed_person_decision_in_a_format_1_session_makes_the_journal_differ(person_session, tmp_path):
    db = _format_1(person_session, tmp_path, "UPDATE decisions SET option = 'bogus' WHERE decision = 'Q2'")
    before = db.read_bytes()
    r = ncbsim("replay", str(db), "--journal", str(tmp_path / "j.jsonl"), timeout=60)
    _refused(r, db, "the journal DIFFERS from the recorded run", "decision Q2 has no option 'bogus'", code=1)
    assert not (tmp_path / "j.jsonl").exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]
    r = ncbsim("report", str(db), timeout=60)
    _refused(r, db, "decisions: the session does not replay")
    assert db.read_bytes() == before


def test_a_second_writer_is_refused_with_the_first_ones_pid_while_readers_go_on(policy_session, tmp_path):
    db = tmp_path / "s.db"
    shutil.copyfile(policy_session, db)
    hold = ("import sys, time\nfrom sim.sessions.store import SessionStore\n"
            "s = SessionStore.open(sys.argv[1])\nprint('open', flush=True)\ntime.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        for args in (["note", str(db), "x"], ["run", str(FLAGSHIP), "--session", str(db)]):
            r = ncbsim(*args, timeout=QUICK)
            _refused(r, db, f"this session is open in another ncbsim process (pid {holder.pid})")
        for args in (["replay", str(db)], ["report", str(db)]):
            r = ncbsim(*args, timeout=60)
            assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    finally:
        holder.kill()
        holder.wait()
    assert ncbsim("note", str(db), "now it is free", timeout=QUICK).returncode == 0


def _permissions_apply() -> dict:
    """Permissions do not stop root: as root, run the command without the capabilities that
    override them (dropped from the bounding set, so the exec'd process never has them)."""
    if os.geteuid() != 0:
        return {}
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, overrides = 24, (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER

    def drop() -> None:
        for cap in overrides:
            if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
                os._exit(97)

    probe = subprocess.run([sys.executable, "-c", "open('/proc/self/status')"], preexec_fn=drop, capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root without a way to give up the capabilities that override permissions")
    return {"preexec_fn": drop}


@pytest.mark.parametrize("read_only", ["folder", "file"])
@pytest.mark.parametrize("command", ["replay", "report", "note"])
def test_a_read_only_session_replays_and_reports_but_is_not_written(policy_session, read_only, command):
    how = _permissions_apply()
    folder = Path(tempfile.mkdtemp(prefix="ncbsim-ro-"))
    try:
        db = folder / "s.db"
        shutil.copyfile(policy_session, db)
        db.chmod(0o444)
        folder.chmod(0o555 if read_only == "folder" else 0o755)
        before = db.read_bytes()
        r = subprocess.run([sys.executable, "-m", "sim", command, str(db), *(["x"] if command == "note" else [])],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, **how)
        if command == "note":
            _refused(r, db, "the session file is read-only")
        else:
            assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        assert db.read_bytes() == before
        if read_only == "folder":
            assert os.listdir(folder) == ["s.db"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_a_recorded_journal_hash_that_does_not_match_makes_replay_exit_1(policy_session, tmp_path):
    """The progress fields are not sealed (they change as a session runs): the replay's verdict checks them."""
    db = _edited(policy_session, tmp_path, _meta("finished", "1"),
                 ("INSERT INTO meta(key, value) VALUES ('journal_sha256', ?)", "0" * 64))
    before = db.read_bytes()
    r = ncbsim("replay", str(db), timeout=60)
    _refused(r, db, "replay: the journal DIFFERS from the recorded run", code=1)
    assert db.read_bytes() == before


RELABELLED = [
    pytest.param(("UPDATE decisions SET option = 'decline' WHERE decision = 'Q2'", _meta("format", "1")),
                 "the decisions' 'chain' column", id="decision-changed-and-format-1"),
    pytest.param(("ALTER TABLE decisions DROP COLUMN chain", _meta("format", "1")), "meta 'sealed'",
                 id="chain-dropped-seal-kept"),
    pytest.param(("DELETE FROM meta WHERE key IN ('sealed', 'decisions_head', 'decisions_count')", _meta("format", "1")),
                 "the decisions' 'chain' column", id="seal-dropped-chain-kept"),
]


@pytest.mark.parametrize("edits, words", RELABELLED)
@pytest.mark.parametrize("command", [["replay", "{db}"], ["report", "{db}"], ["note", "{db}", "x"],
                                     ["run", str(FLAGSHIP), "--session", "{db}", "--until", "3d"]])
def test_a_format_2_session_relabelled_format_1_is_refused_as_tampered(policy_session, tmp_path, edits, words,
                                                                       command):
    """``format`` cannot be sealed (the seal is what it switches on): one edited value must not turn the
    tamper check off, nor make a resumed run fail late on the chain column."""
    db = _edited(policy_session, tmp_path, *edits)
    before = db.read_bytes()
    r = ncbsim(*[a.format(db=db) for a in command], timeout=QUICK)
    _refused(r, db, "session meta 'format': says 1, but the file carries the tamper check of format 2", words,
             "the format was changed after the session was created")
    assert db.read_bytes() == before


def _locks_held_here(path: Path) -> list[str]:
    """The POSIX locks this process holds on ``path`` (Linux's /proc/locks)."""
    st = path.stat()
    mine = []
    for line in Path("/proc/locks").read_text().splitlines():
        f = line.replace("->", "").split()
        if f[1] == "POSIX" and f[4] == str(os.getpid()) and f[5].rsplit(":", 1)[1] == str(st.st_ino):
            mine.append(line)
    return mine


needs_proc_locks = pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux's /proc/locks")


@needs_proc_locks
def test_a_reader_keeps_sqlites_lock_on_the_session(policy_session, tmp_path):
    """Closing any descriptor on a file drops every POSIX lock the process holds on it: opening a
    session read-only must not close one while its own SQLite connection (which holds a shared
    lock on the file in WAL mode) is open."""
    from sim.sessions.store import SessionStore

    db = tmp_path / "s.db"
    shutil.copyfile(policy_session, db)
    reader = SessionStore.open(db, write=False)
    try:
        assert _locks_held_here(db), "the reader's SQLite lock on the session was dropped"
        again = SessionStore.open(db, write=False)  # a second reader in the same process
        again.close()
        assert _locks_held_here(db)
    finally:
        reader.close()


@needs_proc_locks
def test_a_second_open_in_the_same_process_leaves_the_writers_locks(policy_session, tmp_path):
    from sim.errors import InputError
    from sim.sessions.store import SessionStore

    db = tmp_path / "s.db"
    shutil.copyfile(policy_session, db)
    writer = SessionStore.open(db)
    try:
        held = _locks_held_here(db)
        assert held
        with pytest.raises(InputError, match="already open for writing in this process"):
            SessionStore.open(db)
        SessionStore.open(db, write=False).close()
        assert _locks_held_here(db) == held
    finally:
        writer.close()
    assert not _locks_held_here(db)
    SessionStore.open(db).close()  # closed means closed: it opens for writing again
