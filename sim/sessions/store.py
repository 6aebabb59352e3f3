"""The session file: one SQLite database (WAL, synchronous=FULL) per exercise session.

It holds what is needed to rebuild the run exactly — the scenario as validated data with its
hash, the seed, the engine version, how each seat is answered — and everything people add:
every decision with its sim time and seat, and evaluators' notes and ratings. The journal is not
stored: replaying (scenario, seed, decisions) rebuilds it byte for byte.

A decision is committed before the engine acts on it, so killing the process at any moment
loses no decision that was acknowledged.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from ..decisions.seats import RecordedAnswer
from ..errors import InputError, Problem
from ..scenario.loader import plain_data

FORMAT = "1"
RATINGS = ("performed_without_challenges", "performed_with_some_challenges", "performed_with_major_challenges",
           "unable_to_perform")
RATING_LABELS = {"performed_without_challenges": "Performed without challenges (P)",
                 "performed_with_some_challenges": "Performed with some challenges (S)",
                 "performed_with_major_challenges": "Performed with major challenges (M)",
                 "unable_to_perform": "Unable to be performed (U)"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
    n INTEGER PRIMARY KEY, decision TEXT NOT NULL UNIQUE, seat TEXT NOT NULL, option TEXT NOT NULL,
    sim_time REAL NOT NULL, wall_time TEXT NOT NULL, by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notes (
    n INTEGER PRIMARY KEY, objective TEXT, rating TEXT, text TEXT NOT NULL, author TEXT NOT NULL,
    sim_time REAL, wall_time TEXT NOT NULL);
"""


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class SessionStore:
    def __init__(self, path: str | os.PathLike, conn: sqlite3.Connection) -> None:
        self.path = Path(path)
        self.conn = conn

    # --- opening ----------------------------------------------------------------------------
    @staticmethod
    def _connect(path: str | os.PathLike) -> sqlite3.Connection:
        conn = sqlite3.connect(os.fspath(path), isolation_level=None)  # autocommit; explicit transactions
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(SCHEMA)
        return conn

    @classmethod
    def create(cls, path: str | os.PathLike, *, scenario_path: str, scenario_data: dict, digest: str, seed: int,
               policy: str | None = None, script: dict | None = None, people: list[str] = ()) -> SessionStore:
        if Path(path).exists():
            raise InputError([Problem(os.fspath(path), 0, 0, "", "a session file already exists here")])
        store = cls(path, cls._connect(path))
        meta = {"format": FORMAT, "engine_version": __version__, "created": _now(), "scenario_path": scenario_path,
                "scenario_sha256": digest, "scenario_data": json.dumps(plain_data(scenario_data), ensure_ascii=False),
                "seed": str(seed), "policy": policy or "", "script": json.dumps(script) if script else "",
                "people": json.dumps(sorted(people)), "progress": "0", "finished": "0"}
        with store.conn:
            store.conn.execute("BEGIN")
            store.conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", meta.items())
        return store

    @classmethod
    def open(cls, path: str | os.PathLike) -> SessionStore:
        p = Path(path)
        if not p.is_file():
            raise InputError([Problem(os.fspath(path), 0, 0, "", "no session file here")])
        try:
            with open(p, "rb") as fh:
                head = fh.read(16)
            if head != b"SQLite format 3\x00":
                raise InputError([Problem(os.fspath(path), 0, 0, "", "not a session file (not an SQLite database)")])
            probe = sqlite3.connect(f"file:{p.resolve()}?mode=ro", uri=True)
            try:
                tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                fmt = (probe.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() or [None])[0] \
                    if "meta" in tables else None
            finally:
                probe.close()
            if not {"meta", "decisions", "notes"} <= tables or fmt != FORMAT:
                raise InputError([Problem(os.fspath(path), 0, 0, "", "not an ncbsim session (or an unknown format)")])
            store = cls(p, cls._connect(p))
        except sqlite3.DatabaseError as e:
            raise InputError([Problem(os.fspath(path), 0, 0, "", f"not a readable session file: {e}")]) from None
        return store

    def close(self) -> None:
        self.conn.close()

    # --- reading ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                          (key, value, value))

    @property
    def seed(self) -> int:
        return int(self.meta("seed"))

    @property
    def people(self) -> list[str]:
        return json.loads(self.meta("people") or "[]")

    def scenario_data(self) -> dict:
        return json.loads(self.meta("scenario_data"))

    def decisions(self) -> list[RecordedAnswer]:
        rows = self.conn.execute("SELECT n, decision, seat, option, sim_time, by FROM decisions ORDER BY n")
        return [RecordedAnswer(*row) for row in rows]

    def reached(self) -> float:
        """How far the session got: its saved progress, or its last recorded action if later
        (progress is saved now and then; every action is saved at once)."""
        row = self.conn.execute("SELECT MAX(sim_time) FROM decisions").fetchone()
        return max(float(self.meta("progress") or 0), row[0] or 0.0)

    def recorded_ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT decision FROM decisions")}

    # --- writing ----------------------------------------------------------------------------
    def record_decision(self, decision: str, seat: str, option: str, sim_time: float, by: str) -> None:
        """Durable when this returns (WAL + synchronous=FULL): only then may the engine act."""
        self.conn.execute("INSERT INTO decisions(decision, seat, option, sim_time, wall_time, by) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (decision, seat, option, sim_time, _now(), by))

    def progress(self, sim_time: float, finished: bool = False, journal_sha256: str | None = None) -> None:
        with self.conn:
            self.conn.execute("BEGIN")
            self.set_meta("progress", repr(sim_time))
            self.set_meta("finished", "1" if finished else "0")
            if journal_sha256:
                self.set_meta("journal_sha256", journal_sha256)

    def add_note(self, text: str, author: str, objective: str | None = None, rating: str | None = None,
                 sim_time: float | None = None) -> None:
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"unknown rating '{rating}'; expected one of {', '.join(RATINGS)}")
        self.conn.execute("INSERT INTO notes(objective, rating, text, author, sim_time, wall_time) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (objective, rating, text, author, sim_time, _now()))

    def notes(self) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT objective, rating, text, author, sim_time, wall_time FROM notes ORDER BY n")
        keys = ("objective", "rating", "text", "author", "sim_time", "wall_time")
        return [dict(zip(keys, row)) for row in cur]
