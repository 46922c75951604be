"""Command line: ``python -m dashboard validate | export | summary | import | geocode``.

Every error (a bad argument, a missing data folder, an unwritable output) is one line on
stderr and a non-zero exit code: 2 for what the user typed, 1 for what the system refused.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard import config, figures, geo, importers
from dashboard.export import to_csv_bytes
from dashboard.filters import FILTERS, Filters
from dashboard.tables import Dataset, load_dataset


class UsageError(Exception):
    """Something the user typed cannot be used (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line instead of usage plus error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # An argument holding a line break would split the one-line report.
        message = message.replace("\r", "\\r").replace("\n", "\\n")
        raise UsageError(f"{message} (see --help)")


def _add_filter_flags(parser: argparse.ArgumentParser) -> None:
    """The filters' flags, generated from the filter table (the same names as in URLs)."""
    for spec in FILTERS:
        if not spec.cli:
            continue
        if spec.widget == "checkbox":
            parser.add_argument(
                spec.flag,
                dest=spec.param,
                action="store_const",
                const=["1"],
                default=[],
                help=spec.help,
            )
        else:
            parser.add_argument(
                spec.flag,
                dest=spec.param,
                action="append",
                default=[],
                metavar=spec.param.upper(),
                help=spec.help,
            )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=config.DATA_DIR,
        help="folder holding the four tables (default: %(default)s)",
    )
    # --data-dir is accepted after the command too; SUPPRESS keeps the global value otherwise.
    data_dir = _Parser(add_help=False)
    data_dir.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="folder holding the four tables"
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands_with = {"parents": [data_dir]}

    commands.add_parser(
        "validate", **commands_with, help="check every table; exit 1 on any problem"
    )

    export = commands.add_parser("export", **commands_with, help="write filtered events as CSV")
    _add_filter_flags(export)
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    summary = commands.add_parser(
        "summary", **commands_with, help="print the headline figures as JSON"
    )
    _add_filter_flags(summary)

    importers.add_import_parser(commands, parents=[data_dir])

    geocode = commands.add_parser(
        "geocode", **commands_with, help="resolve a place name, offline first"
    )
    geocode.add_argument("name")
    geocode.add_argument("--oblast", default=None, help="ISO 3166-2 code or oblast name")
    geocode.add_argument(
        "--online",
        action="store_true",
        help="ask OpenStreetMap Nominatim when the gazetteer has no match",
    )
    return parser


def _dataset(data_dir: Path) -> Dataset:
    """Load the tables, refusing a data folder that is missing or not a folder."""
    if not data_dir.is_dir():
        raise UsageError(f"--data-dir {str(data_dir)!r} is not a folder")
    return load_dataset(data_dir)


def validate(data_dir: Path) -> int:
    """Print row counts per table and every problem; return the exit code."""
    dataset = _dataset(data_dir)
    for table in dataset.tables:
        print(f"{table.kind:<12} {len(table.frame):>5} rows kept, {table.rejected} rejected")
    for problem in dataset.problems:
        print(problem)
    total = len(dataset.events)
    if dataset.problems:
        print(f"{len(dataset.problems)} problem(s); {total} events usable", file=sys.stderr)
        return 1
    print(f"OK: {total} events")
    return 0


def _filtered(args: argparse.Namespace) -> pd.DataFrame:
    """Parse the filter flags (a bad value is an error here, not a fallback) and apply them."""
    params = {spec.param: getattr(args, spec.param) for spec in FILTERS if spec.cli}
    filters, notices = Filters.from_query_params(params)
    if notices:
        first = notices[0].replace("Ignored ", "bad --", 1)
        raise UsageError(first + (f" (and {len(notices) - 1} more)" if len(notices) > 1 else ""))
    dataset = _dataset(args.data_dir)
    if dataset.problems:
        print(
            f"warning: {dataset.rejected} invalid row(s) left out; run "
            "'python -m dashboard validate'",
            file=sys.stderr,
        )
    if set(filters.datasets) - {"curated"}:  # imported sets are read through the store
        from dashboard.engine import Store

        return Store(dataset.events).select(filters).frame()
    return filters.apply(dataset.events)


def export(args: argparse.Namespace) -> int:
    """Write the filtered events as CSV to ``--output`` or stdout."""
    if args.output is not None and (str(args.output) == "" or args.output.is_dir()):
        raise UsageError(f"--output {str(args.output)!r} is not a file name")
    data = to_csv_bytes(_filtered(args))
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def summary(args: argparse.Namespace) -> int:
    """Print the headline figures of the filtered events as one JSON object."""
    print(json.dumps(figures.summary(_filtered(args)), ensure_ascii=False, indent=1))
    return 0


def geocode(args: argparse.Namespace) -> int:
    """Print one JSON object for the place, or a message on stderr and exit 1."""
    oblast = None
    if args.oblast:
        oblast = geo.oblast_code(args.oblast)
        if oblast is None:
            raise UsageError(f"unknown oblast {args.oblast!r}")
    place = geo.geocode(args.name, oblast=oblast, online=args.online or None)
    if place is None:
        print(
            f"No place called {args.name!r} in the gazetteer"
            + ("" if args.online else " (add --online to ask Nominatim)"),
            file=sys.stderr,
        )
        return 1
    print(json.dumps(place_json(place), ensure_ascii=False))
    return 0


def place_json(place: geo.Place) -> dict:
    """Return the JSON form of a geocoded place; ``alternatives`` only when ambiguous."""
    answer = {
        "name": place.name,
        "lat": round(place.lat, 5),
        "lon": round(place.lon, 5),
        "admin1_code": place.admin1_code,
        "admin1": place.admin1,
        "country": place.country,
        "source": place.source,
        "match": place.match,
    }
    if place.alternatives:
        answer["alternatives"] = [alternative._asdict() for alternative in place.alternatives]
    return answer


COMMANDS = {
    "validate": lambda args: validate(args.data_dir),
    "export": export,
    "summary": summary,
    "geocode": geocode,
    "import": importers.run_import,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code; errors are one line on stderr."""
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        _say(f"python -m dashboard: error: {exc}")
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except OSError as exc:
        where = f" {exc.filename!r}" if exc.filename else ""
        _say(f"python -m dashboard: error:{where} {exc.strerror or exc}")
        return 1


# Line breaks a typed argument may carry into a message, written as escapes instead.
_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def _say(message: str) -> None:
    """Write one line to stderr, even when stderr itself is gone."""
    with contextlib.suppress(OSError, ValueError):
        print(message.translate(_LINE_BREAKS), file=sys.stderr)


def _silence_stdout() -> None:
    """After the reader of stdout went away, let the interpreter exit without a traceback."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
