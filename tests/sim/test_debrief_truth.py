"""The debrief tells the truth: each test names a way it used to mislead and shows it gone."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import FLAGSHIP, recorded_once

from sim.report.debrief import build
from sim.scenario.loader import load_scenario
from sim.sessions.runner import SessionRun, new_session, outcome, what_if, what_if_run
from sim.sessions.store import SessionStore

# The flagship without the world's background traffic and cut to a week: the same case (two
# requests to file at one instant, a hit, an arrest), fast enough to replay many times.
QUIET_FLAGSHIP = (FLAGSHIP.read_text().replace("duration: 21d", "duration: 7d")
                  .replace("messages_per_ncb_per_day: 12", "messages_per_ncb_per_day: 0"))


def play(folder: Path, choose, *, until: float | None = None, name: str = "s.db") -> tuple[SessionStore, str]:
    """Drive the quiet flagship as the TUI would, answering France's decisions as a person."""
    scenario = folder / "flagship-quiet.yaml"
    scenario.write_text(QUIET_FLAGSHIP)
    store = new_session(folder / name, load_scenario(scenario), seed=None, policy=None, script=None,
                        people=["ncb:FR"])
    buf = io.StringIO()
    run = SessionRun(store, journal=buf, keep_events=False)
    ex = run.exercise
    end = ex.duration if until is None else until
    t = 0.0
    while t < end:
        t = min(end, t + 7.0)
        run.run(t)
        for d in list(ex.port.open):
            if d.seat == "ncb:FR":
                option = choose(d)
                if option is not None:
                    ex.answer(d.id, option)
    if until is None:
        run.run()
    return store, buf.getvalue()


def _trainee(d):
    # File the Red Notice, hold the diffusion raised at the same instant (against the book), then
    # follow the book.
    return "hold" if d.context.get("request") == "D1" else d.recommended


@pytest.fixture(scope="module")
def simultaneous(tmp_path_factory) -> Path:
    def make(folder: Path) -> None:
        store, journal = play(folder, _trainee)
        store.close()
        (folder / "original.jsonl").write_text(journal)

    return recorded_once(tmp_path_factory, "quiet-flagship-simultaneous", make)


def _events(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def _branch_journal(db: Path, branch: tuple[str, str]) -> list[dict]:
    store = SessionStore.open(db, write=False)
    try:
        buf = io.StringIO()
        SessionRun(store, journal=buf, keep_events=False, branch=branch, record=False).run()
        return _events(buf.getvalue())
    finally:
        store.close()


def test_a_what_if_holds_a_choice_made_at_the_same_instant(simultaneous):
    # Rule: a what-if changes only the decision asked about; the trainee's answer to a decision
    # taken at the same instant is kept (it used to be re-answered by the book: "file").
    original = _events((simultaneous / "original.jsonl").read_text())
    asked = {e["decision"]: e for e in original if e["kind"] == "decision.requested"}
    n1 = next(q for q, e in asked.items() if e.get("request") == "N1")
    d1 = next(q for q, e in asked.items() if e.get("request") == "D1")
    assert asked[n1]["t"] == asked[d1]["t"], "the two prompts come at one instant"
    made = {e["decision"]: e for e in original if e["kind"] == "decision.made"}
    assert made[n1]["t"] == made[d1]["t"] and made[d1]["option"] == "hold"

    branched = {e["decision"]: e for e in _branch_journal(simultaneous / "s.db", (n1, "hold"))
                if e["kind"] == "decision.made"}
    assert branched[n1]["option"] == "hold"
    assert branched[d1]["option"] == "hold" and branched[d1]["by"] == "person"


def test_the_trainees_own_option_reproduces_the_session(simultaneous):
    # Rule: in the what-if table, the row of the option the trainee chose (its first run, which
    # keeps the recorded luck) is what happened in the session.
    original = _events((simultaneous / "original.jsonl").read_text())
    counts: dict[str, int] = {}
    for e in original:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    hit = next(e for e in original if e["kind"] == "decision.made" and e["type"] == "confirm_hit")
    assert what_if_run(str(simultaneous / "s.db"), hit["decision"], hit["option"], 1) == outcome(counts)


def test_an_expired_decision_is_recorded_and_can_be_branched_from(tmp_path):
    # Rule: a decision the person let lapse is in the session (by "expired") and a what-if can
    # take another option at it (as soon as it was shown).
    def lapse_the_hit(d):
        return None if d.kind == "confirm_hit" else d.recommended

    store, journal = play(tmp_path, lapse_the_hit)
    try:
        expired = [r for r in store.decisions() if r.by == "expired"]
        assert expired and {r.option for r in expired} == {"decline"}
        q = expired[0].decision
        events = _events(journal)
        assert any(e["kind"] == "decision.expired" and e["decision"] == q for e in events)
        results = what_if(store, q, 1)
        assert set(results) == {"confirm", "ask:photographs", "ask:fingerprints", "decline"}
        assert results["confirm"][0]["arrests"] == 1 and results["decline"][0]["arrests"] == 0
    finally:
        store.close()
    branched = _branch_journal(tmp_path / "s.db", (q, "confirm"))
    made = next(e for e in branched if e["kind"] == "decision.made" and e["decision"] == q)
    asked = next(e for e in branched if e["kind"] == "decision.requested" and e["decision"] == q)
    assert made["option"] == "confirm" and made["t"] == asked["t"]  # taken when shown, as a prompt answer


def test_a_lapse_branched_from_keeps_the_answers_given_while_it_was_open(tmp_path):
    # Rule: branched from a decision left to lapse, the other option is taken when it was shown;
    # an answer the person gave to another decision while the lapsed one was still open is then
    # after the branch in sim time, and is given again at its time (it used to be answered by the
    # book at the branch, and the person's answer then broke the replay: "Q1 is already made").
    looks: dict[str, int] = {}

    def file_the_first_late_and_let_the_others_lapse(d):
        if d.kind == "file_request" and d.id != "Q1":
            return None
        looks[d.id] = looks.get(d.id, 0) + 1
        return d.recommended if looks[d.id] >= 6 else None  # about 40 minutes after it is shown

    store, journal = play(tmp_path, file_the_first_late_and_let_the_others_lapse)
    try:
        answered = {r.decision: r for r in store.decisions()}
    finally:
        store.close()
    first, lapsed = answered["Q1"], answered["Q2"]
    assert (first.by, lapsed.by) == ("seat", "expired") and first.n < lapsed.n
    branched = _branch_journal(tmp_path / "s.db", ("Q2", "file"))
    made = {e["decision"]: e for e in branched if e["kind"] == "decision.made"}
    shown = next(e for e in branched if e["kind"] == "decision.requested" and e["decision"] == "Q2")
    assert made["Q2"]["option"] == "file" and made["Q2"]["t"] == shown["t"]
    assert shown["t"] < made["Q1"]["t"]  # the person's answer to Q1 came after the branch ...
    assert made["Q1"]["option"] == first.option and made["Q1"]["by"] == "person"  # ... and is kept, at its time
    original = next(e for e in _events(journal) if e["kind"] == "decision.made" and e["decision"] == "Q1")
    assert made["Q1"]["t"] == original["t"]


def test_thinking_time_is_in_the_session_not_the_journal(simultaneous):
    # Rule: the wall seconds between a decision shown and answered are stored beside the decision
    # in the session, and the journal (deterministic) never carries them.
    store = SessionStore.open(simultaneous / "s.db", write=False)
    try:
        thinking = store.thinking()
        people = [r.decision for r in store.decisions() if r.by == "seat"]
        assert people and set(people) <= set(thinking) and all(s >= 0 for s in thinking.values())
    finally:
        store.close()
    assert "think" not in (simultaneous / "original.jsonl").read_text()


def test_who_knew_counts_a_message_the_seat_received(simultaneous):
    # Rule: a seat knows of a fact once a message about it reaches its NCB — France knows of the
    # hit in Morocco when Morocco's hit report arrives (it used to say France never knew).
    events = _events((simultaneous / "original.jsonl").read_text())
    d = build(events, title="t", scenario_id="t", players=["ncb:FR"])
    hit = next(f for f in d["who_knew"] if f["fact"].startswith("Hit at"))
    report = next(e for e in events if e["kind"] == "message.sent" and e.get("type") == "hit_report"
                  and e["to"] == "FR")
    fact = next(e for e in events if e["kind"] == "database.hit" and e["database"] == "notices")  # not the SLTD hit
    assert fact["requester"] == "FR" and fact["country"] != "FR"  # France saw nothing of it itself
    assert hit["knew"]["ncb:FR"] is not None and fact["t"] <= report["t"] <= hit["knew"]["ncb:FR"]


def test_bottlenecks_are_the_desks_on_the_cases_path(tmp_path):
    # Rule: the bottleneck table lists only desks that handled the case's own messages, never a
    # desk busy with the background traffic alone.
    scenario = tmp_path / "busy.yaml"
    scenario.write_text(FLAGSHIP.read_text().replace("duration: 21d", "duration: 3d")
                        .replace("messages_per_ncb_per_day: 12", "messages_per_ncb_per_day: 3"))
    from sim.play.host import PlayHost

    host = PlayHost.headless(load_scenario(scenario).scenario)
    host.run()
    events = list(host.events())
    case_msgs = {e["msg"] for e in events if e["kind"] == "message.sent" and e.get("type") not in ("traffic", "forward")}
    on_path = {e["actor"] for e in events if e["kind"] == "message.handled" and e["msg"] in case_msgs}
    busy = {e["actor"] for e in events if e["kind"] == "message.handled"}
    assert busy - on_path, "the world's traffic keeps other desks busy"
    listed = {n["node"] for n in build(events, title="t", scenario_id="t")["bottlenecks"]["longest_waits"]}
    assert listed and listed <= on_path


def test_an_unfinished_session_says_so_and_its_open_expectations_are_pending(tmp_path):
    # Rule: a report on a run stopped before its end says "unfinished at <time>", and an
    # expectation or objective whose deadline had not come is pending, not "not done"/failed.
    from conftest import ncbsim

    store, _ = play(tmp_path, lambda d: d.recommended, until=20 * 60.0 + 10)
    store.close()
    r = ncbsim("report", str(tmp_path / "s.db"), "--md", str(tmp_path / "r.md"))
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "r.md").read_text()
    assert "Unfinished at 2026-03-03T02:10:00Z" in text
    expected = text.split("## Expected actions (MSEL)")[1].split("##")[0]
    assert "| I2 | FR | acknowledge |" in expected and "| pending |" in expected
    assert "| missed |" not in expected
    improvements = text.split("## Areas for improvement")[1].split("##")[0]
    assert "not done" not in improvements
    objectives = text.split("## Objectives")[1].split("##")[0]
    assert "pending" in objectives and "failed" not in objectives


def test_what_if_chart_titles_and_labels_do_not_overlap():
    # Rule: a chart is readable — the figure's title clears the panels' titles, option names do
    # not run into each other, and counts are drawn on whole-number axes.
    from sim.report.charts import what_if_figure

    row = {"objectives_met": 6, "arrests": 1, "released": 0}
    results = {"confirm": [row, row], "ask:photographs": [row], "ask:fingerprints": [row],
               "decline": [dict(row, arrests=0, released=1)]}
    fig = what_if_figure("Q3", results, chosen="confirm")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [fig._suptitle.get_window_extent(r)] + [ax.title.get_window_extent(r) for ax in fig.axes]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    labels = [t.get_window_extent(r) for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == 4 and not any(a.overlaps(b) for i, a in enumerate(labels) for b in labels[i + 1:])
    assert "confirm (chosen)" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    for ax in fig.axes:
        assert all(float(t).is_integer() for t in ax.get_xticks())
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_after_a_branch_a_held_answer_goes_only_to_the_same_question(tmp_path):
    """Rule: decision ids are a counter, so after a branch the same id can name another question,
    or the question can come after the recorded answer's time. A held answer goes only to the same
    question (same seat, raised by then, offering that option); any other is answered by the book,
    never left to lapse."""
    store, _ = play(tmp_path, lambda d: d.recommended)
    store.close()
    for branch in (("Q5", "ask:photographs"), ("Q2", "hold")):  # Q5: the hit on DUVAL (Q3, Q4: BENALI's requests)
        events = _branch_journal(tmp_path / "s.db", branch)
        lapsed = [e for e in events if e["kind"] == "decision.expired" and e["seat"] == "ncb:FR"]
        assert not lapsed, (branch, lapsed)
        made = {e["decision"]: e for e in events if e["kind"] == "decision.made"}
        asked = {e["decision"]: e for e in events if e["kind"] == "decision.requested"}
        for qid, e in made.items():  # every answer fits its own question
            assert e["type"] == asked[qid]["type"], (branch, qid)
        assert any(e["kind"] == "arrest.provisional" for e in events), branch


def test_resuming_a_session_without_recorded_lapses_keeps_it_openable(tmp_path):
    """Rule: rows go on disk in time order; a lapse met while catching up before the last recorded
    row (a session written before lapses were recorded) is not recorded again out of order."""
    store = new_session(tmp_path / "s.db", load_scenario(_quiet(tmp_path)), seed=None, policy=None, script=None,
                        people=["ncb:FR"])
    run = SessionRun(store, keep_events=False)
    run._lapsed = lambda e: None  # as before lapses were recorded
    run.exercise.journal.listeners[-1] = run._lapsed
    ex, t = run.exercise, 0.0
    while t < 4000:
        t += 7.0
        run.run(t)
        for d in list(ex.port.open):
            if d.seat == "ncb:FR" and d.kind != "confirm_hit":  # the hit is left to lapse
                ex.answer(d.id, d.recommended)
    ex.control({"action": "hold", "inject": ex.scenario.injects[-1].id})
    run.run(4010.0)
    store.close()
    store = SessionStore.open(tmp_path / "s.db", write=True)
    SessionRun(store, keep_events=False).run(4020.0)
    times = [r.sim_time for r in store.decisions()]
    store.close()
    assert times == sorted(times)
    SessionStore.open(tmp_path / "s.db", write=False).close()  # opens: no row out of order


def _quiet(folder: Path) -> Path:
    path = folder / "quiet.yaml"
    path.write_text(QUIET_FLAGSHIP)
    return path
