"""The engine's own messages in words people read: who, where, when, what is asked or answered —
never "(no text…)", an internal id or a Python value."""

from __future__ import annotations

import re

import pytest
from conftest import FLAGSHIP

from sim.api import PlayHost
from sim.play.views import InboxItem
from sim.scenario.loader import load_scenario
from tui.wording import MESSAGE_TYPES, Namer, decision_line, message_text

NAME = Namer({"S1": "Marc DUVAL"}, {"FR": "France", "MA": "Morocco", "ES": "Spain"}, {"C1": "DUVAL's trail"})
# What must never reach the screen: engine ids (S1, Q3, msg 1234, A1 alone is a board reference),
# Python values, and the old placeholder.
RAW = re.compile(r"\bS1\b|\bQ\d+\b|\bmsg \d+|None|\[|\]|'\w+'|no text")


def item(type_: str, **kw) -> InboxItem:
    base = {"since": "2026-03-03T21:39:03Z", "msg": 5167, "sender": "MA", "type": type_, "priority": "urgent",
            "inject": None, "text": "", "read": False, "about": "S1"}
    return InboxItem(**{**base, **kw})


HIT = {"where": "MA", "seen_at": "2026-03-03T20:25:12Z", "came_from": "ES", "travel": "air", "reference": "D1",
       "notice_kind": "diffusion", "database": "notices"}


@pytest.mark.parametrize(("message", "sender", "says"), [
    (item("hit_report", **HIT), "Morocco",
     ["Morocco reports a hit on Marc DUVAL", "Tue 3 Mar 20:25 UTC", "by air from Spain", "your diffusion D1",
      "confirm or decline"]),
    (item("hit_report", sender="border:MA", about=None, **HIT), "Morocco border post",
     ["Hit at the border", "Tue 3 Mar 20:25 UTC", "by air from Spain", "diffusion D1", "report it"]),
    (item("sltd_hit", sender="border:MA", **{**HIT, "database": "SLTD", "document": "stolen"}),
     "Morocco border post", ["SLTD", "stolen", "Tue 3 Mar 20:25 UTC", "border post checked Marc DUVAL"]),
    (item("hit_confirmation", sender="FR", **HIT), "France",
     ["France confirms the hit on Marc DUVAL", "diffusion D1", "Arrest the person provisionally"]),
    (item("arrest_request", sender="FR", reference="N1", notice_kind="red"), "France",
     ["France asks you to arrest Marc DUVAL provisionally", "Red Notice N1"]),
    (item("rfi", sender="ES", case="C1"), "Spain", ["Spain asks for information about Marc DUVAL", "DUVAL's trail",
                                                    "Reply to answer it"]),
    (item("reminder", sender="ES", case="C1"), "Spain", ["Spain reminds you", "Marc DUVAL", "Reply"]),
    (item("info_reply", sender="FR"), "France", ["France answers the request for more information about Marc DUVAL"]),
])
def test_each_system_message_says_who_where_when_and_what_is_asked(message, sender, says):
    """Rule: an engine message without text is put in words — who sent it, about whom, where and
    when the border saw them, on which notice, and what the reader is to do — with no raw id."""
    text = message_text(message, NAME, sender)
    for part in says:
        assert part in NAME(text), (part, text)
    assert not RAW.search(NAME(text)), text


def test_every_message_type_has_a_name_in_words():
    """Rule: the inbox labels each type in words (no underscores)."""
    assert all("_" not in label for label in MESSAGE_TYPES.values())
    for t in ("sltd_hit", "arrest_request", "hit_declined", "extradition_refused", "release_notice"):
        assert t in MESSAGE_TYPES


def test_a_hit_report_reaching_france_carries_where_when_and_on_what(tmp_path):
    """Rule: the host's inbox item says what the journal's textless hit report was about — the
    border check that found DUVAL coming from Spain, and the diffusion it found (read from the
    events the report follows, not added to the journal)."""
    host = PlayHost.headless(load_scenario(str(FLAGSHIP)).scenario)
    host.watch("ncb:FR")
    host.watch("ncb:MA")
    host.run()
    report = next(i for i in host.inbox("ncb:FR") if i.type == "hit_report" and i.about == "S1")
    assert (report.where, report.came_from, report.travel, report.reference, report.notice_kind) == (
        "MA", "ES", "air", "D1", "diffusion")
    assert report.seen_at == "2026-03-04T14:25:12Z"
    border = next(i for i in host.inbox("ncb:MA") if i.type == "hit_report")  # BENALI's, on France's D2
    assert border.sender == "border:MA" and border.about == "S2" and border.reference == "D2"
    names = Namer(host.subject_names(), {"MA": "Morocco", "ES": "Spain", "FR": "France"})
    text = names(message_text(report, names, "Morocco"))
    assert "Marc DUVAL" in text and "Wed 4 Mar 14:25 UTC" in text and not RAW.search(text)


def test_decisions_in_the_log_are_their_questions_not_their_ids():
    """Rule: the seat's log names a decision by its question and its answer in words."""
    prompts = {"Q1": "File the Red Notice request N1 on Marc DUVAL?"}
    made = {"kind": "decision.made", "decision": "Q1", "type": "file_request", "option": "file", "by": "person"}
    lapsed = {"kind": "decision.expired", "decision": "Q1", "type": "file_request", "applied": "hold"}
    assert decision_line(made, prompts) == "“File the Red Notice request N1 on Marc DUVAL?” — answered file by you"
    assert decision_line(lapsed, prompts) == (
        "“File the Red Notice request N1 on Marc DUVAL?” — not answered in time: the default applied (hold)")
    assert decision_line({"kind": "notice.published"}, prompts) is None


def test_senders_and_seats_are_named_not_coded():
    assert NAME.sender("border:MA") == "Morocco border post" and NAME.sender("GS") == "General Secretariat"
    assert NAME.sender("Paris investigating judge") == "Paris investigating judge"
    assert NAME.seat("ncb:FR") == "NCB France" and NAME.seat("ndtf") == "NDTF"
