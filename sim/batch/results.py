"""Results on disk as runs finish: one Parquet file per run and table, a status log, a manifest.

A file per run (written under a hidden temporary name, then renamed) means a sweep killed at
any moment leaves only whole files, and memory stays flat however many runs there are. Each
table is a Parquet dataset directory: ``pandas.read_parquet("OUT/metrics")`` loads it whole.

The files are the truth, the status log is a journal for people: ``--resume`` keeps a run only
when its three files read back whole, name that run, carry the digest of the task that made
them (same parameters, replication, seed, scenario data, engine) and hold the row counts the
run recorded. Anything else is removed and run again, and the log is rewritten to match.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..files import output_file
from .columns import RESULTS_FORMAT, ParameterColumn

TABLES = ("runs", "metrics", "timeseries")
__all__ = ["RESULTS_FORMAT", "SCHEMAS", "TABLES", "ResultStore", "runs_schema"]
_RUN_HEAD = [("run_id", pa.string()), ("point", pa.int64()), ("replication", pa.int64()), ("seed", pa.int64()),
             ("spawn_key", pa.string())]
_RUN_TAIL = [("parameters", pa.string()), ("command", pa.string()), ("status", pa.string()), ("error", pa.string()),
             ("wall_s", pa.float64()), ("events", pa.int64()), ("engine_version", pa.string()),
             ("scenario_sha256", pa.string()), ("task_sha256", pa.string()), ("metric_rows", pa.int64()),
             ("timeseries_rows", pa.int64())]
_ARROW = {"float64": pa.float64(), "string": pa.string()}


def runs_schema(columns: Sequence[ParameterColumn] = ()) -> pa.Schema:
    """The runs table of an experiment: one column per parameter between the run's keys and the rest."""
    return pa.schema([*_RUN_HEAD, *((c.column, _ARROW[c.dtype]) for c in columns), *_RUN_TAIL])


SCHEMAS = {
    "runs": runs_schema(),
    "metrics": pa.schema([("run_id", pa.string()), ("metric", pa.string()), ("value", pa.float64())]),
    "timeseries": pa.schema([("run_id", pa.string()), ("t_hours", pa.float64()), ("metric", pa.string()),
                             ("value", pa.float64())]),
}
RUN_FILE = re.compile(r"^p\d+-r\d+\.parquet$")
# A write killed before its rename: ours are hidden (pyarrow's dataset reader skips dot files);
# the plain ``.parquet.part`` names come from sweeps of earlier versions.
PART_FILE = re.compile(r"^(\..+\.part|.+\.parquet\.part)$")


class ResultStore:
    def __init__(self, out: Path, columns: Sequence[ParameterColumn] = ()) -> None:
        self.out = out
        self.schemas = {**SCHEMAS, "runs": runs_schema(columns)}
        self.status_path = out / "status.jsonl"
        self.manifest_path = out / "manifest.json"

    def create(self) -> None:
        for t in TABLES:
            (self.out / t).mkdir(parents=True, exist_ok=True)

    def file(self, table: str, run_id: str) -> Path:
        return self.out / table / f"{run_id}.parquet"

    def present(self) -> bool:
        """Whether an earlier sweep left anything here."""
        if self.status_path.is_file() and self.status_path.stat().st_size:
            return True
        return any(RUN_FILE.match(n) for t in TABLES if (self.out / t).is_dir() for n in os.listdir(self.out / t))

    def clean_parts(self) -> None:
        """Remove partial files of killed writes (call with the folder locked: none can be live)."""
        for t in TABLES:
            folder = self.out / t
            if folder.is_dir():
                for n in os.listdir(folder):
                    if PART_FILE.match(n):
                        (folder / n).unlink(missing_ok=True)

    def remove_other_runs(self, keep: set[str]) -> int:
        """Remove run files that are not runs of this plan, so the folder reads as this experiment."""
        removed = 0
        for t in TABLES:
            folder = self.out / t
            for n in os.listdir(folder):
                if RUN_FILE.match(n) and n[:-len(".parquet")] not in keep:
                    (folder / n).unlink(missing_ok=True)
                    removed += t == "runs"
        return removed

    def check(self, run_id: str, key: str) -> dict[str, Any] | None:
        """The stored run's row if its files are whole and made by this task; None otherwise."""
        try:
            runs = self._read("runs", run_id)
            if runs is None or runs.num_rows != 1:
                return None
            row = runs.to_pylist()[0]
            if row["run_id"] != run_id or row["task_sha256"] != key or row["status"] not in ("ok", "failed"):
                return None
            for table, rows in (("metrics", row["metric_rows"]), ("timeseries", row["timeseries_rows"])):
                t = self._read(table, run_id)
                if t is None or t.num_rows != rows or (rows and set(t.column("run_id").to_pylist()) != {run_id}):
                    return None
            return row
        except (OSError, ValueError, pa.ArrowException):
            return None

    def _read(self, table: str, run_id: str) -> pa.Table | None:
        t = pq.read_table(self.file(table, run_id))
        return t if t.schema.equals(self.schemas[table]) else None

    def discard(self, run_id: str) -> None:
        for t in TABLES:
            self.file(t, run_id).unlink(missing_ok=True)

    def write(self, result: dict[str, Any], scenario_sha256: str) -> None:
        run = dict(result["run"], scenario_sha256=scenario_sha256)
        rid = run["run_id"]
        # The runs file goes last: it holds the row counts the other two are checked against.
        for table, rows in (("metrics", result["metrics"]), ("timeseries", result["timeseries"]), ("runs", [run])):
            with output_file(self.file(table, rid), "wb") as fh:
                pq.write_table(pa.Table.from_pylist(rows, schema=self.schemas[table]), fh)
        # Appended in place, so never through a link: that would write into the file it points to.
        fd = os.open(self.status_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        with open(fd, "a", encoding="utf-8") as fh:
            fh.write(_status_line(run))

    def rewrite_status(self, rows: list[dict[str, Any]]) -> None:
        """The status log, rebuilt from the runs that checked out (a torn line from a kill goes away)."""
        with output_file(self.status_path) as fh:
            fh.writelines(_status_line(r) for r in rows)

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest of the sweep here; None when there is none or it does not read back."""
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        with output_file(self.manifest_path) as fh:
            fh.write(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))


def _status_line(run: dict[str, Any]) -> str:
    entry = {"run_id": run["run_id"], "status": run["status"]}
    if run.get("error"):
        entry["error"] = run["error"]
    return json.dumps(entry, ensure_ascii=False) + "\n"
