"""Tests for the figures: they are checked through fig.data and fig.layout."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard import basemap, charts, schema

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "UA-12",
            "properties": {"iso_3166_2": "UA-12"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[34, 47], [36, 47], [36, 49], [34, 49], [34, 47]]],
            },
        }
    ],
}


def _plain(value):
    """A figure's value as the browser receives it: Plotly's JSON of it, read back."""
    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def test_counts_by_period_counts_each_kind(events):
    """Test that monthly counts add up to the events and split by kind."""
    counts = charts.counts_by_period(events, "month")
    assert counts["count"].sum() == len(events)
    march = counts[
        (counts["period"] == pd.Timestamp("2023-03-01")) & (counts["kind"] == "statement")
    ]
    assert int(march["count"].iloc[0]) == 2


@pytest.mark.parametrize("freq", list(charts.PERIODS))
def test_timeline_bars_stack_every_present_kind(events, freq):
    """Test that the timeline draws one stacked bar trace per kind present."""
    fig = charts.timeline_figure(events, freq)
    assert fig.layout.barmode == "stack"
    assert {trace.name for trace in fig.data} == set(schema.KIND_LABELS.values())
    assert sum(sum(trace.y) for trace in fig.data) == len(events)


def test_timeline_marks_milestones(events):
    """Test that legal milestones become dotted lines with numbered labels whose hover names
    the milestone and its event id."""
    milestones = charts.legal_milestones(events)
    fig = charts.timeline_figure(events, "month", milestones)
    assert list(milestones["event_id"]) == ["STA-0001"]
    assert len(fig.layout.shapes) == 1
    label = fig.layout.annotations[0]
    assert label.text == "1"
    assert "Test arrest warrants" in label.hovertext and "STA-0001" in label.hovertext


def test_milestones_are_set_in_one_layout_update(events, monkeypatch):
    """Test that milestones never go through add_shape/add_annotation one at a time (each
    call re-validates the whole layout: quadratic in the number of milestones)."""

    def refuse(*args, **kwargs):
        raise AssertionError("one call per milestone")

    monkeypatch.setattr(go.Figure, "add_shape", refuse)
    monkeypatch.setattr(go.Figure, "add_annotation", refuse)
    many = pd.DataFrame(
        {
            "date": pd.date_range("2022-03-01", periods=200, freq="W"),
            "title": "Step",
            "event_id": "STA-0001",
        }
    )
    fig = charts.timeline_figure(events, "month", many)
    assert len(fig.layout.shapes) == 200 and len(fig.layout.annotations) == 200


def test_milestone_labels_close_in_time_take_different_rows():
    """Test that two milestones a week apart get different label rows, and a distant one
    goes back to the first row."""
    dates = pd.Series(pd.to_datetime(["2014-04-17", "2014-04-25", "2020-12-11"]))
    assert charts.milestone_rows(dates) == [0, 1, 0]


def test_timeline_opens_on_the_war_years_with_a_range_slider(events):
    """Test that a few early events do not set the initial range: it starts where most
    events are, and the range slider reaches the rest."""
    early = events[events["event_id"] == "STA-0001"].assign(
        date=pd.Timestamp("2014-04-17"), event_id="STA-0099"
    )
    many = pd.concat([early] + [events] * 10, ignore_index=True)
    fig = charts.timeline_figure(many, "month")
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert pd.Timestamp("2022-01-01") < start <= pd.Timestamp("2022-04-08")
    assert end >= pd.Timestamp("2023-03-17")
    assert fig.layout.xaxis.rangeslider.visible is True


def test_legal_milestones_without_statements_is_empty(events):
    """Test that a view holding no statement yields no milestones (regression: KeyError
    'date' on /timeline?start=2023-01-01&end=2023-01-01)."""
    strikes_only = events[events["kind"] == "strike"]
    milestones = charts.legal_milestones(strikes_only)
    assert milestones.empty and list(milestones.columns) == ["date", "title", "event_id"]
    assert charts.legal_milestones(events.iloc[0:0]).empty


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


def _drawn_ids(fig) -> list[str]:
    """Event ids behind the event markers (one marker may stand for several events)."""
    return sorted(
        i
        for trace in fig.data
        if trace.name in schema.KIND_LABELS.values()
        for row in trace.customdata
        for i in row[0].split(";")
    )


def test_map_is_offline_safe_and_draws_outlines(events):
    """Test that the map fetches no tiles, sets center and zoom, and draws the oblasts itself."""
    fig = charts.map_figure(events, SQUARE)
    assert fig.layout.map.style == "white-bg"
    assert fig.layout.map.center.lat is not None and fig.layout.map.zoom is not None
    assert [layer.type for layer in fig.layout.map.layers] == ["fill", "line"]
    assert _drawn_ids(fig) == sorted(events["event_id"])


CONTEXT = basemap.Context(
    countries={
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "643",
                "properties": {"name": "Russia", "label_lat": 55, "label_lon": 45},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[36, 50], [40, 50], [40, 56], [36, 56], [36, 50]]],
                },
            }
        ],
    },
    cities=pd.DataFrame(
        {
            "name": ["Kyiv", "Moscow", "Irpin"],
            "lat": [50.45, 55.75, 50.52],
            "lon": [30.52, 37.62, 30.24],
            "country": ["UA", "RU", "UA"],
            "population": [2952301, 10381222, 65167],
            "rank": [1, 1, 3],
        }
    ),
)


def test_context_draws_countries_below_the_oblasts_and_labels_above(events):
    """Test that sea and countries come first (so Ukraine's oblasts, Crimea included, are
    painted over any country), then the oblasts, then labels whose density follows zoom."""
    fig = charts.map_figure(events, SQUARE, context=CONTEXT)
    layers = fig.layout.map.layers
    sources = [_plain(layer.source) for layer in layers]
    assert layers[0].color == basemap.SEA and layers[0].type == "fill"
    assert sources[1] == CONTEXT.countries and layers[1].type == "fill"
    oblast_fill = next(i for i, src in enumerate(sources) if src == SQUARE)
    assert oblast_fill > 2
    labels = [layer for layer in layers if layer.type == "symbol"]
    assert labels and all(sources.index(_plain(label.source)) > oblast_fill for label in labels)
    assert all(layer.below == "traces" for layer in layers)
    zooms = sorted({layer.minzoom or 0 for layer in labels})
    assert zooms == [0, basemap.RANK_MINZOOM[3]]


def test_choropleth_puts_labels_above_the_shading(events):
    """Test that over a choropleth the labels are drawn above the shaded oblasts."""
    summary = charts.oblast_summary(events, ["UA-12"])
    fig = charts.choropleth_figure(summary, SQUARE, "events", context=CONTEXT)
    labels = [layer for layer in fig.layout.map.layers if layer.type == "symbol"]
    assert labels and all(layer.below == "" for layer in labels)
    assert _plain(fig.layout.map.layers[1].source) == CONTEXT.countries


def test_imprecise_places_get_larger_paler_markers(events):
    """Test that oblast-level places are drawn bigger and more transparent than settlements."""
    mixed = events.copy()
    mixed.loc[mixed["event_id"] == "STR-0002", "geo_precision"] = "admin1"
    trace = next(t for t in charts.map_figure(mixed, SQUARE).data if t.name == "Strikes")
    sizes = dict(zip([row[0] for row in trace.customdata], trace.marker.size, strict=True))
    opacity = dict(zip([row[0] for row in trace.customdata], trace.marker.opacity, strict=True))
    assert sizes["STR-0002"] > sizes["STR-0001"]
    assert opacity["STR-0002"] < opacity["STR-0001"]


def test_events_sharing_a_point_are_one_bigger_marker_listing_them(events):
    """Test that strikes at one coordinate become one marker sized by count whose hover lists
    each of them, and that a lone strike keeps the single size."""
    stacked = events.copy()
    at_kyiv = stacked["event_id"].isin(["STR-0001", "STR-0003"])
    stacked.loc[at_kyiv, ["lat", "lon", "place"]] = [50.4547, 30.5238, "Kyiv"]
    trace = next(t for t in charts.map_figure(stacked, SQUARE).data if t.name == "Strikes")
    assert len(trace.lat) == 1
    ids, hover = trace.customdata[0]
    assert sorted(ids.split(";")) == ["STR-0001", "STR-0002", "STR-0003"]
    assert hover.startswith("<b>3 strikes at Kyiv</b>")
    assert all(i in hover for i in ("STR-0001", "STR-0002", "STR-0003"))
    lone = next(t for t in charts.map_figure(events, SQUARE).data if t.name == "Strikes")
    assert trace.marker.size[0] > max(lone.marker.size)
    assert isinstance(trace.marker.size, np.ndarray)  # sent as one array, not a list


def test_stack_hover_lists_at_most_the_limit():
    """Test that a stack of many events lists the first few and says how many more."""
    rows = pd.DataFrame(
        {
            "event_id": [f"STR-{i:04d}" for i in range(1, 16)],
            "date": pd.date_range("2022-03-01", periods=15),
            "kind": "strike",
            "title": "T",
            "place": "Bucha",
            "lat": 50.54,
            "lon": 30.21,
            "geo_precision": "settlement",
        }
    )
    stack = charts.stack_points(rows, limit=10).iloc[0]
    assert stack["count"] == 15 and stack["hover"].count("STR-") == 10
    assert stack["hover"].endswith("… and 5 more")


def test_missing_text_is_blank_in_hover(events):
    """Test that a missing place shows as nothing, not 'None', 'nan' or '<NA>'."""
    blank = events.copy()
    blank.loc[blank["event_id"] == "STR-0001", "place"] = pd.NA
    hover = charts.stack_points(blank).set_index("ids").loc["STR-0001", "hover"]
    assert not any(word in hover for word in ("None", "nan", "<NA>"))
    assert charts._hover(blank[blank["event_id"] == "STR-0001"])[0][3] == ""


def test_near_draws_ring_and_centres_map(events):
    """Test that a radius filter is drawn as a ring around the place and the map zooms in."""
    fig = charts.map_figure(events, SQUARE, near=("Bucha", 50.54, 30.21), radius_km=30)
    ring = next(t for t in fig.data if t.name == "30 km")
    assert fig.layout.map.center.lat == 50.54 and fig.layout.map.zoom > charts.UKRAINE_ZOOM
    from geopy.distance import geodesic

    for lat, lon in zip(ring.lat[::15], ring.lon[::15], strict=True):
        assert geodesic((50.54, 30.21), (lat, lon)).km == pytest.approx(30, rel=0.01)


def test_near_centre_marker_lies_under_the_events(events):
    """Test that the centre marker is drawn before (below) every event marker, so events at
    the centre stay visible and clickable."""
    fig = charts.map_figure(events, SQUARE, near=("Bucha", 50.5436, 30.2120), radius_km=30)
    names = [trace.name for trace in fig.data]
    assert names.index("Bucha") < min(names.index(label) for label in ("Visits", "Strikes"))


def test_near_centre_is_not_named_twice(events):
    """Test that the centre marker drops its text when a city label already names the place."""
    fig = charts.map_figure(
        events, SQUARE, near=("Irpin", 50.52, 30.24), radius_km=10, context=CONTEXT
    )
    assert list(next(t for t in fig.data if t.name == "Irpin").text) == [""]
    fig = charts.map_figure(
        events, SQUARE, near=("Bucha", 50.54, 30.21), radius_km=10, context=CONTEXT
    )
    assert list(next(t for t in fig.data if t.name == "Bucha").text) == ["Bucha"]


def test_deportation_routes_join_origin_and_destination(events):
    """Test that a deportation with both points is drawn as a line whose destination hover
    names the facility and the children, and that the toggle removes it."""
    fig = charts.map_figure(events, SQUARE)
    line = next(t for t in fig.data if t.name == "Deportation routes")
    assert list(line.lat) == [46.6354, 46.1167, None]
    assert list(line.lon) == [32.6169, 32.9167, None]
    end = next(t for t in fig.data if t.name == "Destinations")
    ids, hover = end.customdata[0]
    assert ids == "DEP-0001"
    assert "Test children&#x27;s home" in hover and "48 children" in hover
    assert "Skadovsk" in hover
    assert "Deportation routes" not in [
        t.name for t in charts.map_figure(events, SQUARE, routes=False).data
    ]


def test_routes_abroad_widen_the_view_and_name_the_destination(events):
    """Test that a deportation view with a route to Russia zooms out to show its end and
    labels a destination the city labels do not name."""
    abroad = events[events["kind"] == "deportation"].assign(
        destination="Gelendzhik",
        destination_country="RU",
        destination_lat=44.58,
        destination_lon=38.07,
    )
    fig = charts.map_figure(abroad, SQUARE, context=CONTEXT)
    end = next(t for t in fig.data if t.name == "Destinations")
    assert list(end.text) == ["Gelendzhik"]
    assert fig.layout.map.zoom < charts.UKRAINE_ZOOM + 0.5
    assert 44.4 < fig.layout.map.center.lat < 52.4
    moscow = abroad.assign(destination="Moscow", destination_lat=55.75, destination_lon=37.62)
    fig = charts.map_figure(moscow, SQUARE, context=CONTEXT)
    assert list(next(t for t in fig.data if t.name == "Destinations").text) == [""]
    assert fig.layout.map.zoom < charts.UKRAINE_ZOOM


def test_empty_view_still_draws_the_map_with_a_message(events):
    """Test that no matching events still gives a map trace (not bare axes) and a note."""
    fig = charts.map_figure(events.iloc[0:0], SQUARE)
    assert [trace.type for trace in fig.data] == ["scattermap"]
    assert fig.layout.annotations[0].text.startswith("No events")
    assert [layer.type for layer in fig.layout.map.layers] == ["fill", "line"]


@pytest.mark.parametrize(
    ("selection", "opened", "listed"),
    [
        (
            {"points": [{"customdata": ["STR-0001", "hover"]}], "box": [], "lasso": []},
            "STR-0001",
            ["STR-0001"],
        ),
        (
            {"points": [{"customdata": ["STR-0001;STR-0002", "hover"]}], "box": [], "lasso": []},
            None,
            ["STR-0001", "STR-0002"],
        ),
        (
            {"points": [{"customdata": ["STR-0001", "h"]}], "box": [{"x": [0, 1]}], "lasso": []},
            None,
            ["STR-0001"],
        ),
        (
            {
                "points": [{"customdata": ["STR-0001", "h"]}, {"customdata": ["VIS-0001", "h"]}],
                "box": [],
                "lasso": [],
            },
            None,
            ["STR-0001", "VIS-0001"],
        ),
        ({"points": [{"lat": 1}], "box": [], "lasso": []}, None, []),
        ({}, None, []),
    ],
)
def test_a_click_on_one_event_opens_it_and_a_box_lists(selection, opened, listed):
    """Test that only a click on a marker standing for one event opens it; boxes, lassos and
    stacks list their events instead."""
    assert charts.clicked_event(selection) == opened
    assert charts.selected_ids(selection) == listed


def test_map_drags_to_pan_so_a_click_can_select(events):
    """Test that the map opens in pan mode: Streamlit turns click-selection off while the drag
    mode is box or lasso, so a click could never open a point."""
    assert charts.map_figure(events, SQUARE).layout.dragmode == "pan"


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
    assert _plain(fig.data[0].geojson) == SQUARE and list(fig.data[0].z) == [46]
    assert fig.layout.map.style == "white-bg"


def test_empty_choropleth_says_so(events):
    """Test that shading with nothing to shade still draws and says there is nothing."""
    summary = charts.oblast_summary(events.iloc[0:0], ["UA-12", "UA-65"])
    fig = charts.choropleth_figure(summary, SQUARE, "killed")
    assert "none in these filters" in fig.layout.annotations[0].text


def test_describe_timeline_counts_span_and_busiest_period(events):
    """Test the timeline's sentence against counts worked out by hand from the samples."""
    strikes = events[events["kind"] == "strike"]
    assert charts.describe_timeline(strikes, "year") == (
        "3 strikes, 2022-04-08 to 2023-01-14; most in 2022 (2)."
    )
    assert charts.describe_timeline(events, "month") == (
        "7 events (3 strikes, 1 deportation, 1 visit, 2 statements), 2022-04-08 to "
        "2023-03-17; most in April 2022 and 1 other month (2)."
    )
    assert charts.describe_timeline(events.iloc[0:0]).startswith("No events")


def test_describe_map_counts_places_and_routes(events):
    """Test the map's sentence: events, places, what is not drawn and the routes."""
    unplaced = events.copy()
    unplaced.loc[unplaced["event_id"] == "STA-0002", ["lat", "lon"]] = None
    unplaced.loc[unplaced["event_id"] == "STR-0002", ["lat", "lon", "place"]] = [
        48.4666,
        35.0407,
        "Dnipro",
    ]
    assert charts.describe_map(unplaced) == (
        "7 events (3 strikes, 1 deportation, 1 visit, 2 statements); 6 drawn at 5 places, "
        "most at Dnipro (2); 1 without coordinates not drawn; 1 deportation route from "
        "origin to destination (0 leading abroad)."
    )


def test_describe_choropleth_total_and_top_oblast(events):
    """Test the shading's sentence: total, oblasts with any, and the highest."""
    summary = charts.oblast_summary(events, ["UA-12", "UA-65", "UA-77"])
    names = {"UA-12": "Dnipropetrovsk Oblast", "UA-65": "Kherson Oblast"}
    assert charts.describe_choropleth(summary, "killed", names) == (
        "People killed by oblast: 46 in 1 oblast; most in Dnipropetrovsk Oblast (46)."
    )
    assert charts.describe_choropleth(summary, "events", names).startswith(
        "Events by oblast: 2 in 2 oblasts; most in "
    )


def test_shared_shapes_reach_the_browser_unchanged(events, monkeypatch):
    """Test that the map and the choropleth serialise (as Streamlit sends them) to the same
    figure whether or not their shapes are shared rather than copied (see charts.shared)."""
    import plotly.io as pio

    summary = charts.oblast_summary(events, ["UA-12"])

    def figures() -> list[dict]:
        drawn = [
            charts.map_figure(events, SQUARE, context=CONTEXT),
            charts.choropleth_figure(summary, SQUARE, "events", context=CONTEXT),
        ]
        return [json.loads(pio.to_json(fig, validate=False)) for fig in drawn]

    shared = figures()
    monkeypatch.setattr(charts.maps, "shared", lambda geojson: geojson)
    monkeypatch.setattr(charts.shading, "shared", lambda geojson: geojson)
    assert shared == figures()


def test_describe_map_counts_the_markers_the_map_draws(shipped_events):
    """Test that the sentence's events and places are the markers' events and markers (one
    per kind and point), on the shipped record where kinds share points."""
    stacks = charts.stack_points(shipped_events)
    text = charts.describe_map(shipped_events, routes=False)
    assert f"; {int(stacks['count'].sum())} drawn at {len(stacks)} places," in text
