"""Messages and the CCC: which language a sender writes in, who pays translation time, what the
CCC can see and escalate, and how long its duty officer has to decide."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import scenario

from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise
from sim.engine.transport import writing_language
from sim.errors import InputError
from sim.report.describe import describe
from sim.scenario.loader import load_scenario

FIXED = {"desk.handling_time": "10m", "desk.urgent_handling_time": "5m", "desk.translation_time": "45m",
         "ccc.escalation_time": "30m"}
NIGHT = "2026-03-02T22:00:00Z"  # 23:00 in Paris, Madrid and Casablanca (UTC+1): every desk is closed


def sent(ex: Exercise, **match) -> list[dict]:
    return [e for e in ex.journal.events
            if e["kind"] == "message.sent" and all(e.get(k) == v for k, v in match.items())]


def handled(ex: Exercise, msg: int) -> dict:
    return next(e for e in ex.journal.events if e["kind"] == "message.handled" and e["msg"] == msg)


def when(ex: Exercise, t: str) -> float:
    return ex.clock.at(datetime.fromisoformat(t.replace("Z", "+00:00")))


def escalated(ex: Exercise) -> list[dict]:
    return [e for e in ex.journal.events if e["kind"] == "message.escalated"]


# --- the sender's language -----------------------------------------------------------------------

@pytest.mark.parametrize("writes, reads, language", [
    (("ar", "fr"), ("fr",), "fr"),        # Morocco to France: both read French
    (("ar", "en"), ("en",), "en"),        # Egypt to Germany: both read English
    (("ar", "fr"), ("ar", "en"), "ar"),   # the sender's first shared language, not the reader's first
    (("fr", "en"), ("en", "fr"), "fr"),
    (("es",), ("fr",), "es"),             # nothing shared: the sender's own first, and a translator
    (None, ("ar", "fr"), "ar"),           # the General Secretariat, a border post: the reader's first
    (("fr",), None, "fr"),                # to the General Secretariat, which reads all four
])
def test_rule_a_sender_writes_in_a_language_the_recipient_reads_when_they_share_one(writes, reads, language):
    assert writing_language(writes, reads) == language


def test_rule_no_translation_when_sender_and_recipient_share_a_language():
    # Morocco works in Arabic and French, France in French: Morocco writes French, France reads it
    # at once. Spain shares nothing with France: it writes Spanish and France pays translation time.
    ex = Exercise(scenario(start="2026-03-02T09:00:00Z", parameters=FIXED,
                           injects=[{"id": "A", "at": "0m", "from": "MA", "to": "FR", "text": "x"},
                                    {"id": "B", "at": "0m", "from": "ES", "to": "FR", "text": "y"}]))
    ex.run()
    (ma,), (es,) = sent(ex, inject="A"), sent(ex, inject="B")
    assert (ma["language"], es["language"]) == ("fr", "es")
    assert "translated" not in handled(ex, ma["msg"]) and handled(ex, ma["msg"])["handling_min"] == 10.0
    assert handled(ex, es["msg"])["translated"] is True and handled(ex, es["msg"])["handling_min"] == 55.0


def test_rule_a_persons_explicit_language_is_honoured_even_when_it_costs_a_translation():
    ex = Exercise(scenario(start="2026-03-02T09:00:00Z", parameters=FIXED))
    ex.acts.apply("ncb:MA", {"kind": "send_message", "to": ["FR"], "text": "en arabe", "priority": "routine",
                             "language": "ar"})
    ex.acts.apply("ncb:MA", {"kind": "send_message", "to": ["FR"], "text": "sans choix", "priority": "routine"})
    ex.run()
    chosen, default = sent(ex, **{"from": "MA", "to": "FR", "type": "message"})
    assert (chosen["language"], chosen["by"]) == ("ar", "person")
    assert default["language"] == "fr"
    assert handled(ex, chosen["msg"])["translated"] is True
    assert "translated" not in handled(ex, default["msg"])


# --- what the CCC sees and escalates ------------------------------------------------------------

def test_rule_the_ccc_escalates_i247_traffic_but_never_a_national_channel_message():
    # The national message is out of the CCC's sight: the authority calls France's on-call officer
    # itself (desk.on_call_time); a routine one waits for the desk to open.
    ex = Exercise(scenario(start=NIGHT, parameters={**FIXED, "desk.on_call_time": "50m"}, injects=[
        {"id": "LATER", "at": "0m", "from": "Police nationale", "to": "FR", "text": "pour info"},
        {"id": "I247", "at": "0m", "from": "ES", "to": "FR", "text": "hit", "priority": "urgent", "language": "fr"},
        {"id": "NAT", "at": "0m", "from": "Police nationale", "to": "FR", "text": "mandat", "priority": "urgent"},
    ]))
    ex.run()
    (nat,), (i247,) = sent(ex, inject="NAT"), sent(ex, inject="I247")
    assert nat["channel"] == "national" and i247["channel"] == "i247"
    assert [e["msg"] for e in escalated(ex)] == [i247["msg"]]
    assert handled(ex, i247["msg"])["t"] < "2026-03-02T23:00:00Z"
    called = handled(ex, nat["msg"])
    assert (called["t"], called["waited_min"], called["on_call"]) == ("2026-03-02T22:55:00Z", 50.0, True)
    assert "via_ccc" not in called and "on_call" not in handled(ex, i247["msg"])
    # Routine: the French desk opens at 08:00 Paris (07:00 UTC).
    assert handled(ex, sent(ex, inject="LATER")[0]["msg"])["t"] == "2026-03-03T07:10:00Z"


def test_rule_the_ccc_translates_what_it_escalates_so_the_on_call_officer_pays_no_translation():
    # Spain writes Spanish; Morocco reads Arabic and French. Unplayed, the CCC duty officer wakes
    # Morocco's on-call officer and gives the message in Arabic on the call.
    ex = Exercise(scenario(start=NIGHT, parameters=FIXED, injects=[
        {"id": "U", "at": "0m", "from": "ES", "to": "MA", "text": "urgente", "priority": "urgent"}]))
    ex.run()
    (msg,) = sent(ex, inject="U")
    assert msg["language"] == "es"
    (esc,) = escalated(ex)
    assert (esc["language"], esc["translated_to"], esc["ccc"]) == ("es", "ar", "CCC-SIN")
    done = handled(ex, msg["msg"])
    assert "translated" not in done and done["handling_min"] == 5.0 and done["waited_min"] == 30.0
    assert describe(esc).endswith("translated into Arabic")


def test_rule_the_ccc_does_not_translate_what_the_ncb_reads():
    ex = Exercise(scenario(start=NIGHT, parameters=FIXED, injects=[
        {"id": "U", "at": "0m", "from": "FR", "to": "MA", "text": "urgent", "priority": "urgent"}]))
    ex.run()
    (esc,) = escalated(ex)
    assert esc["language"] == "fr" and "translated_to" not in esc


CCC_PLAYED = {"players": [{"role": "ccc"}]}


def test_rule_a_played_ccc_chooses_to_translate_or_relay_as_written():
    urgent = [{"id": "U", "at": "0m", "from": "ES", "to": "MA", "text": "urgente", "priority": "urgent"}]
    ex = Exercise(scenario(start=NIGHT, parameters=FIXED, injects=urgent, **CCC_PLAYED))
    ex.run()
    asked = next(e for e in ex.journal.events if e["kind"] == "decision.requested")
    assert asked["options"] == ["escalate_translated", "escalate", "hold"]
    assert asked["recommended"] == "escalate_translated"  # by the book: translate it
    assert "written in Spanish" in asked["prompt"]
    (esc,) = escalated(ex)
    assert esc["translated_to"] == "ar"
    # In the NCB's own language there is nothing to translate: the options are as before.
    ex = Exercise(scenario(start=NIGHT, parameters=FIXED, injects=[{**urgent[0], "from": "FR"}], **CCC_PLAYED))
    ex.run()
    asked = next(e for e in ex.journal.events if e["kind"] == "decision.requested")
    assert asked["options"] == ["escalate", "hold"] and asked["recommended"] == "escalate"


@pytest.mark.parametrize("window, minutes", [(None, 60), ("3h", 180), ("15m", 15)])
def test_rule_the_ccc_decision_window_is_the_scenarios_ccc_decision_window(window, minutes):
    ccc = {} if window is None else {"decision_window": window}
    ex = Exercise(scenario(start=NIGHT, parameters=FIXED, ccc=ccc, **CCC_PLAYED, injects=[
        {"id": "U", "at": "0m", "from": "ES", "to": "FR", "text": "hit", "priority": "urgent", "language": "fr"}]),
        seats=SeatConfig(people=frozenset({"ccc"})))  # a person who does not answer
    ex.run()
    asked = next(e for e in ex.journal.events if e["kind"] == "decision.requested")
    expired = next(e for e in ex.journal.events if e["kind"] == "decision.expired")
    assert asked["deadline"] == expired["t"]
    assert when(ex, asked["deadline"]) - when(ex, asked["t"]) == pytest.approx(minutes, abs=1 / 60)
    assert expired["applied"] == "hold" and escalated(ex) == []


@pytest.mark.parametrize("window, message", [("0m", "longer than zero"), ("soon", "")])
def test_rule_a_decision_window_must_be_a_positive_duration(tmp_path, window, message):
    path = tmp_path / "s.yaml"
    path.write_text(f"id: t\ntitle: t\nstart: 2026-03-02T06:00:00Z\nduration: 1d\nccc:\n  decision_window: {window}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "s.yaml:6:" in text and "decision_window" in text and message in text
