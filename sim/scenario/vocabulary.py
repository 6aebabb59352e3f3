"""Closed vocabularies of scenario fields that journal events carry too: declared here, read by the
scenario model (as the fields' choices) and by the event registry (as the events' allowed values),
so neither has to import the other."""

from __future__ import annotations

FLEES_ON = ("public_extract", "associate_arrest")  # pressure that makes a subject move on at once
OPERATION_KINDS = ("pangea", "liberterra", "haechi", "first_light", "lionfish", "custom")
INCIDENT_KINDS = ("disaster", "terror_attack", "mass_casualty", "crime")
