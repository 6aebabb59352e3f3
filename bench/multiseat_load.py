"""Many seats at once on one exercise server: commands per second and acknowledgement latency.

    python bench/multiseat_load.py [--seats 50] [--seconds 60] [--speed 600]

``ncbsim serve`` runs in its own process with an exercise of ``--seats`` NCB seats (members of
the world, one player each) and the trainer's clock running at ``--speed`` sim seconds per wall
second. This process joins every seat and the trainer over loopback; each seat sends I-24/7
messages to another seat as fast as it can — the next one as soon as the last is acknowledged —
for ``--seconds``. A command's latency is from sending it to its acknowledgement (the server has
checked it, recorded it in the session with ``synchronous=FULL``, and applied it). At the end the
trainer's journal is searched for every acknowledged message: ``lost`` counts those it lacks.

The reference does the same with the engine taken out: a bare WebSocket server on the same
loopback, in its own process, that answers each command with an acknowledgement after one
``INSERT`` committed with ``synchronous=FULL`` into a WAL database — the durable write alone.
Target (issue 18): p99 <= 100 ms at 50 seats, none lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scenario(seats: int, folder: Path) -> tuple[Path, list[str]]:
    sys.path.insert(0, str(ROOT))
    from sim.api import all_members

    codes = sorted(all_members())[:seats]
    text = ("id: multiseat-load\ntitle: Many seats at once\nstart: 2026-03-02T06:00:00Z\nduration: 30d\nseed: 1\n"
            f"world:\n  members: [{', '.join(codes)}]\nplayers:\n"
            + "".join(f"  - {{role: ncb, country: {c}}}\n" for c in codes))
    path = folder / "load.yaml"
    path.write_text(text, encoding="utf-8")
    return path, codes


def serve(path: Path, session: Path, port: int, profile: str | None = None) -> tuple[subprocess.Popen, dict[str, str]]:
    # --profile: the server under cProfile (written when it stops), to see where its time goes.
    python = [sys.executable, *(["-m", "cProfile", "-o", profile] if profile else [])]
    proc = subprocess.Popen([*python, "-m", "sim", "serve", str(path), "--session", str(session),
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    tokens: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.match(r"\s+(\S+)\s+ncbsim (?:play|trainer) --join \S+ --token (\S+)", line)
        if m:
            tokens[m.group(1)] = m.group(2)
        if line.startswith("stop with Ctrl+C"):
            return proc, tokens
    raise SystemExit("the server did not start")


async def load(address: str, tokens: dict[str, str], codes: list[str], seconds: float,
               speed: float) -> tuple[list[float], set[str], int]:
    from sim.engine.longrun import resettle, settle_for_a_session
    from sim.play.commands import SendMessage
    from sim.serve.client import SeatClient

    trainer = await SeatClient(address, tokens["trainer"]).join()
    seats = [await SeatClient(address, tokens[f"ncb:{c}"]).join() for c in codes]
    # The 51 clients share this one process, and the trainer's copy of the journal grows in it: its
    # collector is settled as the server's is (a person's client is a process of its own), so that
    # a pause here, where every seat waits for it, is not counted as the server's latency.
    settle_for_a_session(young=2_000)

    async def settled() -> None:
        while time.monotonic() < stop:
            await asyncio.sleep(5.0)
            resettle()

    await trainer.clock(running=True, speed=speed)
    latencies: list[float] = []
    acked: set[str] = set()
    refused = 0
    stop = time.monotonic() + seconds

    async def one_seat(i: int, client: SeatClient) -> None:
        nonlocal refused
        n = 0
        to = codes[(i + 1) % len(codes)]
        while time.monotonic() < stop:
            text = f"load {i}-{n}"
            t = time.perf_counter()
            ack = await client.submit(SendMessage((to,), text))
            latencies.append(time.perf_counter() - t)
            if ack.accepted:
                acked.add(text)
            else:
                refused += 1
            n += 1

    await asyncio.gather(settled(), *(one_seat(i, c) for i, c in enumerate(seats)))
    await trainer.clock(running=False)
    await asyncio.sleep(1.0)  # the last pushes of the journal to the trainer
    journal = {e.get("text") for e in trainer.state.events if e["kind"] == "message.sent" and e.get("by") == "person"}
    for c in (*seats, trainer):
        await c.close()
    if refused:
        print(f"{refused} commands refused (the bench sends only what the rules allow: look at why)")
    return latencies, acked, len(acked - journal)


REFERENCE = r'''
import asyncio, json, sqlite3, sys
from websockets.asyncio.server import serve
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE c (seat TEXT, body TEXT)")
async def handle(ws):
    async for raw in ws:
        msg = json.loads(raw)
        db.execute("BEGIN"); db.execute("INSERT INTO c VALUES (?, ?)", ("s", raw)); db.execute("COMMIT")
        await ws.send(json.dumps({"type": "ack", "id": msg["id"], "accepted": True}))
async def main():
    async with serve(handle, "127.0.0.1", int(sys.argv[1])):
        print("ready", flush=True)
        await asyncio.Future()
asyncio.run(main())
'''


async def reference_load(address: str, seats: int, seconds: float) -> list[float]:
    from websockets.asyncio.client import connect

    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def one(i: int) -> None:
        async with connect(f"ws://{address}") as ws:
            n = 0
            while time.monotonic() < stop:
                t = time.perf_counter()
                await ws.send(json.dumps({"type": "command", "id": n, "command": {"kind": "send_message",
                                                                                   "to": ["XX"], "text": f"{i}-{n}"}}))
                await ws.recv()
                latencies.append(time.perf_counter() - t)
                n += 1

    await asyncio.gather(*(one(i) for i in range(seats)))
    return latencies


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc: what it cost, whatever else the
    machine was doing — the wall-clock figures of a shared machine move with its load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(name: str, latencies: list[float], seconds: float) -> str:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
    return (f"{name:<22} {len(ms) / seconds:8.1f} commands/s   ack latency ms: median {statistics.median(ms):6.1f}"
            f"  p90 {q[89]:6.1f}  p99 {q[98]:6.1f}  max {ms[-1]:6.1f}  (n={len(ms)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seats", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--speed", type=float, default=600.0, help="the trainer's clock (sim seconds per wall second)")
    ap.add_argument("--profile", metavar="FILE.prof", help="profile the server with cProfile into FILE.prof")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, codes = scenario(a.seats, folder)
        port = free_port()
        proc, tokens = serve(path, folder / "load.db", port,
                             str(Path(a.profile).resolve()) if a.profile else None)
        try:
            cpu0, clients0 = cpu_seconds(proc.pid), time.process_time()
            latencies, acked, lost = asyncio.run(load(f"127.0.0.1:{port}", tokens, codes, a.seconds, a.speed))
            server_cpu, clients_cpu = cpu_seconds(proc.pid) - cpu0, time.process_time() - clients0
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
        ref_port = free_port()
        ref = subprocess.Popen([sys.executable, "-c", REFERENCE, str(ref_port), str(folder / "ref.db")],
                               stdout=subprocess.PIPE, text=True)
        assert ref.stdout is not None and ref.stdout.readline().startswith("ready")
        try:
            cpu0 = cpu_seconds(ref.pid)
            ref_latencies = asyncio.run(reference_load(f"127.0.0.1:{ref_port}", a.seats, a.seconds))
            ref_cpu = cpu_seconds(ref.pid) - cpu0
        finally:
            ref.terminate()
            ref.wait(timeout=10)
    print(f"{a.seats} seats on loopback for {a.seconds:g} s, the trainer's clock at {a.speed:g} sim s per wall s")
    print(summary("ncbsim serve", latencies, a.seconds))
    print(summary("reference (bare write)", ref_latencies, a.seconds))
    print(f"server CPU per command: ncbsim serve {1000 * server_cpu / max(1, len(latencies)):.2f} ms, "
          f"reference {1000 * ref_cpu / max(1, len(ref_latencies)):.2f} ms; the 51 clients (this process) "
          f"{1000 * clients_cpu / max(1, len(latencies)):.2f} ms")
    print(f"acknowledged {len(acked)}, lost {lost}; throughput ratio engine/reference "
          f"{len(latencies) / max(1, len(ref_latencies)):.2f} (target: p99 <= 100 ms, none lost)")


if __name__ == "__main__":
    main()
