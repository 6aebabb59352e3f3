"""What ncbsim run writes (issue 11, causes 4, 5, 9 and 10): an output it cannot write, or one of
its own inputs given as an output, is refused in one line before the run starts; a stdout that
is full, closed or not UTF-8 ends the command cleanly; files appear whole, with ordinary
permissions, and a killed run leaves nothing behind for long.

Every run here is a fresh process, as a user starts it. The exercise in the fixture folder is
the flagship stretched to a year (about a minute of work) so that a refusal that came after the
run instead of before it fails by the 10 s timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FLAGSHIP, ROOT

FAST_S = 60.0  # a guard against a hang, not a speed test: generous for a loaded 2-core machine

FRAGMENT = """\
injects:
  - id: S1
    at: 3h
    from: MA
    to: FR
    text: the shared inject
"""

SCRIPT = (ROOT / "tests" / "data" / "script-flagship.yaml").read_text(encoding="utf-8")


def cli(*args: str, cwd: Path, timeout: float = FAST_S, stdout=subprocess.PIPE, env: dict | None = None,
        umask: int = -1) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, env=dict(os.environ, **(env or {})), umask=umask)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder below ``folder`` with its bytes: what a refused command must not change."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def exercise_template(tmp_path_factory) -> Path:
    """A year-long exercise with an include, a policy script, and a session recorded for an hour."""
    folder = tmp_path_factory.mktemp("exercise")
    text = FLAGSHIP.read_text(encoding="utf-8")
    text = text.replace("duration: 21d", "duration: 365d")
    text = text.replace("start: 2026-03-02T06:00:00Z\n", "start: 2026-03-02T06:00:00Z\ninclude: [shared/frag.yaml]\n")
    assert "365d" in text and "include:" in text
    (folder / "s.yaml").write_text(text, encoding="utf-8")
    (folder / "shared").mkdir()
    (folder / "shared" / "frag.yaml").write_text(FRAGMENT, encoding="utf-8")
    (folder / "script.yaml").write_text(SCRIPT, encoding="utf-8")
    r = cli("run", "s.yaml", "--until", "1h", "--session", "recorded.db", cwd=folder, timeout=60)
    assert r.returncode == 0, r.stderr
    return folder


@pytest.fixture
def exercise(exercise_template, tmp_path) -> Path:
    folder = tmp_path / "ex"
    shutil.copytree(exercise_template, folder)
    (folder / "a-folder").mkdir()
    (folder / "a-folder" / "keep.txt").write_text("kept")
    return folder


# (args after "run s.yaml", the path the error must name, the option it must name)
OUTPUT_CASES = {
    "journal is a folder": (["--journal", "a-folder"], "a-folder", "--journal"),
    "journal in a missing folder": (["--journal", "missing/j.jsonl"], "missing/j.jsonl", "--journal"),
    "journal below a regular file": (["--journal", "s.yaml/j.jsonl"], "s.yaml/j.jsonl", "--journal"),
    "journal in an unwritable folder": (["--journal", "locked/j.jsonl"], "locked/j.jsonl", "--journal"),
    "network is a folder": (["--network", "a-folder"], "a-folder", "--network"),
    "network in a missing folder": (["--network", "missing/g.graphml"], "missing/g.graphml", "--network"),
    "session is a folder": (["--session", "a-folder"], "a-folder", "--session"),
    "session in a missing folder": (["--session", "missing/s.db"], "missing/s.db", "--session"),
    "session below a regular file": (["--session", "s.yaml/s.db"], "s.yaml/s.db", "--session"),
    "journal is the scenario": (["--journal", "s.yaml"], "s.yaml", "--journal"),
    "journal is an included file": (["--journal", "shared/frag.yaml"], "shared/frag.yaml", "--journal"),
    "network is the scenario": (["--network", "s.yaml"], "s.yaml", "--network"),
    "network is an included file": (["--network", "shared/frag.yaml"], "shared/frag.yaml", "--network"),
    "journal is the policy script": (["--policy", "scripted:script.yaml", "--journal", "script.yaml"],
                                     "script.yaml", "--journal"),
    "network is the policy script": (["--policy", "scripted:script.yaml", "--network", "script.yaml"],
                                     "script.yaml", "--network"),
    "session is the scenario": (["--session", "s.yaml"], "s.yaml", "--session"),
    "journal is the session": (["--session", "recorded.db", "--journal", "recorded.db"], "recorded.db", "--journal"),
    "network is the session": (["--session", "recorded.db", "--network", "recorded.db"], "recorded.db", "--network"),
    "journal is a new session": (["--session", "new.db", "--journal", "new.db"], "new.db", "--journal"),
}


@pytest.mark.parametrize("case", list(OUTPUT_CASES))
def test_unusable_output_is_refused_before_the_run(exercise, case):
    args, culprit, option = OUTPUT_CASES[case]
    if case == "journal in an unwritable folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into any folder; 'below a regular file' covers it")
        (exercise / "locked").mkdir(mode=0o500)
    before = snapshot(exercise)
    started = time.monotonic()
    r = cli("run", "s.yaml", *args, cwd=exercise)
    elapsed = time.monotonic() - started
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    (line,) = r.stderr.splitlines()
    assert line.startswith(culprit + ":") and f" {option}: " in line, line
    assert snapshot(exercise) == before  # no input changed, nothing created
    assert elapsed < FAST_S


SCREEN_CASES = {
    "play: session is a folder": (["play", "s.yaml", "--session", "a-folder"], "a-folder"),
    "play: session in a missing folder": (["play", "s.yaml", "--session", "missing/p.db"], "missing/p.db"),
    "play: session is the scenario": (["play", "s.yaml", "--session", "s.yaml"], "s.yaml"),
    "play: session is an included file": (["play", "s.yaml", "--session", "shared/frag.yaml"], "shared/frag.yaml"),
    "trainer: session below a regular file": (["trainer", "s.yaml", "--session", "s.yaml/t.db"], "s.yaml/t.db"),
    "trainer: session is the scenario": (["trainer", "s.yaml", "--session", "s.yaml"], "s.yaml"),
    "trainer: session is an included file": (["trainer", "s.yaml", "--session", "shared/frag.yaml"],
                                             "shared/frag.yaml"),
}


@pytest.mark.parametrize("case", list(SCREEN_CASES))
def test_play_and_trainer_refuse_a_session_path_before_the_screen(exercise, case):
    args, culprit = SCREEN_CASES[case]
    before = snapshot(exercise)
    r = cli(*args, cwd=exercise)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    (line,) = r.stderr.splitlines()
    assert line.startswith(culprit + ": --session: "), line
    assert snapshot(exercise) == before


def test_outputs_appear_whole_with_ordinary_permissions(exercise):
    for umask in (0o022, 0o002):
        journal, graph = f"j{umask:o}.jsonl", f"g{umask:o}.json"
        r = cli("run", "s.yaml", "--until", "1d", "--journal", journal, "--network", graph, cwd=exercise,
                umask=umask)
        assert r.returncode == 0, r.stderr
        for name in (journal, graph):
            assert stat.S_IMODE((exercise / name).stat().st_mode) == 0o666 & ~umask, name
    assert not [p for p in exercise.iterdir() if p.name.endswith(".part")]


def test_killed_run_leaves_no_partial_file_after_the_next_one(exercise):
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", "s.yaml", "--journal", "j.jsonl"], cwd=exercise,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + FAST_S
        parts: list[Path] = []
        while not parts and time.monotonic() < deadline:
            time.sleep(0.05)
            parts = [p for p in exercise.iterdir() if p.name.endswith(".part")]
        assert parts, "the run never started its journal"
        time.sleep(0.3)  # well into the run: the part file holds events
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert parts[0].exists() and not (exercise / "j.jsonl").exists()
    r = cli("run", "s.yaml", "--until", "1d", "--journal", "j.jsonl", cwd=exercise)
    assert r.returncode == 0, r.stderr
    assert (exercise / "j.jsonl").stat().st_size > 0
    assert not [p.name for p in exercise.iterdir() if p.name.endswith(".part")]


def test_progress_on_a_terminal_only(tmp_path):
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", str(FLAGSHIP), "--until", "10d", "--json"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the run ended and closed its side
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == 0
    assert b"% of the run" in seen and b"events/s" in seen
    assert seen.endswith(b"\r\x1b[K")  # cleared: the terminal shows nothing of it after the run
    assert out.startswith(b"{")  # stdout carries the summary alone

    r = cli("run", str(FLAGSHIP), "--until", "1d", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == ""  # a pipe gets no progress


# Commands whose stdout is written by the CLI itself: a summary, a long table, a check.
STDOUT_COMMANDS = {
    "run summary": ["run", str(FLAGSHIP), "--until", "1d"],
    "run json": ["run", str(FLAGSHIP), "--until", "1d", "--json"],
    "world table": ["world"],
    "validate": ["validate", str(FLAGSHIP)],
    "help": ["--help"],
}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", list(STDOUT_COMMANDS))
def test_full_stdout_is_one_line_exit_1(tmp_path, command):
    with open("/dev/full", "w") as full:
        r = cli(*STDOUT_COMMANDS[command], cwd=tmp_path, stdout=full)
    assert r.returncode == 1, r.stderr
    (line,) = r.stderr.splitlines()
    assert "standard output" in line and "Traceback" not in r.stderr


@pytest.mark.parametrize("command", list(STDOUT_COMMANDS))
def test_closed_stdout_pipe_ends_quietly(tmp_path, command):
    proc = subprocess.Popen([sys.executable, "-m", "sim", *STDOUT_COMMANDS[command]], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the first line (`| head -0`)
    _, err = proc.communicate(timeout=FAST_S)
    assert proc.returncode == 0 and err == ""


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("command", ["run summary", "run json", "world table", "validate"])
def test_stdout_that_is_not_utf8(tmp_path, command, encoding):
    r = subprocess.run([sys.executable, "-m", "sim", *STDOUT_COMMANDS[command]], cwd=tmp_path, capture_output=True,
                       timeout=FAST_S, env=dict(os.environ, PYTHONIOENCODING=encoding))
    assert r.returncode == 0, r.stderr
    assert b"Traceback" not in r.stderr
    out = r.stdout.decode(encoding)  # every byte is in the stream's own encoding
    if command.startswith("run"):
        assert "Murder suspect on the run across three borders" in out
    if command == "run summary":
        assert "2026-03-02T06:00:00Z -> 2026-03-03T06:00:00Z" in out
