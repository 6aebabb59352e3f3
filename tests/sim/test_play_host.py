"""The play host: typed commands checked against rights and rules, recorded before they act,
replayed byte for byte; refusals change nothing."""

from __future__ import annotations

import io

import pytest
from conftest import FLAGSHIP, MINIMAL_SCENARIO
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim.api import (
    Accepted,
    AddInject,
    AddNote,
    AnswerDecision,
    CommandError,
    FireInject,
    HoldInject,
    PlayHost,
    Refused,
    ReleaseInject,
    SessionRun,
    SessionStore,
    command_from_json,
    load_scenario,
    new_session,
)
from sim.play.commands import (
    COMMANDS,
    AbandonExtradition,
    AskProsecution,
    DraftRequest,
    ReadMessage,
    RequestProvisionalArrest,
    RequestStopPayment,
    RescheduleInject,
    SendExtraditionDocuments,
    SendMessage,
    SubmitRequest,
    ValidateExpectation,
    WithdrawRequest,
)

LOADED = load_scenario(FLAGSHIP)


class Recorded:
    """A host on the flagship (NCB France played by a person), with its journal as text and, for
    every session row, how long the journal was when the row was written."""

    def __init__(self, path, people=("ncb:FR",), loaded=LOADED) -> None:
        self.path = path
        self.store = new_session(path, loaded, seed=None, policy=None, script=None, people=list(people))
        self.journal = io.StringIO()
        self.host = PlayHost(SessionRun(self.store, journal=self.journal))
        self.rows_at: dict[str, int] = {}
        write = self.store.record_decision

        def spy(decision, seat, option, sim_time, by):
            self.rows_at[decision] = self.host.event_count()
            write(decision, seat, option, sim_time, by)

        self.store.record_decision = spy  # type: ignore[method-assign]

    def state(self):
        """Everything a command could change: the journal, the session's rows and notes, the MSEL."""
        return (self.journal.getvalue(), self.store.decisions(), [n["text"] for n in self.store.notes()],
                self.host.msel(), self.host.open_decisions("trainer"))

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def played(tmp_path):
    r = Recorded(tmp_path / "s.db")
    r.host.catch_up(30)  # France has read the warrant: Q1 and Q2 wait for it
    yield r
    r.close()


# --- JSON ----------------------------------------------------------------------------------------
EVERY_COMMAND = [AnswerDecision("ncb:FR", "Q1", "file"), FireInject("I3"), HoldInject("I4"), ReleaseInject("I4"),
                 AddInject("X1", "FR", "Sighting in Tangier", "urgent", "ES"), AddInject("X2", "FR", "Plain"),
                 AddInject("X3", "FR", "Later", "high", "GS", 600.0), RescheduleInject("I4", 2880.0),
                 AddNote("Quick read", "evaluator", "O1", "performed_without_challenges"), AddNote("Just a note"),
                 SendMessage(("ES", "region:Europe"), "Sighting?", "DUVAL", "urgent", "en", "C1", reply_to=3),
                 SendMessage(("all",), "FYI", forward_of=7), ReadMessage(4),
                 DraftRequest("N9", "red", "S1", "prosecution", "homicide", 30.0, None, (),
                              (("name", "DUVAL Marc"), ("photo", ""))),
                 DraftRequest("D9", "diffusion", to=("ES", "MA")), SubmitRequest("N9"), WithdrawRequest("N9"),
                 RequestProvisionalArrest("MA", "S1", "N1", "He is in Tangier"), RequestProvisionalArrest("SN", "S1"),
                 SendExtraditionDocuments("A1", ("warrant", "facts")), AbandonExtradition("A1"),
                 AskProsecution("A1", "enforce")]
EVERY_COMMAND.append(ValidateExpectation("partly_met", "I1", note="acknowledged late", author="Ana"))
EVERY_COMMAND.append(RequestStopPayment("F1", "SG", "Freeze the account today"))  # package D


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=lambda c: c.kind)
def test_every_command_round_trips_through_json(command):
    import json

    data = json.loads(json.dumps(command.to_json()))
    assert data["kind"] == command.kind
    assert command_from_json(data) == command
    assert {c.kind for c in EVERY_COMMAND} == set(COMMANDS)


@pytest.mark.parametrize(("data", "words"), [
    ({"kind": "launch_missiles"}, "unknown command kind 'launch_missiles'"),
    ({"inject": "I1"}, "unknown command kind None"),
    ([], "a command is a JSON object"),
    ({"kind": "fire_inject"}, "missing field"),
    ({"kind": "fire_inject", "inject": "I1", "when": "now"}, "unknown field 'when'"),
    ({"kind": "fire_inject", "inject": 3}, "must be text"),
    ({"kind": "add_inject", "id": "X", "to": "FR", "text": "t", "from_": "ES"}, "unknown field 'from_'"),
    ({"kind": "answer_decision", "decision": "Q1", "option": "file", "seat": None}, "must be text"),
    ({"kind": "send_message", "to": "ES", "text": "t"}, "'to' must be a list of texts"),
    ({"kind": "send_message", "to": ["ES"], "text": "t", "reply_to": "3"}, "must be a whole number or null"),
    ({"kind": "send_message", "to": ["ES"], "text": "t", "reply_to": True}, "must be a whole number"),
    ({"kind": "draft_request", "request": "N1", "notice_kind": "red", "form": {"name": 3}}, "an object of texts"),
    ({"kind": "draft_request", "request": "N1", "notice_kind": "red", "max_penalty_years": float("nan")},
     "must be a number"),
])
def test_json_that_is_not_a_command_is_refused_clearly(data, words):
    with pytest.raises(CommandError, match=words):
        command_from_json(data)


# --- each command: accepted, and every refusal ------------------------------------------------------
def test_a_seat_answers_its_own_decision_recorded_before_it_acts(played):
    before = played.host.event_count()
    out = played.host.submit("ncb:FR", AnswerDecision("ncb:FR", "Q1", "hold"))
    assert isinstance(out, Accepted) and out.at_sim_time == played.host.now
    row = played.store.decisions()[-1]
    assert (row.decision, row.seat, row.option, row.by) == ("Q1", "ncb:FR", "hold", "seat")
    assert played.rows_at["Q1"] == before  # on disk before the engine wrote anything about it
    made = [e for e in played.host.events(before) if e["kind"] == "decision.made"]
    assert made and made[0]["decision"] == "Q1"
    assert "Q1" not in {d.id for d in played.host.open_decisions("ncb:FR")}


def test_the_trainer_answers_for_any_seat(played):
    assert isinstance(played.host.submit("trainer", AnswerDecision("ncb:FR", "Q2", "file")), Accepted)


@pytest.mark.parametrize(("seat", "command", "words"), [
    ("admin", AnswerDecision("ncb:FR", "Q1", "file"), "not a seat of this exercise"),
    ("ncb:fr", AnswerDecision("ncb:FR", "Q1", "file"), "not a seat"),
    ("ncb:XX", AnswerDecision("ncb:FR", "Q1", "file"), "not a seat"),
    ("ncb:ES", AnswerDecision("ncb:FR", "Q1", "file"), "ncb:ES may answer only its own decisions"),
    ("ncb:ES", AnswerDecision("ncb:ES", "Q1", "file"), "Q1 is for ncb:FR, not ncb:ES"),
    ("ncb:FR", AnswerDecision("ncb:FR", "Q9", "file"), "there is no decision Q9"),
    ("ncb:FR", AnswerDecision("ncb:FR", "Q1", "shred"), "has no option 'shred'"),
    ("ncb:FR", FireInject("I3"), "only the trainer may fire injects"),
    ("ndtf", HoldInject("I4"), "only the trainer may hold injects"),
    ("ncb:FR", ReleaseInject("I4"), "only the trainer may release injects"),
    ("ccc", AddInject("X1", "FR", "x"), "only the trainer may add injects"),
    ("ncb:FR", AddNote("mine"), "only the trainer may add notes"),
    ("trainer", FireInject("I9"), "no inject 'I9'"),
    ("trainer", FireInject("I1"), "already fired"),
    ("trainer", HoldInject("I1"), "already fired"),
    ("trainer", ReleaseInject("I4"), "not held"),
    ("trainer", AddInject("I1", "FR", "x"), "already used"),
    ("trainer", AddInject("X1", "ZZ", "x"), "'ZZ' is not a member country in this exercise"),
    ("trainer", AddInject("X1", "FR", "x", priority="whenever"), "priority"),
    ("trainer", AddNote("   "), "needs some text"),
    ("trainer", AddNote("x", author=""), "needs an author"),
    ("trainer", AddNote("x", objective="O1", rating="great"), "unknown rating"),
    ("trainer", AddNote("x", rating="unable_to_perform"), "a rating is given to an objective"),
    ("trainer", AddNote("x", objective="O99"), "no objective 'O99'"),
])
def test_refusals_say_why_and_change_nothing(played, seat, command, words):
    before = played.state()
    out = played.host.submit(seat, command)
    assert isinstance(out, Refused) and words in out.reason, out
    assert played.state() == before


def test_a_closed_decision_is_refused(played):
    played.host.submit("ncb:FR", AnswerDecision("ncb:FR", "Q1", "file"))
    before = played.state()
    out = played.host.submit("trainer", AnswerDecision("ncb:FR", "Q1", "hold"))
    assert isinstance(out, Refused) and "already made" in out.reason
    assert played.state() == before


def test_trainer_controls_and_notes_are_recorded_and_replayed(played):
    h = played.host
    for command in (HoldInject("I5"), FireInject("I2"), AddInject("X1", "FR", "Sighting", "high", "ES"),
                    AddNote("Quick read", "evaluator", "O1", "performed_with_some_challenges")):
        before = h.event_count()
        assert isinstance(h.submit("trainer", command), Accepted)
        if not isinstance(command, AddNote):
            assert played.rows_at[played.store.decisions()[-1].decision] == before
    status = {i.id: i.status for i in h.msel()}
    assert status["I5"] == "held" and status["I2"] == "fired" and status["X1"] == "fired"
    h.catch_up(6 * 1440)
    assert isinstance(h.submit("trainer", ReleaseInject("I5")), Accepted)  # due on day 1: fires now
    assert {i.id: i.status for i in h.msel()}["I5"] == "fired"
    assert [r.by for r in played.store.decisions()].count("control") == 4
    assert played.store.notes()[-1]["rating"] == "performed_with_some_challenges"
    h.catch_up(7 * 1440)
    assert_replays(played, 7 * 1440)


def test_controls_before_the_clock_moves_replay_identically(tmp_path):
    r = Recorded(tmp_path / "s.db", people=())
    assert isinstance(r.host.submit("trainer", HoldInject("I4")), Accepted)
    assert isinstance(r.host.submit("trainer", AddInject("X1", "FR", "Early")), Accepted)
    r.host.catch_up(600)
    try:
        assert_replays(r, 600)
    finally:
        r.close()


def test_nothing_is_taken_once_the_exercise_has_ended(tmp_path):
    # The host's rule, whatever the exercise: a two-day one is run to its end (the flagship's 22
    # days took half a minute for the same check).
    (tmp_path / "t.yaml").write_text(MINIMAL_SCENARIO, encoding="utf-8")
    r = Recorded(tmp_path / "s.db", loaded=load_scenario(tmp_path / "t.yaml"))
    try:
        r.host.catch_up(None)
        assert r.host.finished
        out = r.host.submit("trainer", AddNote("late"))
        assert isinstance(out, Refused) and "ended" in out.reason
    finally:
        r.close()


def test_views_are_immutable_data(played):
    h = played.host
    inbox = h.inbox("ncb:FR")
    assert inbox[0].inject == "I1" and "DUVAL" in inbox[0].text
    with pytest.raises(AttributeError):
        inbox[0].read = False  # type: ignore[misc]
    q = h.open_decisions("ncb:FR")[0]
    with pytest.raises(TypeError):
        q.context["request"] = "N9"  # type: ignore[index]
    _since, first = h.seen("ncb:FR")[0]
    with pytest.raises(TypeError):
        first["kind"] = "forged"  # type: ignore[index]
    assert not h.open_decisions("ncb:ES")  # another seat sees none of France's decisions
    assert all(d.seat == "ncb:FR" for d in h.open_decisions("ncb:FR"))


def test_a_session_resumes_through_the_host(tmp_path):
    path = tmp_path / "s.db"
    first, seat = PlayHost.open(str(FLAGSHIP), None, str(path))
    first.catch_up(30)
    first.submit(seat, AnswerDecision(seat, "Q1", "hold"))
    first.catch_up(300)
    first.save_progress()
    seen = [e["kind"] for _, e in first.seen(seat)]
    first.close()
    again, seat2 = PlayHost.open(None, None, str(path))
    try:
        assert seat2 == seat and again.now == 300
        assert [e["kind"] for _, e in again.seen(seat)] == seen
    finally:
        again.close()


def test_a_reschedule_and_a_later_adhoc_inject_replay_byte_for_byte(played):
    """Rule: a session stores the trainer's controls, so a replay moves I2 and fires X5 at the same
    instants and the journal comes out the same (and a resumed session with them too)."""
    h = played.host
    assert isinstance(h.submit("trainer", RescheduleInject("I2", 600.0)), Accepted)
    assert isinstance(h.submit("trainer", AddInject("X5", "FR", "Later", "high", "GS", 300.0)), Accepted)
    refused = h.submit("trainer", RescheduleInject("I2", 10.0))
    assert isinstance(refused, Refused) and "has passed" in refused.reason
    h.catch_up(700)
    rows = {i.id: i for i in h.msel()}
    assert rows["I2"].status == "fired" and rows["I2"].status_text == "fired at 10h 00m"
    assert rows["X5"].status_text == "fired at 5h 00m" and rows["X5"].adhoc
    fired = [(e["inject"], e["t"]) for e in h.events() if e["kind"] == "inject.fired"]
    assert ("X5", "2026-03-02T11:00:00Z") in fired and ("I2", "2026-03-02T16:00:00Z") in fired
    assert_replays(played, 700)


def test_a_resumed_session_moves_and_adds_injects_as_the_uninterrupted_one(tmp_path):
    """Rule: resuming replays the recorded controls at their instants, so a session closed between a
    reschedule and the moved inject's time goes on to the same journal as one never closed."""
    def commands(host) -> None:
        assert isinstance(host.submit("trainer", RescheduleInject("I2", 600.0)), Accepted)
        assert isinstance(host.submit("trainer", AddInject("X5", "FR", "Later", "high", "GS", 300.0)), Accepted)

    straight, _ = PlayHost.open(str(FLAGSHIP), None, str(tmp_path / "a.db"))
    try:
        straight.catch_up(30)
        commands(straight)
        straight.catch_up(700)
        expected = [dict(e) for e in straight.events()]
    finally:
        straight.close()
    first, _ = PlayHost.open(str(FLAGSHIP), None, str(tmp_path / "b.db"))
    first.catch_up(30)
    commands(first)
    first.catch_up(200)
    first.save_progress()
    first.close()
    again, _ = PlayHost.open(None, None, str(tmp_path / "b.db"))
    try:
        again.catch_up(700)
        assert [dict(e) for e in again.events()] == expected
        assert {i.id: i.status_text for i in again.msel()}["I2"] == "fired at 10h 00m"
    finally:
        again.close()


def assert_replays(r: Recorded, until: float) -> None:
    """The session, replayed read-only, gives the live journal byte for byte."""
    live = r.journal.getvalue()
    store = SessionStore.open(r.path, write=False)
    try:
        buf = io.StringIO()
        SessionRun(store, journal=buf, keep_events=False, record=False).replay(until)
        assert buf.getvalue() == live
    finally:
        store.close()


# --- the property ------------------------------------------------------------------------------------
# Weighted towards what can be accepted, so that both outcomes are exercised.
SEATS = ["trainer"] * 3 + ["ncb:FR"] * 6 + ["ncb:ES", "ndtf", "ccc", "ncb:XX", "nobody"]
DECISIONS = ["Q1", "Q2"] * 3 + ["Q3", "Q4", "Q5", "Q9"]
OPTIONS = ["file", "hold"] * 3 + ["confirm", "decline", "nonsense"]
INJECTS = ["I2", "I3", "I4"] * 2 + ["I1", "X1", "I9"]

commands = st.one_of(
    st.builds(AnswerDecision, st.sampled_from(["ncb:FR"] * 4 + ["ncb:ES", "ndtf"]), st.sampled_from(DECISIONS),
              st.sampled_from(OPTIONS)),
    st.builds(FireInject, st.sampled_from(INJECTS)),
    st.builds(HoldInject, st.sampled_from(INJECTS)),
    st.builds(ReleaseInject, st.sampled_from(INJECTS)),
    st.builds(AddInject, st.sampled_from(["X1", "X2", "I1"]), st.sampled_from(["FR", "FR", "ES", "ZZ"]),
              st.sampled_from(["Sighting", "Sighting", ""]), st.sampled_from(["routine", "urgent", "soon"]),
              st.sampled_from([None, "ES", "Interior ministry"])),
    st.builds(AddNote, st.sampled_from(["Good", "Good", " "]), st.sampled_from(["trainer", "evaluator"]),
              st.sampled_from([None, "O1", "O99"]), st.sampled_from([None, None, "unable_to_perform", "great"])),
    # A seat's own work: messages (some to nobody real, some replying to what may not be there),
    # reading, request forms complete or not, submissions and withdrawals of drafts that may not exist.
    st.builds(SendMessage, st.sampled_from([("ES",), ("ES", "MA"), ("ES",), ("region:Africa",), ("XX",), ()]),
              st.sampled_from(["Where is DUVAL?"] * 3 + [" "]), reply_to=st.sampled_from([None] * 4 + [1, 2, 99])),
    st.builds(ReadMessage, st.integers(0, 3)),
    st.builds(DraftRequest, st.sampled_from(["N1", "N5", "N5"]), st.sampled_from(["red", "red", "diffusion", "pink"]),
              st.sampled_from([None, "S1"]), max_penalty_years=st.sampled_from([None, 30.0]),
              to=st.sampled_from([(), ("ES", "PT")]),
              form=st.sampled_from([(), (("name", "DUVAL Marc"), ("charge", "homicide"))])),
    st.builds(SubmitRequest, st.sampled_from(["N1", "N5", "N5"])),
    st.builds(WithdrawRequest, st.sampled_from(["N1", "N5"])),
    # Arrest cases: requests for provisional arrest where he may or may not be, on a request or
    # none, and the formal request, abandonment and prosecution of cases that may not exist yet.
    st.builds(RequestProvisionalArrest, st.sampled_from(["ES", "MA", "FR", "ZZ"]), st.sampled_from(["S1", "S9"]),
              st.sampled_from([None, "N1", "D1", "N5"])),
    st.builds(SendExtraditionDocuments, st.sampled_from(["A1", "A2"]),
              st.sampled_from([("warrant", "facts", "law", "identity", "translation"), ("warrant",), ("bribe",)])),
    st.builds(AbandonExtradition, st.sampled_from(["A1", "A2"])),
    st.builds(AskProsecution, st.sampled_from(["A1"]), st.sampled_from(["prosecute", "enforce", "pardon"])),
)
SEAT_WORK = (SendMessage, ReadMessage, DraftRequest, SubmitRequest, WithdrawRequest, RequestProvisionalArrest,
             SendExtraditionDocuments, AbandonExtradition, AskProsecution)
# None: answer a decision open at that moment (the n-th option), so answers are often accepted.
steps = st.lists(st.tuples(st.floats(0, 90), st.sampled_from(SEATS), st.one_of(st.none(), st.none(), commands),
                           st.integers(0, 3)), min_size=1, max_size=12)


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps)
def test_random_commands_from_random_seats_stay_within_rights_and_replay(tmp_path_factory, plan):
    r = Recorded(tmp_path_factory.mktemp("prop") / "s.db")
    try:
        h = r.host
        for wait, seat, drawn, n in plan:
            h.advance(h.now + wait, 60.0)
            waiting = h.open_decisions("trainer")
            if drawn is not None:
                command = drawn
            elif waiting:
                d = waiting[n % len(waiting)]
                command = AnswerDecision(d.seat, d.id, d.options[n % len(d.options)].key)
            else:
                command = AddNote("Nothing to decide yet")
            before = r.state()
            rows, count = len(before[1]), h.event_count()
            owner = next((e["seat"] for e in h.events() if e["kind"] == "decision.requested"
                          and isinstance(command, AnswerDecision) and e["decision"] == command.decision), None)
            out = h.submit(seat, command)
            event(f"{type(out).__name__} {command.kind}")
            if isinstance(out, Refused):
                assert r.state() == before, out
                continue
            # Accepted: only within the seat's rights (a seat's own work only at the seat a person plays)...
            if isinstance(command, SEAT_WORK):
                assert seat == "ncb:FR"
            elif seat != "trainer":
                assert isinstance(command, AnswerDecision) and owner == seat == command.seat
            # ... and in the session before its effect.
            if isinstance(command, AddNote):
                assert r.store.notes()[-1]["text"] == command.text
            else:
                new_rows = r.store.decisions()[rows:]
                assert len(new_rows) == 1 and r.rows_at[new_rows[0].decision] == count
                expected = (("trainer" if seat == "trainer" else "seat") if isinstance(command, AnswerDecision)
                            else "command" if isinstance(command, SEAT_WORK) else "control")
                assert new_rows[0].by == expected
        horizon = h.now + 60
        h.catch_up(horizon)
        assert_replays(r, horizon)
    finally:
        r.close()


def test_the_tui_holds_no_engine_object():
    """The TUI imports only sim.api (an import-linter contract), and from it none of the engine's
    live objects: it acts through the play host and reads its views."""
    import ast
    from pathlib import Path

    engine_objects = {"Exercise", "SessionRun", "SessionStore", "Decision", "SeatView", "SeatConfig", "new_session"}
    used = {}
    for path in Path(__file__).resolve().parents[2].joinpath("tui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "sim.api":
                for alias in node.names:
                    if alias.name in engine_objects:
                        used.setdefault(alias.name, []).append(path.name)
    assert not used, used
