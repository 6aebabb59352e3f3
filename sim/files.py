"""Files people hand to ncbsim, and files it writes for them: never hang, never destroy.

Inputs are read only when they are regular files, and never more than a limit: a FIFO, a
device or a folder given where a file is expected gets a one-line error instead of blocking
forever or reading without end. The file is opened non-blocking so that even opening a FIFO
with no writer returns at once; its type is checked on the open descriptor (no race between a
check and the open).

Outputs are checked before any work starts (the folder exists and is writable, the path is not
a folder, and it is not one of the command's own inputs, nor the side files where SQLite keeps an
input session's recent writes), written beside the target as a hidden
``.NAME.ncbsim-PID-RANDOM.part`` file (created exclusively, never through a link), and renamed
over the target only when complete. A part file left by a killed process is removed by the next
write to that folder (its PID is gone). A new file gets the permissions a plain ``open()`` would
give (``0666 & ~umask``); a replaced one keeps its own. A symbolic link at the target is
replaced by the file, not written through.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import IO

from .errors import InputError, Problem, RunError

__all__ = [
    "OutputTarget",
    "check_outputs",
    "open_input_stream",
    "output_file",
    "read_input_bytes",
    "read_input_text",
    "write_output_text",
]

_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}
# .NAME.ncbsim-PID-RANDOM.part: ours by name (never another tool's), unguessable (no planted link).
_PART = re.compile(r"^\.(?P<name>.+)\.ncbsim-(?P<pid>\d+)-[0-9a-f]{16}\.part$")
# SQLite keeps a database's recent writes beside it: writing over those destroys the database too.
_SIDE_FILES = ("-wal", "-shm", "-journal")


def _problem(name: str, message: str, field: str = "") -> InputError:
    return InputError([Problem(name, 0, 0, field, message)])


def _open_regular(path: str | os.PathLike, what: str, name: str) -> tuple[int, os.stat_result]:
    """A descriptor on a regular file (checked on the open descriptor: no race), or an InputError."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _problem(name, "file not found") from None
    except IsADirectoryError:
        raise _problem(name, f"this is a folder, not a {what}") from None
    except OSError as e:
        raise _problem(name, f"cannot read the {what}: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _problem(name, f"this is a folder, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else
                    "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                    "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
            raise _problem(name, f"this is {kind}; expected a {what} saved as a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def open_input_stream(path: str | os.PathLike, *, what: str = "file", display: str | None = None) -> io.BufferedReader:
    """A regular file opened for reading in pieces (a journal of any size); the caller bounds each read."""
    name = display if display is not None else os.fsdecode(path)
    fd, _ = _open_regular(path, what, name)
    os.set_blocking(fd, True)
    return open(fd, "rb", closefd=True)


def read_input_bytes(path: str | os.PathLike, *, limit: int, what: str = "file",
                     display: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or an InputError naming it.

    ``what`` says what the file is for, in a person's words ("scenario", "design CSV").
    """
    name = display if display is not None else os.fsdecode(path)
    fd, st = _open_regular(path, what, name)
    try:
        if st.st_size > limit:
            raise _problem(name, f"the {what} is {st.st_size:,} bytes; at most {limit:,} are accepted")
        chunks: list[bytes] = []
        total = 0
        while True:  # a file growing while it is read still stops at the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _problem(name, f"the {what} is larger than {limit:,} bytes")
        return b"".join(chunks)
    except OSError as e:
        raise _problem(name, f"cannot read the {what}: {e.strerror or e}") from None
    finally:
        os.close(fd)


def read_input_text(path: str | os.PathLike, *, limit: int, what: str = "file",
                    display: str | None = None, encoding: str = "utf-8") -> str:
    """A regular text file as str; a wrong encoding is named with the line and column it starts at."""
    data = read_input_bytes(path, limit=limit, what=what, display=display)
    name = display if display is not None else os.fsdecode(path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError([Problem(name, line, col, "", f"the {what} is not {encoding.upper()} text "
                                                       f"(byte 0x{data[e.start]:02x}); save it as {encoding.upper()}")]) from None
    return text[1:] if text.startswith("\ufeff") else text


@dataclass(frozen=True, slots=True)
class OutputTarget:
    """An output a command will write: the option that names it (``--journal``) and its path."""

    option: str
    path: str


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_outputs(outputs: Iterable[OutputTarget | tuple[str, str | None]],
                  inputs: Iterable[str | os.PathLike | None] = ()) -> None:
    """Refuse, before any work, outputs that cannot be written or would overwrite an input.

    Every problem is reported at once, one line each, naming the option and the path.
    """
    problems: list[Problem] = []
    named = [os.fsdecode(p) for p in inputs if p is not None]
    # (a file the command reads, the input it belongs to if it is one of SQLite's side files)
    ins: list[tuple[str, str | None]] = [(p, None) for p in named] + [
        (base + side, p) for p in named for base in sorted({p, os.path.realpath(p)}) for side in _SIDE_FILES]
    seen: dict[str, str] = {}
    given = [(o.option, o.path) if isinstance(o, OutputTarget) else o for o in outputs]
    # An output that is a database (a session) has side files too; no other output may land on them.
    sides = {os.path.realpath(p) + side: (opt, p) for opt, p in given if p for side in _SIDE_FILES}
    for option, path in given:
        if path is None:
            continue
        why = _unwritable(path)
        if why is None:
            for i, owner in ins:
                if _same_file(path, i):
                    why = (f"this is also an input of the command ({i}); writing it would destroy it" if owner is None
                           else f"this is where SQLite keeps the recent writes of {owner}; writing it would destroy them")
                    break
        if why is None and os.path.realpath(path) in sides:
            other, db = sides[os.path.realpath(path)]
            why = f"this is where SQLite keeps the recent writes of {db} ({other}); writing it would destroy them"
        if why is None:
            key = os.path.realpath(path)
            if key in seen:
                why = f"{seen[key]} already writes this file"
            seen[key] = option
        if why is not None:
            problems.append(Problem(path, 0, 0, option, why))
    if problems:
        raise InputError(problems)


def _unwritable(path: str) -> str | None:
    if path == "":
        return "expected a file name"
    if os.path.isdir(path):
        return "this is a folder; expected a file name"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        if os.path.exists(folder):
            return f"{folder} is a file, not a folder"
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    if os.path.lexists(path):
        if not os.path.isfile(path):
            return "this exists and is not a regular file"
        if not os.access(path, os.W_OK) and not os.access(folder, os.W_OK):
            return "this file is not writable"
    return None


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_SWEPT: set[str] = set()


def _sweep_stale_parts(folder: str) -> None:
    """Remove hidden partial files left by ncbsim processes that no longer exist.

    Once per folder and process: a batch sweep writes thousands of files into one folder, and a
    part file left by a killed process cannot appear while this process is alive.
    """
    if folder in _SWEPT:
        return
    _SWEPT.add(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for n in names:
        m = _PART.match(n)
        if not m:
            continue
        pid = int(m["pid"])
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # still running: its file, not ours
        except ProcessLookupError:
            pass
        except (OSError, OverflowError):  # someone else's process, or not a PID at all
            continue
        with suppress(OSError):
            os.unlink(os.path.join(folder, n))


class _Pending:
    """A file being written for ``target``; ``commit`` makes it appear, ``discard`` drops it."""

    def __init__(self, target: str) -> None:
        self.target = os.path.abspath(target)
        folder = os.path.dirname(self.target)
        _sweep_stale_parts(folder)
        # A fresh name that nobody could have planted a link at, created only if it does not exist.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        for attempt in range(8):
            part = os.path.join(folder, f".{os.path.basename(self.target)}.ncbsim-{os.getpid()}-"
                                        f"{os.urandom(8).hex()}.part")
            try:
                self.fd = os.open(part, flags, 0o600)
                break
            except FileExistsError:
                if attempt == 7:
                    raise
        self.part: str | None = part

    def commit(self) -> None:
        # A file replaced keeps its permissions (a private 0600 journal stays private); a new one
        # gets what open() would give it.
        try:
            st = os.stat(self.target)
            mode = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else _umask_mode()
        except OSError:
            mode = _umask_mode()
        os.fchmod(self.fd, mode)
        os.fsync(self.fd)
        assert self.part is not None
        os.replace(self.part, self.target)
        self.part = None

    def discard(self) -> None:
        if self.part is not None:
            with suppress(OSError):
                os.unlink(self.part)
            self.part = None


@contextmanager
def output_file(path: str | os.PathLike, mode: str = "w", *, encoding: str = "utf-8",
                buffering: int = -1) -> Iterator[IO]:
    """Write ``path`` completely or not at all: the target changes only if the block succeeds.

    A write that fails (a full disk, a lost device) raises RunError naming the file; the
    target is left as it was.
    """
    name = os.fspath(path)
    try:
        pending = _Pending(name)
    except OSError as e:
        raise RunError(f"cannot write {name}: {e.strerror or e}") from None
    fh: IO
    if "b" in mode:
        fh = os.fdopen(pending.fd, "wb", buffering=buffering, closefd=False)
    else:
        fh = os.fdopen(pending.fd, "w", buffering=buffering, closefd=False, encoding=encoding, newline="\n")
    try:
        try:
            yield fh
        except OSError as e:
            # Only a failed write is this file's fault; any other OSError of the block is the caller's.
            if e.errno in _WRITE_ERRORS and e.filename is None:
                raise RunError(f"cannot write {name}: {e.strerror or e}") from None
            raise
        try:
            fh.close()
            pending.commit()
        except OSError as e:
            raise RunError(f"cannot write {name}: {e.strerror or e}") from None
    finally:
        if pending.part is not None or not fh.closed:
            with suppress(OSError):
                fh.close()
            pending.discard()
        os.close(pending.fd)


def write_output_text(path: str | os.PathLike, text: str) -> None:
    """Write a whole text file at once, atomically (see ``output_file``)."""
    with output_file(path) as fh:
        fh.write(text)


def is_disk_full(e: BaseException) -> bool:
    return isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT)
