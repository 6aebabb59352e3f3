"""The session file: one SQLite database (WAL, synchronous=FULL) per exercise session.

It holds what is needed to rebuild the run exactly — the scenario as validated data with its
hash, the seed, the engine version, how each seat is answered — and everything people add:
every decision with its sim time and seat, and evaluators' notes and ratings. The journal is not
stored: replaying (scenario, seed, decisions) rebuilds it byte for byte.

A decision is committed before the engine acts on it, so killing the process at any moment
loses no decision that was acknowledged. The exercise server stages its writes instead
(``stage``): recorded in memory before the engine acts, committed by a writer thread, and
acknowledged only once that commit has returned.

Opening checks the file before anything trusts it (``integrity``): SQLite's own
``quick_check``, the format, the type of every meta field and row, and — from format 2 — the
hash chain over the decisions, so a decision changed, inserted, deleted or reordered after it
was recorded is refused by name.

Format 1 files (before the chain) still open, are replayed and reported, and can be resumed;
they are never upgraded: sealing a format-1 file would vouch for decisions nobody checked when
they were written. A file that says format 1 but carries the chain (the column, or the seal and
head in meta) was written as format 2 and had its format changed, which would switch the tamper
check off: it is refused. Such a store says ``tamper_checked = False`` and ``ncbsim replay`` says so.

Readers (replay, report, what-if) open the file read-only (``mode=ro``, or ``immutable=1``
where the folder is read-only and SQLite cannot create its WAL index), so a session on a
read-only medium or in a colleague's read-only folder can still be replayed. Writers (run
--session, note, play, trainer) take an exclusive ``flock`` on the session file for as long as
they hold it open; a second writer is refused with the first one's process id, while readers
go on working beside it (WAL).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..decisions.seats import RecordedAnswer
from ..errors import InputError, Problem
from ..scenario.loader import plain_data
from . import integrity
from .integrity import RATINGS, SEALED, chain_root, link, seal

__all__ = ["FORMAT", "RATINGS", "RATING_LABELS", "SessionStore"]

FORMAT = "2"
READABLE_FORMATS = ("1", "2")
RATING_LABELS = {"performed_without_challenges": "Performed without challenges (P)",
                 "performed_with_some_challenges": "Performed with some challenges (S)",
                 "performed_with_major_challenges": "Performed with major challenges (M)",
                 "unable_to_perform": "Unable to be performed (U)"}
_MAGIC = b"SQLite format 3\x00"
_INSERT_DECISION = ("INSERT INTO decisions(n, decision, seat, option, sim_time, wall_time, by, chain) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_SET_META = "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?"


@dataclass(frozen=True, slots=True)
class Staged:
    """Writes taken from a staging store, in order, with the decisions' chain head and next number
    as they stand after them (None: no decision staged yet, or a format-1 file)."""

    ops: tuple[tuple[str, tuple[Any, ...]], ...]
    chain: tuple[str, int] | None

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE decisions (
    n INTEGER PRIMARY KEY, decision TEXT NOT NULL UNIQUE, seat TEXT NOT NULL, option TEXT NOT NULL,
    sim_time REAL NOT NULL, wall_time TEXT NOT NULL, by TEXT NOT NULL, chain TEXT NOT NULL);
CREATE TABLE notes (
    n INTEGER PRIMARY KEY, objective TEXT, rating TEXT, text TEXT NOT NULL, author TEXT NOT NULL,
    sim_time REAL, wall_time TEXT NOT NULL);
"""


SESSION_SUFFIX = ".db"


def session_file_for(scenario_path: str | os.PathLike, seat: str, folder: str | os.PathLike | None = None,
                     when: datetime | None = None) -> Path:
    """Where a session started without ``--session`` is recorded: a file people can find, in
    ``folder`` (the current one), named after the scenario, the seat and the local time it
    started — ``fugitive-three-borders-ncb-FR-20260302-0915.db`` — and never one that exists."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    seat_part = "".join(c if c.isalnum() else "-" for c in seat)
    base = Path(folder if folder is not None else Path.cwd()) / f"{Path(scenario_path).stem}-{seat_part}-{stamp}"
    candidate, n = base.with_name(base.name + SESSION_SUFFIX), 2
    while candidate.exists() or candidate.is_symlink():
        candidate, n = base.with_name(f"{base.name}-{n}{SESSION_SUFFIX}"), n + 1
    return candidate


def _now() -> str:
    # Made once a second at most: a busy exercise server records hundreds of commands a second.
    global _now_made
    second = int(time.time())
    if _now_made[0] != second:
        _now_made = (second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)))
    return _now_made[1]


_now_made: tuple[int, str] = (-1, "")


def _refuse(path: str | os.PathLike, message: str, field: str = "") -> InputError:
    return InputError([Problem(os.fspath(path), 0, 0, field, message)])


# The session files this process holds open, by (device, inode): how many stores, and whether
# one of them writes. See ``SessionStore.open`` for why this matters.
_HELD: dict[tuple[int, int], list[int]] = {}


def _file_id(path: str | os.PathLike) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _open_here(path: Path) -> bool | None:
    """None if this process has no store open on the file, else whether one of them writes it."""
    key = _file_id(path)
    held = _HELD.get(key) if key is not None else None
    return None if held is None else held[1] > 0


class SessionStore:
    def __init__(self, path: str | os.PathLike, conn: sqlite3.Connection, *, fmt: str = FORMAT,
                 writable: bool = True, lock_fd: int | None = None) -> None:
        self.path = Path(path)
        self.conn = conn
        self.format = fmt
        self.writable = writable
        self._lock_fd = lock_fd
        self._chain: tuple[str, int] | None = None  # staging: (the chain's head, the next number)
        # Staging (the exercise server's): writes wait here, in order, for ``write_staged``.
        self._staged: list[tuple[str, tuple[Any, ...]]] | None = None
        self._writer: sqlite3.Connection | None = None  # write_staged's own connection
        self._write_failed = False
        self._key = _file_id(self.path)
        if self._key is not None:
            held = _HELD.setdefault(self._key, [0, 0])
            held[0] += 1
            held[1] += writable

    @property
    def tamper_checked(self) -> bool:
        """Whether the decisions carry the hash chain (format 2 and later)."""
        return self.format != "1"

    # --- opening ----------------------------------------------------------------------------
    @staticmethod
    def _connect(path: str | os.PathLike, any_thread: bool = False) -> sqlite3.Connection:
        # autocommit; explicit transactions
        conn = sqlite3.connect(os.fspath(path), isolation_level=None, timeout=5.0, check_same_thread=not any_thread)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @staticmethod
    def _read_only(path: Path) -> sqlite3.Connection:
        """A connection that never writes the file; ``immutable`` when SQLite cannot make its WAL index."""
        uri = "file:" + quote(os.fspath(path.resolve()))
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
        # A read-only folder: no -shm can be created. Nothing else writes it then either.
        conn = sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn

    @classmethod
    def create(cls, path: str | os.PathLike, *, scenario_path: str, scenario_data: dict, digest: str, seed: int,
               policy: str | None = None, script: dict | None = None, people: Sequence[str] = ()) -> SessionStore:
        try:  # O_EXCL: two processes creating the same session cannot both believe they did
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            raise _refuse(path, "a session file already exists here") from None
        except OSError as e:
            raise _refuse(path, f"cannot create the session file: {e.strerror or e}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            conn = cls._connect(path)
            store = cls(path, conn, lock_fd=fd)
            meta = {"format": FORMAT, "engine_version": __version__, "created": _now(), "scenario_path": scenario_path,
                    "scenario_sha256": digest,
                    "scenario_data": json.dumps(plain_data(scenario_data), ensure_ascii=False),
                    "seed": str(seed), "policy": policy or "", "script": json.dumps(script) if script else "",
                    "people": json.dumps(sorted(people)), "progress": "0", "finished": "0",
                    "writer_pid": str(os.getpid())}
            meta["sealed"] = seal(meta)
            meta["decisions_head"] = chain_root(meta["sealed"])
            meta["decisions_count"] = "0"
            with conn:
                conn.execute("BEGIN")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", meta.items())
        except BaseException:  # no empty file left to be mistaken for a session next time
            if "store" in locals():
                store.close()  # its connection, then the descriptor that holds the lock
            else:
                if "conn" in locals():
                    conn.close()
                os.close(fd)
            os.unlink(path)
            raise
        return store

    @classmethod
    def open(cls, path: str | os.PathLike, *, write: bool = True) -> SessionStore:
        """Open and check a session file. ``write=False`` for commands that only read it (replay,
        report): no lock, no write, and it works on read-only files and folders."""
        p = Path(path)
        name = os.fspath(path)
        # Closing any descriptor on a file drops every POSIX lock this process holds on it,
        # SQLite's own included. So a file this process already has open is not opened raw
        # again (it was checked as a regular SQLite file then), and a reader's raw descriptor
        # is closed before its connection opens.
        already = _open_here(p)
        if already is not None:
            if write:
                raise _refuse(name, "this session is already open for writing in this process"
                              if already else "this session is already open in this process; close it first")
            return cls._checked(p, write=False)
        try:
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            raise _refuse(name, "no session file here") from None
        except IsADirectoryError:
            raise _refuse(name, "this is a folder, not a session file") from None
        except OSError as e:
            raise _refuse(name, f"cannot read the session file: {e.strerror or e}") from None
        keep_fd = False
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise _refuse(name, "this is a folder, not a session file" if stat.S_ISDIR(mode) else
                              "not a session file (not a regular file)")
            if os.pread(fd, 16, 0) != _MAGIC:
                raise _refuse(name, "not a session file (not an SQLite database)")
            if write:
                cls._check_writable(p)
                cls._lock(fd, p)
                store = cls._checked(p, write)
                store._lock_fd, keep_fd = fd, True
                return store
        finally:
            if not keep_fd:
                os.close(fd)
        return cls._checked(p, write=False)

    @staticmethod
    def _check_writable(p: Path) -> None:
        folder = p.resolve().parent
        if not os.access(p, os.W_OK):
            raise _refuse(p, "the session file is read-only; this command adds to it (replay and report only "
                             "read it)")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise _refuse(p, f"the folder {folder} is read-only; SQLite needs to write its journal there to "
                             f"add to the session (replay and report only read it)")

    @classmethod
    def _lock(cls, fd: int, p: Path) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = None
            try:
                probe = cls._read_only(p)
                try:
                    row = probe.execute("SELECT value FROM meta WHERE key = 'writer_pid'").fetchone()
                finally:
                    probe.close()
                pid = row[0] if row else None
            except sqlite3.Error:
                pass
            if pid == str(os.getpid()):
                raise _refuse(p, "this session is already open for writing in this process") from None
            who = f" (pid {pid})" if isinstance(pid, str) and pid.isdigit() else ""
            raise _refuse(p, f"this session is open in another ncbsim process{who}; close it there first "
                             f"(replay and report can read it meanwhile)") from None

    @classmethod
    def _checked(cls, p: Path, write: bool) -> SessionStore:
        name = os.fspath(p)
        conn: sqlite3.Connection | None = None
        try:
            conn = cls._read_only(p)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"meta", "decisions", "notes"} <= tables:
                raise _refuse(name, "not an ncbsim session (or an unknown format)")
            verdict = [r[0] for r in conn.execute("PRAGMA quick_check")]
            if verdict != ["ok"]:
                raise _refuse(name, f"the session file is damaged (SQLite quick_check: {str(verdict[0])[:120]})")
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            fmt = meta.get("format")
            if fmt not in READABLE_FORMATS:
                raise _refuse(name, f"an unknown session format {integrity._show(fmt)}; this ncbsim "
                                    f"({__version__}) reads formats {', '.join(READABLE_FORMATS)}",
                              "session meta 'format'")
            if fmt == "1":
                problems = integrity.check_format_1(conn, meta, name)
                if problems:
                    raise InputError(problems)
            problems = integrity.check_meta(meta, fmt, name)
            if problems:
                raise InputError(problems)
            rows, problems = integrity.read_rows(conn, fmt, name)
            problems += integrity.check_notes(conn, name)
            if problems:
                raise InputError(problems)
            if fmt == "2":
                problems = integrity.check_chain(rows, meta, name)
                if problems:
                    raise InputError(problems)
            if write:
                conn.close()
                conn = cls._connect(p)
                conn.execute("INSERT INTO meta(key, value) VALUES ('writer_pid', ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(os.getpid()),))
            store = cls(p, conn, fmt=fmt, writable=write)
            conn = None
            return store
        except sqlite3.DatabaseError as e:
            raise _refuse(name, f"not a readable session file: {e}") from None
        finally:
            if conn is not None:
                conn.close()

    def close(self) -> None:
        """Idempotent: every command closes its store on every path, including after an error."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.conn.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # after SQLite let go: closing it releases the writer's lock
            self._lock_fd = None
        if self._key is not None:
            held = _HELD[self._key]
            held[0] -= 1
            held[1] -= self.writable
            if held[0] <= 0:
                del _HELD[self._key]
            self._key = None

    # --- reading ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        if key in SEALED or key in ("sealed", "decisions_head", "decisions_count", "format"):
            raise ValueError(f"session meta '{key}' is fixed when the session is created")
        self._write(_SET_META, (key, value, value))

    @property
    def seed(self) -> int:
        return int(self.meta("seed") or 0)

    @property
    def people(self) -> list[str]:
        return json.loads(self.meta("people") or "[]")

    def scenario_data(self) -> dict:
        return json.loads(self.meta("scenario_data") or "{}")

    def decisions(self) -> list[RecordedAnswer]:
        rows = self.conn.execute("SELECT n, decision, seat, option, sim_time, by FROM decisions ORDER BY n")
        return [RecordedAnswer(*row) for row in rows]

    def reached(self) -> float:
        """How far the session got: its saved progress, or its last recorded action if later
        (progress is saved now and then; every action is saved at once)."""
        row = self.conn.execute("SELECT MAX(sim_time) FROM decisions").fetchone()
        return max(float(self.meta("progress") or 0), row[0] or 0.0)

    def thinking(self) -> dict[str, float]:
        """Wall seconds a person took over each decision, from when it was shown to the answer
        (kept here and never in the journal, which must not depend on how fast anyone thinks)."""
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'thinking'").fetchone():
            return {}
        return {d: float(s) for d, s in self.conn.execute("SELECT decision, seconds FROM thinking")
                if isinstance(d, str) and isinstance(s, int | float) and s >= 0}

    def record_thinking(self, decision: str, seconds: float) -> None:
        self._write("CREATE TABLE IF NOT EXISTS thinking (decision TEXT PRIMARY KEY, seconds REAL NOT NULL)", ())
        self._write("INSERT INTO thinking(decision, seconds) VALUES (?, ?) "
                    "ON CONFLICT(decision) DO UPDATE SET seconds = excluded.seconds", (decision, seconds))

    def recorded_ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT decision FROM decisions")}

    # --- writing ----------------------------------------------------------------------------
    def record_decision(self, decision: str, seat: str, option: str, sim_time: float, by: str) -> None:
        """Durable when this returns (WAL + synchronous=FULL): only then may the engine act. In a
        staging store, durable when the write that takes it has returned (before any acknowledgement)."""
        wall = _now()
        if self.format == "1":
            self._write("INSERT INTO decisions(decision, seat, option, sim_time, wall_time, by) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (decision, seat, option, sim_time, wall, by))
            return
        if self._staged is not None:
            # The head and count move in memory; each staged write stores them once.
            head, n = self._chain if self._chain is not None else self._chain_head()
            chain = link(head, n, decision, seat, option, sim_time, wall, by)
            self._write(_INSERT_DECISION, (n, decision, seat, option, sim_time, wall, by, chain))
            self._chain = (chain, n + 1)
            return
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            head, n = self._chain_head()
            chain = link(head, n, decision, seat, option, sim_time, wall, by)
            self.conn.execute(_INSERT_DECISION, (n, decision, seat, option, sim_time, wall, by, chain))
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'decisions_head'", (chain,))
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'decisions_count'", (str(n),))

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        """Now, or staged (see ``stage``)."""
        if self._staged is None:
            self.conn.execute(sql, params)
        else:
            self._staged.append((sql, params))

    # --- staging: the exercise server's writes, made durable on another thread ----------------
    def stage(self) -> None:
        """From now on every write waits in memory, in order, until ``take_staged`` hands it over and
        ``write_staged`` commits it: the exercise server applies the commands that arrive while the
        last ones are being made durable on a thread (the fsync no longer stops everything else),
        and acknowledges a command only once the write that holds it has returned. Reads see what
        was committed. ``unstage`` goes back to writing at once."""
        if self._staged is None:
            self._staged = []
            self._chain = None  # read from the file at the first record: nothing is staged before it

    def take_staged(self) -> Staged | None:
        """What was written since the last take (None: nothing), for ``write_staged``, in order."""
        if not self._staged:
            return None
        ops, self._staged = self._staged, []
        return Staged(tuple(ops), self._chain)

    def write_staged(self, staged: Staged) -> None:
        """Commit what ``take_staged`` gave (synchronous=FULL: durable when this returns), on its own
        connection, from one thread at a time and in the order taken. After a failure nothing more
        is written: what was staged after it chains from records that are not in the file."""
        if self._write_failed:
            raise sqlite3.OperationalError("an earlier write of this session failed; nothing after it is written")
        if self._writer is None:  # its own: the loop's connection goes on reading meanwhile (WAL)
            self._writer = self._connect(self.path, any_thread=True)
        conn = self._writer
        try:
            conn.execute("BEGIN IMMEDIATE")
            for sql, run in groupby(staged.ops, key=lambda op: op[0]):
                conn.executemany(sql, [params for _, params in run])
            if staged.chain is not None:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'decisions_head'", (staged.chain[0],))
                conn.execute("UPDATE meta SET value = ? WHERE key = 'decisions_count'", (str(staged.chain[1] - 1),))
            conn.execute("COMMIT")
        except BaseException:
            self._write_failed = True
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def unstage(self) -> None:
        """Write at once again, from here on (the caller wrote what was staged, or gives it up)."""
        self._staged = None
        self._chain = None

    def _chain_head(self) -> tuple[str, int]:
        """The tamper chain's head and the next decision's number, as the file has them."""
        head = self.meta("decisions_head") or ""
        return head, int(self.conn.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM decisions").fetchone()[0])

    def progress(self, sim_time: float, finished: bool = False, journal_sha256: str | None = None) -> None:
        with self.conn if self._staged is None else contextlib.nullcontext():
            if self._staged is None:
                self.conn.execute("BEGIN")
            self.set_meta("progress", repr(sim_time))
            self.set_meta("finished", "1" if finished else "0")
            if journal_sha256:
                self.set_meta("journal_sha256", journal_sha256)

    def add_note(self, text: str, author: str, objective: str | None = None, rating: str | None = None,
                 sim_time: float | None = None) -> None:
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"unknown rating '{rating}'; expected one of {', '.join(RATINGS)}")
        self._write("INSERT INTO notes(objective, rating, text, author, sim_time, wall_time) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (objective, rating, text, author, sim_time, _now()))

    def notes(self) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT objective, rating, text, author, sim_time, wall_time FROM notes ORDER BY n")
        keys = ("objective", "rating", "text", "author", "sim_time", "wall_time")
        return [dict(zip(keys, row, strict=True)) for row in cur]
