"""The results folder of a sweep: checked before any run, and locked while a sweep writes to it.

The lock is ``flock`` on a ``.lock`` file in the folder, so the kernel drops it when the process
ends however it ends (a SIGKILL leaves nothing to clean up). Process-pool workers forked while
it is held close their copy at once: the lock belongs to the sweep, not to its workers, and a
killed sweep's folder is free again even while orphaned workers wind down.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import InputError, Problem

LOCK_NAME = ".lock"
SUBFOLDERS = ("runs", "metrics", "timeseries", "plots")

_held: dict[str, list[int]] = {}  # realpath → [fd, depth]: reentrant within one process


def _forget_in_child() -> None:
    for fd, _ in _held.values():
        with suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def _refuse(out: Path, message: str) -> InputError:
    return InputError([Problem(str(out), 0, 0, "--out", message)])


def check_folder(out: Path) -> None:
    """Refuse, before any run, a results folder that cannot be one."""
    if os.path.lexists(out) and not out.is_dir():
        raise _refuse(out, "this is a file, not a folder; choose a folder for the results")
    if out.is_dir():
        if not os.access(out, os.W_OK | os.X_OK):
            raise _refuse(out, "this folder is not writable")
        for sub in SUBFOLDERS:
            inner = out / sub
            if os.path.lexists(inner) and not inner.is_dir():
                raise _refuse(out, f"{sub} in this folder is a file; the results need a folder there")
            if inner.is_dir() and not os.access(inner, os.W_OK | os.X_OK):
                raise _refuse(out, f"{sub} in this folder is not writable")
        return
    parent = out.absolute().parent
    if not parent.is_dir():
        raise _refuse(out, f"the folder for the results, {parent}, does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _refuse(out, f"the folder {parent} is not writable, so the results folder cannot be made there")


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``out`` for this process; a second sweep on it is refused at once, naming the holder."""
    key = os.path.realpath(out)
    if key in _held:
        _held[key][1] += 1
        try:
            yield
        finally:
            _held[key][1] -= 1
        return
    try:
        out.mkdir(exist_ok=True)
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as e:
        raise _refuse(out, f"cannot use this folder: {e.strerror or e}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        who = f" (process {holder})" if holder.isdigit() else ""
        raise _refuse(out, f"another ncbsim batch{who} is writing to this folder; wait for it to end, "
                           "or choose another --out") from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except OSError:
        pass  # the PID is only for the message; the lock is what counts
    _held[key] = [fd, 1]
    try:
        yield
    finally:
        del _held[key]
        os.close(fd)
