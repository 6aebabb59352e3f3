"""What report and replay write: checked before any work, never onto their input, whole or not at all,
and with data that cannot turn into Markdown, HTML or terminal commands."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import FLAGSHIP, ncbsim

QUICK = 30


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("outputs") / "s.db"
    r = ncbsim("run", str(FLAGSHIP), "--session", str(db), "--until", "6h")
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture(scope="module")
def journal(tmp_path_factory) -> Path:
    j = tmp_path_factory.mktemp("outputs") / "j.jsonl"
    r = ncbsim("run", str(FLAGSHIP), "--journal", str(j), "--until", "6h")
    assert r.returncode == 0, r.stderr
    return j


OUTPUTS = [
    pytest.param(["report", "{s}", "--html", "{s}"], "--html", "also an input", id="report-html-onto-the-session"),
    pytest.param(["report", "{s}", "--md", "{s}"], "--md", "also an input", id="report-md-onto-the-session"),
    pytest.param(["report", "{j}", "--md", "{j}"], "--md", "also an input", id="report-md-onto-the-journal"),
    pytest.param(["replay", "{s}", "--journal", "{s}"], "--journal", "also an input", id="replay-onto-the-session"),
    pytest.param(["report", "{s}", "--html", "{d}/none/r.html"], "--html", "does not exist", id="html-missing-folder"),
    pytest.param(["report", "{s}", "--md", "{d}"], "--md", "folder", id="md-a-folder"),
    pytest.param(["replay", "{s}", "--journal", "{d}"], "--journal", "folder", id="journal-a-folder"),
    pytest.param(["replay", "{s}", "--journal", "{d}/none/j.jsonl"], "--journal", "does not exist",
                 id="journal-missing-folder"),
    pytest.param(["report", "{s}", "--html", "{d}/r", "--md", "{d}/r"], "--md", "already writes", id="both-one-file"),
]


@pytest.mark.parametrize("args, option, words", OUTPUTS)
def test_an_output_that_cannot_be_written_is_refused_before_any_work(session, journal, tmp_path, args, option, words):
    s, j = tmp_path / "s.db", tmp_path / "j.jsonl"
    shutil.copyfile(session, s)
    shutil.copyfile(journal, j)
    before = s.read_bytes(), j.read_bytes()
    r = ncbsim(*[a.format(s=s, j=j, d=tmp_path) for a in args], timeout=QUICK)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert f": {option}: " in line and words in line, line
    assert (s.read_bytes(), j.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.jsonl", "s.db"]  # nothing half-written beside them


def test_a_failed_replay_leaves_the_old_journal_and_no_half_one(session, tmp_path):
    """A format-1 session (no tamper check) whose trainer's control no longer applies: the replay fails."""
    db = tmp_path / "s.db"
    shutil.copyfile(session, db)
    with contextlib.closing(sqlite3.connect(db)) as c, c:
        c.execute("ALTER TABLE decisions DROP COLUMN chain")
        c.execute("DELETE FROM meta WHERE key IN ('sealed', 'decisions_head', 'decisions_count')")
        c.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
        c.execute("INSERT INTO decisions(decision, seat, option, sim_time, wall_time, by) SELECT "
                  "'C1', 'trainer', '{\"action\": \"fire\", \"inject\": \"I99\"}', MAX(sim_time) + 1, "
                  "'2026-03-02T06:00:00Z', 'control' FROM decisions")
    out = tmp_path / "replayed.jsonl"
    out.write_text("the journal from yesterday\n")
    r = ncbsim("replay", str(db), "--journal", str(out), timeout=QUICK)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert "DIFFERS" in line and "I99" in line, line
    assert out.read_text() == "the journal from yesterday\n"
    # SQLite's own -wal/-shm beside a WAL database a reader opened are no output of ours
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == \
        ["replayed.jsonl", "s.db"]


HOSTILE = "fine\n## Injected heading\n<img src=x onerror=alert(1)> [click](http://evil.example) \x1b]0;owned\x07"


def _markdown_is_inert(text: str) -> None:
    lines = text.splitlines()
    assert not [ln for ln in lines if ln.lstrip("-| ").startswith(("## Injected", "# Evil"))], "a heading got in"
    assert not re.search(r"(?<!\\)<", text), "raw HTML got in"
    assert not re.search(r"(?<!\\)\]\(|https?://", text), "a link got in"
    assert "\x1b" not in text and "\x07" not in text
    in_table = [ln for ln in lines if ln.startswith("|")]
    assert in_table and all(ln.endswith("|") for ln in in_table), "a value broke a table row"


def test_notes_cannot_inject_markdown_html_or_terminal_codes(session, tmp_path):
    db = tmp_path / "s.db"
    shutil.copyfile(session, db)
    r = ncbsim("note", str(db), HOSTILE, "--by", "<b>Eve</b>\n# Evil", "--objective", "O1", "--rating", "P",
               timeout=QUICK)
    assert r.returncode == 0, r.stderr
    md, page = tmp_path / "r.md", tmp_path / "r.html"
    r = ncbsim("report", str(db), "--md", str(md), "--html", str(page), timeout=60)
    assert r.returncode == 0, r.stderr
    _markdown_is_inert(md.read_text())
    assert "Injected heading" in md.read_text() and "\\<img src=x" in md.read_text()  # shown, not obeyed
    html = page.read_text()
    assert "<img src=x" not in html and "<b>Eve" not in html and "&lt;img src=x" in html
    printed = ncbsim("report", str(db), timeout=60)
    assert printed.returncode == 0 and "\x1b" not in printed.stdout and "\\x1b" in printed.stdout


def test_journal_values_and_its_name_cannot_inject_markdown(tmp_path):
    events = [
        {"seq": 1, "t": "2026-03-02T06:00:00Z", "kind": "objective.met", "actor": "exercise", "objective": "O1",
         "title": "x\n# Evil <script>alert(1)</script>"},
        {"seq": 2, "t": "2026-03-02T07:00:00Z", "kind": "notice.refused", "actor": "GS",
         "notice": "N1|<b>bold</b>", "requester": "FR", "reason": "art3\n\n## Injected heading"},
    ]
    j = tmp_path / "j\n# Evil <b>name<b>.jsonl"
    j.write_text("".join(json.dumps(e) + "\n" for e in events))
    md = tmp_path / "r.md"
    r = ncbsim("report", str(j), "--md", str(md), timeout=QUICK)
    assert r.returncode == 0, r.stderr
    _markdown_is_inert(md.read_text())
    assert "\n" not in r.stdout.strip()  # the file's name stays on its line in the summary too


def _failing_writes(monkeypatch, code: int) -> None:
    """Every output's writes fail with ``code`` (a file system remounted read-only, a stale NFS
    handle, permissions changed under the command), the target and part file handled as usual."""
    import errno as errnos
    import os

    import sim.cli.run as run_module

    real = run_module.output_file

    class Failing:
        def __init__(self, fh) -> None:
            self._fh = fh

        def write(self, text: str) -> int:
            raise OSError(code, os.strerror(code))

        def __getattr__(self, name: str):
            return getattr(self._fh, name)

    @contextlib.contextmanager
    def failing(path, *args, **kwargs):
        with real(path, *args, **kwargs) as fh:
            yield Failing(fh)

    assert code not in (errnos.ENOSPC, errnos.EDQUOT, errnos.EFBIG, errnos.EIO)
    monkeypatch.setattr(run_module, "output_file", failing)


@pytest.mark.parametrize("code", ["EROFS", "ESTALE", "EACCES"])
@pytest.mark.parametrize("args, output", [
    (["run", str(FLAGSHIP), "--until", "2h", "--journal", "{d}/out.jsonl"], "out.jsonl"),
    (["run", str(FLAGSHIP), "--until", "2h", "--session", "{d}/new.db", "--journal", "{d}/out.jsonl"], "out.jsonl"),
    (["replay", "{s}", "--journal", "{d}/out.jsonl"], "out.jsonl"),
    (["report", "{j}", "--md", "{d}/out.md"], "out.md"),
    (["report", "{s}", "--html", "{d}/out.html"], "out.html"),
])
def test_any_failed_write_names_the_file_in_one_line(session, journal, tmp_path, monkeypatch, capsys, code, args,
                                                     output):
    import errno as errnos

    from sim.cli import main

    _failing_writes(monkeypatch, getattr(errnos, code))
    assert main([a.format(s=session, j=journal, d=tmp_path) for a in args]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert f"cannot write {tmp_path / output}" in line, line
    assert not (tmp_path / output).exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_chart_labels_cannot_write_to_the_terminal_or_break_the_charts(tmp_path):
    """Actors, nodes and options are drawn in the charts: control characters are shown as escapes
    (matplotlib echoed them raw to stderr in missing-glyph warnings) and a pair of ``$`` is text,
    not mathtext that failed the report."""
    events = [
        {"seq": 1, "t": "2026-03-02T06:00:00Z", "kind": "inject.fired", "actor": "c\x1b[31mX\x07", "inject": "I1",
         "from": "ES", "to": "FR", "channel": "i247", "priority": "urgent"},
        {"seq": 2, "t": "2026-03-02T07:00:00Z", "kind": "arrest.provisional", "actor": "$\\frac{$",
         "subject": "S1", "country": "FR"},
        {"seq": 3, "t": "2026-03-02T08:00:00Z", "kind": "arrest.provisional", "actor": "\u0f00\u16a0",
         "subject": "S2", "country": "FR"},
    ]
    j = tmp_path / "j.jsonl"
    j.write_text("".join(json.dumps(e) + "\n" for e in events))
    page = tmp_path / "r.html"
    r = ncbsim("report", str(j), "--html", str(page), timeout=QUICK)
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", r.stderr  # no warning, and so no raw control character, reaches the terminal
    html = page.read_text()
    assert "\x1b" not in html and "\x07" not in html
    assert "c\\x1b[31mX\\x07" in html and "$\\frac{$" in html
