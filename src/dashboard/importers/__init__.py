"""Import researchers' event files (ACLED, UCDP GED, Bellingcat, native CSV) as separate sets.

An imported set never touches the curated tables in ``data/*.csv``: it is written as Parquet
with a JSON manifest into ``config.IMPORT_DIR``. Each format's module maps its rows to the
unified columns plus ``dataset``, ``source_id`` and ``source_event_type``; rows that fit none
of the dashboard's kinds, or break the imported-set contract, are set aside with a reason.

Typical use::

    result = import_file(Path("acled_ukraine.csv"))       # format detected from the header
    print("\\n".join(result.report.lines()))
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard import config
from dashboard.importers import acled, bellingcat, native, ucdp
from dashboard.importers.common import (
    CHUNK_ROWS,
    COLUMNS,
    IMPORT_REQUIRED,
    check_rows,
    read_chunks,
    scan_text_file,
    set_aside,
)
from dashboard.importers.report import FIRST_LINES, ImportReport
from dashboard.importers.store import (
    SetWriter,
    manifest_path,
    parquet_path,
    set_name,
    write_manifest,
)

FORMATS = {module.NAME: module for module in (acled, ucdp, bellingcat, native)}
PROGRESS_EVERY = 100_000
VERIFICATION_NOTE = (
    "Imported rows keep their source's verification semantics: 'reported' means the row was "
    "coded by the dataset named in 'dataset' from its own sources; the dashboard's curators "
    "have not checked it, so no imported row is marked 'confirmed' (native files keep the "
    "verification they declare)."
)

__all__ = [
    "FORMATS",
    "ImportFailure",
    "ImportResult",
    "add_import_parser",
    "detect_format",
    "import_file",
    "run_import",
]


class ImportFailure(ValueError):
    """The file cannot be imported at all (unreadable, unknown format, missing columns)."""


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: the set's name and files, its manifest and its report."""

    name: str
    format: str
    parquet: Path
    manifest: dict[str, Any]
    report: ImportReport


def _looks_like_json(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{")


def detect_format(path: Path) -> str:
    """Name the format of a file from its JSON shape or its CSV header.

    Raises:
        ImportFailure: When no importer recognises the file.
    """
    if _looks_like_json(path):
        return bellingcat.NAME
    header = scan_text_file(path).header
    for module in (acled, ucdp, native):
        if module.matches(header):
            return module.NAME
    raise ImportFailure(
        f"cannot tell the format of {path.name} from its header "
        f"({', '.join(header[:6])}, ...); pass --format"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _chunks(
    path: Path, module, chunk_rows: int, facts: dict[str, Any]
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Yield source rows as text frames with their locations, recording file facts."""
    if module is bellingcat:
        try:
            records = bellingcat.read_records(path)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ImportFailure(f"{path.name} is not readable JSON: {exc}") from exc
        if not bellingcat.matches(records):
            raise ImportFailure(
                f"{path.name} is not a Bellingcat TimeMap export (a JSON list "
                f"of incidents with {', '.join(bellingcat.KEYS)})"
            )
        facts.update(encoding="utf-8", separator=None, sha256=_sha256(path))
        frame = bellingcat.flatten(records)
        yield frame, np.arange(1, len(frame) + 1)
        return
    source = scan_text_file(path)
    facts.update(encoding=source.encoding, separator=source.separator, sha256=source.sha256)
    missing = [c for c in module.REQUIRED if c not in source.header]
    if missing:
        raise ImportFailure(f"{path.name} lacks {module.NAME} columns: {', '.join(missing)}")
    used = [c for c in module.USED if c in source.header]
    yield from read_chunks(source, used, chunk_rows)


def import_file(
    path: Path,
    fmt: str | None = None,
    name: str | None = None,
    folder: Path | None = None,
    countries: tuple[str, ...] = (),
    replace: bool = False,
    progress: Callable[[int, float], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    first_lines: int = FIRST_LINES,
) -> ImportResult:
    """Import one file as a set; return what was written and the row-level report.

    Args:
        path: The source file.
        fmt: ``acled``, ``ucdp``, ``bellingcat`` or ``native``; detected when None.
        name: Set name; defaults to the file's name made safe (see ``store.set_name``).
        folder: Where sets live; defaults to ``config.IMPORT_DIR``.
        countries: Keep only rows in these ISO 3166-1 alpha-2 countries (all when empty).
        replace: Overwrite an existing set of the same name.
        progress: Called with (rows read, seconds) every 100,000 rows.
        chunk_rows: Rows read and mapped at a time (bounds memory).
        first_lines: Set-aside rows the report lists line by line.

    Raises:
        ImportFailure: When the file cannot be imported at all; nothing is written then.
    """
    path = Path(path)
    folder = Path(folder or config.IMPORT_DIR)
    if not path.is_file():
        raise ImportFailure(f"{path} is not a file")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise ImportFailure(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    module = FORMATS[fmt]
    name = set_name(name or path.stem)
    if parquet_path(name, folder).exists() and not replace:
        raise ImportFailure(
            f"a set called {name!r} exists in {folder}; pass --replace "
            "to overwrite it or --name to choose another name"
        )
    wanted = tuple(c.strip().upper() for c in countries if c.strip())
    required = tuple(dict.fromkeys(IMPORT_REQUIRED))
    report = ImportReport(path.name, records=module is bellingcat, limit=first_lines)
    facts: dict[str, Any] = {}
    seen: set[str] = set()
    first_date = last_date = None
    started = time.perf_counter()
    next_progress = PROGRESS_EVERY
    writer = SetWriter(name, folder)
    try:
        for chunk, lines in _chunks(path, module, chunk_rows, facts):
            frame, reasons = module.map_chunk(chunk, name)
            check_rows(frame, reasons, required)
            if wanted:
                set_aside(
                    reasons,
                    ~frame["country"].isin(wanted).fillna(False),
                    "country is outside the --country selection",
                )
            ids = frame["event_id"]
            kept = reasons.to_numpy() == ""
            # A set lookup per id: Series.isin(seen) would convert every id seen so far on
            # every chunk (quadratic: half the time of a million-row import).
            earlier = np.fromiter((i in seen for i in ids.tolist()), dtype=bool, count=len(ids))
            repeated = kept & (ids.duplicated().to_numpy() | earlier)
            set_aside(reasons, repeated, "event_id repeats an earlier row's id")
            kept = reasons.to_numpy() == ""
            rows = frame[kept]
            seen.update(rows["event_id"].tolist())
            writer.write(rows)
            report.add(lines, reasons, frame["kind"])
            if len(rows):
                low, high = rows["date"].min(), rows["date"].max()
                first_date = low if first_date is None else min(first_date, low)
                last_date = high if last_date is None else max(last_date, high)
            while progress and report.rows_read >= next_progress:
                progress(report.rows_read, time.perf_counter() - started)
                next_progress += PROGRESS_EVERY
    except ImportFailure:
        writer.abort()
        raise
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        writer.abort()
        raise ImportFailure(f"{path.name} could not be read: {exc}") from exc
    parquet = writer.commit()
    manifest = {
        "name": name,
        "format": fmt,
        "source_file": str(path.resolve()),
        "source_bytes": path.stat().st_size,
        "source_sha256": facts.get("sha256"),
        "encoding": facts.get("encoding"),
        "separator": facts.get("separator"),
        "imported_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "rows_read": report.rows_read,
        "rows_kept": report.rows_kept,
        "rows_set_aside": report.rows_set_aside,
        "set_aside_by_reason": dict(report.reasons.most_common()),
        "kinds": dict(sorted(report.kinds.items())),
        "first_date": None if first_date is None else first_date.date().isoformat(),
        "last_date": None if last_date is None else last_date.date().isoformat(),
        "countries": list(wanted),
        "verification": VERIFICATION_NOTE,
        "parquet": parquet.name,
        "columns": list(COLUMNS),
    }
    write_manifest(name, manifest, folder)
    return ImportResult(name, fmt, parquet, manifest, report)


def add_import_parser(
    subparsers: argparse._SubParsersAction, **options: object
) -> argparse.ArgumentParser:
    """Add the ``import`` command to the CLI's subcommands and return its parser."""
    parser = subparsers.add_parser(
        "import",
        help="read an ACLED, UCDP GED, Bellingcat or native file into an imported set",
        description=__doc__.split("\n\n")[0],
        **options,
    )
    parser.add_argument(
        "file", type=Path, help="CSV (ACLED, UCDP GED, native) or JSON (Bellingcat)"
    )
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default=None,
        help="the file's format (default: detected from its header or JSON)",
    )
    parser.add_argument("--name", default=None, help="name of the set (default: the file name)")
    parser.add_argument(
        "--country",
        action="append",
        default=[],
        help="keep only rows in this ISO 3166-1 alpha-2 country (repeatable)",
    )
    parser.add_argument(
        "--replace", action="store_true", help="overwrite an existing set of the same name"
    )
    parser.add_argument(
        "--into",
        type=Path,
        default=None,
        help="folder of imported sets (default: DASHBOARD_IMPORT_DIR, else data/imported)",
    )
    parser.add_argument(
        "--show",
        type=int,
        default=FIRST_LINES,
        help="set-aside rows to list line by line (default: %(default)s)",
    )
    return parser


def _print_progress(rows: int, seconds: float) -> None:
    print(f"  {rows:,} rows read ({seconds:.1f} s)", file=sys.stderr, flush=True)


def run_import(args: argparse.Namespace) -> int:
    """Run ``import`` from parsed arguments; print the report; return the exit code.

    Exit codes: 0 when rows were kept, 1 when every row was set aside, 2 when the file could
    not be imported at all.
    """
    try:
        result = import_file(
            args.file,
            fmt=args.format,
            name=args.name,
            folder=args.into,
            countries=tuple(args.country),
            replace=args.replace,
            progress=_print_progress,
            first_lines=max(args.show, 0),
        )
    except ImportFailure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in result.report.lines():
        print(line)
    folder = result.parquet.parent
    print(
        f"Set {result.name!r} ({result.format}): {result.parquet} and "
        f"{manifest_path(result.name, folder).name}"
    )
    return 0 if result.report.rows_kept else 1
