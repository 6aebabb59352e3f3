"""The results folder of a sweep: checked before any run, and locked while a sweep writes to it.

The lock is ``flock`` on a ``.lock`` file in the folder, so the kernel drops it when the process
ends however it ends (a SIGKILL leaves nothing to clean up). Process-pool workers forked while
it is held close their copy at once: the lock belongs to the sweep, not to its workers, and a
killed sweep's folder is free again even while orphaned workers wind down.
"""

from __future__ import annotations

import fcntl
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import InputError, Problem
from ..files import OutputTarget, check_outputs

LOCK_NAME = ".lock"
SUBFOLDERS = ("runs", "metrics", "timeseries", "plots")
# Files the sweep writes by name in the folder; everything in SUBFOLDERS is the sweep's too.
NAMED_FILES = (LOCK_NAME, "manifest.json", "status.jsonl", "summary.parquet", "summary.csv")
IN_PLACE = (LOCK_NAME, "status.jsonl")  # written into, not replaced: through a link, into another file

_held: dict[str, list[int]] = {}  # realpath → [fd, depth]: reentrant within one process


def _forget_in_child() -> None:
    for fd, _ in _held.values():
        with suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def _refuse(out: Path, message: str) -> InputError:
    return InputError([Problem(str(out), 0, 0, "--out", message)])


def check_folder(out: Path, inputs: Iterable[str | os.PathLike] = (), plots: Iterable[str] = ()) -> None:
    """Refuse, before any run, a results folder that cannot be one, or whose files are ``inputs``.

    ``plots`` are the names of the plot files the sweep will write in ``plots/``.
    """
    _check_layout(out)
    if out.is_dir():
        _check_inputs_outside(out, [os.fspath(i) for i in inputs], list(plots))


def _check_inputs_outside(out: Path, inputs: list[str], plots: list[str]) -> None:
    # An input inside a subfolder is refused whatever its name: the sweep removes and replaces
    # files there, and the run files' names are not the only ones it may come to write.
    # (a subfolder may itself be a link to a folder elsewhere: compare where things really are)
    subs = [(sub, os.path.realpath(out / sub)) for sub in SUBFOLDERS]
    for i in inputs:
        real = os.path.realpath(i)
        for sub, where in subs:
            if real.startswith(where + os.sep):
                raise _refuse(out, f"the input {i} is inside {sub}/ of this folder, where the sweep writes; "
                                   "move it, or choose another --out")
    for name in IN_PLACE:
        if os.path.islink(out / name):
            raise _refuse(out, f"{name} in this folder is a symbolic link; remove it, or choose another --out")
    targets = [OutputTarget("--out", str(out / name)) for name in NAMED_FILES]
    if (out / "plots").is_dir():
        targets += [OutputTarget("--out", str(out / "plots" / name)) for name in plots]
    check_outputs(targets, inputs=inputs)


def _check_layout(out: Path) -> None:
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


def _open_lock(out: Path) -> int:
    """The lock file's descriptor: a regular file of this folder's own, never followed elsewhere.

    The PID is written into it, so a symbolic link or a hard link there would have the sweep
    overwrite whatever file it points to; such a lock file is refused, left as it is.
    """
    path = out / LOCK_NAME
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        out.mkdir(exist_ok=True)
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        if os.path.islink(path):
            raise _refuse(out, f"{LOCK_NAME} in this folder is a symbolic link; remove it (the lock is a plain "
                               "file of the folder), or choose another --out") from None
        raise _refuse(out, f"cannot use this folder: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(out, f"{LOCK_NAME} in this folder is not a regular file; remove it, or choose another --out")
        if st.st_nlink != 1:
            raise _refuse(out, f"{LOCK_NAME} in this folder is linked to another file; remove it (the lock is a "
                               "plain file of the folder), or choose another --out")
    except BaseException:
        os.close(fd)
        raise
    return fd


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
    fd = _open_lock(out)
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
