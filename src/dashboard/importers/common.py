"""What every importer shares: reading text files in chunks, the imported-set columns, and checks.

An importer turns one chunk of source rows into a frame with the imported-set columns
(:data:`COLUMNS`: the unified columns plus ``dataset``, ``source_id`` and
``source_event_type``) and a reason for every row it sets aside ("" for rows it keeps). The
driver in :mod:`dashboard.importers` then applies :func:`check_rows`, the checks every
imported row must pass whatever its format.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from dashboard import geo, schema
from dashboard.oblasts import OBLAST_NAMES

# Columns an imported set adds to the unified ones: which set a row came from, and the
# source's own id and event type, kept so every row can be traced back to its record.
EXTRA_COLUMNS = ("dataset", "source_id", "source_event_type")
COLUMNS = schema.unified_columns() + EXTRA_COLUMNS

# Cells an imported row must fill, whatever its format. Curated-only requirements (place in
# Ukrainian, an https source page, the actor) are not asked of datasets that lack them.
IMPORT_REQUIRED = (
    "event_id",
    "date",
    "date_precision",
    "title",
    "country",
    "geo_precision",
    "source_name",
    "verification",
    "scope",
    "kind",
    "dataset",
    "source_id",
)

CHUNK_ROWS = 100_000
SEPARATORS = (",", ";", "\t")
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BLOCK = 1 << 22

_FIELD_TYPES = {f.name: f.dtype for f in schema.all_fields()}


def column_type(name: str) -> str:
    """Return the dtype of an imported-set column (``text`` for ``kind`` and the extras)."""
    return _FIELD_TYPES.get(name, "text")


@dataclass(frozen=True)
class TextFile:
    """How a delimited text file is written: encoding, separator, header and checksum."""

    path: Path
    encoding: str
    separator: str
    header: tuple[str, ...]
    sha256: str


def scan_text_file(path: Path) -> TextFile:
    """Work out a CSV file's encoding and separator, read its header and hash its bytes.

    UTF-8 with or without a byte-order mark and UTF-16 with one are recognised; a file that
    is not valid UTF-8 throughout is read as Windows-1251 (Cyrillic spreadsheets). The
    separator is whichever of ``,``, ``;`` and tab the header line holds most of.
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        start = handle.read(4)
        handle.seek(0)
        if start.startswith(_UTF8_BOM):
            encoding = "utf-8-sig"
        elif start[:2] in _UTF16_BOMS:
            encoding = "utf-16"
        else:
            encoding = "utf-8"
        decoder = codecs.getincrementaldecoder("utf-8")()
        while block := handle.read(_BLOCK):
            digest.update(block)
            if encoding == "utf-8":
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    encoding = "cp1251"
        if encoding == "utf-8":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1251"
    with path.open(encoding=encoding, newline="") as text:
        first = text.readline().rstrip("\r\n")
    separator = max(SEPARATORS, key=first.count)
    header = tuple(cell.strip().strip('"').strip() for cell in first.split(separator))
    return TextFile(path, encoding, separator, header, digest.hexdigest())


def read_chunks(
    source: TextFile, columns: list[str], rows: int = CHUNK_ROWS
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Yield the file's rows as text frames of at most ``rows`` rows, with their line numbers.

    Only ``columns`` are read. A line number is the header's line plus the record's
    position, which is exact unless a quoted cell spans several lines.
    """
    header_index = {name: i for i, name in enumerate(source.header)}
    usecols = sorted(header_index[c] for c in columns)
    names = [source.header[i] for i in usecols]
    reader = pd.read_csv(
        source.path,
        sep=source.separator,
        encoding=source.encoding,
        header=0,
        usecols=usecols,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        chunksize=rows,
        engine="c",
        skip_blank_lines=True,
    )
    first_line = 2
    with reader:
        for chunk in reader:
            chunk.columns = names
            chunk = chunk.reset_index(drop=True)
            lines = np.arange(first_line, first_line + len(chunk))
            first_line += len(chunk)
            yield chunk, lines


def no_reasons(n: int) -> pd.Series:
    """Return an all-empty reason column: every row kept until a check says otherwise."""
    return pd.Series([""] * n, dtype=object)


def set_aside(reasons: pd.Series, mask: pd.Series | np.ndarray, reason: str | pd.Series) -> None:
    """Give ``reason`` to the rows in ``mask`` that have none yet (the first reason wins)."""
    target = np.asarray(mask, dtype=bool) & (reasons.to_numpy() == "")
    if not target.any():
        return
    if isinstance(reason, pd.Series):
        reasons[target] = reason.to_numpy()[target]
    else:
        reasons[target] = reason


def text(values: pd.Series | str, n: int | None = None) -> pd.Series:
    """Return a text column: stripped strings, empty cells missing."""
    if isinstance(values, str):
        series = pd.Series([values] * (n or 0), dtype="string")
    else:
        series = values.astype("string").str.strip()
    return series.mask(series.eq(""))


def number(values: pd.Series) -> pd.Series:
    """Return a float column; empty or unreadable cells become NaN."""
    return pd.to_numeric(values, errors="coerce").astype("float64")


def count(values: pd.Series) -> pd.Series:
    """Return a nullable whole-number column; only non-negative whole numbers are kept."""
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers.notna() & (numbers >= 0) & (numbers == np.floor(numbers))
    return numbers.where(whole).astype("Int64")


DATE_FORMATS = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%d-%B-%Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
)


def parse_dates(values: pd.Series, formats: tuple[str, ...] = DATE_FORMATS) -> pd.Series:
    """Parse dates trying each format in turn on the cells still unread; NaT when none fits.

    >>> parse_dates(pd.Series(["2022-02-24", "24 February 2022", "31-31-2022"])).tolist()
    [Timestamp('2022-02-24 00:00:00'), Timestamp('2022-02-24 00:00:00'), NaT]
    """
    cells = values.astype("string").str.strip().str.slice(0, 19)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for form in formats:
        todo = parsed.isna() & cells.notna() & cells.ne("")
        if not todo.any():
            break
        width = 10 if form in ("%Y-%m-%d",) else None
        subset = cells[todo] if width is None else cells[todo].str.slice(0, width)
        parsed[todo] = pd.to_datetime(subset, format=form, errors="coerce")
    return parsed


# Short names that conflict datasets use where ISO 3166 has a longer one (pycountry knows the
# ISO names and common names such as "Moldova", but not these). Kosovo has the user code XK.
COUNTRY_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "kosovo": "XK",
    "czech republic": "CZ",
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "republic of congo": "CG",
    "ivory coast": "CI",
    "north korea": "KP",
    "south korea": "KR",
    "east timor": "TL",
    "cape verde": "CV",
    "vatican city": "VA",
    "micronesia": "FM",
    "palestine": "PS",
    "swaziland": "SZ",
    "eswatini": "SZ",
    "macedonia": "MK",
}


@functools.lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """Return the ISO 3166-1 alpha-2 code for a country name or numeric code, or None.

    >>> country_code("Ukraine"), country_code("804"), country_code("Russia (Soviet Union)")
    ('UA', 'UA', 'RU')
    """
    name = name.strip()
    if not name:
        return None
    if name.isdigit():
        found = pycountry.countries.get(numeric=name.zfill(3))
        return found.alpha_2 if found else None
    for candidate in (name, re.sub(r"\s*\(.*\)\s*$", "", name)):
        if candidate.lower() in COUNTRY_ALIASES:
            return COUNTRY_ALIASES[candidate.lower()]
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return None


def map_unique(values: pd.Series, lookup) -> pd.Series:
    """Apply ``lookup`` once per distinct value (cheap on a million rows with few values)."""
    cells = values.astype("string").fillna("")
    uniques = cells.unique()
    table = {value: lookup(value) for value in uniques}
    return cells.map(table).astype("string")


@functools.lru_cache(maxsize=4096)
def _oblast(name: str) -> str | None:
    return geo.oblast_code(name) if name else None


def oblast_columns(
    admin1: pd.Series, country: pd.Series, overrides: dict[str, str] | None = None
) -> tuple[pd.Series, pd.Series]:
    """Return ISO 3166-2 codes and English oblast names for places in Ukraine.

    ``overrides`` maps a dataset's own spellings that mean something else in the oblast index
    (ACLED's "Kyiv" is the oblast, its city being "Kyiv City"). A name the index does not
    know keeps the source's own spelling and no code.
    """
    in_ukraine = country.eq("UA").fillna(False)
    overrides = overrides or {}
    codes = map_unique(
        admin1.where(in_ukraine, ""), lambda name: overrides.get(name.strip()) or _oblast(name)
    )
    names = codes.map(OBLAST_NAMES).astype("string")
    source = text(admin1)
    return codes.where(in_ukraine), names.fillna(source)


_MISSING = {"date": "datetime64[ns]", "float": "float64", "int": "Int64"}


def build(n: int, dataset: str, kind: pd.Series | str, **columns) -> pd.DataFrame:
    """Assemble an imported-set frame of ``n`` rows; absent columns are empty, all typed."""
    out: dict[str, pd.Series] = {}
    given = {**columns, "dataset": dataset, "kind": kind}
    for name in COLUMNS:
        value = given.get(name)
        dtype = column_type(name)
        if value is None:  # an absent column: typed missing values straight away
            out[name] = pd.Series(pd.array([None] * n, dtype=_MISSING.get(dtype, "string")))
            continue
        if not isinstance(value, pd.Series):
            value = pd.Series([value] * n)
        value = value.reset_index(drop=True)
        if dtype == "date":
            out[name] = pd.to_datetime(value).astype("datetime64[ns]")
        elif dtype == "float":
            out[name] = value.astype("float64")
        elif dtype == "int":
            out[name] = value.astype("Int64")
        else:
            out[name] = text(value.astype("string"))
    return pd.DataFrame(out)


def check_rows(
    frame: pd.DataFrame, reasons: pd.Series, required: tuple[str, ...] = IMPORT_REQUIRED
) -> None:
    """Set aside rows that break the imported-set contract (first failure names the reason)."""
    for name in required:
        set_aside(reasons, frame[name].isna(), f"{name} is empty")
    for field in schema.all_fields():
        if field.allowed and field.name in frame:
            cells = frame[field.name]
            bad = cells.notna() & ~cells.isin(field.allowed)
            set_aside(reasons, bad, f"{field.name} must be one of {', '.join(field.allowed)}")
    set_aside(
        reasons,
        frame["kind"].notna() & ~frame["kind"].isin(tuple(schema.KINDS)),
        "kind must be one of " + ", ".join(schema.KINDS),
    )
    set_aside(
        reasons,
        frame["end_date"].notna() & (frame["end_date"] < frame["date"]),
        "end_date is before date",
    )
    first, today = pd.Timestamp(schema.FIRST_DAY), pd.Timestamp(date.today())
    for name in ("date", "end_date"):
        days = frame[name]
        set_aside(
            reasons,
            days.notna() & ((days < first) | (days > today)),
            f"{name} is outside the period covered ({schema.FIRST_DAY.isoformat()} to today)",
        )
    for name in ("lat", "lon", "destination_lat", "destination_lon"):
        low, high = (-90.0, 90.0) if name.endswith("lat") else (-180.0, 180.0)
        values = frame[name]
        set_aside(
            reasons,
            values.notna() & ~values.between(low, high),
            f"{name} is outside {low:g}..{high:g}",
        )
    placed = frame["geo_precision"].ne("country").fillna(True)
    set_aside(
        reasons,
        placed & (frame["lat"].isna() | frame["lon"].isna()),
        "coordinates are missing for a place finer than a country",
    )
    set_aside(
        reasons,
        frame["country"].notna() & ~frame["country"].str.fullmatch("[A-Z]{2}"),
        "country must be an ISO 3166-1 alpha-2 code",
    )
