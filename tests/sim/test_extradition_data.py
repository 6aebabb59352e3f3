"""Checks on the shipped extradition data: sim/data/extradition.csv against sim/data/members.csv.

Both files are read directly with the csv module (lines starting with '#' are comments), so these
tests do not depend on any loader code in the package.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import read_data_csv

DATA_DIR = Path(__file__).resolve().parents[2] / "sim" / "data"
MEMBERS_CSV = DATA_DIR / "members.csv"
EXTRADITION_CSV = DATA_DIR / "extradition.csv"

COLUMNS = ["iso2", "extradites_nationals", "frameworks", "reciprocity", "border_system", "transit_check", "api_pnr"]
EXTRADITES_NATIONALS = {"yes", "no", "eu"}
RECIPROCITY = {"yes", "no"}
BORDER_SYSTEMS = {"find", "mind", "none"}
FRAMEWORKS = {"ECE", "EAW", "ECOWAS", "ARAB", "CIS", "LONDON", "IAC", "MONTEVIDEO", "SADC", "EUUS"}

EU = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip
ECOWAS = {"BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "NE", "NG", "SN", "SL", "TG"}


_read = read_data_csv


@pytest.fixture(scope="module")
def data() -> tuple[list[str], list[str], list[dict[str, str]]]:
    return _read(EXTRADITION_CSV)


@pytest.fixture(scope="module")
def rows(data: tuple[list[str], list[str], list[dict[str, str]]]) -> list[dict[str, str]]:
    return data[2]


@pytest.fixture(scope="module")
def by_iso2(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["iso2"]: row for row in rows}


def _frameworks(row: dict[str, str]) -> list[str]:
    return row["frameworks"].split(";") if row["frameworks"] else []


# --- file layout -------------------------------------------------------------------------------


def test_header_columns(data: tuple[list[str], list[str], list[dict[str, str]]]) -> None:
    assert data[1] == COLUMNS


def test_comment_header_names_sources_and_assumptions(data: tuple[list[str], list[str], list[dict[str, str]]]) -> None:
    comments = data[0]
    assert comments, "data file should start with '# ' comment lines naming its sources"
    assert all(line.startswith("# ") or line == "#" for line in comments)
    text = "\n".join(comments).lower()
    assert "sources:" in text
    for src in ("interpol.int", "coe.int", "eur-lex", "oas.org", "ecowas", "commonwealth", "minsk", "sadc"):
        assert src in text, src
    assert "not legal advice" in text
    assert "simulation" in text
    assert "approximation" in text
    assert "modelling assumption" in text


def test_comments_come_before_data() -> None:
    lines = [line for line in EXTRADITION_CSV.read_text(encoding="utf-8").splitlines() if line.strip()]
    first_data = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    assert first_data > 0
    assert not any(line.startswith("#") for line in lines[first_data:])


def test_same_members_in_same_order(rows: list[dict[str, str]]) -> None:
    members = [row["iso2"] for row in _read(MEMBERS_CSV)[2]]
    codes = [row["iso2"] for row in rows]
    assert len(codes) == 196
    assert codes == members
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)


# --- value domains -----------------------------------------------------------------------------


def test_value_domains(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert row["extradites_nationals"] in EXTRADITES_NATIONALS, row["iso2"]
        assert row["reciprocity"] in RECIPROCITY, row["iso2"]
        assert row["border_system"] in BORDER_SYSTEMS, row["iso2"]
        assert row["transit_check"] in ("yes", "no"), row["iso2"]
        assert row["api_pnr"] in ("yes", "no"), row["iso2"]


def test_framework_tokens_in_vocabulary(rows: list[dict[str, str]]) -> None:
    for row in rows:
        tokens = _frameworks(row)
        assert all(tokens), row["iso2"]  # no empty tokens, no stray ';'
        assert len(set(tokens)) == len(tokens), row["iso2"]
        assert set(tokens) <= FRAMEWORKS, (row["iso2"], set(tokens) - FRAMEWORKS)
        assert "ASEAN" not in tokens, row["iso2"]


def test_every_framework_has_at_least_two_members(rows: list[dict[str, str]]) -> None:
    counts = Counter(token for row in rows for token in _frameworks(row))
    for framework in FRAMEWORKS:
        assert counts[framework] >= 2, framework


# --- known facts -------------------------------------------------------------------------------


def test_eu_states(by_iso2: dict[str, dict[str, str]]) -> None:
    assert len(EU) == 27
    for iso2 in EU:
        row = by_iso2[iso2]
        assert {"EAW", "ECE"} <= set(_frameworks(row)), iso2
        assert row["border_system"] == "find", iso2


def test_transit_and_api_columns_match_their_documented_approximation(by_iso2: dict[str, dict[str, str]]) -> None:
    """The United States and Canada check connecting passengers; an airside hub such as Dubai does not.
    API/PNR covers the EU (Directive 2016/681) and the states named in the file's comment."""
    assert {c for c, row in by_iso2.items() if row["transit_check"] == "yes"} == {"US", "CA"}
    api = {c for c, row in by_iso2.items() if row["api_pnr"] == "yes"}
    assert api >= EU
    assert {"GB", "US", "CA", "AU", "AE", "SA", "QA"} <= api
    assert not api & {"MA", "SN", "NG", "AF"}


def test_eaw_is_exactly_the_eu(rows: list[dict[str, str]]) -> None:
    assert {row["iso2"] for row in rows if "EAW" in _frameworks(row)} == EU


def test_eu_only_surrender_is_for_eu_states(rows: list[dict[str, str]]) -> None:
    assert {row["iso2"] for row in rows if row["extradites_nationals"] == "eu"} <= EU


def test_ecowas_states(by_iso2: dict[str, dict[str, str]]) -> None:
    assert len(ECOWAS) == 15
    for iso2 in ECOWAS:
        assert "ECOWAS" in _frameworks(by_iso2[iso2]), iso2


@pytest.mark.parametrize(
    ("iso2", "value"),
    [("DE", "eu"), ("FR", "eu"), ("BR", "no"), ("RU", "no"), ("US", "yes"), ("GB", "yes")],
)
def test_extradites_nationals_spot_checks(by_iso2: dict[str, dict[str, str]], iso2: str, value: str) -> None:
    assert by_iso2[iso2]["extradites_nationals"] == value
