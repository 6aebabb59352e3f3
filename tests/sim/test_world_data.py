"""Checks on the shipped world data: sim/data/members.csv and sim/data/offices.csv.

The files are read directly with the csv module (lines starting with '#' are comments), so these
tests do not depend on any loader code in the package.
"""

from __future__ import annotations

import math
import zoneinfo
from pathlib import Path

import pycountry
import pytest
from conftest import read_data_csv

DATA_DIR = Path(__file__).resolve().parents[2] / "sim" / "data"
MEMBERS_CSV = DATA_DIR / "members.csv"
OFFICES_CSV = DATA_DIR / "offices.csv"

MEMBER_COLUMNS = ["iso2", "iso3", "name", "ncb_city", "lat", "lon", "timezone", "region", "languages", "bureau"]
OFFICE_COLUMNS = ["id", "kind", "name", "city", "country", "lat", "lon", "timezone"]
REGIONS = {"Africa", "Americas", "Asia & South Pacific", "Europe", "Middle East & North Africa"}
LANGUAGES = {"ar", "en", "fr", "es"}
BUREAUS = {"RB-BUE", "RB-SAL", "RB-YAO", "RB-ABJ", "RB-NBO", "RB-HRE"}
OFFICE_IDS = {
    "GS",
    "CCC-LYS",
    "CCC-BUE",
    "CCC-SIN",
    "IGCI",
    "RB-BUE",
    "RB-SAL",
    "RB-YAO",
    "RB-ABJ",
    "RB-NBO",
    "RB-HRE",
    "LO-BKK",
    "SRO-AU",
    "SRO-EU",
    "SRO-UN",
    "LO-UNODC",
    "LO-EUROPOL",
    "LO-BGI",
}
TIMEZONES = zoneinfo.available_timezones()


_read = read_data_csv


@pytest.fixture(scope="module")
def members() -> list[dict[str, str]]:
    return _read(MEMBERS_CSV)[2]


@pytest.fixture(scope="module")
def by_iso2(members: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["iso2"]: row for row in members}


@pytest.fixture(scope="module")
def offices() -> list[dict[str, str]]:
    return _read(OFFICES_CSV)[2]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


# --- file layout -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "columns"), [(MEMBERS_CSV, MEMBER_COLUMNS), (OFFICES_CSV, OFFICE_COLUMNS)])
def test_header_and_source_comments(path: Path, columns: list[str]) -> None:
    comments, header, _ = _read(path)
    assert header == columns
    assert comments, "data file should start with '# ' comment lines naming its sources"
    assert all(line.startswith("# ") or line == "#" for line in comments)
    text = "\n".join(comments).lower()
    assert "source" in text
    assert any(src in text for src in ("interpol.int", "pycountry", "geonames", "iana"))


def test_members_header_names_all_sources() -> None:
    text = "\n".join(_read(MEMBERS_CSV)[0]).lower()
    for src in ("interpol.int", "pycountry", "geonames", "wikipedia", "iana", "approximation"):
        assert src in text, src


# --- members -----------------------------------------------------------------------------------


def test_exactly_196_members(members: list[dict[str, str]]) -> None:
    assert len(members) == 196


def test_rows_sorted_by_iso2(members: list[dict[str, str]]) -> None:
    codes = [row["iso2"] for row in members]
    assert codes == sorted(codes)


def test_iso_codes_unique_and_known(members: list[dict[str, str]]) -> None:
    iso2 = [row["iso2"] for row in members]
    iso3 = [row["iso3"] for row in members]
    assert len(set(iso2)) == len(iso2)
    assert len(set(iso3)) == len(iso3)
    for row in members:
        country = pycountry.countries.get(alpha_2=row["iso2"])
        assert country is not None, row["iso2"]
        assert country.alpha_3 == row["iso3"], row["iso2"]


def test_names_and_cities_present(members: list[dict[str, str]]) -> None:
    for row in members:
        assert row["name"].strip() == row["name"] and row["name"], row["iso2"]
        assert row["ncb_city"].strip() == row["ncb_city"] and row["ncb_city"], row["iso2"]


def test_member_timezones_valid(members: list[dict[str, str]]) -> None:
    bad = {row["iso2"]: row["timezone"] for row in members if row["timezone"] not in TIMEZONES}
    assert not bad


def test_regions_allowed(members: list[dict[str, str]]) -> None:
    assert {row["region"] for row in members} == REGIONS


def test_languages_subset_of_working_languages(members: list[dict[str, str]]) -> None:
    for row in members:
        langs = row["languages"].split(";")
        assert langs and all(langs), row["iso2"]
        assert len(set(langs)) == len(langs), row["iso2"]
        assert set(langs) <= LANGUAGES, row["iso2"]


def test_bureaus(members: list[dict[str, str]]) -> None:
    served = set()
    for row in members:
        assert row["bureau"] == "" or row["bureau"] in BUREAUS, row["iso2"]
        if row["bureau"]:
            served.add(row["bureau"])
    assert served == BUREAUS, "every regional bureau should serve at least one country"


def test_coordinates_in_range(members: list[dict[str, str]]) -> None:
    for row in members:
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -90 <= lat <= 90, row["iso2"]
        assert -180 <= lon <= 180, row["iso2"]


def test_membership_edge_cases(by_iso2: dict[str, dict[str, str]]) -> None:
    for non_member in ("KP", "TV", "XK", "TW", "EH"):
        assert non_member not in by_iso2, non_member
    for member in ("PS", "VA", "AW", "CW", "SX", "PW"):
        assert member in by_iso2, member


def test_ncb_cities_not_in_capital(by_iso2: dict[str, dict[str, str]]) -> None:
    assert by_iso2["GB"]["ncb_city"] == "Manchester"
    assert by_iso2["DE"]["ncb_city"] == "Wiesbaden"
    assert by_iso2["GB"]["timezone"] == "Europe/London"
    assert by_iso2["DE"]["timezone"] == "Europe/Berlin"


# Spot checks against well-known reference points: (iso2, ref lat, ref lon, max km).
SPOT_CHECKS = [
    ("FR", 48.8566, 2.3522, 1000),  # Paris
    ("GB", 51.5074, -0.1278, 400),  # London
    ("DE", 52.5200, 13.4050, 700),  # Berlin
    ("US", 38.9072, -77.0369, 50),  # Washington
    ("BR", -15.7939, -47.8828, 50),  # Brasília
    ("AU", -35.2809, 149.1300, 50),  # Canberra
    ("JP", 35.6762, 139.6503, 50),  # Tokyo
    ("ZA", -25.7479, 28.2293, 100),  # Pretoria
    ("AR", -34.6037, -58.3816, 50),  # Buenos Aires
    ("NZ", -41.2865, 174.7762, 50),  # Wellington
    ("SG", 1.3521, 103.8198, 30),  # Singapore
]


@pytest.mark.parametrize(("iso2", "ref_lat", "ref_lon", "max_km"), SPOT_CHECKS)
def test_coordinates_spot_checks(
    by_iso2: dict[str, dict[str, str]], iso2: str, ref_lat: float, ref_lon: float, max_km: float
) -> None:
    row = by_iso2[iso2]
    assert _km(float(row["lat"]), float(row["lon"]), ref_lat, ref_lon) <= max_km


def test_hemisphere_signs(by_iso2: dict[str, dict[str, str]]) -> None:
    # Guards against swapped lat/lon or dropped minus signs.
    def sign(iso2: str) -> tuple[bool, bool]:
        return float(by_iso2[iso2]["lat"]) > 0, float(by_iso2[iso2]["lon"]) > 0

    assert sign("CA") == (True, False)
    assert sign("CL") == (False, False)
    assert sign("IN") == (True, True)
    assert sign("MG") == (False, True)
    assert sign("WS") == (False, False)
    assert sign("FJ") == (False, True)


# --- offices -----------------------------------------------------------------------------------


def test_office_ids(offices: list[dict[str, str]]) -> None:
    ids = [row["id"] for row in offices]
    assert len(set(ids)) == len(ids)
    assert set(ids) == OFFICE_IDS


def test_offices_in_member_countries(offices: list[dict[str, str]], by_iso2: dict[str, dict[str, str]]) -> None:
    for row in offices:
        assert row["country"] in by_iso2 or (row["id"] == "GS" and row["country"] == "FR"), row["id"]


def test_office_timezones_and_coordinates(offices: list[dict[str, str]]) -> None:
    for row in offices:
        assert row["timezone"] in TIMEZONES, row["id"]
        assert -90 <= float(row["lat"]) <= 90, row["id"]
        assert -180 <= float(row["lon"]) <= 180, row["id"]


def test_office_kinds(offices: list[dict[str, str]]) -> None:
    kinds = {row["id"]: row["kind"] for row in offices}
    assert kinds["GS"] == "general-secretariat"
    assert kinds["IGCI"] == "igci"
    assert {i for i, k in kinds.items() if k == "ccc"} == {"CCC-LYS", "CCC-BUE", "CCC-SIN"}
    assert {i for i, k in kinds.items() if k == "regional-bureau"} == BUREAUS
    assert {i for i, k in kinds.items() if k == "special-representative"} == {"SRO-AU", "SRO-EU", "SRO-UN"}
    assert {i for i, k in kinds.items() if k == "liaison-office"} == {"LO-BKK", "LO-UNODC", "LO-EUROPOL", "LO-BGI"}


def test_regional_bureaus_sit_in_a_country_they_serve(
    offices: list[dict[str, str]], by_iso2: dict[str, dict[str, str]]
) -> None:
    for row in offices:
        if row["kind"] == "regional-bureau":
            assert by_iso2[row["country"]]["bureau"] == row["id"], row["id"]
