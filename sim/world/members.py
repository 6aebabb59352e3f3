"""The shipped world: INTERPOL's 196 member countries with their NCBs, and the offices.

Loaded once from ``sim/data/*.csv`` (sources are in those files' comment headers).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

REGIONS = ("Africa", "Americas", "Asia & South Pacific", "Europe", "Middle East & North Africa")
LANGUAGES = {"ar": "Arabic", "en": "English", "fr": "French", "es": "Spanish"}


@dataclass(frozen=True, slots=True)
class Member:
    """A member country and its National Central Bureau."""

    iso2: str
    iso3: str
    name: str
    ncb_city: str
    lat: float
    lon: float
    timezone: str
    region: str
    languages: tuple[str, ...]
    bureau: str  # regional bureau id, "" when none serves the country


@dataclass(frozen=True, slots=True)
class Office:
    """General Secretariat, CCC sites, IGCI, regional bureaus, liaison and representative offices."""

    id: str
    kind: str
    name: str
    city: str
    country: str
    lat: float
    lon: float
    timezone: str


def _text(filename: str) -> str:
    # Imported here: REGIONS is wanted by commands that must start fast (``ncbsim world --help``).
    from importlib import resources

    return resources.files("sim.data").joinpath(filename).read_text(encoding="utf-8")


def _rows(filename: str) -> list[dict[str, str]]:
    import csv

    lines = [ln for ln in _text(filename).splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def data_sources(filename: str = "members.csv") -> list[str]:
    text = _text(filename)
    return [ln[1:].strip() for ln in text.splitlines() if ln.startswith("#")]


@lru_cache(maxsize=1)
def all_members() -> dict[str, Member]:
    out: dict[str, Member] = {}
    for r in _rows("members.csv"):
        out[r["iso2"]] = Member(
            iso2=r["iso2"], iso3=r["iso3"], name=r["name"], ncb_city=r["ncb_city"],
            lat=float(r["lat"]), lon=float(r["lon"]), timezone=r["timezone"], region=r["region"],
            languages=tuple(x for x in r["languages"].split(";") if x), bureau=r["bureau"],
        )
    return dict(sorted(out.items()))


@lru_cache(maxsize=1)
def all_offices() -> dict[str, Office]:
    return {
        r["id"]: Office(id=r["id"], kind=r["kind"], name=r["name"], city=r["city"],
                        country=r["country"], lat=float(r["lat"]), lon=float(r["lon"]),
                        timezone=r["timezone"])
        for r in _rows("offices.csv")
    }
