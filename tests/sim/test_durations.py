"""Human durations: parse and format are exact inverses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.durations import format_duration, format_minutes, parse_duration


@given(st.integers(0, 10 ** 9), st.sampled_from([1, 2, 4]))
def test_format_then_parse_round_trips(seconds, divisor):
    td = timedelta(seconds=seconds / divisor)
    assert parse_duration(format_duration(td)) == td


@pytest.mark.parametrize("text, minutes", [("90m", 90), ("36h", 2160), ("3d", 4320), ("2w", 20160),
                                           ("1d12h", 2160), ("1.5h", 90), ("1d 12h", 2160), ("30s", 0.5)])
def test_parse(text, minutes):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("bad", ["", "h", "3", "-3h", "3H", "1e5w", "3 hours", 3, True, None])
def test_parse_refuses(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_format_minutes_for_people():
    assert [format_minutes(m) for m in (5, 65, 1505, float("inf"))] == ["5m", "1h 05m", "1d 1h 05m", "never"]
