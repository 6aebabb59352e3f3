"""The UI's driver without a terminal: clock, pause on decisions, inbox, resume."""

from __future__ import annotations

import pytest
from conftest import FLAGSHIP

from tui.driver import SPEEDS, Driver


def test_clock_advances_by_wall_time_times_speed_and_pauses_for_a_decision(tmp_path, monkeypatch):
    # The arithmetic of the clock, not the wall-time budget: on a loaded machine a 50 ms budget may
    # end a tick early (by design), which would make this test's exact times flaky.
    monkeypatch.setattr("tui.driver.TICK_BUDGET_S", 60.0)
    d = Driver.open(str(FLAGSHIP), None, str(tmp_path / "s.db"))
    assert d.seat == "ncb:FR" and d.paused
    d.paused = False
    d.speed_index = [name for name, _ in SPEEDS].index("1 h/s")
    d.tick(0.1)  # a tenth of a wall second at one sim hour per second
    assert d.now == 6.0
    while not d.my_decisions():
        d.tick(1.0)
    # The clock stopped at the very instant France read the warrant and the decision was raised.
    assert d.paused and d.my_decisions()[0].kind == "file_request"
    assert d.now == d.my_decisions()[0].raised_at
    assert d.inbox()[0].inject == "I1" and "DUVAL" in d.inbox()[0].text


def test_a_quit_session_resumes_where_it_stopped(tmp_path):
    db = str(tmp_path / "s.db")
    d = Driver.open(str(FLAGSHIP), None, db)
    d.paused = False
    while not d.my_decisions():
        d.tick(1.0)
    q = d.my_decisions()[0]
    d.answer(q, "hold")
    d.paused = False
    d.tick(1.0)
    d.save_progress(force=True)  # what quitting does
    d.close()  # and what leaving the app does
    stopped_at = d.now
    again = Driver.open(None, None, db)
    assert again.now == stopped_at and again.seat == "ncb:FR"
    assert [e["kind"] for _, e in again.seen()] == [e["kind"] for _, e in d.seen()]
    assert any(e["kind"] == "decision.made" and e["decision"] == q.id and e["option"] == "hold"
               for _, e in again.seen())


def test_opening_with_neither_a_scenario_nor_a_session_to_resume_is_refused(tmp_path):
    missing = tmp_path / "s.db"
    with pytest.raises(ValueError, match="no scenario"):
        Driver.open(None, None, str(missing))
    assert not missing.exists()


def test_speeds_cover_real_time_to_as_fast_as_possible():
    assert SPEEDS[0] == ("real time", 1.0) and SPEEDS[-1][1] == float("inf")


def test_space_lets_the_clock_run_on_while_a_known_decision_waits(tmp_path, monkeypatch):
    """Once the clock has stopped for a decision, starting it again runs on (the decision waits to
    its deadline); it stopped again one tick later, 3 minutes on, before."""
    monkeypatch.setattr("tui.driver.TICK_BUDGET_S", 60.0)
    d = Driver.open(str(FLAGSHIP), None, str(tmp_path / "s.db"))
    d.paused = False
    while not d.my_decisions():
        d.tick(1.0)
    known = d.my_decisions()
    assert d.paused and d.stopped_for == known  # both of France's filing decisions, raised at once
    d.paused = False
    d.tick(1.0)  # one wall second at one sim hour a second
    assert not d.paused and d.now == known[0].raised_at + 60.0 and d.stopped_for == ()
    assert d.my_decisions() == known  # still waiting, to their deadline


def test_the_trainer_clock_waits_for_the_players_seats_unless_they_are_automated(tmp_path, monkeypatch):
    """In the trainer's console nobody answers a player's seat but the trainer: the clock stops
    when one must decide (their decisions once expired seconds after appearing). Automated, never."""
    monkeypatch.setattr("tui.driver.TICK_BUDGET_S", 60.0)
    d = Driver.open(str(FLAGSHIP), "trainer", str(tmp_path / "t.db"), trainer=True)
    assert d.seat == "trainer" and d.pause_on_decision
    d.paused = False
    d.speed_index = len(SPEEDS) - 1  # as fast as possible
    while not d.paused and not d.host.finished:
        d.tick(1.0)
    assert d.stopped_for and all(q.seat == "ncb:FR" for q in d.stopped_for)
    d.tick(1.0)
    assert d.paused and d.stopped_for == ()  # said once: a paused clock's ticks stop for nothing new
    assert not any(e["kind"] == "decision.expired" for _, e in d.seen())
    auto = Driver.open(str(FLAGSHIP), "trainer", str(tmp_path / "a.db"), trainer=True, automate=True)
    auto.paused = False
    auto.speed_index = len(SPEEDS) - 1
    for _ in range(50):
        auto.tick(1.0)
        assert not auto.paused
        if auto.host.finished:
            break


def test_a_debrief_report_never_overwrites_another(tmp_path):
    from tui.app import _free

    first = tmp_path / "duval-report.html"
    assert _free(first) == first
    first.write_text("one")
    assert _free(first) == tmp_path / "duval-report-2.html"
    (tmp_path / "duval-report-2.html").write_text("two")
    assert _free(first) == tmp_path / "duval-report-3.html"


def test_leaving_says_where_the_session_is_and_how_to_go_on(tmp_path):
    """Without --session the session lives in a temporary folder: the app says where, at the end."""
    from tui.app import make_app

    app = make_app(str(FLAGSHIP), None, None, clock=False)
    app.driver = Driver.open(str(FLAGSHIP), None, None)
    try:
        path = str(app.driver.host.session_path)
        note = app.session_note
        assert note and path in note and f"ncbsim play --session {path}" in note and f"ncbsim report {path}" in note
    finally:
        app.driver.close()
