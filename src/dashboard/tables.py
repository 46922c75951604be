"""Read and validate the event tables: good rows load, bad rows are set aside with reasons."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from dashboard import config, schema, search
from dashboard.records import LINE, Problem, read_bytes, read_rows
from dashboard.schema import Field

__all__ = ["LINE", "Problem", "read_rows"]  # read through tables by the cases and the tests


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


_DECIMAL = r"-?[0-9]{1,3}(?:\.[0-9]+)?"
_ISO_DAY = re.compile(schema.ISO_DATE)  # ASCII digits; no "+", exponent, nan or inf
_BOUNDS = {f.name: f.bounds for f in schema.all_fields() if f.bounds}


def _is_empty(s: pd.Series) -> pd.Series:
    return s.eq("")


def _empty_or_one_of(s: pd.Series, values: frozenset[str]) -> pd.Series:
    """True for the cells that are empty or one of ``values``: a set look-up per cell, several
    times faster on a table's few hundred rows than ``isin``, which hashes ``values`` anew."""
    return pd.Series([v == "" or v in values for v in s.tolist()], index=s.index, dtype=bool)


def _numbers(s: pd.Series, pattern: str) -> pd.Series:
    """Return the cells that fully match ``pattern`` as numbers, the others as NaN."""
    return pd.to_numeric(s.where(s.str.fullmatch(pattern)), errors="coerce")


def _dates_in_period(s: pd.Series) -> pd.Series:
    """True for the cells that are real ISO days from ``schema.FIRST_DAY`` to today.

    Each distinct cell is judged once, in plain Python: a table repeats its dates, and
    ``pd.to_datetime`` costs about 1 ms a call whatever the length, which adds up over every
    date column of every table load.
    """
    first, today = schema.FIRST_DAY, date.today()

    def in_period(text: str) -> bool:
        if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
            return False
        try:
            return first <= date.fromisoformat(text) <= today
        except ValueError:  # 2023-02-30, month 13 and the like
            return False

    verdicts = {text: in_period(text) for text in set(s.tolist())}
    return pd.Series([verdicts[text] for text in s.tolist()], index=s.index, dtype=bool)


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
        allowed = frozenset(f.allowed)
        checks.append(
            pa.Check(
                lambda s: _empty_or_one_of(s, allowed),
                error=f"must be one of {', '.join(f.allowed)}",
            )
        )
    if f.codes:
        codes = _code_list(f.codes)
        example = "UA-05 to UA-77" if f.codes == schema.OBLAST_CODES else "UA, RU, NL"
        checks.append(
            pa.Check(
                lambda s: _empty_or_one_of(s, codes),
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
    unknown = (np.nan,) * 4  # no box: every comparison below is False
    west, south, east, north = (
        np.array([boxes.get(c, unknown) for c in code.tolist()], dtype=float).reshape(-1, 4).T
    )
    lon, lat = (
        lon.to_numpy(dtype=float, na_value=np.nan),
        lat.to_numpy(dtype=float, na_value=np.nan),
    )
    outside = (
        (lon < west - margin)
        | (lon > east + margin)
        | (lat < south - margin)
        | (lat > north + margin)
    )
    return pd.Series(~outside, index=df.index)


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


def _holds(check: pa.Check, data: pd.DataFrame | pd.Series) -> bool:
    """True when ``check``, called directly, holds on every row of ``data``.

    Anything short of a clean pass (a failed or odd result, an error, an element-wise or
    grouped check) is False: pandera then runs the check and names what failed.
    """
    if check.element_wise or check.groupby is not None:
        return False
    try:
        result = check._check_fn(data)
    except Exception:  # noqa: BLE001 - pandera runs it again and reports the error
        return False
    return isinstance(result, pd.Series) and result.dtype == bool and bool(result.all())


def unmet(frame: pd.DataFrame, table: pa.DataFrameSchema) -> pa.DataFrameSchema | None:
    """The part of ``table`` whose checks do not all hold on the text ``frame`` (None: every
    check holds on every row).

    The checks' own functions are called directly: pandera's bookkeeping around each call
    costs more than the check itself on a table of a few hundred rows, and a table has some
    150 checks. Pandera then validates only the checks that failed, and finds the same
    failures as with the whole schema (a check that holds everywhere adds none) in a tenth of
    the time. A missing column or cell leaves the whole schema to pandera.
    """
    if not set(table.columns) <= set(frame.columns) or frame.isna().to_numpy().any():
        return table
    columns = {}
    for name, column in table.columns.items():
        failing = [check for check in column.checks if not _holds(check, frame[name])]
        if failing:
            columns[name] = column.update_checks(failing)
    checks = [check for check in table.checks if not _holds(check, frame)]
    if not columns and not checks:
        return None
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


def validate_rows(frame: pd.DataFrame, kind: str, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Split text rows into the kept ones and one problem per failed check."""
    failing = None if frame.empty else unmet(frame, table_schema(kind))
    if failing is None:
        return frame, []
    problems = failures(frame, failing, file)
    bad = {p.line for p in problems}
    return frame.loc[~frame.index.isin(bad)], problems


def failures(frame: pd.DataFrame, table: pa.DataFrameSchema, file: str) -> list[Problem]:
    """One problem per row and failed check of ``table`` on the text ``frame``, in line order."""
    try:
        table.validate(frame, lazy=True)
        return []
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
    return sorted(problems.values(), key=lambda p: (p.line or 0, p.column or ""))


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
        else:  # from a list: ten times faster than astype and replace on a few hundred cells
            out[f.name] = pd.array([cell or None for cell in column.tolist()], dtype="string")
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
        digest.update(read_bytes(path)[0])
    return digest.hexdigest()[:10]
