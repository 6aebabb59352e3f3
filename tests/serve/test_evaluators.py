"""Evaluators at a served exercise (issue 18): an evaluator's token opens the trainer's view —
every seat, the ground truth — and lets it add notes, HSEEP ratings and validations, recorded in
the session and the report under its own name; the clock, the injects and answering for a seat
stay the trainer's, refused by the server with the reason. Forged evaluator tokens open nothing;
the evaluators' tokens are kept across a restart like the others."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from sim.play.commands import AddNote, AnswerDecision, FireInject, HoldInject, SendMessage, ValidateExpectation
from sim.play.seat_rules import TRAINER
from sim.serve import open_exercise
from sim.serve.client import AskError, Refused, SeatClient
from sim.serve.tokens import TOKEN_BYTES, Tokens

from .test_remote_tui import ServerThread, wait_until
from .test_serve import SCENARIO, started, stopped

OBJECTIVES = """\
objectives:
  - id: O1
    title: NCB France reads the warrant
    check: {event: message.handled, match: {inject: I1, actor: FR}}
"""


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(SCENARIO + OBJECTIVES, encoding="utf-8")
    return path


@pytest.fixture
def exercise(scenario, tmp_path):
    host, tokens, plain = open_exercise(str(scenario), str(tmp_path / "s.db"), evaluators=2)
    yield host, tokens, plain, tmp_path
    host.close()


async def test_an_evaluator_sees_what_the_trainer_sees(exercise):
    host, tokens, plain, _ = exercise
    assert {"evaluator:1", "evaluator:2"} <= set(plain) and len(set(plain.values())) == len(plain)
    _server, task, address = await started(host, tokens)
    trainer = await SeatClient(address, plain[TRAINER]).join()
    ev = await SeatClient(address, plain["evaluator:1"]).join()
    assert ev.evaluator and not trainer.evaluator
    assert ev.seat == TRAINER and ev.state.name == "evaluator:1"
    assert ev.state.briefing == trainer.state.briefing  # the whole scenario, the ground truth
    await trainer.clock(running=True, speed=3600)
    for c in (ev, trainer):
        await c.wait_for(lambda st: st.lists.get("decisions") and len(st.events) >= 5, timeout=30)
    await trainer.clock(running=False)
    await asyncio.sleep(0.3)  # the last push after the stop reaches both
    assert ev.state.events == trainer.state.events
    assert {d.seat for d in ev.state.lists["decisions"]} >= {"ncb:FR"}  # every seat's decisions
    for name in ("msel", "objectives", "decisions", "subject_names"):
        assert ev.state.lists[name] == trainer.state.lists[name], name
    view = await ev.ask("seat_view", seat="ncb:ES")  # a look at one seat's screen, as the trainer's
    assert set(view) == {"inbox", "seen", "decisions"}
    for c in (ev, trainer):
        await c.close()
    await stopped(task)


async def test_an_evaluators_notes_ratings_and_validations_are_recorded_under_its_name(exercise):
    host, tokens, plain, _ = exercise
    _server, task, address = await started(host, tokens)
    ev = await SeatClient(address, plain["evaluator:2"]).join()
    # Whatever author the console puts, the note is the evaluator's: it cannot speak as the trainer.
    ack = await ev.submit(AddNote("France read it at once", "trainer", "O1", "performed_without_challenges"))
    assert ack.accepted, ack.reason
    ack = await ev.submit(ValidateExpectation("met", objective="O1", note="seen on the screen"))
    assert ack.accepted, ack.reason
    note = host.notes()[-1]
    assert (note["author"], note["objective"], note["rating"]) == ("evaluator:2", "O1", "performed_without_challenges")
    validated = [e for e in host.events() if e["kind"] == "expectation.validated"]
    assert validated and validated[-1]["author"] == "evaluator:2"
    await ev.wait_for(lambda st: st.lists.get("notes"), timeout=10)  # sent back to the evaluators' views
    report = await ev.ask("debrief", source="test")
    assert any(n["author"] == "evaluator:2" and n["text"] == "France read it at once" for n in report["notes"])
    await ev.close()
    await stopped(task)


async def test_the_trainer_cannot_write_under_an_evaluators_name(exercise):
    """The author is whoever the token opened: the trainer's console naming an evaluator (or
    anyone) as the author of a note or a validation records the trainer as its author."""
    host, tokens, plain, _ = exercise
    _server, task, address = await started(host, tokens)
    trainer = await SeatClient(address, plain[TRAINER]).join()
    ack = await trainer.submit(AddNote("Spain was slow", "evaluator:1", "O1", "performed_with_some_challenges"))
    assert ack.accepted, ack.reason
    ack = await trainer.submit(ValidateExpectation("not_met", objective="O1", author="evaluator:2"))
    assert ack.accepted, ack.reason
    assert host.notes()[-1]["author"] == TRAINER
    assert [e for e in host.events() if e["kind"] == "expectation.validated"][-1]["author"] == TRAINER
    await trainer.close()
    await stopped(task)


async def test_an_evaluator_cannot_run_the_clock_fire_injects_or_act_for_a_seat(exercise):
    host, tokens, plain, _ = exercise
    server, task, address = await started(host, tokens)
    trainer = await SeatClient(address, plain[TRAINER]).join()
    ev = await SeatClient(address, plain["evaluator:1"]).join()
    await trainer.clock(running=True, speed=3600)
    await ev.wait_for(lambda st: st.lists.get("decisions"), timeout=30)
    await trainer.clock(running=False)
    await asyncio.sleep(0.2)
    await ev.clock(running=True, speed="max")
    await asyncio.sleep(0.3)
    assert not server.running and server.speed == 3600
    events = host.event_count()
    q = ev.state.lists["decisions"][0]
    for command in (FireInject("I2"), HoldInject("I2"), AnswerDecision(q.seat, q.id, q.options[0].key),
                    SendMessage(("ES",), "as France")):
        ack = await ev.submit(command)
        assert not ack.accepted and "an evaluator adds notes" in ack.reason, command
    with pytest.raises(AskError, match="the trainer does"):
        await ev.ask("adhoc_problems", command={"kind": "add_inject"})
    assert host.event_count() == events and any(d.id == q.id for d in host.open_decisions(TRAINER))
    for c in (ev, trainer):
        await c.close()
    await stopped(task)


async def test_a_forged_evaluator_token_opens_nothing_and_the_real_ones_survive_a_restart(exercise, scenario):
    host, tokens, plain, tmp = exercise
    _server, task, address = await started(host, tokens)
    forged = [secrets.token_hex(TOKEN_BYTES), plain["evaluator:1"][:-1] + "0", plain["evaluator:1"].upper()]
    for token in forged:
        if token == plain["evaluator:1"]:
            continue
        with pytest.raises(Refused):
            await SeatClient(address, token).join()
    await stopped(task)
    host.close()
    again, kept, issued = open_exercise(None, str(tmp / "s.db"))
    try:
        assert issued == {}  # a restart hands out nothing new: the evaluators keep theirs
        assert kept.seat_of(plain["evaluator:1"]) == "evaluator:1" and kept.seat_of(plain["evaluator:2"]) == "evaluator:2"
        assert Tokens.load(tmp / "s.db").seats == tokens.seats
    finally:
        again.close()


def test_the_trainers_look_at_a_seat_is_one_round_trip(scenario, tmp_path):
    from sim.serve.remote import RemoteHost

    server = ServerThread(str(scenario), str(tmp_path / "s.db"))
    trainer = RemoteHost(server.address, server.tokens[TRAINER])
    try:
        asked: list[str] = []
        real = trainer._client.ask

        def counting(what, **args):
            asked.append(what)
            return real(what, **args)
        trainer._client.ask = counting  # type: ignore[method-assign]
        # What the seat view screen reads: the seat's inbox, what it saw, its decisions.
        trainer.inbox("ncb:ES"), trainer.seen("ncb:ES"), trainer.open_decisions("ncb:ES")
        assert asked == ["seat_view"]
    finally:
        trainer.close()
        server.stop()


async def test_an_evaluators_console_has_no_clock_inject_or_answer_keys(scenario, tmp_path):
    from tui.app import make_app
    from tui.remote_driver import RemoteDriver
    from tui.screens.trainer import TrainerScreen

    server = ServerThread(str(scenario), str(tmp_path / "s.db"), evaluators=1)
    try:
        driver = RemoteDriver.join(server.address, server.tokens["evaluator:1"])
        assert driver.evaluator and not driver.owns_clock
        app = make_app(driver=driver)  # as ncbsim trainer --join makes it
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, TrainerScreen))
            screen = app.screen
            for action in ("toggle_clock", "fire", "hold", "adhoc", "reschedule", "answer"):
                assert not screen.check_action(action, ())
            assert screen.check_action("rate", ()) and screen.check_action("seat_view", ())
            await pilot.press("space")
            await pilot.pause(0.3)
            assert not server.server.running
            assert "EVALUATOR" in str(screen.query_one("#clock-bar").render())
            footer = " ".join(b.binding.description for b in app.active_bindings.values() if b.enabled and b.binding.show)
            assert "Clock" not in footer and "Fire" not in footer and "Rate" in footer
            from tui.screens.trainer import TrainerCommands
            provider = TrainerCommands(screen)
            offered = [str(hit.help) async for hit in provider.search("i")]  # the palette offers the same
            assert offered and not any(a in h for h in offered for a in ("(fire)", "(hold)", "(adhoc)"))
    finally:
        server.stop()
