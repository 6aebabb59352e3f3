"""The play host hands each new journal event only to the trackers of the seats it may reach
(``engine.views.audience``) instead of asking every seat about every event. The index must not
change who sees what: every seat a ``SeatView`` lets an event through to is in its audience, over
the shipped scenarios; and a host watching every seat ends each step with exactly the views that
trackers taking in the whole journal (the full scan) give — through a message sent to several
NCBs at once, a diffusion's recipients, a published notice, messages still in transit."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine.views import SeatView, audience
from sim.play.commands import DraftRequest, ReadMessage, SendMessage, SubmitRequest
from sim.play.host import Accepted, PlayHost
from sim.play.views import SeatTracker
from sim.scenario.loader import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def every_seat(host: PlayHost) -> list[str]:
    return ["trainer", "ndtf", "ccc", *(f"ncb:{c}" for c in host._ex.world.members)]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_seat_an_event_reaches_is_in_its_audience(path):
    host = PlayHost.headless(load_scenario(str(path)).scenario, seed=3)
    host.run(min(host.duration, 1440.0))  # a day of each: every kind of traffic has begun
    events = host.events()
    reached = 0
    for seat in every_seat(host):
        view = SeatView(seat)
        for e in events:
            if view.reach(e) is None or seat == "trainer":
                continue
            reached += 1
            seats = audience(e)
            assert seats is None or seat in seats, (path.stem, seat, dict(e))
    assert reached > 0


def full_scan(host: PlayHost, seats: list[str]) -> dict[str, SeatTracker]:
    """Trackers as the host kept them before the index: each asked of every event."""
    return {s: SeatTracker(s, host.scenario, host._ex.injects.by_id) for s in seats}


def same_views(host: PlayHost, reference: dict[str, SeatTracker]) -> int:
    now = host.iso(host.now)
    seen = 0
    for seat, tracker in reference.items():
        tracker.absorb(host.events(), now)
        assert host.seen(seat) == tuple(tracker.seen), seat
        assert host.inbox(seat) == tracker.inbox(), seat
        assert host.case_files(seat) == tracker.case_files(), seat
        assert host.partners(seat) == frozenset(tracker.partners), seat
        assert host.board_version(seat) == tracker.board_version, seat
        assert host.inbox_version(seat) == tracker.inbox_version, seat
        items, _ = host.inbox_changes(seat, 0)
        assert items == tracker.inbox(), seat  # the server's first inbox is the whole inbox
        seen += len(tracker.seen)
    return seen


def test_indexed_trackers_see_exactly_what_the_full_scan_sees(tmp_path):
    """FR, played by a person, writes to Spain and Portugal at once, circulates a diffusion to
    three NCBs and opens its messages, while the exercise runs in steps; the automated seats go on
    with the scenario's own traffic (notices published to every NCB, hits, arrests)."""
    path = Path(__file__).resolve().parents[2] / "scenarios" / "fugitive-three-borders.yaml"
    host, seat = PlayHost.open(str(path), "ncb:FR", str(tmp_path / "s.db"))
    try:
        # Every seat of the players' regions and a few others: many never hear of the case.
        seats = ["trainer", "ndtf", "ccc", "ncb:fr", *(f"ncb:{c}" for c in sorted(host._ex.world.members)[:20]),
                 "ncb:FR", "ncb:ES", "ncb:PT", "ncb:DE", "ncb:IT", "ncb:MA", "ncb:GH"]
        seats = list(dict.fromkeys(seats))
        reference = full_scan(host, seats)
        for s in seats:
            host.watch(s)
        sent = same_views(host, reference)
        steps = 0
        while host.now < 3 * 1440 and not host.finished:
            steps += 1
            host.advance(host.now + 240.0, 60.0)  # (messages in transit cross a step's end)
            if steps == 2:
                out = host.submit(seat, SendMessage(("ES", "PT"), "He may cross at Irun tonight", "DUVAL"))
                assert isinstance(out, Accepted), out
            if steps == 3:
                draft = DraftRequest("D9", "diffusion", None, "arrest", "homicide", to=("DE", "IT", "MA"),
                                     form=(("name", "Marc DUVAL"), ("charge", "murder")))
                assert isinstance(host.submit(seat, draft), Accepted)
                assert isinstance(host.submit(seat, SubmitRequest("D9")), Accepted)
            for item in host.inbox(seat)[:3]:
                if not item.read:
                    host.submit(seat, ReadMessage(item.msg))
            sent = same_views(host, reference)
        assert sent > 0
        kinds = {e["kind"] for e in host.events()}
        assert {"diffusion.sent", "message.read"} <= kinds, kinds
        diffused = [e for e in host.events() if e["kind"] == "diffusion.sent" and e.get("requester") == "FR"]
        assert diffused and set(diffused[0]["to"]) >= {"DE", "IT", "MA"}
        assert any(e["kind"] == "diffusion.sent" for _, e in host.seen("ncb:MA"))  # a recipient sees it
        assert not any(e["kind"] == "diffusion.sent" and e.get("requester") == "FR"
                       for _, e in host.seen("ncb:GH"))  # a bystander never does
        assert any(e.get("text") == "He may cross at Irun tonight" for _, e in host.seen("ncb:PT"))
        assert not any(e.get("text") == "He may cross at Irun tonight" for _, e in host.seen("ncb:DE"))
    finally:
        host.close()
