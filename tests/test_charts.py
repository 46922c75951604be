"""Tests for the figures: they are checked through fig.data and fig.layout."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import charts, schema

SQUARE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "UA-12", "properties": {"iso_3166_2": "UA-12"},
     "geometry": {"type": "Polygon", "coordinates": [[[34, 47], [36, 47], [36, 49], [34, 49],
                                                      [34, 47]]]}}]}


def test_counts_by_period_counts_each_kind(events):
    """Test that monthly counts add up to the events and split by kind."""
    counts = charts.counts_by_period(events, "month")
    assert counts["count"].sum() == len(events)
    march = counts[(counts["period"] == pd.Timestamp("2023-03-01"))
                   & (counts["kind"] == "statement")]
    assert int(march["count"].iloc[0]) == 2


@pytest.mark.parametrize("freq", list(charts.PERIODS))
def test_timeline_bars_stack_every_present_kind(events, freq):
    """Test that the timeline draws one stacked bar trace per kind present."""
    fig = charts.timeline_figure(events, freq)
    assert fig.layout.barmode == "stack"
    assert {trace.name for trace in fig.data} == set(schema.KIND_LABELS.values())
    assert sum(sum(trace.y) for trace in fig.data) == len(events)


def test_timeline_marks_milestones(events):
    """Test that legal milestones become dashed lines with their titles."""
    milestones = charts.legal_milestones(events)
    fig = charts.timeline_figure(events, "month", milestones)
    assert list(milestones["event_id"]) == ["STA-0001"]
    assert len(fig.layout.shapes) == 1
    assert fig.layout.annotations[0].text.startswith("Test arrest")


def test_milestones_of_a_view_without_statements_is_empty(events):
    """Test that a view holding no statements gives an empty milestone table, not a KeyError."""
    milestones = charts.legal_milestones(events[events["kind"] == "strike"])
    assert milestones.empty and list(milestones.columns) == ["date", "title", "event_id"]

def test_lanes_one_trace_per_kind_with_ids(events):
    """Test that the overview lanes carry each event's id for hover and linking."""
    fig = charts.lanes_figure(events)
    ids = [row[0] for trace in fig.data for row in trace.customdata]
    assert sorted(ids) == sorted(events["event_id"])


def test_lanes_show_only_the_kinds_present(events):
    """Test that a kind filtered out leaves no empty lane label behind (regression)."""
    fig = charts.lanes_figure(events[events["kind"] == "strike"])
    assert list(fig.layout.yaxis.categoryarray) == ["Strikes"]


def test_lanes_aggregate_per_week_when_many_rows(events):
    """Test that above the point limit the lanes send weekly counts, not raw rows."""
    many = pd.concat([events] * (charts.LANE_POINT_LIMIT // len(events) + 1), ignore_index=True)
    fig = charts.lanes_figure(many)
    assert sum(len(trace.x) for trace in fig.data) < len(many)
    assert sum(int(n) for trace in fig.data for n in trace.text) == len(many)


def test_map_is_offline_safe_and_draws_outlines(events):
    """Test that the map fetches no tiles, sets center and zoom, and draws the oblasts itself."""
    fig = charts.map_figure(events, SQUARE)
    assert fig.layout.map.style == "white-bg"
    assert fig.layout.map.center.lat is not None and fig.layout.map.zoom is not None
    assert [layer.type for layer in fig.layout.map.layers] == ["fill", "line"]
    points = sum(len(trace.lat) for trace in fig.data)
    assert points == len(events)


def test_imprecise_places_get_larger_paler_markers(events):
    """Test that oblast-level places are drawn bigger and more transparent than settlements."""
    mixed = events.copy()
    mixed.loc[mixed["event_id"] == "STR-0002", "geo_precision"] = "admin1"
    trace = next(t for t in charts.map_figure(mixed, SQUARE).data if t.name == "Strikes")
    sizes = dict(zip([row[0] for row in trace.customdata], trace.marker.size, strict=True))
    opacity = dict(zip([row[0] for row in trace.customdata], trace.marker.opacity, strict=True))
    assert sizes["STR-0002"] > sizes["STR-0001"]
    assert opacity["STR-0002"] < opacity["STR-0001"]


def test_near_draws_ring_and_centres_map(events):
    """Test that a radius filter is drawn as a ring around the place and the map zooms in."""
    fig = charts.map_figure(events, SQUARE, near=("Bucha", 50.54, 30.21), radius_km=30)
    ring = next(t for t in fig.data if t.name == "30 km")
    assert fig.layout.map.center.lat == 50.54 and fig.layout.map.zoom > charts.UKRAINE_ZOOM
    from geopy.distance import geodesic
    for lat, lon in zip(ring.lat[::15], ring.lon[::15], strict=True):
        assert geodesic((50.54, 30.21), (lat, lon)).km == pytest.approx(30, rel=0.01)


def test_oblast_summary_fills_every_oblast(events):
    """Test that the per-oblast summary lists every code, zero where nothing happened."""
    summary = charts.oblast_summary(events, ["UA-12", "UA-65", "UA-77"]).set_index("admin1_code")
    assert summary.loc["UA-12", "events"] == 1 and summary.loc["UA-12", "killed"] == 46
    assert summary.loc["UA-65", "children"] == 48
    assert summary.loc["UA-77"].tolist() == [0, 0, 0]


def test_choropleth_shades_by_metric(events):
    """Test that the choropleth uses the bundled shapes and the chosen metric."""
    summary = charts.oblast_summary(events, ["UA-12"])
    fig = charts.choropleth_figure(summary, SQUARE, "killed")
    assert fig.data[0].geojson == SQUARE and list(fig.data[0].z) == [46]
    assert fig.layout.map.style == "white-bg"
