"""The exercise server on loopback with three seats and a trainer (issue 18): each connection is
sent only its own seat's views; a forged, foreign or missing token opens nothing; a seat cannot
act for another seat nor touch the clock; commands from several clients at once all apply, in the
order they arrived, and the session replays them to the same journal; a client that leaves and
rejoins gets its whole view back."""

from __future__ import annotations

import asyncio
import io
import json
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.play.commands import AnswerDecision, ReadMessage, SendMessage
from sim.play.seat_rules import TRAINER
from sim.serve import open_exercise
from sim.serve.client import Refused, SeatClient
from sim.serve.server import ExerciseServer
from sim.serve.tokens import Tokens
from sim.sessions.runner import SessionRun
from sim.sessions.store import SessionStore

SCENARIO = """\
id: three-seats
title: Three seats and a trainer
start: 2026-03-02T06:00:00Z
duration: 2d
seed: 11
world:
  members: [FR, ES, MA, PT, DE]
players:
  - {role: ncb, country: FR}
  - {role: ncb, country: ES}
  - {role: ndtf}
subjects:
  - id: S1
    identity: {name: Marc DUVAL, born: 1986-04-11, nationality: FR, description: scar on left hand}
    location: FR
requests:
  - {id: N1, kind: red, by: FR, subject: S1, after_inject: I1, purpose: prosecution, offence: homicide,
     max_penalty_years: 30}
cases:
  - id: C1
    title: Stolen cars across the Pyrenees
    lead: ES
    partners: [FR]
    requests_for_information: [{to: FR, at: 2h, priority: high, about: S1}]
injects:
  - {id: I1, at: 0h, from: Paris investigating judge, to: FR, channel: national, priority: urgent,
     text: Arrest warrant for Marc DUVAL}
  - {id: I2, at: 1h, from: Guardia Civil, to: ES, channel: national, text: Only Madrid knows this PELICAN}
"""
SEATS = ("ncb:FR", "ncb:ES", "ndtf")


@pytest.fixture
def exercise(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    host, tokens, plain = open_exercise(str(path), str(tmp_path / "s.db"))
    yield host, tokens, plain, tmp_path
    host.close()


async def started(host, tokens):
    server = ExerciseServer(host, tokens, log=lambda _: None)
    port: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(server.serve("127.0.0.1", 0, port.set_result))
    return server, task, f"127.0.0.1:{await port}"


async def stopped(task):
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def seat_views(host, seat):
    return {"inbox": host.inbox(seat), "decisions": host.open_decisions(seat), "requests": host.requests(seat),
            "board": host.board(seat), "case_files": host.case_files(seat), "arrest_cases": host.arrest_cases(seat)}


async def test_each_seat_is_sent_its_own_view_and_nothing_of_another_seat(exercise):
    host, tokens, plain, _ = exercise
    assert set(plain) == {*SEATS, TRAINER} and len(set(plain.values())) == 4
    _server, task, address = await started(host, tokens)
    wire: dict[str, list[str]] = {s: [] for s in (*SEATS, TRAINER)}
    clients = {seat: await SeatClient(address, plain[seat]).join() for seat in (*SEATS, TRAINER)}
    for seat, c in clients.items():  # what crossed each socket, to look for what must not have
        ws = c._ws
        recv = ws.recv

        async def spy(*a, _recv=recv, _seat=seat, **k):
            raw = await _recv(*a, **k)
            wire[_seat].append(raw)
            return raw
        ws.recv = spy
    assert {s: c.seat for s, c in clients.items()} == {s: s for s in clients}
    await clients[TRAINER].clock(running=True, speed="max")
    await clients[TRAINER].wait_for(lambda st: st.clock.get("finished"), timeout=60)
    await asyncio.sleep(0.3)  # the last pushes
    for seat in SEATS:
        mirror = clients[seat].state
        for name, views in seat_views(host, seat).items():
            assert mirror.lists.get(name, ()) == views, (seat, name)
        assert [e for _, e in mirror.seen] == [e for _, e in host.seen(seat)]
        assert "msel" not in mirror.lists and "objectives" not in mirror.lists
    assert clients[TRAINER].state.lists["objectives"] == dict(host.objective_status())
    spain_only = "PELICAN"
    assert any(spain_only in raw for raw in wire["ncb:ES"])
    assert not any(spain_only in raw for raw in wire["ncb:FR"] + wire["ndtf"])
    for seat in SEATS:  # no seat is ever sent another seat's token, nor its own
        assert not any(t in raw for raw in wire[seat] for t in plain.values())
    for c in clients.values():
        await c.close()
    await stopped(task)


@pytest.mark.parametrize("token", ["", "x" * 32, None, "A" * 5000])
async def test_a_forged_or_missing_token_opens_nothing(exercise, token):
    host, tokens, _plain, _ = exercise
    server, task, address = await started(host, tokens)
    with pytest.raises(Refused, match="opens no seat"):
        await SeatClient(address, token).join()
    assert server.connections == []
    await stopped(task)


async def test_another_exercises_token_opens_nothing(exercise, tmp_path):
    host, tokens, _plain, _ = exercise
    _, other = Tokens.issue(["ncb:FR", TRAINER], tmp_path / "other.db")
    _server, task, address = await started(host, tokens)
    for t in other.values():
        with pytest.raises(Refused):
            await SeatClient(address, t).join()
    await stopped(task)


async def test_a_seat_acts_only_for_itself_and_the_clock_is_the_trainers(exercise):
    host, tokens, plain, _ = exercise
    server, task, address = await started(host, tokens)
    fr, es, trainer = [await SeatClient(address, plain[s]).join() for s in ("ncb:FR", "ncb:ES", TRAINER)]
    await trainer.clock(running=True, speed=3600)
    await fr.wait_for(lambda st: st.lists.get("decisions"), timeout=30)
    await trainer.clock(running=False)
    theirs = fr.state.lists["decisions"][0]
    assert theirs.seat == "ncb:FR" and not es.state.lists.get("decisions")  # France's, not shown to Spain
    for forged_seat in ("ncb:FR", "ncb:ES"):  # naming the other seat or its own: Spain cannot answer it
        ack = await es.submit(AnswerDecision(forged_seat, theirs.id, theirs.options[0].key))
        assert not ack.accepted and ack.reason
    assert any(d.id == theirs.id for d in host.open_decisions("ncb:FR"))  # untouched
    running = server.running
    await fr.clock(running=not running)
    await asyncio.sleep(0.2)
    assert server.running == running
    ack = await fr.submit({"kind": "no_such_command"})
    assert not ack.accepted and "unknown command kind" in ack.reason
    for c in (fr, es, trainer):
        await c.close()
    await stopped(task)


async def test_commands_from_many_clients_at_once_all_apply_and_replay_identically(exercise):
    host, tokens, plain, _tmp = exercise
    _server, task, address = await started(host, tokens)
    fr, es = [await SeatClient(address, plain[s]).join() for s in ("ncb:FR", "ncb:ES")]
    sends = [fr.submit(SendMessage(("ES",), f"FR note {i}")) for i in range(15)]
    sends += [es.submit(SendMessage(("FR",), f"ES note {i}")) for i in range(15)]
    acks = await asyncio.gather(*sends)
    assert all(a.accepted for a in acks)
    trainer = await SeatClient(address, plain[TRAINER]).join()
    await trainer.clock(running=True, speed="max")
    await trainer.wait_for(lambda st: st.clock.get("finished"), timeout=60)
    sent = [e["text"] for e in host.events() if e["kind"] == "message.sent" and e.get("by") == "person"]
    assert sorted(sent) == sorted([f"FR note {i}" for i in range(15)] + [f"ES note {i}" for i in range(15)])
    for c in (fr, es, trainer):
        await c.close()
    await stopped(task)
    live = [dict(e) for e in host.events()]
    path, until = host.session_path, host.now
    host.close()
    store = SessionStore.open(path, write=False)
    try:
        buf = io.StringIO()
        SessionRun(store, journal=buf, keep_events=False, record=False).replay(until)
    finally:
        store.close()
    assert [json.loads(line) for line in buf.getvalue().splitlines()] == live


async def test_a_command_is_acknowledged_only_once_its_write_has_returned(exercise, monkeypatch):
    host, tokens, plain, _ = exercise
    release = threading.Event()
    written = type(host).write

    def held_write(self, staged):  # the writer's thread, held before it writes
        assert release.wait(10)
        written(self, staged)
    monkeypatch.setattr(type(host), "write", held_write)
    _server, task, address = await started(host, tokens)
    fr = await SeatClient(address, plain["ncb:FR"]).join()
    ack = asyncio.ensure_future(fr.submit(SendMessage(("ES",), "held")))
    await asyncio.sleep(0.5)
    assert not ack.done()  # applied, not yet durable: not acknowledged
    path = host.session_path
    probe = SessionStore.open(path, write=False)
    try:
        assert not any(r.option and "held" in r.option for r in probe.decisions())
        release.set()
        assert (await asyncio.wait_for(ack, 10)).accepted
        assert any("held" in r.option for r in probe.decisions())  # in the file before the ack
    finally:
        probe.close()
    await fr.close()
    await stopped(task)


async def test_a_client_that_leaves_and_rejoins_gets_its_whole_view_back(exercise):
    host, tokens, plain, _ = exercise
    _server, task, address = await started(host, tokens)
    trainer = await SeatClient(address, plain[TRAINER]).join()
    fr = await SeatClient(address, plain["ncb:FR"]).join()
    await trainer.clock(running=True, speed=3600 * 6)
    await fr.wait_for(lambda st: len(st.lists.get("inbox", ())) >= 2, timeout=30)
    msg = fr.state.lists["inbox"][0]
    assert (await fr.submit(ReadMessage(msg.msg))).accepted
    await fr.close()  # the person's terminal closes; the exercise goes on without them
    await trainer.clock(running=False)
    await asyncio.sleep(0.2)
    again = await SeatClient(address, plain["ncb:FR"]).join()
    await again.wait_for(lambda st: "inbox" in st.lists, timeout=10)
    assert again.state.lists["inbox"] == host.inbox("ncb:FR")
    assert next(i for i in again.state.lists["inbox"] if i.msg == msg.msg).read
    assert [e for _, e in again.state.seen] == [e for _, e in host.seen("ncb:FR")]
    for c in (again, trainer):
        await c.close()
    await stopped(task)


def test_tokens_are_kept_as_digests_only(exercise):
    host, tokens, plain, tmp = exercise
    kept = (tmp / "s.db.tokens").read_text()
    assert not any(t in kept for t in plain.values())
    assert (tmp / "s.db.tokens").stat().st_mode & 0o077 == 0  # its owner's alone
    assert all(tokens.seat_of(t) == s for s, t in plain.items())
    reloaded = Tokens.load(tmp / "s.db")
    assert reloaded is not None and all(reloaded.seat_of(t) == s for s, t in plain.items())
    assert not any(t in host.session_path.read_bytes().decode("latin-1") for t in plain.values())


def test_a_restarted_server_keeps_the_seats_tokens(exercise, tmp_path):
    host, _tokens, plain, tmp = exercise
    host.close()
    again, kept, issued = open_exercise(None, str(tmp / "s.db"))
    try:
        assert issued == {} and all(kept.seat_of(t) == s for s, t in plain.items())
    finally:
        again.close()


SHIPPED_PLAYED = sorted(p for p in (Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml")
                        if "players:" in p.read_text(encoding="utf-8"))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(SHIPPED_PLAYED), seed=st.integers(0, 2 ** 31))
async def test_property_over_shipped_scenarios_and_seeds_each_seat_gets_exactly_its_view(tmp_path_factory, path, seed):
    """Whatever the scenario, seed and instant, what crosses each seat's socket is exactly that seat's view,
    as the host's per-seat views (its compartments) give it: no more, no less, in order."""
    folder = tmp_path_factory.mktemp("prop")
    host, tokens, plain = open_exercise(str(path), str(folder / "s.db"), seed=seed)
    try:
        seats = [s for s in plain if s != TRAINER]
        _server, task, address = await started(host, tokens)
        clients = {s: await SeatClient(address, plain[s]).join() for s in plain}
        await clients[TRAINER].clock(running=True, speed="max")
        await asyncio.sleep(1.0)  # some way into the exercise: the property holds at any instant
        await clients[TRAINER].clock(running=False)
        await asyncio.sleep(0.3)
        for seat in seats:
            mirror = clients[seat].state
            assert [e for _, e in mirror.seen] == [e for _, e in host.seen(seat)]
            for name, views in seat_views(host, seat).items():
                assert mirror.lists.get(name, ()) == views, (path.name, seed, seat, name)
            assert mirror.events == []  # the journal is the trainer's
        for c in clients.values():
            await c.close()
        await stopped(task)
    finally:
        host.close()
