"""CSV extracts that are safe to open in a spreadsheet and carry their own citation."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import pandas as pd

from dashboard import schema
from dashboard.i18n import ngettext

# A cell starting with one of these is run as a formula by spreadsheet programs (CWE-1236).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(column: pd.Series) -> pd.Series:
    """Prefix each text cell that a spreadsheet would run as a formula with an apostrophe.

    >>> neutralise(pd.Series(["=HYPERLINK(1)", "Kyiv"])).tolist()
    ["'=HYPERLINK(1)", 'Kyiv']
    """
    text = column.astype("string")
    risky = text.str.startswith(FORMULA_PREFIXES).fillna(False)
    return text.mask(risky, "'" + text)


def export_columns(events: pd.DataFrame) -> list[str]:
    """Return the exported columns: common, ``kind``, every kind's own, then ``distance_km``."""
    columns = list(schema.unified_columns())
    if "dataset" in events and events["dataset"].ne("curated").any():
        columns += [c for c in ("dataset", "source_id", "source_event_type") if c in events]
    if "distance_km" in events:
        columns.append("distance_km")
    return columns


def to_csv_bytes(events: pd.DataFrame) -> bytes:
    """Serialise filtered events to CSV for spreadsheets: UTF-8 with a byte-order mark (so
    Excel reads Cyrillic right), every text cell quoted (so no separator can split a cell into
    a formula) and formula starts neutralised."""
    out = events.reindex(columns=export_columns(events))
    for column in ("date", "end_date", "source_date"):
        out[column] = out[column].dt.strftime("%Y-%m-%d")
    return spreadsheet_csv_bytes(out)


def file_stem(label: str, data_version: str) -> str:
    """Name a download after the view and the data version.

    >>> file_stem("Strikes near Bucha, 2023", "a1b2c3")
    'icc-ukraine-strikes-near-bucha-2023-a1b2c3'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-")[:80] or "events"
    return f"icc-ukraine-{slug}-{data_version}"


def to_zip_bytes(
    events: pd.DataFrame, stem: str, citation_text: str, dictionary: pd.DataFrame
) -> bytes:
    """Bundle the CSV, the data dictionary and a ``CITATION.txt`` into one ZIP file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.csv", to_csv_bytes(events))
        archive.writestr("data-dictionary.csv", spreadsheet_csv_bytes(dictionary))
        archive.writestr("CITATION.txt", citation_text + "\n")
    return buffer.getvalue()


def spreadsheet_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Any table as spreadsheet-safe CSV: text cells neutralised and quoted, UTF-8 with BOM."""
    out = frame.apply(lambda c: c if pd.api.types.is_numeric_dtype(c) else neutralise(c))
    return out.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).encode(
        "utf-8-sig"
    )


def citation(view_url: str, data_version: str, accessed: date, rows: int) -> str:
    """Return a one-line citation for an extract (view URL, data version, date, row count).

    >>> citation("https://x.org/explore", "a1b2", date(2026, 11, 28), 3)[:60]
    'ICC Ukraine events dashboard, 3 events, data version a1b2, h'
    """
    return ngettext(
        "ICC Ukraine events dashboard, {rows} event, data version {version}, {url} "
        "(accessed {accessed}).",
        "ICC Ukraine events dashboard, {rows} events, data version {version}, {url} "
        "(accessed {accessed}).",
        rows,
    ).format(rows=rows, version=data_version, url=view_url, accessed=accessed.isoformat())
