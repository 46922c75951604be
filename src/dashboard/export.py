"""CSV extracts that are safe to open in a spreadsheet and carry their own citation."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import schema

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
    if "distance_km" in events:
        columns.append("distance_km")
    return columns


def to_csv_bytes(events: pd.DataFrame) -> bytes:
    """Serialise filtered events to UTF-8 CSV with spreadsheet formulas neutralised."""
    out = events.reindex(columns=export_columns(events))
    for column in out.columns:
        if column in {"date", "end_date", "source_date"}:
            out[column] = out[column].dt.strftime("%Y-%m-%d")
        elif not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = neutralise(out[column])
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def citation(view_url: str, data_version: str, accessed: date, rows: int) -> str:
    """Return a one-line citation for an extract.

    >>> citation("https://x.org/explore", "a1b2", date(2026, 11, 28), 3)[:60]
    'ICC Ukraine events dashboard, 3 events, data version a1b2, h'
    """
    noun = "event" if rows == 1 else "events"
    return (f"ICC Ukraine events dashboard, {rows} {noun}, data version {data_version}, "
            f"{view_url} (accessed {accessed.isoformat()}).")

