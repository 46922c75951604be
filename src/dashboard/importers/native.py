"""The dashboard's own layout: a CSV with the unified columns (as the Explore page exports).

Rows are checked against :mod:`dashboard.schema` as curated rows are (every required cell,
closed vocabularies, numbers, dates, https links), except the ``PREFIX-0001`` id pattern:
ids need only be unique within the set. The file's own ``verification`` is kept. Cells that
an export neutralised for spreadsheets (``'=...``) get their text back.
"""

from __future__ import annotations

import pandas as pd

from dashboard import schema
from dashboard.export import FORMULA_PREFIXES
from dashboard.importers.common import (
    EXTRA_COLUMNS,
    build,
    column_type,
    count,
    no_reasons,
    number,
    parse_dates,
    set_aside,
    text,
)

NAME = "native"
PREFIX = ""
COLUMNS = schema.unified_columns()
REQUIRED = ("event_id", "kind", "date")
USED = COLUMNS + EXTRA_COLUMNS


def matches(header: tuple[str, ...]) -> bool:
    """Tell whether a CSV header has the unified columns the dashboard requires."""
    required = {f.name for f in schema.COMMON_FIELDS if f.required}
    return {"kind"} | required <= set(header)


def _restore(cells: pd.Series) -> pd.Series:
    neutralised = cells.str.startswith("'") & cells.str.slice(1, 2).isin(FORMULA_PREFIXES)
    return cells.mask(neutralised, cells.str.slice(1))


def map_chunk(chunk: pd.DataFrame, dataset: str) -> tuple[pd.DataFrame, pd.Series]:
    """Type native rows and set aside any that break the curated contract."""
    n = len(chunk)
    reasons = no_reasons(n)
    values: dict[str, pd.Series] = {}
    for name in COLUMNS + EXTRA_COLUMNS:
        if name == "dataset":
            continue
        cells = _restore(chunk[name].str.strip()) if name in chunk else pd.Series([""] * n)
        dtype = column_type(name)
        given = cells.ne("")
        if dtype == "date":
            parsed = parse_dates(cells, ("%Y-%m-%d",))
            set_aside(reasons, given & parsed.isna(), f"{name} must be an ISO date (YYYY-MM-DD)")
        elif dtype == "int":
            parsed = count(cells)
            set_aside(reasons, given & parsed.isna(), f"{name} must be a whole number or empty")
        elif dtype == "float":
            parsed = number(cells)
            set_aside(reasons, given & parsed.isna(), f"{name} must be a number")
        else:
            parsed = text(cells)
            if dtype == "url":
                set_aside(
                    reasons,
                    given & ~cells.str.fullmatch(schema.HTTPS_URL),
                    f"{name} must be an https URL",
                )
            elif dtype == "urls":
                pattern = rf"{schema.HTTPS_URL}(\s*;\s*{schema.HTTPS_URL})*"
                set_aside(
                    reasons,
                    given & ~cells.str.fullmatch(pattern),
                    f"{name} must be https URLs separated by ';'",
                )
        values[name] = parsed
    kinds = values["kind"]
    for kind in schema.KINDS:
        of_kind = kinds.eq(kind).fillna(False)
        for field in schema.table_fields(kind):
            if field.required:
                set_aside(reasons, of_kind & values[field.name].isna(), f"{field.name} is empty")
    values["source_id"] = values["source_id"].fillna(values["event_id"])
    frame = build(n, dataset, values.pop("kind"), **values)
    return frame, reasons
