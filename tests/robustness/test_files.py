"""sim.files: inputs that are not regular files are refused at once; outputs appear whole or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from sim.errors import InputError, RunError
from sim.files import OutputTarget, check_outputs, output_file, read_input_bytes, read_input_text


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as e:
        read_input_bytes(fifo, limit=100, what="scenario")
    assert "named pipe" in str(e.value) and str(fifo) in str(e.value)


@pytest.mark.parametrize("make, words", [
    (lambda p: p.mkdir(), "folder"),
    (lambda p: None, "file not found"),
    (lambda p: p.write_bytes(b"x" * 101), "at most 100"),
])
def test_other_unreadable_inputs(tmp_path, make, words):
    p = tmp_path / "in.yaml"
    make(p)
    with pytest.raises(InputError) as e:
        read_input_bytes(p, limit=100, what="scenario")
    assert words in str(e.value)


def test_device_is_refused():
    with pytest.raises(InputError, match="device"):
        read_input_bytes("/dev/zero", limit=100, what="scenario")


def test_text_encoding_error_is_located(tmp_path):
    p = tmp_path / "d.csv"
    p.write_bytes("a,b\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as e:
        read_input_text(p, limit=1000, what="design CSV")
    (prob,) = e.value.problems
    assert (prob.line, prob.col) == (2, 6) and "UTF-8" in prob.message


def test_bom_is_dropped(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_bytes(b"\xef\xbb\xbfid: x\n")
    assert read_input_text(p, limit=100) == "id: x\n"


def test_output_replaces_only_when_complete(tmp_path):
    target = tmp_path / "j.jsonl"
    target.write_text("old")
    with pytest.raises(ZeroDivisionError), output_file(target) as fh:
        fh.write("half")
        raise ZeroDivisionError("the run failed half-way")
    assert target.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["j.jsonl"]  # nothing hidden left behind
    with output_file(target) as fh:
        fh.write("new")
    assert target.read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["j.jsonl"]


def test_output_gets_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        with output_file(tmp_path / "r.html") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "r.html").st_mode) == 0o644


def test_stale_partial_file_of_a_dead_process_is_swept(tmp_path):
    stale = tmp_path / ".j.jsonl.ncbsim-999999999-0123456789abcdef.part"
    stale.write_text("left by a killed run")
    with output_file(tmp_path / "j.jsonl") as fh:
        fh.write("x")
    assert sorted(os.listdir(tmp_path)) == ["j.jsonl"]


def test_outputs_checked_before_work(tmp_path):
    scen = tmp_path / "s.yaml"
    scen.write_text("id: x")
    (tmp_path / "d").mkdir()
    with pytest.raises(InputError) as e:
        check_outputs([OutputTarget("--journal", str(scen)),
                       ("--html", str(tmp_path / "d")),
                       ("--md", str(tmp_path / "nope" / "r.md")),
                       ("--network", None)], inputs=[str(scen)])
    msgs = [(p.field, p.message) for p in e.value.problems]
    assert len(msgs) == 3
    assert any(f == "--journal" and "input" in m for f, m in msgs)
    assert any(f == "--html" and "folder" in m for f, m in msgs)
    assert any(f == "--md" and "does not exist" in m for f, m in msgs)
    assert scen.read_text() == "id: x"


def test_unwritable_folder(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    with pytest.raises(InputError, match="not writable"):
        check_outputs([("--out", str(d / "x"))])


def test_a_full_disk_is_blamed_on_the_output_other_errors_are_not(tmp_path):
    import errno

    with pytest.raises(RunError, match="cannot write"), output_file(tmp_path / "j.jsonl"):
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(FileNotFoundError), output_file(tmp_path / "j.jsonl"):
        (tmp_path / "missing-input.yaml").read_text()  # an input's problem stays the input's
    assert os.listdir(tmp_path) == []


def test_parent_that_is_a_file_is_named_as_such(tmp_path):
    f = tmp_path / "plain"
    f.write_text("x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        check_outputs([("--journal", str(f / "j.jsonl"))])


def test_another_tools_part_file_is_left_alone(tmp_path):
    theirs = tmp_path / ".j.jsonl.999999999.part"
    theirs.write_text("not ours")
    with output_file(tmp_path / "j.jsonl") as fh:
        fh.write("x")
    assert theirs.read_text() == "not ours"


def test_a_planted_link_at_a_predictable_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim.yaml"
    victim.write_text("scenario")
    for n in range(50):  # the names a PID-only scheme would have used
        (tmp_path / f".out.txt.{os.getpid() + n}.part").symlink_to(victim)
    (tmp_path / f".out.txt.ncbsim-{os.getpid()}.part").symlink_to(victim)
    with output_file(tmp_path / "out.txt") as fh:
        fh.write("journal")
    assert victim.read_text() == "scenario" and (tmp_path / "out.txt").read_text() == "journal"


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "private.jsonl"
    target.write_text("old")
    target.chmod(0o600)
    with output_file(target) as fh:
        fh.write("new")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


@pytest.mark.parametrize("side", ["-wal", "-shm", "-journal"])
def test_an_input_sessions_side_files_are_inputs_too(tmp_path, side):
    session = tmp_path / "s.db"
    session.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(InputError, match="SQLite keeps the recent writes"):
        check_outputs([("--journal", str(session) + side)], inputs=[str(session)])
    link = tmp_path / "alias.db"
    link.symlink_to(session)
    with pytest.raises(InputError, match="SQLite keeps the recent writes"):
        check_outputs([("--journal", str(session) + side)], inputs=[str(link)])


def test_an_output_sessions_side_files_are_no_other_outputs_target(tmp_path):
    session = str(tmp_path / "s.db")
    with pytest.raises(InputError, match=r"SQLite keeps the recent writes of .*s\.db \(--session\)"):
        check_outputs([("--journal", session + "-wal"), ("--session", session)])
