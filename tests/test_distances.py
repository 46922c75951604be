"""Tests for dashboard.geo's distances and radius filters (geodesic, vectorised, NaN-safe)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import geo

latitudes = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)


# 150 draws of up to 20 points anywhere on the globe: ~1,500 pairs checked against geopy a run.
@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(st.tuples(latitudes, longitudes), min_size=1, max_size=20),
    centre=st.tuples(latitudes, longitudes),
)
def test_distances_match_geopy_geodesic(points, centre):
    """Test that vectorised distances are within 0.01 % (+1 mm) of geopy's geodesic."""
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    result = geo.distances_km(lat, lon, *centre)
    expected = np.array([geodesic(p, centre).km for p in points])
    assert result.shape == lat.shape
    np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((50.4501, 30.5234), (49.9935, 36.2304), 410.3),  # Kyiv - Kharkiv
        ((50.4501, 30.5234), (52.0705, 4.3007), 1829.2),  # Kyiv - The Hague
        ((0.0, 0.0), (0.0, 0.0), 0.0),
        ((0.0, 0.0), (0.5, 179.7), 19_944.1),  # near-antipodal: exact fallback
    ],
)
def test_distances_known_pairs(a, b, km):
    """Test a few distances against known geodesic values (to 0.1 km)."""
    assert float(geo.distances_km(a[0], a[1], *b)) == pytest.approx(km, abs=0.1)


def test_distances_are_nan_safe_and_accept_series():
    """Test that missing, unparsable and out-of-range coordinates give NaN, not errors."""
    lat = pd.Series([50.45, None, "x", 95.0, 46.48], dtype=object)
    lon = pd.Series([30.52, 30.0, 30.0, 30.0, 30.73], dtype=object)
    result = geo.distances_km(lat, lon, 50.45, 30.52)
    assert isinstance(result, np.ndarray)
    assert result[0] == pytest.approx(0.0, abs=1e-6)
    assert np.isnan(result[1:4]).all()
    assert result[4] == pytest.approx(geodesic((46.48, 30.73), (50.45, 30.52)).km, rel=1e-4)


def test_distances_accept_nullable_float_dtype():
    """Test that pandas' nullable Float64 with pd.NA works."""
    lat = pd.Series([50.45, pd.NA], dtype="Float64")
    lon = pd.Series([30.52, pd.NA], dtype="Float64")
    result = geo.distances_km(lat, lon, 50.0, 30.0)
    assert not np.isnan(result[0]) and np.isnan(result[1])


centres = st.tuples(
    st.floats(min_value=-70, max_value=70, allow_nan=False),
    st.floats(min_value=-179, max_value=179, allow_nan=False),
)


@st.composite
def frames_around(draw):
    """A frame of points scattered around a centre, some exactly on the radius, some NaN."""
    lat0, lon0 = draw(centres)
    radius = draw(st.floats(min_value=0.0, max_value=800.0, allow_nan=False))
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        kind = draw(st.sampled_from(["near", "edge", "nan"]))
        if kind == "nan":
            rows.append((float("nan"), draw(longitudes)))
        elif kind == "edge":
            factor = draw(st.floats(min_value=0.999, max_value=1.001))
            bearing = draw(st.floats(min_value=0, max_value=360))
            point = geodesic(kilometers=radius * factor).destination((lat0, lon0), bearing)
            rows.append((point.latitude, point.longitude))
        else:
            rows.append(
                (
                    min(89.9, max(-89.9, lat0 + draw(st.floats(-8, 8)))),
                    lon0 + draw(st.floats(-8, 8)),
                )
            )
    frame = pd.DataFrame(rows, columns=["lat", "lon"], dtype=float)
    return frame, lat0, lon0, radius


# 75 frames of up to 25 points, a third of them within 0.1 % of the radius: some 300 edge
# points a run, new ones each run (300 frames took 1.5 s of CPU for little more assurance).
@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames_around())
def test_within_radius_agrees_with_geodesic(case):
    """Test that kept rows lie within the radius and dropped rows outside, per geopy."""
    frame, lat0, lon0, radius = case
    before = frame.copy()
    mask = geo.within_radius(frame, lat0, lon0, radius)
    assert mask.dtype == bool and mask.index.equals(frame.index)
    for (lat, lon), kept in zip(frame.itertuples(index=False), mask, strict=True):
        if np.isnan(lat) or np.isnan(lon):
            assert not kept
        else:
            assert kept == (geodesic((lat, lon), (lat0, lon0)).km <= radius)
    pd.testing.assert_frame_equal(frame, before)


def test_within_radius_uses_named_columns_and_rejects_bad_radius():
    """Test lat_col/lon_col and that a negative radius raises ValueError."""
    frame = pd.DataFrame({"y": [50.45, 49.99], "x": [30.52, 36.23]}, index=[7, 9])
    mask = geo.within_radius(frame, 50.45, 30.52, 50, lat_col="y", lon_col="x")
    assert mask.to_dict() == {7: True, 9: False}
    with pytest.raises(ValueError, match="radius"):
        geo.within_radius(frame, 50.45, 30.52, -1, lat_col="y", lon_col="x")


def test_with_distance_km_returns_new_frame_rounded():
    """Test that with_distance_km adds distance_km to a copy, rounded to 0.1 km."""
    frame = pd.DataFrame({"lat": [50.4501, np.nan], "lon": [30.5234, 30.0]})
    before = frame.copy()
    result = geo.with_distance_km(frame, 49.9935, 36.2304)
    assert "distance_km" not in frame.columns
    pd.testing.assert_frame_equal(frame, before)
    assert result["distance_km"].iloc[0] == round(result["distance_km"].iloc[0], 1)
    assert result["distance_km"].iloc[0] == pytest.approx(410.3, abs=0.05)
    assert np.isnan(result["distance_km"].iloc[1])


def test_empty_frame_gives_empty_mask():
    """Test that an empty frame gives an empty boolean mask."""
    frame = pd.DataFrame({"lat": [], "lon": []})
    assert geo.within_radius(frame, 50, 30, 10).empty
    assert "distance_km" in geo.with_distance_km(frame, 50, 30).columns
