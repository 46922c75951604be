"""Command line: ``python -m dashboard validate | export | geocode``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard import config, geo
from dashboard.export import to_csv_bytes
from dashboard.filters import DEFAULT_RADIUS_KM, Filters
from dashboard.tables import load_dataset


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=config.DATA_DIR,
                        help="folder holding the four tables (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("validate", help="check every table; exit 1 on any problem")

    export = commands.add_parser("export", help="write filtered events as CSV")
    export.add_argument("--kind", action="append", default=[],
                        help="strike, deportation, visit or statement (repeatable)")
    export.add_argument("--oblast", action="append", default=[],
                        help="ISO 3166-2 code or oblast name (repeatable)")
    export.add_argument("--start", default="", help="first day, YYYY-MM-DD")
    export.add_argument("--end", default="", help="last day, YYYY-MM-DD")
    export.add_argument("--q", default="", help="free text")
    export.add_argument("--near", default="", help="place name, e.g. Bucha")
    export.add_argument("--radius-km", default="", help=f"default {DEFAULT_RADIUS_KM:g}")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    geocode = commands.add_parser("geocode", help="resolve a place name, offline first")
    geocode.add_argument("name")
    geocode.add_argument("--oblast", default=None, help="ISO 3166-2 code or oblast name")
    geocode.add_argument("--online", action="store_true",
                         help="ask OpenStreetMap Nominatim when the gazetteer has no match")
    return parser


def validate(data_dir: Path) -> int:
    """Print row counts per table and every problem; return the exit code."""
    dataset = load_dataset(data_dir)
    for table in dataset.tables:
        kept = len(table.frame)
        print(f"{table.kind:<12} {kept:>5} rows kept, {table.rejected} rejected")
    for problem in dataset.problems:
        print(problem)
    total = len(dataset.events)
    if dataset.problems:
        print(f"{len(dataset.problems)} problem(s); {total} events usable", file=sys.stderr)
        return 1
    print(f"OK: {total} events")
    return 0


def export(args: argparse.Namespace) -> int:
    """Write the filtered events; bad filter values are errors here, not fallbacks."""
    params = {"kind": args.kind, "oblast": args.oblast, "start": [args.start],
              "end": [args.end], "q": [args.q], "near": [args.near],
              "radius_km": [args.radius_km]}
    filters, notices = Filters.from_query_params(params)
    if notices:
        for notice in notices:
            print(notice.replace("Ignored ", "Bad --").replace("radius_km", "radius-km"),
                  file=sys.stderr)
        return 2
    dataset = load_dataset(args.data_dir)
    if dataset.problems:
        print(f"warning: {dataset.rejected} invalid row(s) left out; run "
              "'python -m dashboard validate'", file=sys.stderr)
    data = to_csv_bytes(filters.apply(dataset.events))
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def geocode(args: argparse.Namespace) -> int:
    """Print one JSON object for the place, or a message on stderr and exit 1."""
    oblast = None
    if args.oblast:
        oblast = geo.oblast_code(args.oblast)
        if oblast is None:
            print(f"Unknown oblast: {args.oblast!r}", file=sys.stderr)
            return 2
    place = geo.geocode(args.name, oblast=oblast, online=args.online or None)
    if place is None:
        print(f"No place called {args.name!r} in the gazetteer"
              + ("" if args.online else " (add --online to ask Nominatim)"), file=sys.stderr)
        return 1
    print(json.dumps(place_json(place), ensure_ascii=False))
    return 0


def place_json(place: geo.Place) -> dict:
    """Return the JSON form of a geocoded place; ``alternatives`` only when ambiguous."""
    answer = {"name": place.name, "lat": round(place.lat, 5), "lon": round(place.lon, 5),
              "admin1_code": place.admin1_code, "admin1": place.admin1,
              "country": place.country, "source": place.source, "match": place.match}
    if place.alternatives:
        answer["alternatives"] = [alternative._asdict() for alternative in place.alternatives]
    return answer


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = _parser().parse_args(argv)
    if args.command == "validate":
        return validate(args.data_dir)
    if args.command == "export":
        return export(args)
    return geocode(args)
