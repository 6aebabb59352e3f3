"""Borders as a traveller meets them: airside transit at a hub, and advance passenger information.

A passenger who changes planes in a country without entering it stays airside and meets no border
post there — unless the country checks every connecting passenger (``transit_check`` in
sim/data/extradition.csv: the United States, Canada) or the route needs an entry (arriving by air
and going on by land or sea, or flying on into the Schengen area, whose external border is passed
at the first Schengen airport). A country with API/PNR (``api_pnr``) screens the passengers of a
flight at departure, before they land, so its NCB may know of a hit before the person arrives;
what the hit leads to still happens at the border on arrival.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..world.legal import checked_crossing

if TYPE_CHECKING:
    from ..world.legal import LegalFacts

AIR = "air"

# How a subject passes a country on the way to a stop of the plan (subject.moved ``transit``).
AIRSIDE = "airside"  # stays in the international transit area: no border check
CHECKED = "checked"  # the country checks connecting passengers (no airside transit there)
ENTRY = "entry"  # the route needs an entry into the country (a change of mode, or into Schengen)


def transit(previous: str, here: str, onward: str, mode_in: str, mode_out: str,
            facts: dict[str, LegalFacts]) -> str:
    """How a subject who arrives in ``here`` from ``previous`` and goes straight on to ``onward``
    passes through it. Scenario-made routes (mode ``scenario``) are not known to be flights, so
    they need an entry."""
    if mode_in != AIR or mode_out != AIR:
        return ENTRY
    if not (checked_crossing(previous, here) and checked_crossing(here, onward)):
        # Into or out of the Schengen area through one of its airports: the external border is there.
        return ENTRY
    if facts[here].transit_check:
        return CHECKED
    return AIRSIDE


def screens_in_advance(country: str, mode: str, facts: dict[str, LegalFacts]) -> bool:
    """Whether ``country`` receives the passenger data of a leg arriving by ``mode`` before arrival."""
    return mode == AIR and facts[country].api_pnr
