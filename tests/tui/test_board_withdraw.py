"""The case board withdraws a live request with `w`; what cannot be withdrawn is said in words."""

from __future__ import annotations

from tui_helpers import WORKSTATION, app_for

from sim.play.commands import DraftRequest, SubmitRequest
from tui.screens.board import BoardScreen

FORM = (("name", "DUVAL Marc"), ("born", "1986-04-11"), ("nationality", "FR"), ("charge", "homicide"))


async def test_w_withdraws_the_selected_diffusion(in_tmp):
    app = app_for(WORKSTATION)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        d = app.driver
        d.submit(DraftRequest("D1", "diffusion", "S1", "locate", to=("ES",), form=FORM))
        d.submit(SubmitRequest("D1"))
        d.submit(DraftRequest("D2", "diffusion", "S1", "locate", to=("MA",), form=FORM))  # a draft only
        await pilot.press("b")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        await pilot.press("w")  # the first row: D1, circulated
        await pilot.pause()
        cancelled = [e for e in d.host.events() if e["kind"] == "diffusion.cancelled"]
        assert [(e["diffusion"], e["reason"], e["by"]) for e in cancelled] == [("D1", "withdrawn", "person")]
        await pilot.press("down", "w")  # D2 is a draft: nothing to withdraw, and the board says why
        await pilot.pause()
        assert not [e for e in d.host.events() if e["kind"] == "diffusion.cancelled" and e["diffusion"] == "D2"]
        assert any("Not withdrawn" in str(n.message) for n in app._notifications)
