"""A client's copy of its seat's views, kept from the server's state messages: the inbox sent whole
once, then as changes (new messages first, changed ones in their place)."""

from __future__ import annotations

from sim.play.views import InboxItem
from sim.play.wire import to_wire
from sim.serve.client import SeatState


def item(msg: int, read: bool = False) -> InboxItem:
    return InboxItem(f"2026-03-02T06:0{msg}:00Z", msg, "ES", "message", "routine", None, f"text {msg}", read)


def test_the_inbox_takes_new_messages_first_and_changed_ones_in_their_place():
    state = SeatState()
    state.apply({"type": "state", "inbox": to_wire([item(2), item(1)])})
    state.apply({"type": "state", "inbox_upsert": to_wire([item(4), item(3)])})  # new only
    assert [i.msg for i in state.lists["inbox"]] == [4, 3, 2, 1]
    state.apply({"type": "state", "inbox_upsert": to_wire([item(5), item(2, read=True)])})  # one new, one opened
    assert [(i.msg, i.read) for i in state.lists["inbox"]] == [(5, False), (4, False), (3, False), (2, True),
                                                               (1, False)]
    state.apply({"type": "state", "inbox_upsert": to_wire([item(1, read=True)])})
    assert state.lists["inbox"][-1] == item(1, read=True)
    state.apply({"type": "state", "inbox": to_wire([item(9)])})  # a rejoin: the whole inbox again
    state.apply({"type": "state", "inbox_upsert": to_wire([item(9, read=True), item(10)])})
    assert state.lists["inbox"] == (item(10), item(9, read=True))
