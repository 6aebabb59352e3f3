"""Stop-payment requests (I-GRIP, sim/people/funds.py) and INTERPOL's offices as I-24/7 endpoints.

The rules: the victims' NCB is asked to request a stop once its desk has read the report; a stop
read by the NCB of the account's country freezes the money after the bank's time, if it is still
there; at its withdrawal time the money is gone unless frozen; a request to a country that does
not hold the account finds nothing there. A person's own request answers the prompt and is
theirs; the host refuses one the seat cannot give, in words. IGCI and the other offices receive
and send I-24/7 messages."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from sim.engine.acts import RecipientError, expand_recipients
from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.play.commands import RequestStopPayment, SendMessage, command_from_json
from sim.play.host import Accepted, PlayHost, Refused
from sim.scenario.loader import load_scenario
from sim.sessions.runner import SessionRun, new_session
from sim.world import all_members

SCENARIO = """\
id: funds-rules
title: Two fraudulent transfers abroad
start: 2026-05-11T07:00:00Z
duration: 2d
seed: 5
world:
  members: [IE, SG, AE, LT, GB]
desks:
  default: {staff: 2, night_staff: 0, hours: "00:00-24:00", days: [mon, tue, wed, thu, fri, sat, sun]}
players:
  - {role: ncb, country: IE}
funds:
  - {id: F1, requester: IE, held_in: SG, amount_usd: 480000, reported_in: I1, withdrawn_at: 4h, bank_time: 30m,
     account: Straits Merchant Bank 612-448207-001}
  - {id: F2, requester: IE, held_in: AE, amount_usd: 215000, reported_in: I1, withdrawn_at: 4h, bank_time: 30m}
injects:
  - {id: I1, at: 0h, from: Garda National Economic Crime Bureau, to: IE, channel: national, priority: urgent,
     text: Two payments went abroad this morning}
  - {id: I2, at: 1h, from: IGCI, to: IE, priority: high, text: Our analysis of the phishing kit}
objectives:
  - id: O1
    title: Both stops requested by the player
    all:
      - {event: funds.stop_requested, match: {funds: F1, to: SG}, done_by: player}
      - {event: funds.stop_requested, match: {funds: F2, to: AE}, done_by: player}
"""
IE = "ncb:IE"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("sc") / "funds-rules.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return load_scenario(path)


def _kinds(events, kind, **match):
    return [e for e in events if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]


def _headless(loaded, policy):
    host = PlayHost.headless(loaded.scenario, seed=5, policy=policy)
    host.run()
    return host


def test_by_the_book_stops_both_transfers_before_the_mules_withdraw_them(loaded):
    host = _headless(loaded, "by_the_book")
    events = host.events()
    for fund, country in (("F1", "SG"), ("F2", "AE")):
        asked = _kinds(events, "funds.stop_requested", funds=fund)
        assert [(e["to"], e["by"]) for e in asked] == [(country, "policy")]
        stopped = _kinds(events, "funds.stopped", funds=fund)
        assert [(e["country"], e["amount_usd"]) for e in stopped] == [(country, asked[0]["amount_usd"])]
        # Frozen after the NCB there read the request, and the bank's time on top.
        read = next(e for e in events if e["kind"] == "message.handled" and e.get("type") == "stop_payment"
                    and e["actor"] == country)
        assert read["t"] < stopped[0]["t"]
    assert not _kinds(events, "funds.withdrawn")
    assert dict(host.objective_status())["O1"] == "met"


def test_a_prompt_left_to_lapse_lets_the_money_go_at_its_withdrawal_time(loaded):
    ex = Exercise(loaded.scenario, seed=5)
    minute = 0
    while not ex.port.open and minute < 60:  # stop as soon as the prompts are raised, before any answer
        minute += 1
        ex.run(minute)
    prompts = [d for d in ex.port.open if d.kind == "stop_payment"]
    assert [d.context["funds"] for d in prompts] == ["F1", "F2"]
    assert all(d.recommended == "request" and d.default == "wait" for d in prompts)
    for d in prompts:
        ex.answer(d.id, "wait")
    ex.run()
    gone = _kinds(ex.journal.events, "funds.withdrawn")
    assert [(e["funds"], e["t"]) for e in gone] == [("F1", "2026-05-11T11:00:00Z"), ("F2", "2026-05-11T11:00:00Z")]
    assert not _kinds(ex.journal.events, "funds.stopped")


def test_a_freeze_after_the_withdrawal_changes_nothing(loaded):
    late = loaded.scenario.model_copy(update={"funds": [
        f.model_copy(update={"bank_time": loaded.scenario.funds[0].withdrawn_at}) for f in loaded.scenario.funds]})
    ex = Exercise(late, seed=5)
    ex.run()
    assert len(_kinds(ex.journal.events, "funds.stop_requested")) == 2  # asked in time, the bank too slow
    assert len(_kinds(ex.journal.events, "funds.withdrawn")) == 2
    assert not _kinds(ex.journal.events, "funds.stopped")


class Session:
    def __init__(self, path, loaded) -> None:
        self.store = new_session(path, loaded, seed=None, policy=None, script=None, people=[IE])
        self.host = PlayHost(SessionRun(self.store, journal=io.StringIO()))

    def events(self, kind, **match):
        return _kinds(self.host.events(), kind, **match)

    def until(self, kind, **match):
        h = self.host
        while not self.events(kind, **match) and h.now < 2 * 1440:
            h.catch_up(h.now + 5)
        return self.events(kind, **match)


@pytest.fixture
def s(tmp_path, loaded):
    session = Session(tmp_path / "s.db", loaded)
    yield session
    session.host.close()


def test_a_person_asks_the_wrong_country_then_the_right_one(s):
    h = s.host
    early = h.submit(IE, RequestStopPayment("F1", "SG"))
    assert isinstance(early, Refused) and "no report of transfer F1" in early.reason
    s.until("decision.requested", type="stop_payment")

    assert isinstance(h.submit(IE, RequestStopPayment("F1", "AE")), Accepted)
    # The prompt to ask is answered by the person's own request: theirs, not the automation's.
    made = s.events("decision.made", type="stop_payment")
    assert [(e["option"], e["by"]) for e in made] == [("request", "person")]
    assert s.events("funds.stop_requested", funds="F1")[0]["by"] == "person"
    again = h.submit(IE, RequestStopPayment("F1", "AE"))
    assert isinstance(again, Refused) and "already asked" in again.reason

    missed = s.until("funds.not_found", funds="F1")
    assert missed[0]["country"] == "AE"
    assert isinstance(h.submit(IE, RequestStopPayment("F1", "SG", "Correction: the account is in Singapore")),
                      Accepted)
    assert s.until("funds.stopped", funds="F1")[0]["country"] == "SG"
    done = h.submit(IE, RequestStopPayment("F1", "GB"))
    assert isinstance(done, Refused) and "already frozen" in done.reason


@pytest.mark.parametrize(("command", "words"), [
    (RequestStopPayment("F9", "SG"), "no reported transfer 'F9'"),
    (RequestStopPayment("F1", "IE"), "the account is abroad"),
    (RequestStopPayment("F1", "XX"), "not an NCB of this exercise"),
])
def test_a_stop_the_seat_cannot_give_is_refused_in_words(s, command, words):
    s.until("decision.requested", type="stop_payment")
    out = s.host.submit(IE, command)
    assert isinstance(out, Refused) and words in out.reason, out


def test_the_command_crosses_json_unchanged():
    c = RequestStopPayment("F1", "SG", "freeze it")
    assert command_from_json(c.to_json()) == c


def test_igci_is_an_i247_endpoint_and_sender(s):
    h = s.host
    assert isinstance(h.submit(IE, SendMessage(("IGCI",), "Headers of the phishing e-mails attached")), Accepted)
    sent = s.events("message.sent", to="IGCI")
    assert sent and sent[0]["channel"] == "i247"
    assert s.until("message.handled", actor="IGCI")
    fired = s.until("message.sent", inject="I2")
    assert (fired[0]["from"], fired[0]["channel"]) == ("IGCI", "i247")


def test_offices_are_recipients_only_where_offered():
    members = {c: m for c, m in all_members().items() if c in ("IE", "SG")}
    assert expand_recipients(["IGCI", "SG"], members, "IE", offices=("GS", "IGCI")) == ["IGCI", "SG"]
    with pytest.raises(RecipientError, match="INTERPOL office"):
        expand_recipients(["IGCX"], members, "IE", offices=("GS", "IGCI"))
    with pytest.raises(RecipientError):  # a diffusion's recipients are NCBs: no office offered there
        expand_recipients(["IGCI"], members, "IE")


@pytest.mark.parametrize(("written", "rewritten", "said"), [
    ("held_in: SG, amount_usd: 480000", "held_in: IE, amount_usd: 480000", "the account is abroad"),
    ("reported_in: I1, withdrawn_at: 4h, bank_time: 30m,\n", "reported_in: I7, withdrawn_at: 4h, bank_time: 30m,\n",
     "no inject has id 'I7'"),
    ("withdrawn_at: 4h, bank_time: 30m}", "withdrawn_at: 0m, bank_time: 30m}", "withdrawn at the start"),
])
def test_validation_says_what_is_wrong_with_a_transfer(tmp_path, written, rewritten, said):
    path = tmp_path / "bad.yaml"
    assert written in SCENARIO
    path.write_text(SCENARIO.replace(written, rewritten), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_scenario(path)
    assert said in str(e.value) and "funds." in str(e.value), str(e.value)


def test_a_withdrawal_reaches_the_holding_ncb_only_if_it_was_asked(loaded):
    """A bank nobody asked tells no NCB: SG, never asked, learns nothing of F1's withdrawal, nor
    does LT, asked about F1 by mistake; AE, asked but with a bank too slow, hears of F2's; the
    requester hears of both."""
    from sim.engine.views import view

    slow = loaded.scenario.model_copy(update={"funds": [
        loaded.scenario.funds[0], loaded.scenario.funds[1].model_copy(update={"bank_time": timedelta(hours=10)})]})
    ex = Exercise(slow, seed=5)
    minute = 0
    while not ex.port.open and minute < 60:
        minute += 1
        ex.run(minute)
    for d in list(ex.port.open):
        ex.answer(d.id, "request" if d.context["funds"] == "F2" else "wait")
    ex.funds.request("IE", "F1", "LT")  # the wrong NCB: it finds nothing, and must not learn where the money was
    ex.run()
    assert {e["funds"] for e in _kinds(ex.journal.events, "funds.withdrawn")} == {"F1", "F2"}
    withdrawn = {seat: {e["funds"] for _, e in view(ex.journal.events, seat) if e["kind"] == "funds.withdrawn"}
                 for seat in ("ncb:IE", "ncb:SG", "ncb:AE", "ncb:LT")}
    assert withdrawn == {"ncb:IE": {"F1", "F2"}, "ncb:SG": set(), "ncb:AE": {"F2"}, "ncb:LT": set()}
    assert _kinds(ex.journal.events, "funds.not_found", funds="F1", country="LT")
