"""The law after a hit (docs/scenarios.md, "After the hit"): the case rests on its notice or
diffusion until surrender, the requested state decides on extradition and may refuse, a requester
that gives up lets the person go once the arresting NCB knows, and a state that keeps its
national is asked to prosecute him. Each test names the rule it checks."""

from __future__ import annotations

from itertools import pairwise

import pytest
from conftest import scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_notice_flow import FIXED, INSTANT, ROUND_CLOCK, _moving, at, diffusion, events, one, person, red, world

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise
from sim.notices.extradition import PAPERS
from sim.notices.machines import CASE_EVENT_KINDS

# Timings without a scenario-wide deadline: each legal basis brings its own time limit.
LAW = {k: v for k, v in FIXED.items() if k != "extradition.deadline"} | {"prosecution.decision_time": "1d"}


def law_case(parameters: dict | None = None, *, subject: dict | None = None, requests: list | None = None,
             seats: SeatConfig = INSTANT, duration: str = "6d", run: bool = True, **fields) -> Exercise:
    """S1, a French national, enters Spain from Morocco at 120 on N1 (FR): EAW by default."""
    fields.setdefault("world", world(("MA", "ES")))
    ex = Exercise(scenario(parameters={**LAW, **(parameters or {})}, ndtf={"doubt_share": 0.0, **fields.pop("ndtf", {})},
                           desks=fields.pop("desks", ROUND_CLOCK), duration=duration,
                           subjects=[subject or _moving("S1", "ES", 120)], requests=requests or [red()], **fields),
                  seats=seats)
    if run:
        ex.run()
    return ex


def script(*answers: dict) -> SeatConfig:
    """Officers who answer as given first (the first matching answer wins), else confirm and file at once."""
    return SeatConfig(policy="scripted", script=Script.model_validate({"answers": [
        *answers, {"type": "confirm_hit", "option": "confirm", "after": "0m"},
        {"type": "file_request", "option": "file", "after": "0m"}]}))


# Confirms hits; the extradition prompts are left to the person: the officer would answer them only
# long after they expire, so a test's commands are what acts.
HOLD_ON = script({"type": "request_extradition", "option": "send", "after": "1000d"},
                 {"type": "transfer_proceedings", "option": "none", "after": "1000d"})


def kinds(ex: Exercise, case: str = "A1") -> list[str]:
    return [e["kind"] for e in ex.journal.events
            if e.get("case") == case and not e["kind"].startswith(("decision.", "message."))]


# --- 1. the legal basis is checked until surrender ---------------------------------------------

@pytest.mark.parametrize("how, fields, reason", [
    ("withdrawn by the requester", {"withdraw_after": "3h"}, "withdrawn"),
    ("blocked while the CCF studies a complaint", {"ccf": {"after": "3h", "study": "30d"}}, "ccf_study"),
])
def test_arrest_falls_with_its_notice_once_the_arresting_ncb_is_told(how, fields, reason):
    """A provisional arrest rests on the notice: when it stops being valid the General Secretariat
    tells the arresting NCB over I-24/7, which releases the person once it has read it."""
    ex = law_case(requests=[red(**fields)], duration="3d")
    arrest = one(ex, "arrest.provisional", subject="S1")
    fallen = next(e for e in ex.journal.events if e.get("notice") == "N1" and e.get("reason") == reason)
    told = one(ex, "message.sent", type="basis_withdrawn")
    read = one(ex, "message.handled", type="basis_withdrawn")
    released = one(ex, "subject.released", subject="S1")
    assert at(ex, arrest) < at(ex, fallen) == at(ex, told), how
    assert told["from"] == "GS" and told["to"] == "ES" and told["case"] == "A1"
    assert released["reason"] == "legal_basis_lost" and at(ex, released) == at(ex, read) and read["actor"] == "ES"
    assert events(ex, "extradition.completed") == [] and ex.movements.subjects["S1"].status == "free"
    # The requester learns that its person is gone (a formal request it prepares has no one to go to).
    notice = one(ex, "message.sent", type="release_notice")
    assert (notice["from"], notice["to"], at(ex, notice)) == ("ES", "FR", at(ex, released))


def test_refugee_rule_deletion_releases_and_he_is_never_surrendered():
    """Refugee rule: once a member confirms refugee status, the feared country's notices are deleted,
    and the person held on them goes free."""
    ex = law_case(subject=_moving("S1", "ES", 120, refugee={"confirmed_by": "DE", "fearing": "FR", "at": "5h"}),
                  duration="3d")
    assert one(ex, "arrest.provisional", subject="S1")
    assert one(ex, "notice.deleted", notice="N1")["reason"] == "refugee_rule"
    assert one(ex, "subject.released", subject="S1")["reason"] == "legal_basis_lost"
    assert events(ex, "extradition.completed") == []
    # The holding NCB is told in words a person uses: the notice by its name, not its kind's key.
    told = one(ex, "message.sent", type="basis_withdrawn")
    assert told["text"].startswith("Red Notice N1 is no longer valid (deleted: refugee rule)")


def test_purged_diffusion_releases():
    """A diffusion found non-compliant after the fact is purged: it is no basis any more."""
    ex = law_case({"ndtf.diffusion_review_time": "6h"}, ndtf={"detect_covert": 1.0},
                  requests=[diffusion(to=["ES"], character="political")], duration="3d")
    assert one(ex, "arrest.provisional", subject="S1")["diffusion"] == "D1"
    assert one(ex, "diffusion.reviewed", diffusion="D1")["outcome"] == "purged"
    assert one(ex, "subject.released", subject="S1")["reason"] == "legal_basis_lost"
    assert one(ex, "message.sent", type="basis_withdrawn")["text"].startswith("Diffusion D1 is no longer valid (purged")


def test_a_national_warrant_keeps_him_when_the_notice_falls():
    """The arresting country keeps the person on a ground of its own when the scenario gives one."""
    ex = law_case(subject=_moving("S1", "ES", 120, law={"own_warrant_in": ["ES"]}),
                  requests=[red(withdraw_after="3h")], duration="3d")
    kept = one(ex, "arrest.kept", subject="S1")
    assert kept["ground"] == "national_warrant" and kept["reason"] == "legal_basis_lost" and kept["state"] == "kept"
    assert events(ex, "subject.released") == [] and ex.movements.subjects["S1"].status == "detained"


def test_no_surrender_when_the_basis_falls_during_the_proceedings():
    """The courts check the basis at the instant they decide: a notice withdrawn after the formal
    request stops the surrender, however the news travels."""
    ex = law_case({"extradition.preparation_time": "1h", "extradition.proceedings": "2d"},
                  requests=[red(withdraw_after="1d")])
    assert one(ex, "extradition.requested", subject="S1")
    assert events(ex, "extradition.completed") == []
    assert one(ex, "subject.released", subject="S1")["reason"] == "legal_basis_lost"


def test_a_stale_hit_is_checked_with_the_general_secretariat():
    """The NCB checks a hit with the General Secretariat before acting: a notice removed since the
    border's copy was taken is no longer valid, and the person goes free."""
    ex = law_case({"desk.urgent_handling_time": "30m"}, requests=[red(withdraw_after="35m")])
    checked = one(ex, "hit.checked", subject="S1")
    assert checked["valid"] is False and checked["state"] == "cancelled" and checked["actor"] == "ES"
    assert one(ex, "subject.released", subject="S1")["reason"] == "request_no_longer_valid"
    assert events(ex, "message.sent", type="hit_report", to="FR") == []  # nothing to report


# --- 2. the requested state decides -----------------------------------------------------------

def test_time_limit_follows_the_legal_basis():
    """ECE Art. 16(4) and its kin: the formal request's time limit is the legal basis's own."""
    eaw = law_case(seats=HOLD_ON, duration="2d")
    arrest = one(eaw, "arrest.provisional", subject="S1")
    assert arrest["basis"] == "EAW" and arrest["deadline"] == eaw.clock.iso(at(eaw, arrest) + 60 * 1440)
    rec = law_case(seats=HOLD_ON, duration="2d", world=world(("ES", "MA"), border_systems={"MA": "find"}),
                   subject=_moving("S1", "MA", 120, location="ES"))
    arrest = one(rec, "arrest.provisional", subject="S1")
    assert arrest["basis"] == "reciprocity" and arrest["deadline"] == rec.clock.iso(at(rec, arrest) + 40 * 1440)


def test_a_scenario_deadline_overrides_the_basis():
    ex = law_case({"extradition.deadline": "2d"}, seats=HOLD_ON, duration="4d")
    arrest = one(ex, "arrest.provisional", subject="S1")
    released = one(ex, "subject.released", subject="S1")
    assert released["reason"] == "no_extradition_request_in_time"
    assert at(ex, released) == pytest.approx(at(ex, arrest) + 2880, abs=0.02)


GROUNDS = [
    ("political_offence", {"political_offence": True}, "FR", "subjects.S1.law.political_offence"),
    ("non_refoulement", {"persecution_risk_in": ["FR"]}, "FR", "subjects.S1.law.persecution_risk_in"),
    ("death_penalty", {"death_penalty_in": ["US"]}, "US", "subjects.S1.law.death_penalty_in"),
    ("lapse_of_time", {"time_barred_in": ["ES"]}, "FR", "subjects.S1.law.time_barred_in"),
    ("no_double_criminality", {"not_an_offence_in": ["ES"]}, "FR", "subjects.S1.law.not_an_offence_in"),
]


@pytest.mark.parametrize("ground, law, requester, source", GROUNDS, ids=[g[0] for g in GROUNDS])
def test_the_requested_state_refuses_on_a_ground_with_its_source(ground, law, requester, source):
    """Political offence, non-refoulement, death penalty without assurances, lapse of time, no
    double criminality: the courts refuse, say why and on what, and the person goes free."""
    members = ["FR", "ES", "MA", "US", "DE"]
    ex = law_case({"extradition.preparation_time": "1h", "extradition.proceedings": "1d"},
                  world={"members": members, "travel": {"routes": [{"between": ["MA", "ES"], "hours": 1}]},
                         "extradition": [{"between": ["US", "ES"], "basis": "treaty"}]},
                  subject=_moving("S1", "ES", 120, law=law), requests=[red(by=requester)])
    refused = one(ex, "extradition.refused", subject="S1")
    assert refused["ground"] == ground and source in refused["source"] and refused["actor"] == "ES"
    assert refused["requester"] == requester and refused["state"] == "refused"
    released = one(ex, "subject.released", subject="S1")
    assert released["reason"] == "extradition_refused" and released["seq"] > refused["seq"]
    assert events(ex, "extradition.completed") == []
    assert one(ex, "message.handled", type="extradition_refused")["actor"] == requester


def test_assurances_lift_the_death_penalty_bar():
    ex = law_case({"extradition.preparation_time": "1h", "extradition.proceedings": "1d"},
                  world={"members": ["FR", "ES", "MA", "US"], "travel": {"routes": [{"between": ["MA", "ES"], "hours": 1}]},
                         "extradition": [{"between": ["US", "ES"], "basis": "treaty"}]},
                  subject=_moving("S1", "ES", 120, law={"death_penalty_in": ["US"], "assurances_from": ["US"]}),
                  requests=[red(by="US")])
    assert one(ex, "extradition.completed", subject="S1")["to"] == "US"


def test_a_retentionist_state_does_not_refuse_on_the_death_penalty():
    ex = law_case({"extradition.preparation_time": "1h", "extradition.proceedings": "1d"},
                  world={"members": ["FR", "ES", "MA", "US", "CN"],
                         "travel": {"routes": [{"between": ["MA", "US"], "hours": 1}]},
                         "border_systems": {"US": "find"},
                         "extradition": [{"between": ["CN", "US"], "basis": "treaty"}]},
                  subject=_moving("S1", "US", 120, law={"death_penalty_in": ["CN"]}), requests=[red(by="CN")])
    assert one(ex, "extradition.completed", subject="S1")["to"] == "CN"


def test_a_refugee_is_not_surrendered_to_the_country_he_fled_on_a_direct_request():
    """Non-refoulement also binds a request made without any notice (on the warrant, by treaty)."""
    ex = law_case({"extradition.preparation_time": "1h", "extradition.proceedings": "1d"}, run=False,
                  subject=person("S1", location="ES", refugee={"confirmed_by": "DE", "fearing": "FR", "at": "0m"},
                                 law={"own_warrant_in": ["FR"]}),
                  requests=[red(at="5d")])
    ex.run(60)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "request_provisional_arrest", "to": "ES", "subject": "S1", "text": "warrant"})
    ex.run()
    assert one(ex, "arrest.requested", subject="S1")["by"] == "person"
    assert "notice" not in one(ex, "arrest.provisional", subject="S1")
    refused = one(ex, "extradition.refused", subject="S1")
    assert refused["ground"] == "non_refoulement" and "refugee" in refused["source"]
    assert events(ex, "extradition.completed") == []


# --- the person's own commands -------------------------------------------------------------

def test_documents_the_person_leaves_out_make_the_courts_refuse():
    """Insufficient documents: a formal request without the warrant is refused."""
    ex = law_case({"extradition.proceedings": "1d"}, seats=HOLD_ON, run=False)
    ex.run(24 * 60)
    assert ex.arrests.cases["A1"].state == "arrested"
    decision = next(d for d in ex.port.open if d.kind == "request_extradition")
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "send_extradition_documents", "case": "A1",
                                 "documents": ["facts", "law", "identity", "translation"]})
    assert decision.state == "made" and decision.answer == "send"  # the prompt is settled by the command
    ex.run()
    refused = one(ex, "extradition.refused", subject="S1")
    assert refused["ground"] == "insufficient_documents" and "warrant" in refused["detail"]
    assert one(ex, "extradition.requested", subject="S1")["papers"] == ["facts", "law", "identity", "translation"]


def test_a_complete_request_from_the_person_is_granted():
    ex = law_case({"extradition.proceedings": "1d"}, seats=HOLD_ON, run=False)
    ex.run(24 * 60)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "send_extradition_documents", "case": "A1", "documents": list(PAPERS)})
    ex.run()
    assert one(ex, "extradition.completed", subject="S1")["to"] == "FR"


def test_a_translation_is_needed_only_without_a_shared_language():
    ex = law_case(seats=HOLD_ON, run=False)
    ex.run(24 * 60)
    assert ex.arrests.needed(ex.arrests.cases["A1"]) == PAPERS  # French and Spanish desks: no shared language
    ma = law_case(seats=HOLD_ON, run=False, world=world(("ES", "MA"), border_systems={"MA": "find"}),
                  subject=_moving("S1", "MA", 120, location="ES"))
    ma.run(24 * 60)
    assert "translation" not in ma.arrests.needed(ma.arrests.cases["A1"])  # both work in French


def test_abandon_releases_once_the_arresting_ncb_has_read_it():
    """A requester that gives up lets the person go at once — once the news arrives — not at the
    deadline."""
    ex = law_case(seats=script({"type": "request_extradition", "option": "abandon", "after": "1h"}), duration="3d")
    arrest = one(ex, "arrest.provisional", subject="S1")
    read = one(ex, "message.handled", type="extradition_abandoned")
    released = one(ex, "subject.released", subject="S1")
    assert released["reason"] == "requester_abandoned" and at(ex, released) == at(ex, read)
    assert at(ex, released) < at(ex, arrest) + 1440


def test_request_for_provisional_arrest_without_a_hit():
    """After learning where the person is, the requester asks that country to arrest him on its
    notice; the requested NCB arrests him once it has read the request — or says he is not there."""
    ex = law_case(seats=HOLD_ON, run=False, subject=person("S1", location="ES"), duration="2d")
    ex.run(6 * 60)  # N1 is published at 90
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "request_provisional_arrest", "to": "ES", "subject": "S1",
                                 "request": "N1", "text": "He lives in Valencia"})
        ex.acts.apply("ncb:FR", {"kind": "request_provisional_arrest", "to": "MA", "subject": "S1", "text": ""})
    ex.run()
    arrest = one(ex, "arrest.provisional", subject="S1")
    assert arrest["country"] == "ES" and arrest["notice"] == "N1" and arrest["basis"] == "EAW"
    assert at(ex, arrest) == at(ex, one(ex, "message.handled", type="arrest_request", actor="ES"))
    missing = one(ex, "arrest.not_found", subject="S1")
    assert missing["country"] == "MA" and missing["reason"] == "not_in_country"
    assert one(ex, "message.handled", type="arrest_not_found")["actor"] == "FR"


# --- 3. nationality and aut dedere aut judicare ------------------------------------------------

def _dual_national(**law) -> dict:
    """S1, French and Moroccan, enters Morocco (which does not surrender its nationals) on N1 (FR)."""
    return _moving("S1", "MA", 120, location="ES", nationality="FR",
                   identity={"name": "Person S1", "nationality": "FR", "other_nationalities": ["MA"]},
                   **({"law": law} if law else {}))


def test_each_nationality_of_a_dual_national_counts():
    ex = law_case(seats=HOLD_ON, world=world(("ES", "MA"), border_systems={"MA": "find"}), subject=_dual_national(),
                  duration="2d")
    refused = one(ex, "extradition.refused", subject="S1")
    assert refused["ground"] == "nationality" and "extradites_nationals=no for MA" in refused["source"]
    assert one(ex, "subject.released", subject="S1")["reason"] == "national_not_extradited"
    assert events(ex, "arrest.provisional") == []
    assert any(d.kind == "transfer_proceedings" and d.seat == "ncb:FR" for d in ex.port.open)
    # France is asked what next once its desk has read the refusal, not before.
    asked = one(ex, "decision.requested", type="transfer_proceedings")
    assert asked["t"] == one(ex, "message.handled", type="extradition_refused", actor="FR")["t"]
    assert events(ex, "message.sent", type="release_notice") == []  # the refusal said it all


@pytest.mark.parametrize("law, outcome", [({}, "prosecution.opened"), ({"time_barred_in": ["MA"]}, "prosecution.refused")])
def test_a_state_that_keeps_its_national_is_asked_to_prosecute(law, outcome):
    """Aut dedere aut judicare: the requester asks, the file is transferred, the prosecutors decide."""
    ex = law_case(world=world(("ES", "MA"), border_systems={"MA": "find"}), subject=_dual_national(**law),
                  seats=script({"type": "transfer_proceedings", "option": "prosecute", "after": "0m"}), duration="4d")
    transferred = one(ex, "case.transferred", subject="S1")
    assert transferred["country"] == "MA" and transferred["mode"] == "prosecute" and transferred["requester"] == "FR"
    decided = one(ex, outcome, subject="S1")
    assert at(ex, decided) == pytest.approx(at(ex, transferred) + 1440, abs=0.02)
    if outcome == "prosecution.refused":
        assert decided["reason"] == "time_barred"
    assert kinds(ex)[-2:] == ["case.transferred", outcome]


def test_enforcement_needs_a_foreign_sentence():
    ex = law_case(world=world(("ES", "MA"), border_systems={"MA": "find"}), subject=_dual_national(),
                  seats=HOLD_ON, run=False, duration="4d")
    ex.run(24 * 60)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "ask_prosecution", "case": "A1", "mode": "enforce"})
    ex.run()
    assert one(ex, "prosecution.refused", subject="S1")["reason"] == "no_foreign_sentence"


# --- invariants over random worlds ----------------------------------------------------------------


POOL = ["FR", "ES", "DE", "MA", "SN", "US", "GB", "DZ"]


@st.composite
def law_worlds(draw):
    """Small worlds where people are held, refused, released, kept and surrendered, with notices
    that fall, refugees, dual nationals, grounds to refuse, abandons and direct requests."""
    members = draw(st.lists(st.sampled_from(POOL), min_size=3, max_size=5, unique=True))
    routes = [{"between": [a, b], "hours": 1} for a, b in pairwise(members)]
    subjects, requests, commands, arrests = [], [], [], []
    for i in range(draw(st.integers(1, 3))):
        nat = draw(st.sampled_from(members))
        other = draw(st.lists(st.sampled_from(members), max_size=1))
        law = {name: draw(st.lists(st.sampled_from(members), max_size=1, unique=True))
               for name in ("own_warrant_in", "persecution_risk_in", "death_penalty_in", "time_barred_in")}
        law["political_offence"] = draw(st.integers(0, 5)) == 0
        refugee = None
        if draw(st.integers(0, 3)) == 0:
            refugee = {"confirmed_by": draw(st.sampled_from(members)), "fearing": draw(st.sampled_from(members)),
                       "at": draw(st.sampled_from(["3h", "1d", "2d"]))}
        subjects.append({"id": f"S{i}", "identity": {"name": f"Person {i}", "nationality": nat,
                                                    "other_nationalities": [c for c in other if c != nat]},
                         "location": draw(st.sampled_from(members)), "law": law,
                         "plan": {"route": draw(st.lists(st.sampled_from(members), min_size=1, max_size=3)),
                                  "leaves_after": draw(st.sampled_from(["2h", "6h"])), "stay": "2h"},
                         **({"refugee": refugee} if refugee else {})})
        by = draw(st.sampled_from(members))
        req = {"id": f"R{i}", "kind": draw(st.sampled_from(["red", "diffusion"])), "by": by, "subject": f"S{i}",
               "at": "0m", "offence": "homicide", "max_penalty_years": 20}
        if req["kind"] == "diffusion":
            req["to"] = [c for c in members if c != by][:draw(st.integers(1, 3))]
        elif draw(st.integers(0, 3)) == 0:
            req["ccf"] = {"after": draw(st.sampled_from(["6h", "1d"])), "study": "2d", "outcome": "delete"}
        if draw(st.integers(0, 3)) == 0:
            req["withdraw_after"] = draw(st.sampled_from(["6h", "1d", "2d"]))
        # The world in motion at the start: published before it, and sometimes someone held on it already.
        if draw(st.integers(0, 2)) == 0:
            del req["at"]
            req["published"] = draw(st.sampled_from(["-3d", "-30d"]))
            where = subjects[-1]["location"]
            if where != by and (req["kind"] == "red" or where in req.get("to", ())) and draw(st.booleans()):
                arrests.append({"subject": f"S{i}", "request": f"R{i}", "since": draw(st.sampled_from(["-1d", "-2d"])),
                                **({"extradition_requested": "-1d"} if draw(st.booleans()) else {})})
        requests.append(req)
        if draw(st.integers(0, 2)) == 0:
            to = draw(st.sampled_from([c for c in members if c != by]))
            commands.append({"at": draw(st.sampled_from(["4h", "1d"])), "seat": f"ncb:{by}",
                             "command": {"kind": "request_provisional_arrest", "to": to, "subject": f"S{i}"}})
    answers = [{"type": "confirm_hit", "option": "confirm", "after": "10m"},
               {"type": "request_extradition", "option": draw(st.sampled_from(["send", "abandon"])),
                "after": draw(st.sampled_from(["10m", "6h", "1d"]))},
               {"type": "transfer_proceedings", "option": draw(st.sampled_from(["prosecute", "none"])),
                "after": "1h"}]
    seats = SeatConfig(policy="scripted", script=Script.model_validate({"answers": answers, "commands": commands}))
    parameters = {**LAW, "extradition.preparation_time": draw(st.sampled_from(["2h", "1d"])),
                  "extradition.proceedings": draw(st.sampled_from(["6h", "1d", "2d"])),
                  "ndtf.diffusion_review_time": "1d"}
    sc = scenario(duration="4d", seed=draw(st.integers(0, 2 ** 32)), parameters=parameters,
                  ndtf={"doubt_share": 0.0}, desks=draw(st.sampled_from([ROUND_CLOCK, {}])),
                  world={"members": members, "travel": {"routes": routes},
                         "border_systems": dict.fromkeys(members, "find")},
                  subjects=subjects, requests=requests, arrests=arrests)
    return sc, seats


ON = {"notice.published", "notice.restored", "diffusion.sent"}
OFF = {"notice.refused", "notice.cancelled", "notice.deleted", "notice.blocked", "notice.expired",
       "diffusion.cancelled", "diffusion.purged"}
FINAL = {"subject.released", "arrest.kept", "extradition.completed"}


def check_the_law(ex: Exercise) -> int:
    """No surrender without a basis valid at that instant; a refugee never surrendered to the
    country he fled; nobody held after the requester's abandonment has been read. Returns how
    many cases the run had (so a test can tell the checks were not vacuous)."""
    valid: dict[str, bool] = {}
    recipients: dict[str, set[str]] = {}
    refugee: set[tuple[str, str]] = set()
    abandoned_read: dict[str, str] = {}
    abandon_msgs: dict[int, str] = {}
    closed: dict[str, str] = {}
    for e in ex.journal.events:
        kind, ref = e["kind"], e.get("notice") or e.get("diffusion")
        if kind in ON:
            valid[ref] = True
        elif kind in OFF or (kind == "diffusion.reviewed" and e["outcome"] == "purged"):
            valid[ref] = False
        if kind == "diffusion.sent":
            recipients[ref] = set(e["to"])
        elif kind == "refugee.confirmed":
            refugee.add((e["subject"], e["fearing"]))
        elif kind == "message.sent" and e["type"] == "extradition_abandoned":
            abandon_msgs[e["msg"]] = e["case"]
        elif kind == "message.handled" and e["msg"] in abandon_msgs:
            abandoned_read[abandon_msgs[e["msg"]]] = e["t"]
        elif kind == "arrest.provisional" and ref is not None:
            assert valid.get(ref), f"arrest without a valid basis: {e}"
        elif kind == "extradition.completed":
            if ref is not None:
                assert valid.get(ref), f"surrender without a valid basis: {e}"
                if "diffusion" in e:
                    assert e["country"] in recipients[ref], e
            assert (e["subject"], e["requester"]) not in refugee, f"refugee surrendered to the feared country: {e}"
        if kind in FINAL and "case" in e:
            closed.setdefault(e["case"], e["t"])
        if "case" in e and e["case"] in abandoned_read and kind in CASE_KINDS - {"case.transferred"}:
            assert e["t"] <= abandoned_read[e["case"]] or kind in ("prosecution.opened", "prosecution.refused"), e
    for case, t in abandoned_read.items():
        assert case in closed and closed[case] <= t, f"{case} still held after the abandonment was read at {t}"
    return len(ex.arrests.cases)


CASE_KINDS = set(CASE_EVENT_KINDS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world_and_seats=law_worlds())
def test_the_law_holds_in_random_worlds(world_and_seats):
    sc, seats = world_and_seats
    ex = Exercise(sc, seats=seats)
    ex.run()
    check_the_law(ex)


def test_the_law_checks_are_not_vacuous():
    """The property's checks see surrenders, refusals and abandonments in known runs."""
    granted = law_case({"extradition.preparation_time": "1h", "extradition.proceedings": "1d"})
    assert check_the_law(granted) == 1 and one(granted, "extradition.completed", subject="S1")
    gave_up = law_case(seats=script({"type": "request_extradition", "option": "abandon", "after": "1h"}),
                       duration="3d")
    assert check_the_law(gave_up) == 1 and one(gave_up, "subject.released")["reason"] == "requester_abandoned"


# --- regressions found in review ----------------------------------------------------------------

class _NoInbox:
    def inbox_ids(self) -> frozenset[int]:
        return frozenset()


def _refusal(ex: Exercise, seat: str, command) -> str | None:
    from sim.play.seat_rules import refusal

    return refusal(ex, _NoInbox(), seat, command)


def test_an_arrest_request_needs_a_warrant_or_an_arrest_notice():
    """No NCB gets a person arrested without a basis of its own: a warrant (its own arrest
    request, or one the scenario gives it) or a live notice or diffusion that asks for arrest."""
    from sim.play.commands import RequestProvisionalArrest

    ex = law_case(run=False, subject=person("S1", location="ES"), requests=[red(), {**red("N2"), "kind": "blue"}])
    ex.run(6 * 60)
    assert "no warrant" in _refusal(ex, "ncb:DE", RequestProvisionalArrest("ES", "S1"))
    assert "not an arrest" in _refusal(ex, "ncb:FR", RequestProvisionalArrest("ES", "S1", "N2"))
    assert _refusal(ex, "ncb:FR", RequestProvisionalArrest("ES", "S1", "N1")) is None
    assert _refusal(ex, "ncb:FR", RequestProvisionalArrest("ES", "S1")) is None  # N1 rests on France's warrant


def test_abandoning_a_direct_request_before_the_courts_decide_surrenders_nobody():
    ex = law_case({"extradition.proceedings": "1d"}, seats=HOLD_ON, run=False,
                  subject=person("S1", location="ES", law={"own_warrant_in": ["FR"]}),
                  requests=[red(at="5d")], desks={"default": {"staff": 1, "night_staff": 1,
                                                               "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}})
    ex.run(10)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "request_provisional_arrest", "to": "ES", "subject": "S1", "text": ""})
    ex.run(12 * 60)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "send_extradition_documents", "case": "A1", "documents": list(PAPERS)})
    ex.run(ex.env.now + 100)
    assert ex.arrests.cases["A1"].state == "extradition_requested"
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "abandon_extradition", "case": "A1"})
    ex.run()
    assert events(ex, "extradition.completed") == []
    assert one(ex, "subject.released", subject="S1")["reason"] == "requester_abandoned"


def test_a_notice_restored_and_then_withdrawn_is_told_again():
    """The basis is watched until surrender: a second lapse after a CCF keeps the notice is told too."""
    ex = law_case({"extradition.proceedings": "30d"}, requests=[red(ccf={"after": "3h", "study": "1m", "outcome": "keep"},
                                                                     withdraw_after="1d")], duration="4d")
    assert len(events(ex, "message.sent", type="basis_withdrawn")) == 2
    released = one(ex, "subject.released", subject="S1")
    assert released["reason"] == "legal_basis_lost" and at(ex, released) < 3 * 1440


def test_a_person_released_after_a_direct_arrest_travels_on_once():
    ex = law_case(seats=HOLD_ON, run=False, duration="4d", requests=[red()],
                  subject=person("S1", location="ES", plan={"route": ["MA", "ES"], "leaves_after": "10h", "stay": "6h"}))
    ex.run(3 * 60)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "request_provisional_arrest", "to": "ES", "subject": "S1", "request": "N1"})
    ex.run(5 * 60)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "abandon_extradition", "case": "A1"})
    ex.run()
    moves = [(e["from"], e["to"]) for e in events(ex, "subject.moved", subject="S1")]
    assert moves == [("ES", "MA"), ("MA", "ES")]


def test_asking_for_prosecution_before_the_prompt_leaves_no_prompt_behind():
    ex = law_case(world=world(("ES", "MA"), border_systems={"MA": "find"}), subject=_dual_national(),
                  seats=HOLD_ON, run=False, duration="3d", desks={"default": {"staff": 1, "night_staff": 1,
                  "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}, "overrides": {"FR": {"staff": 0, "night_staff": 0}}})
    while (not ex.arrests.cases or ex.arrests.cases["A1"].refusal is None) and ex.env.now < ex.duration:
        ex.run(ex.env.now + 10)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "ask_prosecution", "case": "A1", "mode": "prosecute"})
    ex.run()
    assert events(ex, "decision.requested", type="transfer_proceedings") == []


def test_a_policy_settling_a_prompt_is_credited_to_the_policy():
    ex = law_case(seats=script({"type": "request_extradition", "option": "send", "after": "1000d"}), run=False,
                  duration="3d")
    ex.run(24 * 60)
    with ex.journal.cause("policy"):
        ex.acts.apply("ncb:FR", {"kind": "abandon_extradition", "case": "A1"}, by="policy")
    made = one(ex, "decision.made", type="request_extradition")
    assert made["option"] == "abandon" and made["by"] == "policy"


def test_a_late_confirmation_after_abandoning_at_the_border_arrests_nobody():
    ex = law_case(seats=script({"type": "confirm_hit", "option": "confirm", "after": "1000d"}), run=False,
                  duration="2d")
    while not any(d.kind == "confirm_hit" for d in ex.port.open) and ex.env.now < ex.duration:
        ex.run(ex.env.now + 5)
    with ex.journal.cause("person"):
        ex.acts.apply("ncb:FR", {"kind": "abandon_extradition", "case": "A1"})
    made = one(ex, "decision.made", type="confirm_hit")
    assert made["option"] == "decline" and made["by"] == "person"
    ex.run()
    assert events(ex, "arrest.provisional") == []
    assert one(ex, "subject.released", subject="S1")["reason"] == "requester_abandoned"


def test_a_declined_hit_is_released_once_the_holding_ncb_has_read_it():
    ex = law_case(seats=script({"type": "confirm_hit", "option": "decline", "after": "0m"}), duration="2d")
    read = one(ex, "message.handled", type="hit_declined")
    released = one(ex, "subject.released", subject="S1")
    assert released["reason"] == "requester_declined" and released["actor"] == "ES" and at(ex, released) == at(ex, read)
