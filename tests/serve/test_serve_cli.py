"""``ncbsim serve`` end to end, as processes (issue 18): it prints one join token per seat and one
for the trainer, listens on loopback unless told otherwise (and warns when told), and a server
killed with SIGKILL, served again from its session file, has every command it acknowledged and
takes the same tokens."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.play.commands import SendMessage
from sim.play.host import Accepted
from sim.play.seat_rules import TRAINER
from sim.serve.client import Refused, SeatClient

from .test_serve import SCENARIO

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_server_outlives_its_test():
    """A failed assertion must not leave a server listening behind the suite."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def serve(*args: str) -> tuple[subprocess.Popen, str, dict[str, str]]:
    proc = subprocess.Popen([sys.executable, "-m", "sim", "serve", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    STARTED.append(proc)
    assert proc.stdout is not None
    lines, tokens = [], {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"the server stopped: {proc.stderr.read() if proc.stderr else ''}")
        lines.append(line)
        m = re.match(r"\s+(\S+)\s+ncbsim (?:play|trainer) --join (\S+) --token (\S+)", line)
        if m:
            tokens[m.group(1)] = m.group(3)
        if line.startswith("stop with Ctrl+C"):
            address = re.search(r"on ws://(\S+)", "".join(lines)).group(1)
            return proc, address, tokens
    raise AssertionError("the server did not say it was ready: " + "".join(lines))


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_a_server_killed_with_sigkill_keeps_every_acknowledged_command(scenario, tmp_path):
    port, session = free_port(), tmp_path / "served.db"
    proc, address, tokens = serve(str(scenario), "--session", str(session), "--port", str(port))
    assert set(tokens) == {"ncb:FR", "ncb:ES", "ndtf", TRAINER} and address == f"127.0.0.1:{port}"

    async def before_the_kill() -> list[str]:
        fr = await SeatClient(address, tokens["ncb:FR"]).join()
        acked = []
        for i in range(12):
            if (await fr.submit(SendMessage(("ES",), f"acknowledged {i}"))).accepted:
                acked.append(f"acknowledged {i}")
        return acked

    acked = asyncio.run(before_the_kill())
    assert len(acked) == 12
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    again, address2, issued = serve(str(session), "--port", str(port))
    assert issued == {} and address2 == address  # the seats keep their tokens, the address its port

    async def after_the_restart() -> list[str]:
        es = await SeatClient(address, tokens["ncb:ES"]).join()
        trainer = await SeatClient(address, tokens[TRAINER]).join()
        await trainer.clock(running=True, speed=3600)  # the messages are on their way to Madrid
        await es.wait_for(lambda st: len(st.lists.get("inbox", ())) >= 12, timeout=30)
        texts = [i.text for i in es.state.lists["inbox"]]
        await es.close()
        await trainer.close()
        return texts

    received = asyncio.run(after_the_restart())
    assert set(acked) <= set(received)
    again.send_signal(signal.SIGINT)
    out, err = again.communicate(timeout=20)
    assert again.returncode == 0 and "the session is kept" in out
    assert not any(t in out + err for t in tokens.values())  # shown once, at the first start only


def test_binding_beyond_loopback_is_said_and_a_scenario_without_players_refused(scenario, tmp_path):
    proc, _address, _tokens = serve(str(scenario), "--session", str(tmp_path / "a.db"), "--host", "0.0.0.0",
                                  "--port", "0")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=20)
    assert "warning: listening on 0.0.0.0: other machines can connect" in err
    world = ROOT / "scenarios" / "world-baseline.yaml"
    r = subprocess.run([sys.executable, "-m", "sim", "serve", str(world)], cwd=ROOT, capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert r.returncode == 2 and "nobody plays a seat" in r.stderr and "Traceback" not in r.stderr


def test_a_joined_client_reconnects_by_itself_after_the_server_is_killed_and_restarted(scenario, tmp_path):
    from sim.serve.remote import RemoteHost

    port, session = free_port(), tmp_path / "served.db"
    proc, address, tokens = serve(str(scenario), "--session", str(session), "--port", str(port))
    fr = RemoteHost(address, tokens["ncb:FR"])
    try:
        assert fr.connected and fr.seat == "ncb:FR"
        assert isinstance(fr.submit("ncb:FR", SendMessage(("ES",), "before the crash")), Accepted)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        for _ in range(100):  # it notices the connection is gone
            if not fr.connected:
                break
            time.sleep(0.05)
        assert not fr.connected
        again, _, _ = serve(str(session), "--port", str(port))
        try:
            for _ in range(200):  # and comes back by itself, with its token
                if fr.connected:
                    break
                time.sleep(0.05)
            assert fr.connected
            assert isinstance(fr.submit("ncb:FR", SendMessage(("ES",), "after the restart")), Accepted)
        finally:
            again.send_signal(signal.SIGINT)
            again.communicate(timeout=20)
    finally:
        fr.close()


def test_evaluators_get_tokens_of_their_own_that_join_as_at_the_trainers_console(scenario, tmp_path):
    session = tmp_path / "e.db"
    proc, address, tokens = serve(str(scenario), "--session", str(session), "--port", "0", "--evaluators", "2")
    try:
        assert set(tokens) == {"ncb:FR", "ncb:ES", "ndtf", TRAINER, "evaluator:1", "evaluator:2"}
        assert len(set(tokens.values())) == 6

        async def joined() -> tuple[str, bool]:
            ev = await SeatClient(address, tokens["evaluator:2"]).join()
            await ev.close()
            return ev.seat, ev.evaluator
        assert asyncio.run(joined()) == (TRAINER, True)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    # Served again with more evaluators: the new one gets a token, nobody else a new one.
    proc, address, more = serve(str(session), "--port", "0", "--evaluators", "3")
    try:
        assert set(more) == {"evaluator:3"} and more["evaluator:3"] not in tokens.values()

        async def both() -> list[str]:
            out = []
            for token in (more["evaluator:3"], tokens["evaluator:1"], tokens["ncb:FR"]):
                client = await SeatClient(address, token).join()
                out.append(client.state.name)
                await client.close()
            return out
        assert asyncio.run(both()) == ["evaluator:3", "evaluator:1", "ncb:FR"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    proc, _address, again = serve(str(session), "--port", "0", "--evaluators", "2")  # they all have theirs
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)
    assert again == {}


def test_a_new_session_never_takes_the_tokens_left_beside_an_old_one(scenario, tmp_path):
    session = tmp_path / "n.db"
    proc, _address, first = serve(str(scenario), "--session", str(session), "--port", "0")
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)
    session.unlink()  # the session goes; its token file stays behind
    proc, address, second = serve(str(scenario), "--session", str(session), "--port", "0", "--evaluators", "1")
    try:
        assert set(second) == {*first, "evaluator:1"} and not set(second.values()) & set(first.values())

        async def refused() -> bool:
            try:
                await SeatClient(address, first["ncb:FR"]).join()
            except Refused:
                return True
            return False
        assert asyncio.run(refused())
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
