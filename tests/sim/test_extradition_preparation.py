"""The requesting state's preparation of its formal extradition request is journalled at both
ends (issue 15, item 7: long-running work the scenario starts is visible): ``extradition.preparing``
when the requester decides to send it, with when the file will be ready and when it is due, and
``extradition.prepared`` when it is ready and leaves. Only the requester sees them (it is its own
ministry at work; the arresting state learns of the request by message)."""

from __future__ import annotations

from test_extradition_law import law_case
from test_notice_flow import at, events, one

from sim.engine.views import view


def test_preparation_starts_when_the_requester_decides_and_ends_when_the_file_leaves():
    """Rule: "send" starts a preparation of extradition.preparation_time; the file leaves when ready."""
    ex = law_case({"extradition.preparation_time": "1d"})
    decided = one(ex, "decision.made", type="request_extradition")
    started = one(ex, "extradition.preparing", subject="S1")
    arrest = one(ex, "arrest.provisional", subject="S1")
    assert started["t"] == decided["t"] and started["by"] == decided["by"]
    assert (started["case"], started["country"], started["requester"]) == (arrest["case"], "ES", "FR")
    assert started["deadline"] == arrest["deadline"]  # due: the time limit of the case's legal basis
    ready = one(ex, "extradition.prepared", subject="S1")
    assert started["ready"] == ready["t"] and at(ex, ready) - at(ex, started) == 1440.0
    sent = events(ex, "message.sent", type="extradition_request")
    assert [e["t"] for e in sent] == [ready["t"]] and sent[0]["seq"] > ready["seq"]


def test_a_file_not_ready_before_the_time_limit_never_leaves():
    """Rule: the person goes free at the time limit; a file ready after it is not sent (no 'prepared')."""
    ex = law_case({"extradition.preparation_time": "3d", "extradition.deadline": "1d"})
    assert one(ex, "extradition.preparing", subject="S1")
    assert one(ex, "subject.released", subject="S1")["reason"] == "no_extradition_request_in_time"
    assert not events(ex, "extradition.prepared") and not events(ex, "message.sent", type="extradition_request")


def test_only_the_requesting_ncb_sees_its_preparation():
    """Rule (per-seat views): the requester's own ministry at work reaches the requester, not the
    arresting state nor the NDTF."""
    ex = law_case({"extradition.preparation_time": "1d"})
    kinds = {"extradition.preparing", "extradition.prepared"}
    seen = {seat: [e["kind"] for _, e in view(ex.journal.events, seat) if e["kind"] in kinds]
            for seat in ("ncb:FR", "ncb:ES", "ndtf", "ccc")}
    assert seen == {"ncb:FR": ["extradition.preparing", "extradition.prepared"], "ncb:ES": [], "ndtf": [], "ccc": []}
