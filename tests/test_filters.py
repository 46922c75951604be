"""Tests for the shared filters and their URL form."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import geo
from dashboard.filters import (
    DEFAULT_RADIUS_KM,
    Filters,
    Rejected,
    parse_case,
    parse_kind,
    parse_place,
)


def _ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["event_id"])


def test_empty_filters_keep_everything(events):
    """Test that the default filters are the identity and return a new frame."""
    kept = Filters().apply(events)
    assert _ids(kept) == _ids(events) and kept is not events


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(start=date(2023, 1, 1)), ["STA-0001", "STA-0002", "STR-0001"]),
        (Filters(end=date(2022, 4, 30)), ["STR-0003", "VIS-0001"]),
        (Filters(start=date(2023, 1, 14), end=date(2023, 1, 14)), ["STR-0001"]),
        (Filters(kinds=("visit", "statement")), ["STA-0001", "STA-0002", "VIS-0001"]),
        (Filters(oblasts=("UA-65",)), ["DEP-0001"]),
        (Filters(oblasts=("UA-12", "UA-14")), ["STR-0001", "STR-0003"]),
        (Filters(q="KH-22"), ["STR-0001"]),
        (Filters(q="херсон"), ["DEP-0001"]),
        (Filters(q="peskov"), ["STA-0002"]),
        (Filters(q="no such words"), []),
        (Filters(kinds=("strike",), q="kyiv"), ["STR-0002"]),
    ],
)
def test_each_filter_narrows_as_named(events, filters, expected):
    """Test each filter (and a combination) against hand-picked expected ids."""
    assert _ids(filters.apply(events)) == expected


def test_multi_day_event_passes_when_any_day_is_in_range(events):
    """Test that an event from 1 to 5 November is kept by a window starting 3 November."""
    kept = Filters(start=date(2022, 11, 3), end=date(2022, 11, 30)).apply(events)
    assert _ids(kept) == ["DEP-0001"]


def test_near_adds_distances_and_keeps_the_radius(events):
    """Test that near=Bucha keeps the Bucha visit, drops Dnipro, and reports distances."""
    kept = Filters(near=parse_place("Bucha"), radius_km=30).apply(events)
    assert "distance_km" in kept
    assert (kept["distance_km"] <= 30).all()
    assert "VIS-0001" in set(kept["event_id"]) and "STR-0001" not in set(kept["event_id"])
    wider = Filters(near=parse_place("Bucha"), radius_km=500).apply(events)
    assert {"STR-0001", "STR-0002"} <= set(wider["event_id"])


@given(lat=st.floats(44.5, 52.0), lon=st.floats(22.5, 40.0), radius=st.floats(1, 800))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # events is read-only
def test_near_keeps_inside_and_drops_outside(events, lat, lon, radius):
    """Property: every kept row is within the radius of the centre, every dropped row outside."""
    centre = geo.Place("probe", lat, lon, "", "UA", None, "test")
    kept = set(Filters(near=centre, radius_km=radius).apply(events)["event_id"])
    for row in events.itertuples():
        distance = geodesic((lat, lon), (row.lat, row.lon)).km
        assert (row.event_id in kept) == (distance <= radius)


def test_query_params_round_trip():
    """Test that to_query_params and from_query_params are inverses for a full view."""
    original = Filters(
        date(2022, 3, 1),
        date(2023, 3, 31),
        ("strike", "visit"),
        ("UA-32",),
        "school",
        parse_place("Bucha"),
        50.0,
        True,
        parse_case("kobylash-sokolov"),
        "STR-0001",
    )
    params = {k: v if isinstance(v, list) else [v] for k, v in original.to_query_params().items()}
    parsed, notices = Filters.from_query_params(params)
    assert parsed == original and notices == []


def test_defaults_are_left_out_of_the_url():
    """Test that an unfiltered view has a clean URL and the default radius is implied."""
    assert Filters().to_query_params() == {}
    bucha = parse_place("Bucha")
    assert "radius_km" not in Filters(near=bucha, radius_km=DEFAULT_RADIUS_KM).to_query_params()
    assert Filters(radius_km=5, vague=True).to_query_params() == {}  # both mean nothing alone


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"start": ["2023-02-30"]}, "start", "not a date"),
        ({"end": ["soon"]}, "end", "not a date"),
        ({"start": ["2023-05-01"], "end": ["2023-01-01"]}, "end", "before start"),
        ({"kind": ["strike", "rumour"]}, "kind", "use one of"),
        ({"oblast": ["UA-99"]}, "oblast", "not an oblast"),
        ({"oblast": ["Narnia"]}, "oblast", "not an oblast"),
        ({"q": ["x" * 500]}, "q", "longer than"),
        ({"near": ["Qwxzvbnm"]}, "near", "no such place"),
        ({"radius_km": ["-4"]}, "radius_km", "kilometres"),
        ({"radius_km": ["nan"]}, "radius_km", "kilometres"),
        ({"radius_km": ["1e9"]}, "radius_km", "kilometres"),
        ({"event": ["<script>"]}, "event", "not an event id"),
    ],
)
def test_garbage_falls_back_to_default_with_notice(params, field, fragment):
    """Test that each bad value resets only its own filter and says why."""
    filters, notices = Filters.from_query_params(params)
    assert len(notices) == 1
    assert notices[0].startswith(f"Ignored {field}=") and fragment in notices[0]
    default = Filters()
    if field == "kind":
        assert filters.kinds == ("strike",)
    elif field == "end" and "start" in params:
        assert filters.end is None and filters.start == date(2023, 5, 1)
    else:
        attribute = {"kind": "kinds", "oblast": "oblasts"}.get(field, field)
        assert getattr(filters, attribute) == getattr(default, attribute)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("UA-32", "UA-32"),
        ("ua-32", "UA-32"),
        ("Kyiv Oblast", "UA-32"),
        ("Kherson Oblast", "UA-65"),
        ("Crimea", "UA-43"),
        ("Sevastopol", "UA-40"),
    ],
)
def test_oblast_values_are_normalised_to_iso(raw, code):
    """Test that oblast names and codes in the URL become ISO 3166-2 codes."""
    filters, notices = Filters.from_query_params({"oblast": [raw]})
    assert filters.oblasts == (code,) and notices == []


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("strike", "strike"),
        ("Strikes", "strike"),
        ("deportations", "deportation"),
        ("VISIT", "visit"),
        ("statements", "statement"),
    ],
)
def test_parse_kind_accepts_names_labels_and_files(raw, kind):
    """Test that kinds may be written as in the UI, the file name or the schema."""
    assert parse_kind(raw) == kind


def test_parse_kind_rejects_other_words():
    """Test that a word that names no kind is rejected with the kinds to use."""
    with pytest.raises(Rejected, match="use one of strike"):
        parse_kind("bombs")
