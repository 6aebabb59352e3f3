"""Sessions people can find: without --session, play and trainer record in a named file in the
current folder, never over another, and say where on exit (end to end, in a terminal)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import FLAGSHIP, ROOT

from sim.sessions.store import session_file_for

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])")


def _in_a_terminal(args: list[str], cwd: Path, ready: str, keys: bytes, timeout: float = 60) -> tuple[int, str]:
    """Run ncbsim in a pseudo-terminal (Textual needs one), press ``keys`` once ``ready`` shows,
    and return the exit code and everything it printed, escape codes removed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, env=env, close_fds=True)
    os.close(slave)
    out, sent, deadline = b"", False, time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                chunk = os.read(master, 65536) if _readable(master) else b""
            except OSError:  # the child has closed the terminal
                chunk = b""
                if proc.poll() is not None:
                    break
            out += chunk
            if not sent and ready in ANSI.sub("", out.decode("utf-8", "replace")):
                time.sleep(0.5)
                os.write(master, keys)
                sent = True
            if proc.poll() is not None and not chunk:
                break
        else:
            pytest.fail(f"ncbsim {' '.join(args)} did not finish: {ANSI.sub('', out.decode(errors='replace'))[-500:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    return proc.returncode, ANSI.sub("", out.decode("utf-8", "replace")).replace("\r", "")


def _readable(fd: int) -> bool:
    import select

    return bool(select.select([fd], [], [], 0.2)[0])


def _printed_session(text: str) -> str:
    m = re.search(r"session recorded in (\S+\.db)", text)
    assert m, f"no session path printed on exit: {text[-400:]}"
    return m.group(1)


@pytest.mark.parametrize(("command", "ready", "seat"), [
    (["play", str(FLAGSHIP)], "Start the exercise", "ncb-FR"),
    (["trainer", str(FLAGSHIP)], "Clock", "trainer"),
])
def test_without_session_the_session_is_a_named_file_here_and_its_path_is_printed(tmp_path, command, ready, seat):
    # Rule: the session goes to ./<scenario>-<seat>-<YYYYmmdd-HHMMSS>.db and the command prints
    # that path (and how to resume and report on it) when it ends.
    code, text = _in_a_terminal(command, tmp_path, ready, b"q")
    assert code == 0, text[-400:]
    printed = _printed_session(text)
    assert re.fullmatch(rf"fugitive-three-borders-{seat}-\d{{8}}-\d{{6}}\.db", printed), printed
    assert (tmp_path / printed).is_file() and (tmp_path / printed).read_bytes()[:16] == b"SQLite format 3\x00"
    assert f"ncbsim report {printed} --html {printed[:-3]}-report.html" in text.replace("\n", "")


def test_a_session_name_taken_is_never_reused(tmp_path):
    # Rule: two sessions started in the same second in one folder get two files.
    when = datetime(2026, 3, 2, 9, 15, 0)
    first = session_file_for("scenarios/fugitive-three-borders.yaml", "ncb:FR", tmp_path, when)
    assert first == tmp_path / "fugitive-three-borders-ncb-FR-20260302-091500.db"
    first.write_bytes(b"")
    second = session_file_for("scenarios/fugitive-three-borders.yaml", "ncb:FR", tmp_path, when)
    assert second == tmp_path / "fugitive-three-borders-ncb-FR-20260302-091500-2.db"


def test_report_never_overwrites_another_sessions_report(tmp_path):
    # Rule: `ncbsim report A --html F` refuses when F is the report of another session B, and
    # rewrites F when it is A's own report.
    from conftest import SCENARIOS, ncbsim

    scenario = str(SCENARIOS / "annotated-example.yaml")
    for name in ("a.db", "b.db"):
        assert ncbsim("run", scenario, "--session", str(tmp_path / name)).returncode == 0
    for flag, out in (("--html", tmp_path / "r.html"), ("--md", tmp_path / "r.md")):
        assert ncbsim("report", str(tmp_path / "b.db"), flag, str(out)).returncode == 0
        refused = ncbsim("report", str(tmp_path / "a.db"), flag, str(out))
        assert refused.returncode == 2 and "is the report of another session" in refused.stderr
        assert str((tmp_path / "b.db").resolve()) in refused.stderr
        assert ncbsim("report", str(tmp_path / "b.db"), flag, str(out)).returncode == 0
