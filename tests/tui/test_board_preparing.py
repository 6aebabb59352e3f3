"""The case board at 80x24 says the formal extradition request is being prepared, when it should
be ready, when it is due and how many days are left (issue 15, item 7: nothing on screen said so).

Scenario tests/data/arrest-fr.yaml: NCB France has Spain arrest Marc DUVAL, then answers "send"
to the prompt; preparing the file takes longer than the ten days the exercise lasts.
"""

from __future__ import annotations

from datetime import datetime

from test_board_arrest import ARREST, SIZE, _arrested, _board_at
from textual.widgets import Static
from tui_helpers import app_for

from sim.api import Accepted, AnswerDecision


async def test_the_board_says_the_request_is_being_prepared_and_when_it_is_due(in_tmp):
    app = app_for(ARREST)
    async with app.run_test(size=SIZE) as pilot:
        case = await _arrested(pilot, "ES", "S1")
        d = app.driver
        prompt = next(q for q in d.my_decisions() if q.kind == "request_extradition")
        assert isinstance(d.submit(AnswerDecision(d.seat, prompt.id, "send")), Accepted)
        d.host.advance(d.now + 1, 1.0)
        board = await _board_at(pilot, case)
        view = d.arrest_case(case)
        assert view is not None and view.ready is not None and view.deadline is not None
        history = str(board.query_one("#board-history", Static).render())
        assert "Extradition request being prepared — ready about" in history
        ready, due = datetime.fromisoformat(view.ready), datetime.fromisoformat(view.deadline)
        assert f"ready about {ready:%a %d %b}" in history and f"due {due:%a %d %b %H:%M} UTC" in history
        days = int((due - d.host.utc(d.now)).total_seconds() // 86400)
        assert f"({days} days left)" in history
        assert "x: send the formal extradition request" in history  # what it holds, at once, still may go
        assert "request in preparation" in str(board.query_one("#board").get_row(case))
