"""Read and validate the event tables: good rows load, bad rows are set aside with reasons."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from dashboard import schema, search
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


def _is_empty(s: pd.Series) -> pd.Series:
    return s.eq("")


def _cell_check(f: Field) -> list[pa.Check]:
    """Build the pandera checks for one column's cells (all cells are read as text)."""
    checks: list[pa.Check] = []
    if f.required:
        checks.append(pa.Check(lambda s: ~_is_empty(s), error="is required"))
    if f.allowed:
        allowed = set(f.allowed)
        checks.append(pa.Check(lambda s: _is_empty(s) | s.isin(allowed),
                               error=f"must be one of {', '.join(f.allowed)}"))
    if f.dtype == "date":
        checks.append(pa.Check(
            lambda s: _is_empty(s) | pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna(),
            error="must be an ISO date (YYYY-MM-DD)"))
    elif f.dtype == "int":
        checks.append(pa.Check(lambda s: _is_empty(s) | s.str.fullmatch(r"\d+"),
                               error="must be a whole number or empty"))
    elif f.dtype == "float":
        low, high = f.bounds or (float("-inf"), float("inf"))
        checks.append(pa.Check(
            lambda s: _is_empty(s) | pd.to_numeric(s, errors="coerce").between(low, high),
            error=f"must be a number between {low:g} and {high:g}"))
    elif f.dtype == "url":
        checks.append(pa.Check(lambda s: _is_empty(s) | s.str.fullmatch(schema.HTTPS_URL),
                               error="must be an https URL"))
    elif f.dtype == "urls":
        pattern = rf"{schema.HTTPS_URL}(\s*;\s*{schema.HTTPS_URL})*"
        checks.append(pa.Check(lambda s: _is_empty(s) | s.str.fullmatch(pattern),
                               error="must be https URLs separated by ';'"))
    return checks


cell_checks = _cell_check  # the cases table (cases.py) checks its cells alike


# Cross-column rules: (column blamed, message, predicate that is True for good rows).
RowRule = tuple[str, str, Callable[[pd.DataFrame], pd.Series]]


def _row_rules(kind: str) -> list[RowRule]:
    prefix = schema.KINDS[kind].prefix
    rules: list[RowRule] = [
        ("event_id", f"must look like {prefix}-0001",
         lambda df: df["event_id"].str.fullmatch(rf"{prefix}-\d{{4}}")),
        ("event_id", "repeats an earlier row's id",
         lambda df: ~df["event_id"].duplicated(keep="first")),
        ("end_date", "is before date",
         lambda df: _is_empty(df["end_date"]) | (df["end_date"] >= df["date"])),
        ("country", "must be an ISO 3166-1 alpha-2 code", lambda df: df["country"].str.fullmatch(
            "[A-Z]{2}")),
        ("admin1_code", "is required for a place in Ukraine (ISO 3166-2, e.g. UA-12)",
         lambda df: (df["country"] != "UA") | df["geo_precision"].eq("country")
         | df["admin1_code"].str.fullmatch(r"UA-\d{2}")),
        ("lat", "must be empty for a row placed only to a country, and given otherwise",
         lambda df: _is_empty(df["lat"]).eq(df["geo_precision"].eq("country"))
         & _is_empty(df["lon"]).eq(df["geo_precision"].eq("country"))),
        ("admin1_code", "must be empty outside Ukraine",
         lambda df: df["country"].eq("UA") | _is_empty(df["admin1_code"])),
    ]
    if kind == "statement":
        rules.append(("quote", f"is longer than {schema.QUOTE_MAX_WORDS} words",
                      lambda df: df["quote"].str.split().str.len().fillna(0)
                      <= schema.QUOTE_MAX_WORDS))
    if kind == "deportation":
        rules.append(("destination_lat", "needs destination_lon too (and the reverse)",
                      lambda df: _is_empty(df["destination_lat"])
                      == _is_empty(df["destination_lon"])))
    return rules


def table_schema(kind: str) -> pa.DataFrameSchema:
    """Return the pandera schema of one table, built from :mod:`dashboard.schema`."""
    columns = {f.name: pa.Column(str, checks=_cell_check(f)) for f in schema.table_fields(kind)}
    checks = [pa.Check(rule, error=f"{column}|{message}")
              for column, message, rule in _row_rules(kind)]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


def read_rows(path: Path, kind: str) -> tuple[pd.DataFrame, list[Problem], int]:
    """Read a table as text, one row per well-formed CSV record, indexed by line number.

    Records with the wrong number of cells are reported and skipped; a missing column or an
    unreadable file is a file-level problem and yields no rows.
    """
    name = path.name
    expected = schema.table_columns(kind)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return _empty(kind), [Problem(name, None, None, "is empty")], 0
            missing = [c for c in expected if c not in header]
            if missing:
                return _empty(kind), [Problem(name, 1, None, "lacks columns: " + ", ".join(
                    missing))], 0
            records, lines, problems = [], [], []
            line = reader.line_num
            for record in reader:
                start, line = line + 1, reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(header):
                    problems.append(Problem(name, start, None,
                                            f"has {len(record)} cells, header has {len(header)}"))
                    continue
                records.append(record)
                lines.append(start)
    except FileNotFoundError:
        return _empty(kind), [Problem(name, None, None, "is missing")], 0
    except (UnicodeDecodeError, csv.Error) as exc:
        return _empty(kind), [Problem(name, None, None, f"cannot be read as UTF-8 CSV: {exc}")], 0
    frame = pd.DataFrame(records, columns=header, index=pd.Index(lines, name=LINE), dtype=str)
    frame = frame.apply(lambda s: s.str.strip())
    return frame[list(expected)], problems, len(records) + len(problems)


def _empty(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(schema.table_columns(kind)), dtype=str,
                        index=pd.Index([], name=LINE, dtype=int))


def validate_rows(frame: pd.DataFrame, kind: str, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Split text rows into the kept ones and one problem per failed check."""
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
        problems.setdefault((line, f"{column}|{message}"),
                            Problem(file, line, column, message, value[:80]))
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
    text, problems, count = read_rows(path, kind)
    kept, more = validate_rows(text, kind, path.name)
    return Table(kind, count, typed(kept, kind), tuple(problems + more))


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
    frames = [t.frame.assign(kind=t.kind).reset_index(drop=True) for t in tables
              if not t.frame.empty]
    columns = list(schema.unified_columns())
    if not frames:
        events = typed(pd.DataFrame(columns=columns, dtype=str), "strike").reindex(
            columns=columns)
    else:
        events = pd.concat(frames, ignore_index=True).reindex(columns=columns)
    events["kind"] = pd.Categorical(events["kind"], categories=list(schema.KINDS))
    events[["search_text", "search_keys"]] = search.search_columns(events)
    return events.sort_values(["date", "event_id"], ignore_index=True)


def load_dataset(data_dir: Path) -> Dataset:
    """Load every table under ``data_dir``; id prefixes keep ids unique across tables."""
    tables = [load_table(Path(data_dir) / kind.file, kind.name) for kind in
              schema.KINDS.values()]
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
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:10]
