"""Tests for the map's offline context: the bundled countries and labels, their layers, and
the pure steps of scripts/build_basemap.py."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from shapely.geometry import Point, shape

from dashboard import basemap

# Places whose country is not in doubt, to check the committed shapes against.
INSIDE = {
    "Ukraine": [(44.95, 34.10), (44.60, 33.52), (45.36, 36.47), (50.45, 30.52)],  # Crimea too
    "Russia": [(55.75, 37.62), (47.22, 39.71), (44.58, 38.07)],
    "Belarus": [(53.90, 27.57)],
    "Poland": [(52.23, 21.01)],
    "Moldova": [(47.01, 28.86)],
    "Romania": [(44.43, 26.10)],
}


@pytest.fixture(scope="module")
def countries() -> dict:
    return basemap.load_countries()


@pytest.fixture(scope="module")
def shapes(countries) -> dict:
    return {f["properties"]["name"]: shape(f["geometry"]) for f in countries["features"]}


def test_countries_file_is_small(countries):
    """Test that the committed context stays a few hundred KB at most."""
    assert basemap.COUNTRIES_GEOJSON.stat().st_size < 300_000
    assert countries["type"] == "FeatureCollection"


@pytest.mark.parametrize(("country", "points"), INSIDE.items())
def test_known_places_fall_in_their_country(shapes, country, points):
    """Test that capitals and cities fall inside the right country's shape."""
    for lat, lon in points:
        assert shapes[country].contains(Point(lon, lat)), (country, lat, lon)


@pytest.mark.parametrize(("lat", "lon"), INSIDE["Ukraine"][:3])
def test_crimea_is_ukraine_not_russia(shapes, lat, lon):
    """Test that Simferopol, Sevastopol and Kerch are in no country's shape but Ukraine's
    (Natural Earth files Crimea under Russia; UN GA resolution 68/262)."""
    holders = [name for name, geometry in shapes.items() if geometry.contains(Point(lon, lat))]
    assert holders == ["Ukraine"]


def test_label_points_lie_inside_their_country(countries, shapes):
    """Test that each country's name is placed inside its own clipped shape."""
    for feature in countries["features"]:
        props = feature["properties"]
        point = Point(props["label_lon"], props["label_lat"])
        assert shapes[props["name"]].buffer(0.01).contains(point), props["name"]


def test_country_labels_leave_ukraine_to_its_oblasts(countries):
    """Test that Ukraine gets no country label (its oblasts are drawn and named)."""
    names = [f["properties"]["name"] for f in basemap.country_labels(countries)["features"]]
    assert "Ukraine" not in names and "Russia" in names and "Belarus" in names


def test_cities_rank_the_largest_first():
    """Test that Kyiv, Kharkiv and Odesa show at country zoom and towns only zoomed in, and
    that city districts GeoNames lists as places are left out."""
    cities = basemap.load_cities().set_index("name")
    assert {"Kyiv", "Kharkiv", "Odesa"} <= set(cities.index[cities["rank"] == 1])
    assert cities.loc["Bucha", "rank"] > cities.loc["Irpin", "rank"] > 1
    assert set(cities["rank"]) <= set(basemap.RANK_MINZOOM)
    assert not {"Obolon", "Darnytsia", "Saltivka", "Pravyi Bereh"} & set(cities.index)


def test_label_layers_thin_out_with_zoom():
    """Test that each rank is a layer whose minimum zoom grows as the places get smaller."""
    cities = pd.DataFrame(
        {
            "name": ["A", "B", "C"],
            "lat": [50, 49, 48],
            "lon": [30, 31, 32],
            "country": "UA",
            "population": [3, 2, 1],
            "rank": [1, 2, 3],
        }
    )
    layers = basemap.label_layers(cities, {"type": "FeatureCollection", "features": []})
    symbols = [layer for layer in layers if layer["type"] == "symbol"][1:]
    assert [layer.get("minzoom") for layer in symbols] == [
        basemap.RANK_MINZOOM[1],
        basemap.RANK_MINZOOM[2],
        basemap.RANK_MINZOOM[3],
    ]
    assert all(layer["symbol"]["text"] == "{name}" for layer in symbols)
    names = [f["properties"]["name"] for f in symbols[0]["source"]["features"]]
    assert names == ["A"]
    above = basemap.label_layers(cities, {"type": "FeatureCollection", "features": []}, True)
    assert {layer["below"] for layer in above} == {""}


def _script():
    from scripts import build_basemap

    return build_basemap


def test_topojson_arcs_decode_to_a_square():
    """Test that delta-encoded, quantised arcs (one reversed) rebuild a closed square."""
    build = _script()
    topology = {
        "transform": {"scale": [1, 1], "translate": [10, 40]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[0, 0], [0, 2], [2, 0]]],
    }
    arcs = build.decode_arcs(topology)
    assert arcs[0] == [(10, 40), (12, 40), (12, 42)]
    square = build.topo_geometry({"type": "Polygon", "arcs": [[0, ~1]]}, arcs)
    assert square.area == pytest.approx(4)
    assert build.topo_geometry({"type": "Point"}, arcs) is None


def test_districts_inside_a_bigger_city_are_dropped():
    """Test that a place within a larger city's reach is dropped and a town further out kept."""
    build = _script()
    rows = [
        {"name": "Kyiv", "lat": 50.45, "lon": 30.52, "population": 2_950_000},
        {"name": "District", "lat": 50.50, "lon": 30.60, "population": 300_000},
        {"name": "Brovary", "lat": 50.51, "lon": 30.79, "population": 110_000},
    ]
    assert [r["name"] for r in build.drop_districts(rows)] == ["Kyiv", "Brovary"]


def test_committed_countries_carry_names_and_ids():
    """Test that each feature has the properties the map reads."""
    collection = json.loads(basemap.COUNTRIES_GEOJSON.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        assert {"name", "label_lat", "label_lon"} <= set(feature["properties"])


def test_ukrainian_context_names_countries_and_ukrainian_cities_in_ukrainian():
    """Test that the Ukrainian map names neighbours as CLDR does and Ukrainian cities by the
    gazetteer's Ukrainian names, keeping Ukraine (named by its oblasts) and foreign cities."""
    english, ukrainian = basemap.load_context("en"), basemap.load_context("uk")

    def country_names(context):
        return {f["properties"]["name"] for f in context.countries["features"]}

    assert {"Poland", "Moldova", "Turkey"} <= country_names(english)
    assert {"Польща", "Молдова", "Туреччина", "Ukraine"} <= country_names(ukrainian)
    assert "Poland" not in country_names(ukrainian)
    cities = dict(zip(english.cities["name"], ukrainian.cities["name"], strict=True))
    assert (cities["Kyiv"], cities["Kharkiv"], cities["Lviv"]) == ("Київ", "Харків", "Львів")
    assert cities["Moscow"] == "Moscow"  # no Ukrainian name on file: left as it is
