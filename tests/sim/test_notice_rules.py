"""The notice rules as pure functions (RPD Art. 83, Constitution Art. 2 and 3, the refugee rule,
data quality) and the NOTICE, DIFFUSION and ARREST state-machine tables."""

from __future__ import annotations

import pytest

from sim.notices.kinds import (
    ARTICLE3_CHARACTERS,
    EXCLUDED_OFFENCES,
    NOTICE_KINDS,
    OFFENCES,
    REQUEST_KINDS,
    REQUIRED_FIELDS,
)
from sim.notices.machines import ARREST, DIFFUSION, NOTICE, PROCEEDINGS, VISIBLE, IllegalTransition, Machine
from sim.notices.rules import (
    ART2,
    ART3,
    ART83_EXCLUDED,
    ART83_PENALTY,
    DATA_QUALITY,
    REFUGEE,
    SILVER_PENALTY,
    Finding,
    findings,
    missing_fields,
)
from sim.world.legal import legal_basis, legal_facts, refuses_national

# A complete, compliant form of each kind: the keyword arguments findings() needs beyond the kind.
COMPLIANT: dict[str, dict] = {
    "red": {"purpose": "prosecution", "offence": "homicide", "max_penalty_years": 30.0},
    "diffusion": {"purpose": "arrest", "offence": "homicide", "max_penalty_years": 30.0},
    "silver": {"offence": "money_laundering", "max_penalty_years": 10.0},
}


def form(kind: str, **changes) -> dict:
    """findings() keyword arguments of a complete, compliant request of ``kind``, with changes."""
    kw = {"provided": frozenset(REQUIRED_FIELDS[kind]), "requester": "FR", **COMPLIANT.get(kind, {})}
    kw.update(changes)
    return kw


def reasons(kind: str, **changes) -> list[str]:
    return [f.reason for f in findings(kind, **form(kind, **changes))]


# --- a clean request ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_complete_compliant_request_of_every_kind_has_no_findings(kind):
    assert findings(kind, **form(kind)) == []


def test_every_request_kind_has_a_form():
    assert set(REQUIRED_FIELDS) == set(REQUEST_KINDS)
    assert set(NOTICE_KINDS) < set(REQUEST_KINDS)


# --- RPD Art. 83: penalty thresholds -------------------------------------------------------------

@pytest.mark.parametrize("years, expected", [
    (0.0, [ART83_PENALTY]), (1.0, [ART83_PENALTY]), (1.99, [ART83_PENALTY]), (1.9999, [ART83_PENALTY]),
    (2.0, []), (2.01, []), (30.0, []),
])
def test_red_prosecution_threshold_is_two_years(years, expected):
    assert reasons("red", purpose="prosecution", max_penalty_years=years) == expected


def test_red_prosecution_without_a_penalty_is_returned_for_completion():
    """RPD: missing judicial data (the penalty) is a gap the NCB completes, not a refusal."""
    found = findings("red", **form("red", max_penalty_years=None))
    assert found == [Finding(DATA_QUALITY, "missing max_penalty_years")]


def test_a_blank_penalty_reads_as_below_the_threshold_only_when_asked():
    found = findings("red", **form("red", max_penalty_years=None), penalty_unknown_is_gap=False)
    assert [f.reason for f in found] == [ART83_PENALTY] and "unknown" in found[0].detail


def test_red_without_purpose_is_judged_as_prosecution():
    assert reasons("red", purpose=None, max_penalty_years=1.99) == [ART83_PENALTY]
    assert reasons("red", purpose=None, max_penalty_years=2.0) == []


@pytest.mark.parametrize("months, expected", [
    (0.0, [ART83_PENALTY]), (5.0, [ART83_PENALTY]), (5.99, [ART83_PENALTY]),
    (6.0, []), (6.01, []), (120.0, []),
])
def test_red_sentence_threshold_is_six_months(months, expected):
    # To serve a sentence, the maximum penalty of the offence does not matter.
    assert reasons("red", purpose="sentence", sentence_months=months, max_penalty_years=None) == expected
    assert reasons("red", purpose="sentence", sentence_months=months, max_penalty_years=1.0) == expected


def test_red_sentence_without_months_is_returned_for_completion():
    """RPD: the remaining sentence left blank is missing judicial data, not a refusal."""
    found = findings("red", **form("red", purpose="sentence", sentence_months=None))
    assert found == [Finding(DATA_QUALITY, "missing sentence_months")]


@pytest.mark.parametrize("years, expected", [(1.99, [ART83_PENALTY]), (2.0, [])])
def test_arrest_diffusion_has_the_red_prosecution_threshold(years, expected):
    assert reasons("diffusion", purpose="arrest", max_penalty_years=years) == expected


@pytest.mark.parametrize("months, expected", [(5.99, [ART83_PENALTY]), (6.0, [])])
def test_arrest_diffusion_with_a_sentence_has_the_six_month_threshold(months, expected):
    assert reasons("diffusion", purpose="arrest", sentence_months=months, max_penalty_years=None) == expected


@pytest.mark.parametrize("purpose", ["locate", "information"])
def test_non_coercive_diffusion_has_no_penalty_threshold(purpose):
    assert reasons("diffusion", purpose=purpose, max_penalty_years=0.5) == []
    assert reasons("diffusion", purpose=purpose, max_penalty_years=None, sentence_months=1.0) == []


@pytest.mark.parametrize("years, expected", [
    (3.0, [SILVER_PENALTY]), (3.99, [SILVER_PENALTY]), (4.0, []), (4.01, []),
])
def test_silver_threshold_is_four_years(years, expected):
    assert reasons("silver", max_penalty_years=years) == expected


def test_silver_without_a_penalty_is_returned_for_completion():
    """Silver Notice rule (≥ 4 years): a blank penalty is asked for, a declared low one refused."""
    assert findings("silver", **form("silver", max_penalty_years=None)) == [
        Finding(DATA_QUALITY, "missing max_penalty_years")]
    assert reasons("silver", max_penalty_years=3.0) == [SILVER_PENALTY]


@pytest.mark.parametrize("kind", ["blue", "yellow", "green", "black", "orange", "purple", "un"])
def test_other_notices_have_no_penalty_threshold(kind):
    assert reasons(kind, max_penalty_years=0.1, sentence_months=0.1) == []


# --- RPD Art. 83: excluded offences --------------------------------------------------------------

@pytest.mark.parametrize("offence", sorted(EXCLUDED_OFFENCES))
def test_excluded_offence_refuses_red_and_arrest_diffusion_only(offence):
    red = findings("red", **form("red", offence=offence))
    assert [f.reason for f in red] == [ART83_EXCLUDED]
    assert EXCLUDED_OFFENCES[offence] in red[0].detail
    assert reasons("diffusion", purpose="arrest", offence=offence) == [ART83_EXCLUDED]
    assert reasons("red", purpose="sentence", sentence_months=12.0, offence=offence) == [ART83_EXCLUDED]
    # Not a coercive request: nothing to say.
    assert reasons("blue", offence=offence) == []
    assert reasons("diffusion", purpose="locate", offence=offence) == []
    assert reasons("diffusion", purpose="information", offence=offence) == []


@pytest.mark.parametrize("offence", OFFENCES)
def test_ordinary_offences_are_not_excluded(offence):
    assert reasons("red", offence=offence) == []
    assert reasons("diffusion", purpose="arrest", offence=offence) == []


def test_excluded_offence_and_low_penalty_are_both_found():
    assert reasons("red", offence="defamation", max_penalty_years=1.0) == [ART83_EXCLUDED, ART83_PENALTY]


# --- Constitution Art. 2 and 3, refugee rule ---------------------------------------------------

@pytest.mark.parametrize("kind", ["red", "diffusion", "blue", "yellow", "silver", "un"])
@pytest.mark.parametrize("character", ARTICLE3_CHARACTERS)
def test_art3_for_every_character(kind, character):
    found = findings(kind, **form(kind, character=character))
    assert [f.reason for f in found] == [ART3]
    assert character in found[0].detail


def test_no_character_no_art3():
    assert reasons("red", character=None) == []


@pytest.mark.parametrize("kind", ["red", "diffusion", "blue", "green"])
def test_art2_human_rights(kind):
    assert reasons(kind, human_rights_risk=True) == [ART2]
    assert reasons(kind, human_rights_risk=False) == []


def test_art2_and_art3_together():
    assert reasons("red", human_rights_risk=True, character="political") == [ART3, ART2]


@pytest.mark.parametrize("kind", ["red", "diffusion", "blue"])
def test_refugee_rule_applies_to_the_feared_country_only(kind):
    assert reasons(kind, requester="FR", refugee_protection_from={"FR"}) == [REFUGEE]
    assert reasons(kind, requester="FR", refugee_protection_from=frozenset({"MA", "FR"})) == [REFUGEE]
    assert reasons(kind, requester="ES", refugee_protection_from={"FR"}) == []
    assert reasons(kind, requester="FR", refugee_protection_from=frozenset()) == []


def test_refugee_rule_detail_names_the_requester():
    (f,) = findings("red", **form("red", requester="MA", refugee_protection_from={"MA"}))
    assert f == Finding(REFUGEE, f.detail) and "MA" in f.detail


# --- data quality --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_each_missing_field_is_listed(kind):
    required = REQUIRED_FIELDS[kind]
    for field in required:
        found = findings(kind, **form(kind, provided=frozenset(required) - {field}))
        assert found == [Finding(DATA_QUALITY, f"missing {field}")], (kind, field)


@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_empty_form_lists_every_required_field_in_order(kind):
    found = findings(kind, **form(kind, provided=frozenset()))
    assert found == [Finding(DATA_QUALITY, "missing " + ", ".join(REQUIRED_FIELDS[kind]))]
    assert missing_fields(kind, set()) == list(REQUIRED_FIELDS[kind])


@pytest.mark.parametrize("kind", [k for k in REQUEST_KINDS if len(REQUIRED_FIELDS[k]) >= 2])
def test_missing_pairs_are_listed_exactly(kind):
    required = REQUIRED_FIELDS[kind]
    dropped = {required[0], required[-1]}
    found = findings(kind, **form(kind, provided=frozenset(required) - dropped))
    assert found == [Finding(DATA_QUALITY, f"missing {required[0]}, {required[-1]}")]


@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_extra_fields_do_not_matter(kind):
    everything = frozenset(f for fs in REQUIRED_FIELDS.values() for f in fs)
    assert findings(kind, **form(kind, provided=everything)) == []


# --- state machines ------------------------------------------------------------------------------

MACHINES = {"notice": NOTICE, "diffusion": DIFFUSION, "arrest": ARREST, "proceedings": PROCEEDINGS}
ALL_ACTIONS = sorted({a for m in MACHINES.values() for _, a in m.table} | {"publish", "arrest", "bogus"})


def _pairs(machine: Machine):
    return [(s, a) for s in sorted(machine.states) for a in ALL_ACTIONS]


@pytest.mark.parametrize("name", MACHINES)
def test_every_transition_leads_where_the_table_says(name):
    m = MACHINES[name]
    for (state, action), (target, event) in m.table.items():
        assert m.next(state, action) == (target, event)
        assert target in m.states
        assert event.split(".")[0] in {"notice", "diffusion", "arrest", "extradition", "subject",
                                               "prosecution"}


@pytest.mark.parametrize("name", MACHINES)
def test_every_other_move_is_illegal(name):
    m = MACHINES[name]
    illegal = 0
    for state, action in _pairs(m):
        if (state, action) in m.table:
            continue
        illegal += 1
        with pytest.raises(IllegalTransition) as err:
            m.next(state, action)
        assert state in str(err.value) and action in str(err.value)
    assert illegal == len(m.states) * len(ALL_ACTIONS) - len(m.table)


@pytest.mark.parametrize("name", MACHINES)
def test_unknown_states_have_no_moves(name):
    m = MACHINES[name]
    for action in ALL_ACTIONS:
        with pytest.raises(IllegalTransition):
            m.next("no_such_state", action)


FINALS = {
    "notice": {"refused", "cancelled", "deleted", "expired"},
    "diffusion": {"purged", "cancelled"},
    "arrest": {"released", "extradited", "kept"},
    "proceedings": {"opened", "declined"},
}


@pytest.mark.parametrize("name", MACHINES)
def test_final_states_have_no_moves(name):
    m = MACHINES[name]
    assert {s for s in m.states if m.final(s)} == FINALS[name]
    for state in FINALS[name]:
        for action in ALL_ACTIONS:
            with pytest.raises(IllegalTransition, match="final state"):
                m.next(state, action)


def test_machine_shapes():
    assert NOTICE.initial == "requested" and DIFFUSION.initial == "circulated" and ARREST.initial == "held"
    assert NOTICE.states == {"requested", "info_requested", "published", "refused", "cancelled", "blocked",
                             "deleted", "expired"}
    assert DIFFUSION.states == {"circulated", "info_requested", "compliant", "purged", "cancelled"}
    assert ARREST.states == {"held", "arrested", "extradition_requested", "extradited", "released", "refused", "kept"}
    assert PROCEEDINGS.initial == "transferred" and PROCEEDINGS.states == {"transferred", "opened", "declined"}


# Every move of the arrest case, with the journal kind it writes: the law after a hit, pair by pair.
ARREST_MOVES = {
    ("held", "confirm"): ("arrested", "arrest.provisional"),  # confirmed, the state can surrender him
    ("held", "release"): ("released", "subject.released"),  # no confirmation, declined, or no longer valid
    ("held", "refuse"): ("refused", "extradition.refused"),  # its national, or no legal basis: no arrest
    ("held", "keep"): ("kept", "arrest.kept"),  # the notice fell, a national warrant holds him
    ("arrested", "request_extradition"): ("extradition_requested", "extradition.requested"),  # read in time
    ("arrested", "release"): ("released", "subject.released"),  # deadline, abandoned, basis lost
    ("arrested", "keep"): ("kept", "arrest.kept"),
    ("extradition_requested", "extradite"): ("extradited", "extradition.completed"),  # basis valid, no ground
    ("extradition_requested", "refuse"): ("refused", "extradition.refused"),  # a ground to refuse
    ("extradition_requested", "release"): ("released", "subject.released"),  # basis lost, abandoned
    ("extradition_requested", "keep"): ("kept", "arrest.kept"),
    ("refused", "release"): ("released", "subject.released"),  # a refusal lets him go...
    ("refused", "keep"): ("kept", "arrest.kept"),  # ...unless the state holds him on its own warrant
}


def test_arrest_case_moves_are_exactly_the_law():
    assert ARREST.table == ARREST_MOVES
    for (state, action), outcome in ARREST_MOVES.items():
        assert ARREST.next(state, action) == outcome
    assert PROCEEDINGS.next("transferred", "open") == ("opened", "prosecution.opened")
    assert PROCEEDINGS.next("transferred", "refuse") == ("declined", "prosecution.refused")
    for state in ("extradited", "released", "kept"):
        with pytest.raises(IllegalTransition):
            ARREST.next(state, "extradite")
    assert not NOTICE.final(NOTICE.initial) and not DIFFUSION.final(DIFFUSION.initial)


def test_every_state_is_reachable_from_the_initial_one():
    for m in MACHINES.values():
        seen, todo = {m.initial}, [m.initial]
        while todo:
            s = todo.pop()
            for (src, _), (dst, _) in m.table.items():
                if src == s and dst not in seen:
                    seen.add(dst)
                    todo.append(dst)
        assert seen == m.states, m.name


def test_visible_states():
    assert {"notice": {"published"}, "diffusion": {"circulated", "info_requested", "compliant"}} == VISIBLE
    assert VISIBLE["notice"] <= NOTICE.states and VISIBLE["diffusion"] <= DIFFUSION.states
    # No final state is visible.
    assert not any(NOTICE.final(s) for s in VISIBLE["notice"])
    assert not any(DIFFUSION.final(s) for s in VISIBLE["diffusion"])


@pytest.mark.parametrize("path, end", [
    (["publish", "challenge", "keep", "cancel"], "cancelled"),
    (["ask_info", "info_supplied", "ask_info", "refuse"], "refused"),
    (["publish", "challenge", "delete"], "deleted"),
    (["publish", "expire"], "expired"),
])
def test_notice_paths(path, end):
    s = NOTICE.initial
    for a in path:
        s, _ = NOTICE.next(s, a)
    assert s == end and NOTICE.final(s)


def test_arrest_paths():
    s, ev = ARREST.next("held", "confirm")
    assert (s, ev) == ("arrested", "arrest.provisional")
    s, ev = ARREST.next(s, "request_extradition")
    assert (s, ev) == ("extradition_requested", "extradition.requested")
    assert ARREST.next(s, "extradite") == ("extradited", "extradition.completed")
    for s in ("held", "arrested", "extradition_requested"):
        assert ARREST.next(s, "release") == ("released", "subject.released")


# --- extradition law (sim/data/extradition.csv) --------------------------------------------------

def test_shared_framework_is_the_basis_both_ways():
    facts = legal_facts()
    # FR and DE share ECE, EAW and EUUS; the first in alphabetical order is named.
    assert legal_basis("FR", "DE", facts) == "EAW"
    assert legal_basis("DE", "FR", facts) == "EAW"
    assert legal_basis("MA", "DZ", facts) == "ARAB"
    assert legal_basis("SN", "ML", facts) == "ECOWAS"


def test_reciprocity_depends_on_the_requested_country():
    facts = legal_facts()
    assert facts["MA"].reciprocity and not facts["US"].reciprocity
    assert not (facts["FR"].frameworks & facts["MA"].frameworks)
    assert legal_basis("FR", "MA", facts) == "reciprocity"  # Morocco extradites on reciprocity
    assert not (facts["MA"].frameworks & facts["US"].frameworks)
    assert legal_basis("MA", "US", facts) is None  # the United States needs a treaty
    assert legal_basis("US", "MA", facts) == "reciprocity"


def test_overrides_win_over_the_data_in_both_directions():
    facts = legal_facts()
    none = {frozenset({"FR", "DE"}): "none"}
    assert legal_basis("FR", "DE", facts, none) is None
    assert legal_basis("DE", "FR", facts, none) is None
    treaty = {frozenset({"MA", "US"}): "treaty"}
    assert legal_basis("MA", "US", facts, treaty) == "treaty"
    assert legal_basis("US", "MA", facts, treaty) == "treaty"
    # An override of another pair changes nothing.
    assert legal_basis("FR", "ES", facts, none) == "EAW"


def test_refuses_national():
    facts = legal_facts()
    assert facts["FR"].extradites_nationals == "eu" and facts["MA"].extradites_nationals == "no"
    assert facts["GB"].extradites_nationals == "yes"
    # Not a national of the requested country: never refused on nationality.
    assert not refuses_national("MA", "FR", "DE", facts)
    assert not refuses_national("MA", "FR", None, facts)
    # "eu": surrendered to an EAW state, not to anyone else.
    assert not refuses_national("DE", "FR", "FR", facts)
    assert refuses_national("MA", "FR", "FR", facts)
    assert refuses_national("US", "FR", "FR", facts)
    # "no" and "yes".
    assert refuses_national("FR", "MA", "MA", facts)
    assert not refuses_national("FR", "GB", "GB", facts)
    # Overrides.
    assert not refuses_national("FR", "MA", "MA", facts, {"MA": "yes"})
    assert refuses_national("GB", "DE", "DE", facts, {"DE": "no"})
    assert refuses_national("MA", "GB", "GB", facts, {"GB": "eu"})
    assert not refuses_national("FR", "DE", "DE", facts, {"MA": "no"})
