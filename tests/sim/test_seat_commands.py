"""A person's own commands at a seat: messages, replies to requests for information, request forms
the NDTF reads and sends back, diffusions to chosen recipients, withdrawals — each checked,
recorded before it acts, attributed to the person, and replayed byte for byte."""

from __future__ import annotations

import io

import pytest

from sim.engine.exercise import Exercise
from sim.play.commands import (
    AnswerDecision,
    DraftRequest,
    ReadMessage,
    SendMessage,
    SubmitRequest,
    WithdrawRequest,
)
from sim.play.host import Accepted, PlayHost, Refused
from sim.scenario.loader import load_scenario
from sim.sessions.runner import SessionRun, new_session
from sim.sessions.store import SessionStore

SCENARIO = """\
id: seat-commands
title: A person at NCB France works a homicide case
start: 2026-03-02T06:00:00Z
duration: 6d
seed: 11
world:
  members: [FR, ES, MA, PT, DE]
players:
  - {role: ncb, country: FR}
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
    reminder_after: 1d
injects:
  - {id: I1, at: 0h, from: Paris investigating judge, to: FR, channel: national, priority: urgent,
     text: Arrest warrant for Marc DUVAL}
objectives:
  - id: O1
    title: France's officer files the Red Notice request themselves
    check: {event: notice.requested, done_by: person, seat: "ncb:FR"}
  - id: O2
    title: France's officer answers Spain's request for information
    check: {event: message.sent, match: {type: rfi_reply}, done_by: person}
"""
FR = "ncb:FR"
FULL_RED = (("name", "DUVAL Marc"), ("born", "1986-04-11"), ("nationality", "FR"), ("description", "scar"),
            ("photo", "attached"), ("charge", "homicide"), ("law", "Art. 221-1 Code pénal"),
            ("warrant", "TJ-Paris-2026-118"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("sc") / "seat-commands.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return load_scenario(path)


class Session:
    def __init__(self, path, loaded) -> None:
        self.path = path
        self.store = new_session(path, loaded, seed=None, policy=None, script=None, people=[FR])
        self.journal = io.StringIO()
        self.host = PlayHost(SessionRun(self.store, journal=self.journal))

    def rows(self):
        return self.store.decisions()

    def events(self, kind, **match):
        return [e for e in self.host.events() if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]

    def until(self, kind, limit=6 * 1440, **match):
        h = self.host
        while not self.events(kind, **match) and h.now < limit:
            h.catch_up(h.now + 30)
        found = self.events(kind, **match)
        assert found, f"no {kind} {match} by minute {h.now}"
        return found[0]

    def submit(self, command, seat=FR):
        out = self.host.submit(seat, command)
        assert isinstance(out, Accepted), out
        return out


def replayed(path, until) -> str:
    """The session's journal rebuilt read-only from its recording, up to ``until``."""
    store = SessionStore.open(path, write=False)
    try:
        buf = io.StringIO()
        SessionRun(store, journal=buf, keep_events=False, record=False).replay(until)
        return buf.getvalue()
    finally:
        store.close()


@pytest.fixture
def s(tmp_path, loaded):
    session = Session(tmp_path / "s.db", loaded)
    yield session
    session.host.close()


def test_a_red_notice_request_without_the_penalty_comes_back_and_is_published_once_completed(s):
    h = s.host
    s.until("decision.requested", type="file_request")
    form = h.form_for(FR, "N1")
    assert (form.notice_kind, form.subject) == ("red", "S1")
    assert dict(form.form)["name"] == "Marc DUVAL"  # the subject's identity is filled in for the person
    assert "the maximum penalty" not in " ".join(h.check_form(FR, form))
    assert any("max_penalty_years" in p for p in h.check_form(FR, DraftRequest("N1", "red", "S1", form=FULL_RED)))

    s.submit(DraftRequest("N1", "red", "S1", "prosecution", "homicide", form=FULL_RED))
    assert h.requests(FR)[0].missing == ("max_penalty_years",)
    s.submit(SubmitRequest("N1"))
    # Filing the form themselves answered the prompt to file the scenario's version of it.
    settled = s.events("decision.made", type="file_request")
    assert [(e["option"], e["by"]) for e in settled] == [("file", "person")]
    assert not h.open_decisions(FR)
    assert s.events("notice.requested", notice="N1")[0]["by"] == "person"

    asked = s.until("notice.info_requested", notice="N1")
    assert "max_penalty_years" in asked["detail"]
    s.until("message.sent", type="info_request", request="N1")
    h.catch_up(h.now + 5)
    view = h.requests(FR)[0]
    assert (view.state, view.unsent_changes) == ("info_requested", False)
    assert "max_penalty_years" in view.asked
    unchanged = h.submit(FR, SubmitRequest("N1"))
    assert isinstance(unchanged, Refused) and "unchanged" in unchanged.reason

    s.submit(DraftRequest("N1", "red", "S1", "prosecution", "homicide", 30.0, form=FULL_RED))
    s.submit(SubmitRequest("N1"))
    resubmitted = s.events("request.resubmitted", request="N1")
    assert [(e["missing"], e["by"]) for e in resubmitted] == [([], "person")]
    s.until("notice.published", notice="N1")
    assert not s.events("notice.refused", notice="N1")
    board = {row.ref: row for row in h.board(FR)}
    assert board["N1"].state == "published"
    assert [when for when, _ in board["N1"].history] == sorted(when for when, _ in board["N1"].history)


def test_a_request_still_incomplete_when_resubmitted_is_asked_about_again(s):
    h = s.host
    s.submit(DraftRequest("N7", "red", "S1", "prosecution", "homicide", form=FULL_RED[:-1]))  # no warrant
    s.submit(SubmitRequest("N7"))
    s.until("notice.info_requested", notice="N7")
    s.submit(DraftRequest("N7", "red", "S1", "prosecution", "homicide", 30.0, form=FULL_RED[:-1]))
    s.submit(SubmitRequest("N7"))
    assert s.events("request.resubmitted", request="N7")[0]["missing"] == ["warrant"]
    h.catch_up(h.now + 2 * 1440)
    asks = s.events("notice.info_requested", notice="N7")
    assert len(asks) == 2 and asks[1]["detail"] == "missing warrant"


def test_a_penalty_below_the_threshold_is_refused_not_asked_about(s):
    s.submit(DraftRequest("N8", "red", "S1", "prosecution", "homicide", 1.0, form=FULL_RED))
    s.submit(SubmitRequest("N8"))
    refused = s.until("notice.refused", notice="N8")
    assert refused["reason"] == "art83_penalty_threshold"


def test_a_diffusion_goes_to_the_recipients_the_person_chose(s):
    s.submit(DraftRequest("D5", "diffusion", "S1", "arrest", "homicide", 30.0, to=("ES", "PT"),
                          form=(("name", "DUVAL Marc"), ("born", "1986"), ("nationality", "FR"), ("charge", "murder"))))
    s.submit(SubmitRequest("D5"))
    sent = s.events("diffusion.sent", diffusion="D5")[0]
    assert (sent["to"], sent["by"]) == (["ES", "PT"], "person")
    s.submit(DraftRequest("D6", "diffusion", "S1", "locate", to=("region:Europe",),
                          form=(("name", "x"), ("born", "y"), ("nationality", "FR"), ("charge", "z"))))
    s.submit(SubmitRequest("D6"))
    assert s.events("diffusion.sent", diffusion="D6")[0]["to"] == ["DE", "ES", "PT"]  # Europe, France left out
    s.submit(WithdrawRequest("D6"))
    cancelled = s.events("diffusion.cancelled", diffusion="D6")[0]
    assert (cancelled["reason"], cancelled["by"]) == ("withdrawn", "person")


def test_a_reply_answers_the_partners_request_for_information(s):
    h = s.host
    rfi = s.until("message.sent", type="rfi", to="FR")
    s.until("decision.requested", type="answer_rfi")
    s.submit(ReadMessage(rfi["msg"]))
    assert next(i for i in h.inbox(FR) if i.msg == rfi["msg"]).read
    s.submit(SendMessage(("ES",), "DUVAL rented the car in Perpignan on 27 Feb.", "Re: C1", "high", "es",
                         "C1", reply_to=rfi["msg"]))
    reply = s.events("message.sent", type="rfi_reply")
    assert [(e["from"], e["to"], e["by"], e["language"]) for e in reply] == [("FR", "ES", "person", "es")]
    assert reply[0]["text"].startswith("DUVAL rented")
    assert [(e["option"], e["by"]) for e in s.events("decision.made", type="answer_rfi")] == [("reply", "person")]
    h.catch_up(3 * 1440)
    assert len(s.events("message.sent", type="rfi_reply")) == 1  # the automation does not answer again
    assert not s.events("message.sent", type="reminder")  # an answered request is not chased
    assert s.events("objective.met", objective="O2")


def test_left_unanswered_the_request_is_chased(s):
    s.until("message.sent", type="reminder", to="FR", limit=2 * 1440)


def test_the_person_at_the_seat_meets_the_objective_and_the_automation_does_not(s, loaded):
    s.until("decision.requested", type="file_request")
    s.submit(DraftRequest("N1", "red", "S1", "prosecution", "homicide", 30.0, form=FULL_RED))
    s.submit(SubmitRequest("N1"))
    assert s.events("objective.met", objective="O1")
    ex = Exercise(loaded.scenario)  # nobody at the seat: the policy files N1
    ex.run()
    filed = [e for e in ex.journal.events if e["kind"] == "notice.requested"]
    assert [e["by"] for e in filed] == ["policy"]
    failed = {e["objective"] for e in ex.journal.events if e["kind"] == "objective.failed"}
    assert {"O1", "O2"} <= failed


@pytest.mark.parametrize(("seat", "command", "words"), [
    ("trainer", SendMessage(("ES",), "hi"), "trainer steers the exercise"),
    ("ncb:ES", SendMessage(("FR",), "hi"), "nobody plays ncb:ES"),
    (FR, SendMessage(("XX",), "hi"), "'XX' is not an NCB of this exercise"),
    (FR, SendMessage(("region:Atlantis",), "hi"), "no region 'Atlantis'"),
    (FR, SendMessage(("FR",), "hi"), "no recipient left"),
    (FR, SendMessage((), "hi"), "at least one recipient"),
    (FR, SendMessage(("ES",), "   "), "needs some text"),
    (FR, SendMessage(("ES",), "hi", priority="flash"), "unknown priority 'flash'"),
    (FR, SendMessage(("ES",), "hi", language="de"), "unknown language 'de'"),
    (FR, SendMessage(("ES",), "hi", reply_to=999), "message 999 is not in ncb:FR's inbox"),
    (FR, ReadMessage(999), "message 999 is not in ncb:FR's inbox"),
    (FR, DraftRequest("N9", "purple-ish"), "unknown kind 'purple-ish'"),
    (FR, DraftRequest("N1", "yellow"), "draft it as red"),
    (FR, DraftRequest("N9", "red", to=("ES",)), "only a diffusion has recipients"),
    (FR, DraftRequest("N9", "red", form=(("shoe_size", "44"),)), "has no field 'shoe_size'"),
    (FR, DraftRequest("N9", "red", subject="S9"), "no subject 'S9'"),
    (FR, DraftRequest("N9", "red", purpose="arrest"), "purpose 'arrest' does not apply"),
    (FR, DraftRequest("N9", "red", offence="jaywalking"), "unknown offence 'jaywalking'"),
    (FR, DraftRequest("9 bad", "red"), "short code"),
    (FR, SubmitRequest("N9"), "no draft N9"),
    (FR, WithdrawRequest("N1"), "no request N1 to withdraw"),
    ("ndtf", DraftRequest("N9", "red"), "nobody plays ndtf"),
])
def test_a_refused_command_changes_nothing(s, seat, command, words):
    s.host.catch_up(30)
    rows, events = len(s.rows()), s.host.event_count()
    out = s.host.submit(seat, command)
    assert isinstance(out, Refused) and words in out.reason, out
    assert (len(s.rows()), s.host.event_count()) == (rows, events)


def test_an_empty_diffusion_cannot_be_submitted(s):
    s.submit(DraftRequest("D5", "diffusion", "S1"))
    out = s.host.submit(FR, SubmitRequest("D5"))
    assert isinstance(out, Refused) and "needs recipients" in out.reason


def test_commands_are_recorded_before_they_act_and_replay_byte_for_byte(s):
    h = s.host
    s.submit(DraftRequest("D5", "diffusion", "S1", "arrest", "homicide", 30.0, to=("ES",),
                          form=(("name", "n"), ("born", "b"), ("nationality", "FR"))))  # no charge: asked later
    s.submit(SubmitRequest("D5"))  # before the clock moved: applies before what is due at the start
    rfi = s.until("message.sent", type="rfi", to="FR")
    s.submit(SendMessage(("ES", "MA"), "Any trace of DUVAL?", "DUVAL", "urgent"))
    h.catch_up(h.now + 60)
    s.submit(SendMessage(("ES",), "See attached", reply_to=rfi["msg"]))
    s.until("diffusion.info_requested", diffusion="D5")
    s.submit(DraftRequest("D5", "diffusion", "S1", "arrest", "homicide", 30.0, to=("ES",),
                          form=(("name", "n"), ("born", "b"), ("nationality", "FR"), ("charge", "c"))))
    s.submit(SubmitRequest("D5"))
    h.catch_up(h.now + 1440)
    rows = s.rows()
    assert [r.by for r in rows if r.decision.startswith("P")] == ["command"] * 6
    assert rows[0].decision == "P1" and '"before_start": true' in rows[0].option
    until = h.now
    h.close()
    assert replayed(s.path, until) == s.journal.getvalue()
    s.host = PlayHost.open(None, None, str(s.path))[0]  # resumed to its last command, and it goes on
    s.host.catch_up(until)
    assert s.host.requests(FR)[0].state in ("circulated", "compliant")
    assert s.events("diffusion.info_supplied", diffusion="D5")


def test_the_debrief_credits_each_action_to_the_person(s):
    from sim.report.render import markdown

    s.until("decision.requested", type="file_request")
    s.submit(DraftRequest("N1", "red", "S1", "prosecution", "homicide", 30.0, form=FULL_RED))
    s.submit(SubmitRequest("N1"))
    rfi = s.until("message.sent", type="rfi", to="FR")
    s.host.catch_up(s.host.now + 5)  # it has travelled to France's inbox
    s.submit(SendMessage(("ES",), "Nothing on file.", reply_to=rfi["msg"]))
    s.host.catch_up(s.host.now + 60)
    d = s.host.debrief("test")
    done = [(a["who"], a["text"]) for a in d["actions"]]
    assert ("ncb:FR", "France drafts Red Notice request N1") in done
    name = s.host.subject_names()["S1"]  # the debrief says who, as the terminal does
    assert ("ncb:FR", f"France requests Red Notice N1 on {name}") in done
    assert any(who == "ncb:FR" and "answers the request for information" in text for who, text in done)
    assert all(a["by"] == "person" for a in d["actions"])
    assert "## What people did" in markdown(d)


def test_a_seats_reference_never_merges_with_a_background_request(tmp_path):
    """The background numbers its requests B1, B2, …: a seat's own B-reference keeps its number."""
    text = SCENARIO.replace("duration: 6d", "duration: 20d") + """\
background:
  requests_per_year: {red: 20000}
"""
    path = tmp_path / "busy.yaml"
    path.write_text(text, encoding="utf-8")
    s = Session(tmp_path / "s.db", load_scenario(path))
    try:
        s.submit(DraftRequest("B3", "red", "S1", "prosecution", "homicide", 30.0, form=FULL_RED))
        s.host.catch_up(3 * 1440)
        s.submit(SubmitRequest("B3"))
        s.host.catch_up(10 * 1440)
        requested = s.events("notice.requested", notice="B3")
        assert [(e["requester"], e["by"]) for e in requested] == [("FR", "person")]
        assert len(s.events("notice.requested")) > 100  # the background went on around it
    finally:
        s.host.close()


def test_a_command_right_after_an_answer_at_the_same_instant_replays_identically(tmp_path):
    """The NDTF's 'publish' resumes the review at once; a message sent in the same instant must
    come after what the answer set going, live as in the replay."""
    path = tmp_path / "with-ndtf.yaml"
    path.write_text(SCENARIO.replace("  - {role: ncb, country: FR}\n", "  - {role: ncb, country: FR}\n  - {role: ndtf}\n"),
                    encoding="utf-8")
    store = new_session(tmp_path / "s.db", load_scenario(path), seed=None, policy=None, script=None,
                        people=[FR, "ndtf"])
    journal = io.StringIO()
    h = PlayHost(SessionRun(store, journal=journal))
    try:
        assert isinstance(h.submit(FR, DraftRequest("N1", "red", "S1", "prosecution", "homicide", 30.0,
                                                    form=FULL_RED)), Accepted)
        assert isinstance(h.submit(FR, SubmitRequest("N1")), Accepted)
        while not any(d.kind == "review_request" for d in h.open_decisions("ndtf")) and not h.finished:
            h.catch_up(h.now + 30)
        (q,) = [d for d in h.open_decisions("ndtf") if d.kind == "review_request"]
        assert isinstance(h.submit("ndtf", AnswerDecision("ndtf", q.id, "publish")), Accepted)
        assert isinstance(h.submit(FR, SendMessage(("ES",), "N1 is published")), Accepted)
        assert isinstance(h.submit("ndtf", SendMessage(("FR",), "Published.")), Accepted)
        h.catch_up(h.now + 60)
        live, until = journal.getvalue(), h.now
    finally:
        h.close()
    assert replayed(tmp_path / "s.db", until) == live


def test_a_seat_cannot_take_over_a_request_it_did_not_write(tmp_path):
    text = SCENARIO.replace("members: [FR, ES, MA, PT, DE]", "members: [FR, ES]") + """\
background:
  requests_per_year: {red: 30000}
  profile: {incomplete_share: 1.0, never_completed_share: 1.0}
"""
    path = tmp_path / "busy.yaml"
    path.write_text(text, encoding="utf-8")
    s = Session(tmp_path / "s.db", load_scenario(path))
    try:
        s.host.catch_up(2 * 1440)
        ex_records = [e for e in s.events("notice.requested") if e["requester"] == "FR" and e["notice"].startswith("B")]
        assert ex_records, "the background should have filed some of France's requests"
        theirs = ex_records[0]["notice"]
        for command in (DraftRequest(theirs, "red", "S1", form=FULL_RED), SubmitRequest(theirs),
                        WithdrawRequest(theirs)):
            out = s.host.submit(FR, command)
            assert isinstance(out, Refused), (command, out)
    finally:
        s.host.close()


def test_a_returned_request_keeps_its_kind_subject_and_recipients(s):
    s.submit(DraftRequest("N7", "red", "S1", "prosecution", "homicide", form=FULL_RED))
    s.submit(SubmitRequest("N7"))
    s.until("notice.info_requested", notice="N7")
    out = s.host.submit(FR, DraftRequest("N7", "diffusion", "S1", "locate", to=("ES",), form=FULL_RED[:3]))
    assert isinstance(out, Refused) and "submitted as a Red Notice request" in out.reason
    s.submit(DraftRequest("D8", "diffusion", "S1", "arrest", "homicide", to=("ES",), form=FULL_RED[:3]))
    s.submit(SubmitRequest("D8"))  # no penalty and no charge: the NDTF will ask
    s.until("diffusion.info_requested", diffusion="D8")
    out = s.host.submit(FR, DraftRequest("D8", "diffusion", "S1", "arrest", "homicide", 30.0, to=("ES", "MA"),
                                         form=(*FULL_RED[:3], ("charge", "homicide"))))
    assert isinstance(out, Refused) and "keeps its recipients" in out.reason
    gs = s.host.submit(FR, DraftRequest("D9", "diffusion", to=("GS",)))
    assert isinstance(gs, Refused) and "not to the General Secretariat" in gs.reason


def test_a_badly_typed_command_is_refused_not_raised(s):
    out = s.host.submit(FR, DraftRequest("N9", "red", max_penalty_years="30"))  # type: ignore[arg-type]
    assert isinstance(out, Refused) and "not a well-formed command" in out.reason
    out = s.host.submit(FR, DraftRequest("N9", "red", form=(("name", None),)))  # type: ignore[arg-type]
    assert isinstance(out, Refused)


def test_a_reminder_does_not_open_a_second_prompt_for_the_same_request(s):
    s.until("message.sent", type="reminder", to="FR", limit=3 * 1440)
    s.host.catch_up(s.host.now + 120)
    prompts = s.events("decision.requested", type="answer_rfi")
    opened = [e for e in prompts if e["t"] < s.events("decision.expired", type="answer_rfi")[0]["t"]] \
        if s.events("decision.expired", type="answer_rfi") else prompts
    assert len(opened) == 1


def test_work_the_automation_does_on_a_persons_choice_is_not_the_persons(s):
    """Answering "file it" or "have it answered" is the person's decision; the form the automation
    then files and the reply it researches are the automation's."""
    q = s.until("decision.requested", type="file_request")
    s.submit(AnswerDecision(FR, q["decision"], "file"))
    rfi = s.until("decision.requested", type="answer_rfi")
    s.submit(AnswerDecision(FR, rfi["decision"], "reply"))
    filed = s.until("notice.requested", notice="N1")
    reply = s.until("message.sent", type="rfi_reply")
    assert [e["by"] for e in s.events("decision.made")] == ["person", "person"]
    assert (filed["by"], reply["by"]) == ("policy", "policy")
    s.host.catch_up(6 * 1440)
    failed = {e["objective"] for e in s.events("objective.failed")}
    assert {"O1", "O2"} <= failed  # the objectives ask for what the officer did themselves


def test_the_automation_answers_a_request_for_information_with_the_reply_command(loaded):
    """Nobody plays France here: its officer's automation researches the request and replies to
    it through the same send_message a person gives, so the reply answers the request."""
    ex = Exercise(loaded.scenario.model_copy(update={"players": []}))
    ex.run(3 * 1440)
    rfi = next(e for e in ex.journal.events if e["kind"] == "message.sent" and e["type"] == "rfi")
    replies = [e for e in ex.journal.events if e["kind"] == "message.sent" and e["type"] == "rfi_reply"]
    assert [(e["from"], e["to"], e["reply_to"]) for e in replies] == [("FR", "ES", rfi["msg"])]
    assert replies[0]["text"].startswith("Our answer to your request for information about Marc DUVAL")


CCC_NIGHT = """\
id: ccc-night
title: The CCC relays and translates an urgent message at night
start: 2026-03-02T23:00:00Z
duration: 2d
seed: 5
world:
  members: [FR, ES, MA]
players:
  - {role: ccc}
desks:
  default: {staff: 2, night_staff: 0, hours: "08:00-18:00"}
parameters:
  desk.translation_time: 2h
injects:
  - {id: I1, at: 0m, from: ES, to: MA, priority: urgent, language: es,
     text: "Urgente: el sospechoso cruza a Tánger esta noche"}
"""


def test_the_ccc_wakes_an_ncb_then_relays_the_message_translated(tmp_path):
    path = tmp_path / "ccc.yaml"
    path.write_text(CCC_NIGHT, encoding="utf-8")
    store = new_session(tmp_path / "s.db", load_scenario(path), seed=None, policy=None, script=None, people=["ccc"])
    h = PlayHost(SessionRun(store))
    try:
        while not h.open_decisions("ccc"):
            h.catch_up(h.now + 5)
        (wake,) = h.open_decisions("ccc")
        assert isinstance(h.submit("ccc", AnswerDecision("ccc", wake.id, "escalate")), Accepted)
        (item,) = h.inbox("ccc")
        assert (item.sender, item.language, item.text) == ("ES", "es", "Urgente: el sospechoso cruza a Tánger esta noche")
        out = h.submit("ccc", SendMessage(("MA",), "Urgent : le suspect passe à Tanger cette nuit", priority="urgent",
                                          language="fr", forward_of=item.msg))
        assert isinstance(out, Accepted), out
        h.catch_up(h.now + 12 * 60)
        handled = {e["msg"]: e for e in h.events() if e["kind"] == "message.handled" and e["actor"] == "MA"}
        relayed = next(e for e in h.events() if e["kind"] == "message.sent" and e["type"] == "forwarded")
        assert (relayed["from"], relayed["seat"], relayed["by"]) == ("GS", "ccc", "person")
        assert handled[item.msg].get("translated") is True  # the Spanish original needed a translator
        assert "translated" not in handled[relayed["msg"]]  # the CCC's French copy did not
    finally:
        h.close()


def test_a_headless_host_runs_and_reports_but_takes_no_command(loaded):
    """What `ncbsim run` without a session and a batch's runs use: the clock, the summary and
    the figures, but nothing can be submitted since nothing would record it."""
    seen: list[str] = []
    h = PlayHost.headless(loaded.scenario, keep_events=False, policy="by_the_book")
    h.listen(lambda e: seen.append(e["kind"]))
    ticks: list[float] = []
    h.every(1440, lambda: ticks.append(h.now))
    out = h.submit(FR, SendMessage(("ES",), "hello"))
    assert isinstance(out, Refused) and "without a session" in out.reason
    h.run(3 * 1440)
    state = h.state()
    assert ticks == [1440.0, 2880.0, 4320.0] and state.now == 3 * 1440
    assert state.counts["notice.requested"] == 1 and h.event_count() == len(seen) > 0
    assert h.summary()["events"] == h.event_count()
    h.close()


@pytest.fixture(scope="module")
def graded_as_player(tmp_path_factory):
    path = tmp_path_factory.mktemp("player") / "player.yaml"
    path.write_text(SCENARIO.replace("done_by: person", "done_by: player"), encoding="utf-8")
    return path, load_scenario(path)


def test_headless_the_policy_standing_in_for_the_player_meets_a_player_objective(graded_as_player):
    """``done_by: player`` counts what the stand-in policy does at a played seat in a headless run,
    so the same exercise is met by the book without a person."""
    ex = Exercise(graded_as_player[1].scenario)
    ex.run()
    assert ex.stand_ins == {FR}
    met = {e["objective"] for e in ex.journal.events if e["kind"] == "objective.met"}
    assert {"O1", "O2"} <= met


def test_in_a_session_a_player_objective_counts_the_person_not_the_automation(graded_as_player, tmp_path):
    """With a person at the seat, what the automation does on their choice is not the player's."""
    s = Session(tmp_path / "s.ncbsim", graded_as_player[1])
    q = s.until("decision.requested", type="file_request")
    s.submit(AnswerDecision(FR, q["decision"], "file"))  # delegated: the automation files it
    s.host.catch_up(6 * 1440)
    failed = {e["objective"] for e in s.events("objective.failed")}
    assert "O1" in failed


FULL_SILVER = (("name", "DUVAL Marc"), ("born", "1986-04-11"), ("nationality", "FR"),
               ("asset", "a villa in Marbella"), ("charge", "fraud"), ("law", "Art. 313-1 Code pénal"))


def test_a_silver_form_that_asks_to_freeze_is_flagged_and_refused_and_one_that_only_locates_is_published(s):
    """A Silver Notice locates, identifies and monitors assets; freezing is a judicial measure,
    asked by mutual legal assistance. The person's form says so as they type, and the NDTF
    refuses a request filed with it."""
    h = s.host
    assert "freeze" in h.form_choices().measures
    freeze = DraftRequest("SN1", "silver", "S1", None, "fraud", 5.0, form=FULL_SILVER, measures=("locate", "freeze"))
    assert any("freeze" in p for p in h.check_form(FR, freeze))
    s.submit(freeze)
    assert s.events("request.drafted", request="SN1")[0]["measures"] == ["locate", "freeze"]
    assert h.form_for(FR, "SN1").measures == ("locate", "freeze")  # the draft reopens as written
    s.submit(SubmitRequest("SN1"))
    assert s.until("notice.refused", notice="SN1")["reason"] == "silver_coercive_measure"

    locate = DraftRequest("SN2", "silver", "S1", None, "fraud", 5.0, form=FULL_SILVER, measures=("locate", "monitor"))
    assert h.check_form(FR, locate) == ()
    s.submit(locate)
    s.submit(SubmitRequest("SN2"))
    s.until("notice.published", notice="SN2")


@pytest.mark.parametrize("draft, words", [
    (DraftRequest("N5", "red", "S1", measures=("locate",)), "only a Silver request"),
    (DraftRequest("SN5", "silver", "S1", measures=("burn",)), "unknown measure 'burn'"),
    (DraftRequest("SN5", "silver", "S1", measures=("locate", "locate")), "named twice"),
])
def test_measures_belong_to_a_silver_form_and_are_known(s, draft, words):
    out = s.host.submit(FR, draft)
    assert isinstance(out, Refused) and words in out.reason, out
