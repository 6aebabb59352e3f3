"""The guide's library section: each exercise with its difficulty, duration, seats, skills,
learning objectives and the notice kinds it exercises — those its requests file and those its
objectives and injects wait for — so a training unit can see which kinds the library covers."""

from __future__ import annotations

from conftest import SCENARIOS, scenario

from sim.scenario.guide import _library, kinds_covered, library, notice_kinds

PERSON = {"identity": {"name": "A B", "born": "1980-01-01", "nationality": "FR"}, "location": "FR"}


def test_notice_kinds_come_from_requests_objectives_and_injects_in_the_registry_order():
    sc = scenario(
        subjects=[{"id": "S1", **PERSON}],
        requests=[{"id": "N1", "kind": "red", "by": "FR", "subject": "S1", "at": "0m", "offence": "homicide",
                   "max_penalty_years": 30}],
        injects=[{"id": "I1", "to": "FR", "text": "a",
                  "on": {"event": "subject.located", "match": {"notice_kind": "yellow"}}},
                 {"id": "I2", "at": "1h", "to": "FR", "text": "b",
                  "when": {"event": "diffusion.reviewed", "match": {"outcome": "purged"}}}],
        objectives=[{"id": "O1", "title": "a", "check": {"event": "database.hit", "match": {"notice_kind": "blue"}}}])
    assert notice_kinds(sc) == ("red", "yellow", "blue", "diffusion")


def test_a_scenario_that_names_no_kind_exercises_none():
    assert notice_kinds(scenario()) == ()


def test_the_library_is_the_scenarios_with_skills_and_its_section_lists_each():
    exercises = library()
    assert exercises and all(sc.skills for _, sc in exercises)
    assert "annotated-example.yaml" not in {p.name for p, _ in exercises}  # no skills: not a library exercise
    text = _library()
    for path, sc in exercises:
        assert f"### {sc.title}" in text and f"`scenarios/{path.name}`" in text
        assert all(f"`{k}`" in text for k in sc.skills) and all(lo in text for lo in sc.learning_objectives)


def test_kinds_covered_is_the_union_over_the_library(tmp_path):
    assert {"red", "yellow", "diffusion"} <= kinds_covered()
    (tmp_path / "one.yaml").write_text((SCENARIOS / "parental-child-abduction.yaml").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    assert kinds_covered(tmp_path) == {"yellow", "diffusion", "red"}  # the Red Notice it must not file counts too
