"""Read and validate the event tables: good rows load, bad rows are set aside with reasons."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from dashboard import config, schema, search
from dashboard.schema import Field

LINE = "line"  # index name of a freshly read table: the row's line number in its file


@dataclass(frozen=True)
class Problem:
    """Why one row (or a whole file) was left out."""

    file: str
    line: int | None
    column: str | None
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        column = f" [{self.column}]" if self.column else ""
        value = f" (got {self.value!r})" if self.value else ""
        return f"{where}{column} {self.message}{value}"


@dataclass(frozen=True)
class Table:
    """One validated table: kept rows with proper dtypes, and the problems found."""

    kind: str
    rows_read: int
    frame: pd.DataFrame
    problems: tuple[Problem, ...] = field(default=())

    @property
    def rejected(self) -> int:
        """Number of distinct rows left out (a file-level problem counts none)."""
        return len({p.line for p in self.problems if p.line is not None})


_DECIMAL = r"-?[0-9]{1,3}(?:\.[0-9]+)?"  # ASCII digits; no "+", exponent, nan or inf
_BOUNDS = {f.name: f.bounds for f in schema.all_fields() if f.bounds}


def _is_empty(s: pd.Series) -> pd.Series:
    return s.eq("")


def _numbers(s: pd.Series, pattern: str) -> pd.Series:
    """Return the cells that fully match ``pattern`` as numbers, the others as NaN."""
    return pd.to_numeric(s.where(s.str.fullmatch(pattern)), errors="coerce")


def _dates_in_period(s: pd.Series) -> pd.Series:
    days = pd.to_datetime(
        s.where(s.str.fullmatch(schema.ISO_DATE)), format="%Y-%m-%d", errors="coerce"
    )
    return days.between(pd.Timestamp(schema.FIRST_DAY), pd.Timestamp(date.today()))


@cache
def _code_list(codes: str) -> frozenset[str]:
    """Return the codes of one code list (``schema.COUNTRY_CODES`` or ``schema.OBLAST_CODES``)."""
    import pycountry  # here, not at the top: its import costs 0.1 s that only validation needs

    if codes == schema.OBLAST_CODES:
        return frozenset(s.code for s in pycountry.subdivisions.get(country_code="UA"))
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def oblast_boxes() -> dict[str, tuple[float, float, float, float]]:
    """Return each oblast's bounding box (west, south, east, north) from the bundled boundaries.

    Empty when the boundary file cannot be read (the place check is then skipped).
    """
    try:
        features = json.loads(config.OBLASTS_GEOJSON.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError):
        return {}
    boxes = {}
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        points = [point for polygon in polygons for ring in polygon for point in ring]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        boxes[feature["id"]] = (min(lons), min(lats), max(lons), max(lats))
    return boxes


def _cell_check(f: Field) -> list[pa.Check]:
    """Build the pandera checks for one column's cells (all cells are read as text)."""
    checks: list[pa.Check] = []
    if f.required:
        checks.append(pa.Check(lambda s: ~_is_empty(s), error="is required"))
    if f.allowed:
        allowed = set(f.allowed)
        checks.append(
            pa.Check(
                lambda s: _is_empty(s) | s.isin(allowed),
                error=f"must be one of {', '.join(f.allowed)}",
            )
        )
    if f.codes:
        codes = _code_list(f.codes)
        example = "UA-05 to UA-77" if f.codes == schema.OBLAST_CODES else "UA, RU, NL"
        checks.append(
            pa.Check(
                lambda s: _is_empty(s) | s.isin(codes),
                error=f"must be an {f.codes} code ({example})",
            )
        )
    if f.dtype == "date":
        checks.append(
            pa.Check(
                lambda s: _is_empty(s) | _dates_in_period(s),
                error=f"must be an ISO date (YYYY-MM-DD) from {schema.FIRST_DAY} to today",
            )
        )
    elif f.dtype == "int":
        checks.append(
            pa.Check(
                lambda s: _is_empty(s) | _numbers(s, "[0-9]{1,9}").le(schema.MAX_COUNT),
                error=f"must be a whole number from 0 to {schema.MAX_COUNT:,}, or empty",
            )
        )
    elif f.dtype == "float":
        low, high = f.bounds or (float("-inf"), float("inf"))
        checks.append(
            pa.Check(
                lambda s: _is_empty(s) | _numbers(s, _DECIMAL).between(low, high),
                error=f"must be a decimal number between {low:g} and {high:g}",
            )
        )
    elif f.dtype == "url":
        checks.append(
            pa.Check(
                lambda s: _is_empty(s) | s.str.fullmatch(schema.HTTPS_URL),
                error="must be an https URL",
            )
        )
    elif f.dtype == "urls":
        pattern = rf"{schema.HTTPS_URL}(\s*;\s*{schema.HTTPS_URL})*"
        checks.append(
            pa.Check(
                lambda s: _is_empty(s) | s.str.fullmatch(pattern),
                error="must be https URLs separated by ';'",
            )
        )
    return checks


cell_checks = _cell_check  # the cases table (cases.py) checks its cells alike

# Cross-column rules: (column blamed, message, predicate that is True for good rows).
RowRule = tuple[str, str, Callable[[pd.DataFrame], pd.Series]]


def _not_null_island(lat: str, lon: str) -> Callable[[pd.DataFrame], pd.Series]:
    def check(df: pd.DataFrame) -> pd.Series:
        return ~(_numbers(df[lat], _DECIMAL).eq(0) & _numbers(df[lon], _DECIMAL).eq(0))

    return check


def _in_own_oblast(df: pd.DataFrame) -> pd.Series:
    """True unless a point in Ukraine lies beyond its oblast's box plus the margin."""
    boxes, margin = oblast_boxes(), schema.OBLAST_MARGIN_DEGREES
    code = df["admin1_code"].where(df["country"].eq("UA"))
    # Cells that fail their own check (e.g. a latitude of 91) are reported there, not here.
    lat = _numbers(df["lat"], _DECIMAL).where(lambda x: x.between(*_BOUNDS["lat"]))
    lon = _numbers(df["lon"], _DECIMAL).where(lambda x: x.between(*_BOUNDS["lon"]))
    west, south, east, north = (code.map({c: box[i] for c, box in boxes.items()}) for i in range(4))
    outside = (
        lon.lt(west - margin)
        | lon.gt(east + margin)
        | lat.lt(south - margin)
        | lat.gt(north + margin)
    )
    return ~outside.fillna(False).astype(bool)


def _row_rules(kind: str) -> list[RowRule]:
    prefix = schema.KINDS[kind].prefix
    rules: list[RowRule] = [
        (
            "event_id",
            f"must look like {prefix}-0001 (ASCII digits, at least four)",
            lambda df: df["event_id"].str.fullmatch(rf"{prefix}-[0-9]{{4,}}"),
        ),
        (
            "event_id",
            "repeats an earlier row's id",
            lambda df: ~df["event_id"].duplicated(keep="first"),
        ),
        (
            "end_date",
            "is before date",
            lambda df: _is_empty(df["end_date"]) | (df["end_date"] >= df["date"]),
        ),
        (
            "admin1_code",
            "is required for a place in Ukraine (ISO 3166-2, e.g. UA-12)",
            lambda df: (
                (df["country"] != "UA")
                | df["geo_precision"].eq("country")
                | ~_is_empty(df["admin1_code"])
            ),
        ),
        (
            "lat",
            "must be empty for a row placed only to a country, and given otherwise",
            lambda df: (
                _is_empty(df["lat"]).eq(df["geo_precision"].eq("country"))
                & _is_empty(df["lon"]).eq(df["geo_precision"].eq("country"))
            ),
        ),
        ("lat", "and lon are 0,0: a placeholder, not a place", _not_null_island("lat", "lon")),
        (
            "lat",
            f"and lon lie more than {schema.OBLAST_MARGIN_DEGREES:g} degrees outside the "
            "oblast that admin1_code names",
            _in_own_oblast,
        ),
        (
            "admin1_code",
            "must be empty outside Ukraine",
            lambda df: df["country"].eq("UA") | _is_empty(df["admin1_code"]),
        ),
    ]
    if kind == "statement":
        rules.append(
            (
                "quote",
                f"is longer than {schema.QUOTE_MAX_WORDS} words",
                lambda df: df["quote"].str.split().str.len().fillna(0) <= schema.QUOTE_MAX_WORDS,
            )
        )
    if kind == "deportation":
        rules.append(
            (
                "destination_lat",
                "needs destination_lon too (and the reverse)",
                lambda df: _is_empty(df["destination_lat"]) == _is_empty(df["destination_lon"]),
            )
        )
        rules.append(
            (
                "destination_lat",
                "and destination_lon are 0,0: a placeholder, not a place",
                _not_null_island("destination_lat", "destination_lon"),
            )
        )
    return rules


@cache
def table_schema(kind: str) -> pa.DataFrameSchema:
    """Return the pandera schema of one table, built from :mod:`dashboard.schema`.

    Built once per kind. Columns carry no dtype: :func:`read_rows` yields text only, so
    pandera's dtype check, a large share of validation time, would prove nothing.
    """
    columns = {f.name: pa.Column(None, checks=_cell_check(f)) for f in schema.table_fields(kind)}
    checks = [
        pa.Check(rule, error=f"{column}|{message}") for column, message, rule in _row_rules(kind)
    ]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


# One CSV record as the csv module reads it (comma, double quote, a quote special only at the
# start of a cell and doubled inside one): it ends at the first line break outside quotes, and a
# quote left open runs to the end of the text. Possessive repeats keep matching linear.
_CELL = r'(?:"(?:[^"]|"")*+"?[^,\r\n]*|[^,\r\n"][^,\r\n]*|)'
_RECORD = re.compile(rf"{_CELL}(?:,{_CELL})*(?:\r\n|\r|\n|\Z)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Control characters (C0, DEL, C1) other than line breaks, which only multi-line fields may hold.
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What decoding with "surrogateescape" turns each byte of invalid UTF-8 into.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_CSV_ERRORS = {
    "unexpected end of data": "opens a quote that is never closed",
    "',' expected after '\"'": 'has a quote inside a quoted cell that is not doubled ("")',
    "field larger than field limit": f"has a cell over {schema.MAX_CELL_BYTES // 1024} KB",
}


@dataclass(frozen=True)
class _Record:
    """One CSV record: its first line, its cells (None when unreadable) and what is wrong."""

    line: int
    cells: list[str] | None
    reason: str = ""


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _parse(chunk: str) -> tuple[list[str] | None, str]:
    """Split one record's text into cells with the csv module (strict about quotes)."""
    try:
        rows = list(csv.reader(io.StringIO(chunk, newline=""), strict=True))
    except csv.Error as exc:
        known = [m for e, m in _CSV_ERRORS.items() if str(exc).startswith(e)]
        return None, known[0] if known else f"is not a well-formed CSV record ({exc})"
    return (rows[0] if rows else []), ""


def _records(
    text: str, width: int | None, pos: int = 0, line: int = 1
) -> Iterator[tuple[_Record, int, int]]:
    """Yield each non-blank record of ``text`` from offset ``pos`` (on line ``line``), with the
    offset and line number after it.

    A record that cannot be parsed or has a cell count other than ``width``, and spans several
    lines, most likely holds a stray quote that swallowed the lines after it: it is reported at
    its first line and reading resumes on the next line, so it costs no more than itself.
    """
    while pos < len(text):
        chunk = _RECORD.match(text, pos).group()
        cells, reason = _parse(chunk)
        if not reason and width is not None and cells and len(cells) != width:
            reason = f"has {len(cells)} cell{'s' * (len(cells) != 1)}, header has {width}"
        breaks = _line_breaks(chunk)
        inner = breaks - chunk.endswith(("\n", "\r"))
        if reason and inner:
            reason += (
                f" (it runs on to line {line + inner}: is a quote left open? The lines "
                "after it are read again on their own)"
            )
            record = _Record(line, None, reason)
            pos, line = pos + _LINE_BREAK.search(chunk).end(), line + 1
            yield record, pos, line
            continue
        record = _Record(line, cells, reason)
        pos, line = pos + len(chunk), line + breaks
        if reason or any(cell.strip() for cell in cells):
            yield record, pos, line


def _read_bytes(path: Path) -> tuple[bytes, str]:
    """Return a file's bytes, or why it cannot be read."""
    try:
        if path.is_dir():
            return b"", "is a directory, not a table file"
        if path.exists() and not path.is_file():
            return b"", "is not a regular file"
        return path.read_bytes(), ""
    except FileNotFoundError:
        return b"", "is missing"
    except PermissionError:
        return b"", "cannot be read (permission denied)"
    except OSError as exc:
        return b"", f"cannot be read ({exc.strerror or exc})"


def _header_problem(header: list[str], expected: tuple[str, ...]) -> str:
    """Say what is wrong with a header: not UTF-8, a missing or a repeated column ("" if fine)."""
    if any(_NOT_UTF8.search(cell) for cell in header):
        return "has a header that is not valid UTF-8 (save the file as UTF-8)"
    missing = [c for c in expected if c not in header]
    if missing:
        return "lacks columns: " + ", ".join(missing)
    for column in expected:
        places = [str(i + 1) for i, cell in enumerate(header) if cell == column]
        if len(places) > 1:
            return (
                f"has column {column!r} more than once in its header (columns "
                f"{' and '.join(places)}), so no row was read"
            )
    return ""


def _cell_problems(
    file: str, record: _Record, fields: list[tuple[int, Field]], clean: bool
) -> list[Problem]:
    """Check that each cell is valid UTF-8, at most 128 KB, and free of control characters
    (line breaks are allowed in multi-line fields)."""
    text = "".join(record.cells)
    big = len(text) * 4 > schema.MAX_CELL_BYTES
    if clean and not big and "\n" not in text and "\r" not in text and not _CONTROL.search(text):
        return []
    problems = []
    for index, f in fields:
        cell = record.cells[index]
        inside = cell.strip()
        control = _CONTROL.search(inside)
        if not clean and _NOT_UTF8.search(cell):
            shown = cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            problems.append(Problem(file, record.line, f.name, "is not valid UTF-8", shown[:80]))
        elif big and len(cell.encode("utf-8")) > schema.MAX_CELL_BYTES:
            problems.append(
                Problem(
                    file,
                    record.line,
                    f.name,
                    f"is over {schema.MAX_CELL_BYTES // 1024} KB",
                    cell[:80],
                )
            )
        elif control:
            problems.append(
                Problem(
                    file,
                    record.line,
                    f.name,
                    f"holds a control character (U+{ord(control[0]):04X})",
                    inside[:80],
                )
            )
        elif not f.multiline and ("\n" in inside or "\r" in inside):
            problems.append(
                Problem(
                    file,
                    record.line,
                    f.name,
                    "holds a line break (only descriptions may)",
                    inside[:80],
                )
            )
    return problems


def read_rows(path: Path, fields: tuple[Field, ...]) -> tuple[pd.DataFrame, list[Problem], int]:
    """Read a table of ``fields`` as text, one row per well-formed CSV record, indexed by line
    number (an event table's fields are ``schema.table_fields(kind)``).

    The file is read as bytes and checked record by record: a record that has the wrong number
    of cells, or a cell that is not valid UTF-8, is over 128 KB or holds a control character, is
    reported with its line and skipped. A UTF-8 byte order mark is allowed. A missing, repeated
    or unreadable header, or a path that is not a readable file, is a file-level problem and
    yields no rows. Cells are stripped of surrounding white space.
    """
    name = path.name
    data, unreadable = _read_bytes(path)
    if unreadable:
        return _empty(fields), [Problem(name, None, None, unreadable)], 0
    try:
        text, clean = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, clean = data.decode("utf-8", "surrogateescape"), False
    text = text.removeprefix("\ufeff")
    first = next(_records(text, None), None)
    if first is None:
        return _empty(fields), [Problem(name, None, None, "is empty")], 0
    head, pos, line = first
    header = [cell.strip() for cell in head.cells or []]
    wrong = (
        f"has a header that {head.reason}"
        if head.reason
        else _header_problem(header, tuple(f.name for f in fields))
    )
    if wrong:
        return _empty(fields), [Problem(name, head.line, None, wrong)], 0
    positions = [(header.index(f.name), f) for f in fields]
    rows, lines, problems, count = [], [], [], 0
    for record, _, _ in _records(text, len(header), pos, line):
        count += 1
        bad = (
            [Problem(name, record.line, None, record.reason)]
            if record.reason
            else _cell_problems(name, record, positions, clean)
        )
        if bad:
            problems.extend(bad)
            continue
        rows.append([record.cells[i].strip() for i, _ in positions])
        lines.append(record.line)
    frame = pd.DataFrame(
        rows,
        columns=[f.name for f in fields],
        dtype=str,
        index=pd.Index(lines, name=LINE, dtype=int),
    )
    return frame, problems, count


def _empty(fields: tuple[Field, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        columns=[f.name for f in fields],
        dtype=str,
        index=pd.Index([], name=LINE, dtype=int),
    )


def validate_rows(frame: pd.DataFrame, kind: str, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Split text rows into the kept ones and one problem per failed check."""
    if frame.empty:
        return frame, []
    try:
        table_schema(kind).validate(frame, lazy=True)
        return frame, []
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    problems: dict[tuple[int, str], Problem] = {}
    for case in cases.itertuples(index=False):
        if pd.isna(case.index):
            continue
        line = int(case.index)
        if case.schema_context == "DataFrameSchema":
            column, message = str(case.check).split("|", 1)
            value = frame.at[line, column]
        else:
            column, message, value = str(case.column), str(case.check), case.failure_case
        value = "" if pd.isna(value) else str(value)
        problems.setdefault(
            (line, f"{column}|{message}"), Problem(file, line, column, message, value[:80])
        )
    bad = {line for line, _ in problems}
    ordered = sorted(problems.values(), key=lambda p: (p.line or 0, p.column or ""))
    return frame.loc[~frame.index.isin(bad)], ordered


def typed(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Convert validated text columns to dates, numbers and text; empty cells become missing."""
    out = frame.copy()
    for f in schema.table_fields(kind):
        column = out[f.name]
        if f.dtype == "date":
            out[f.name] = pd.to_datetime(column.replace("", None), format="%Y-%m-%d")
        elif f.dtype == "int":
            out[f.name] = pd.to_numeric(column.replace("", None)).astype("Int64")
        elif f.dtype == "float":
            out[f.name] = pd.to_numeric(column.replace("", None)).astype("float64")
        else:
            out[f.name] = column.astype("string").replace("", pd.NA)
    return out


def load_table(path: Path, kind: str) -> Table:
    """Read, validate and type one table file."""
    text, problems, count = read_rows(path, schema.table_fields(kind))
    kept, more = validate_rows(text, kind, path.name)
    ordered = sorted(problems + more, key=lambda p: p.line or 0)
    return Table(kind, count, typed(kept, kind), tuple(ordered))


@dataclass(frozen=True)
class Dataset:
    """All four tables stacked into one frame, with what was left out."""

    events: pd.DataFrame
    tables: tuple[Table, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for t in self.tables for p in t.problems)

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables)


def stack(tables: list[Table]) -> pd.DataFrame:
    """Stack typed tables into the unified frame with ``kind`` and the search columns."""
    frames = [
        t.frame.assign(kind=t.kind).reset_index(drop=True) for t in tables if not t.frame.empty
    ]
    columns = list(schema.unified_columns())
    if not frames:
        events = typed(pd.DataFrame(columns=columns, dtype=str), "strike").reindex(columns=columns)
    else:
        events = pd.concat(frames, ignore_index=True).reindex(columns=columns)
    events["kind"] = pd.Categorical(events["kind"], categories=list(schema.KINDS))
    events[["search_text", "search_keys"]] = search.search_columns(events)
    return events.sort_values(["date", "event_id"], ignore_index=True)


def load_dataset(data_dir: Path) -> Dataset:
    """Load every table under ``data_dir``; id prefixes keep ids unique across tables."""
    tables = [load_table(Path(data_dir) / kind.file, kind.name) for kind in schema.KINDS.values()]
    return Dataset(stack(tables), tuple(tables))


def file_versions(data_dir: Path) -> tuple[tuple[str, float], ...]:
    """Return each table file's modification time: the cache key of a loaded dataset."""
    versions = []
    for kind in schema.KINDS.values():
        path = Path(data_dir) / kind.file
        versions.append((kind.file, path.stat().st_mtime if path.exists() else 0.0))
    return tuple(versions)


def content_version(data_dir: Path) -> str:
    """Return a short hash of the four table files: the data version a citation names."""
    digest = hashlib.sha256()
    for kind in schema.KINDS.values():
        path = Path(data_dir) / kind.file
        digest.update(_read_bytes(path)[0])
    return digest.hexdigest()[:10]
