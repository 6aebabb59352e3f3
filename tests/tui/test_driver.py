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


def _to_first_decision(d: Driver) -> None:
    d.run_on()
    while not d.my_decisions():
        d.tick(1.0)


def test_at_max_speed_a_waiting_decision_is_let_lapse_only_after_asking_once(tmp_path, monkeypatch):
    """Rule: at maximum speed one press of space would run past every waiting deadline; the clock
    asks once ("the default applies at each deadline"), then lets decisions lapse as at any speed."""
    monkeypatch.setattr("tui.driver.TICK_BUDGET_S", 60.0)
    d = Driver.open(str(FLAGSHIP), None, str(tmp_path / "s.db"))
    _to_first_decision(d)
    red, waiting = d.my_decisions()[0], d.my_decisions()[1:]
    d.answer(red, "file")  # the diffusion's decision is left to lapse
    d.speed_index = len(SPEEDS) - 1
    at = d.now
    assert d.needs_confirmation() and d.toggle() is False and d.paused  # asked, not started
    d.tick(1.0)
    assert d.now == at  # nothing moved while the question is open
    assert d.run_on(confirmed=True) and not d.paused
    while not d.paused and not d.host.finished:
        d.tick(1.0)
    lapsed = {e["decision"] for _, e in d.seen() if e["kind"] == "decision.expired"}
    assert {q.id for q in waiting} <= lapsed  # the defaults applied at the deadlines
    assert d.paused and d.stopped_for and "waits for you (d)" in d.pause_reason  # a new one stops it
    assert not d.needs_confirmation() and d.toggle() is True and not d.paused  # asked once only


def test_at_max_speed_the_clock_will_not_run_past_a_waiting_decision_unasked(tmp_path, monkeypatch):
    """Rule: turning the speed up to max while a decision waits stops the clock and says why."""
    monkeypatch.setattr("tui.driver.TICK_BUDGET_S", 60.0)
    d = Driver.open(str(FLAGSHIP), None, str(tmp_path / "s.db"))
    _to_first_decision(d)
    d.run_on()  # space at 1 h/s: runs on, the decision waits
    d.speed_index = len(SPEEDS) - 1  # then + up to max, running
    at = d.now
    d.tick(1.0)
    assert d.paused and d.now == at and "at max speed space asks first" in d.pause_reason


def test_every_automatic_pause_says_why_and_the_speed_stays_shown(tmp_path, monkeypatch):
    """Rule: the status line says why the clock stopped by itself, and the speed while paused."""
    from tui.screens.clocked import clock_state

    monkeypatch.setattr("tui.driver.TICK_BUDGET_S", 60.0)
    d = Driver.open(str(FLAGSHIP), None, str(tmp_path / "s.db"))
    assert clock_state(d) == "⏸ paused (space) · speed 1 h/s"
    _to_first_decision(d)
    assert d.pause_reason == "filing Red Notice N1 and 1 more waits for you (d)"
    assert clock_state(d) == "⏸ paused: filing Red Notice N1 and 1 more waits for you (d) · speed 1 h/s"
    d.toggle()
    assert clock_state(d) == "▶ 1 h/s" and d.pause_reason == ""
    d.toggle()  # the person's own pause has no reason to give
    assert clock_state(d) == "⏸ paused (space) · speed 1 h/s"


def test_next_stops_at_the_next_thing_the_seat_sees_and_says_what(tmp_path):
    """Rule: n runs to the next thing on the seat's screen — the judge's message, then the
    decisions it raises — and not to background traffic or what never reaches the seat."""
    d = Driver.open(str(FLAGSHIP), None, str(tmp_path / "s.db"))
    assert d.jump_to_next_event(budget_s=60.0) == "news"
    assert len(d.inbox()) == 1 and d.pause_reason == "new incoming message from Paris investigating judge"
    assert d.paused and d.now < 2.0  # at the message, within the minute it arrived in
    assert d.jump_to_next_event(budget_s=60.0) == "decision"
    assert d.now == d.my_decisions()[0].raised_at and "waits for you (d)" in d.pause_reason
    assert d.jump_to_next_event(budget_s=60.0) == "waiting"  # a jump would pass its deadline: it stays
    for q in d.my_decisions():
        d.answer(q, "file")
    before = d.host.seen_count(d.seat)
    assert d.jump_to_next_event(budget_s=60.0) == "news"
    new = d.seen(before)
    assert any(e["kind"] == "notice.requested" for _, e in new)  # on the board and in what it knows
    assert d.pause_reason.startswith("new: France requests Red Notice N1")


def test_next_says_when_nothing_more_comes_before_the_end_and_only_then_runs_to_it(tmp_path):
    """Rule: when nothing more reaches the seat, n stops just short of the end and says so; it
    never runs past the end without a word. Pressed again, it runs to the end."""
    from tui_helpers import WORKSTATION

    from tui.driver import END_MARGIN

    d = Driver.open(str(WORKSTATION), None, str(tmp_path / "s.db"))
    outcomes = []
    for _ in range(60):
        for q in d.my_decisions():
            d.answer(q, q.default)
        outcome = d.jump_to_next_event(budget_s=60.0)
        outcomes.append(outcome)
        if outcome == "none":
            break
    assert outcomes[-1] == "none" and not d.host.finished
    assert d.now == d.host.duration - END_MARGIN and d.paused
    assert d.pause_reason.startswith("nothing more reaches you before the end (Sun 08 Mar 06:00 UTC)")
    assert d.jump_to_next_event() == "end" and d.host.finished


def test_days_are_counted_in_calendar_days_of_the_seats_local_time(tmp_path):
    """Rule: day 1 is the start date on the seat's wall calendar; Paris (UTC+1) starts day 2 at
    23:00 UTC, while it is still the first day in UTC."""
    d = Driver.open(str(FLAGSHIP), None, str(tmp_path / "s.db"))
    assert d.day() == (1, 22)  # 2 March 07:00 Paris to 23 March 07:00: 22 calendar days
    d.host.advance(17 * 60 - 1, 60.0)  # 22:59 UTC, 23:59 in Paris
    assert d.day()[0] == 1
    d.host.advance(17 * 60, 60.0)  # midnight in Paris
    assert d.day()[0] == 2 and d.host.utc(d.now).day == 2


def test_a_jump_out_of_wall_time_carries_on_over_the_ticks_and_stops_at_the_same_news(tmp_path):
    """Rule: a jump that runs out of its wall-time budget says "seeking" and goes on searching on
    the clock's ticks, the screen never frozen; it stops where a jump in one go stops."""
    whole = Driver.open(str(FLAGSHIP), None, str(tmp_path / "a.db"))
    assert whole.jump_to_next_event(budget_s=60.0) == "news"
    d = Driver.open(str(FLAGSHIP), None, str(tmp_path / "b.db"))
    assert d.jump_to_next_event(budget_s=0.0) == "seeking" and d.seeking and not d.paused
    for _ in range(10_000):
        d.tick(0.1)
        if not d.seeking:
            break
    assert not d.seeking and d.paused and d.now == whole.now
    assert d.pause_reason == whole.pause_reason == "new incoming message from Paris investigating judge"
