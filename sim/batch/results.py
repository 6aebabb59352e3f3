"""Results on disk as runs finish: one Parquet file per run and table, a status log, a manifest.

A file per run (written to a temporary name, then renamed) means a sweep killed at any moment
leaves only whole files, memory stays flat however many runs there are, and ``--resume`` skips
exactly the runs the status log says are done. Each table is a Parquet dataset directory:
``pandas.read_parquet("OUT/metrics")`` loads it whole.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("runs", "metrics", "timeseries")
SCHEMAS = {
    "runs": pa.schema([("run_id", pa.string()), ("point", pa.int64()), ("replication", pa.int64()),
                       ("seed", pa.int64()), ("spawn_key", pa.string()), ("parameters", pa.string()),
                       ("status", pa.string()), ("error", pa.string()), ("wall_s", pa.float64()),
                       ("events", pa.int64()), ("engine_version", pa.string()), ("scenario_sha256", pa.string())]),
    "metrics": pa.schema([("run_id", pa.string()), ("metric", pa.string()), ("value", pa.float64())]),
    "timeseries": pa.schema([("run_id", pa.string()), ("t_hours", pa.float64()), ("metric", pa.string()),
                             ("value", pa.float64())]),
}


class ResultStore:
    def __init__(self, out: Path) -> None:
        self.out = out
        for t in TABLES:
            (out / t).mkdir(parents=True, exist_ok=True)
        self.status_path = out / "status.jsonl"

    def done(self) -> set[str]:
        if not self.status_path.exists():
            return set()
        done = set()
        with open(self.status_path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    done.add(json.loads(line)["run_id"])
                except (ValueError, KeyError):
                    continue  # a line cut short by a kill: that run is simply run again
        return done

    def write(self, result: dict[str, Any], scenario_sha256: str) -> None:
        run = dict(result["run"], scenario_sha256=scenario_sha256)
        rid = run["run_id"]
        for table, rows in (("runs", [run]), ("metrics", result["metrics"]), ("timeseries", result["timeseries"])):
            path = self.out / table / f"{rid}.parquet"
            tmp = path.with_suffix(".parquet.part")
            pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[table]), tmp)
            os.replace(tmp, path)
        # The status line comes last and is forced to disk: a run counts once its files exist.
        with open(self.status_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"run_id": rid, "status": run["status"]}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.out / "manifest.json.part"
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, self.out / "manifest.json")
