"""A seat joined to an exercise server plays on the same screens as single-seat play (issue 18):
at 80×24, the briefing, then the operations screen fed by the server, the trainer's clock seen
moving, a decision answered and acknowledged; the clock keys say the clock is the trainer's."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest

from sim.play.seat_rules import TRAINER
from sim.serve import open_exercise
from sim.serve.client import SeatClient
from sim.serve.server import ExerciseServer
from tui.app import make_app
from tui.remote_driver import RemoteDriver
from tui.screens.operations import OperationsScreen

from .test_serve import SCENARIO


class ServerThread:
    """The server on its own thread and loop, as in its own process: the screen's loop may block
    on it (a command waits for its acknowledgement) without stopping it. The host (and its
    session's SQLite connection) is made and used on that thread only."""

    def __init__(self, scenario: str, session: str, evaluators: int = 0) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        ready = threading.Event()
        self.port = 0

        def listening(port: int) -> None:
            self.port = port
            ready.set()

        async def opened():
            return open_exercise(scenario, session, evaluators=evaluators)
        self.host, tokens, self.tokens = self.run(opened())
        self.server = ExerciseServer(self.host, tokens, log=lambda _: None)
        self.task = asyncio.run_coroutine_threadsafe(self.server.serve("127.0.0.1", 0, listening), self.loop)
        assert ready.wait(10)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(20)

    def events(self):
        async def read():
            return [dict(e) for e in self.host.events()]
        return self.run(read())

    def stop(self) -> None:
        self.task.cancel()
        concurrent.futures.wait([self.task], timeout=10)  # its last save done before the host closes

        async def closed():
            self.host.close()
        try:
            self.run(closed())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)


@pytest.fixture
def served(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    server = ServerThread(str(path), str(tmp_path / "s.db"))
    yield server
    server.stop()


async def wait_until(pilot, predicate, timeout=15.0):
    for _ in range(int(timeout / 0.1)):
        if predicate():
            return
        await pilot.pause(0.1)
    raise AssertionError("timed out")


async def test_a_joined_seat_plays_its_screens_fed_by_the_server(served):
    server = served
    plain = server.tokens
    driver = RemoteDriver.join(server.address, plain["ncb:FR"])
    app = make_app(driver=driver)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Three seats and a trainer" in str(app.screen.query_one("#briefing-title").render())
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OperationsScreen)
        await pilot.press("space")  # the clock is not this seat's
        await pilot.pause()
        assert any("trainer runs the clock" in n.message for n in app._notifications)
        trainer = server.run(SeatClient(server.address, plain[TRAINER]).join())
        server.run(trainer.clock(running=True, speed=3600))
        await wait_until(pilot, lambda: driver.my_decisions())
        server.run(trainer.clock(running=False))
        await wait_until(pilot, lambda: driver.paused and driver.now > 0)  # the trainer's clock, as sent
        assert "the trainer has stopped the clock" in driver.pause_reason
        inbox = [r.text for r in driver.inbox()]
        assert "Arrest warrant for Marc DUVAL" in inbox
        q = driver.my_decisions()[0]
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")  # the first option
        await wait_until(pilot, lambda: any(e["kind"] == "decision.made" and e["decision"] == q.id
                                             for e in server.events()))
        made = next(e for e in server.events() if e["kind"] == "decision.made" and e["decision"] == q.id)
        assert made["by"] == "person" and made["seat"] == "ncb:FR"
        server.run(trainer.close())
