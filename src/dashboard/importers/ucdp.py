"""UCDP Georeferenced Event Dataset (GED) rows mapped to the dashboard's kinds.

Kept as strikes: one-sided violence (``type_of_violence`` 3, an organised actor against
civilians) and state-based conflict events (1) that killed civilians. Non-state conflict (2)
and state-based events without civilian deaths are set aside. ``deaths_civilians`` becomes
``killed``. One-sided violence also covers killings that are not strikes (executions, for
one), which UCDP does not tell apart: ``source_event_type`` keeps UCDP's own type.
"""

from __future__ import annotations

import pandas as pd

from dashboard.importers.common import (
    build,
    count,
    country_code,
    map_unique,
    no_reasons,
    number,
    oblast_columns,
    parse_dates,
    set_aside,
    text,
)

NAME = "ucdp"
PREFIX = "UCDP"
COLUMNS = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)
REQUIRED = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "latitude",
    "longitude",
    "country",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_civilians",
    "best",
)
USED = REQUIRED + ("conflict_name", "source_office", "low", "high")

TYPES_OF_VIOLENCE = {
    "1": "state-based conflict",
    "2": "non-state conflict",
    "3": "one-sided violence",
}
# date_prec: 1 the day, 2 a span of two to six days, 3 the week, 4 a span of 8-30 days or the
# month, 5 more than a month (up to the year).
DATE_PRECISIONS = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
# where_prec: 1 the place itself, 2 within about 25 km of it, 3 a second-order division,
# 4 a first-order division, 5 a larger region or a line (a road, a river), 6 the country,
# 7 international waters or airspace.
GEO_PRECISIONS = {
    "1": "settlement",
    "2": "settlement",
    "3": "admin1",
    "4": "admin1",
    "5": "admin1",
    "6": "country",
    "7": "country",
}


def matches(header: tuple[str, ...]) -> bool:
    """Tell whether a CSV header is a UCDP GED export."""
    return {"type_of_violence", "where_prec", "date_start", "side_a"} <= set(header)


def _whole(values: pd.Series) -> pd.Series:
    """'3', '3.0' and ' 3 ' all read as '3' (GED files pass through Stata and R)."""
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.astype("Int64").astype("string").fillna("")


def map_chunk(chunk: pd.DataFrame, dataset: str) -> tuple[pd.DataFrame, pd.Series]:
    """Map GED rows to imported-set rows; return them with a set-aside reason per row."""
    n = len(chunk)
    cell = lambda name: chunk[name] if name in chunk else pd.Series([""] * n)  # noqa: E731
    reasons = no_reasons(n)
    violence = _whole(cell("type_of_violence"))
    civilians = count(cell("deaths_civilians"))
    set_aside(
        reasons, ~violence.isin(tuple(TYPES_OF_VIOLENCE)), "type_of_violence must be 1, 2 or 3"
    )
    set_aside(
        reasons,
        violence.eq("2"),
        "event type non-state conflict is not one of the dashboard's kinds",
    )
    set_aside(
        reasons,
        violence.eq("1") & civilians.fillna(0).eq(0),
        "state-based conflict event with no civilian deaths is not a strike on civilians",
    )

    source_id = text(_whole(cell("id")).where(lambda s: s.ne(""), cell("id")))
    country = map_unique(cell("country"), country_code)
    set_aside(reasons, country.isna(), "country is not recognised")
    admin1_code, admin1 = oblast_columns(cell("adm_1"), country)
    precision = _whole(cell("where_prec")).map(GEO_PRECISIONS).fillna("admin1")
    placed = precision.ne("country")
    start, end = parse_dates(cell("date_start")), parse_dates(cell("date_end"))
    set_aside(reasons, start.isna(), "date_start is not a date")
    side_a, side_b = text(cell("side_a")), text(cell("side_b"))
    best = count(cell("best")).astype("string")
    place = text(cell("where_coordinates"))
    offices = text(cell("source_office"))
    frame = build(
        n,
        dataset,
        "strike",
        event_id=PREFIX + "-" + source_id,
        source_id=source_id,
        source_event_type=violence.map(TYPES_OF_VIOLENCE),
        date=start,
        end_date=end.where(end > start),
        date_precision=_whole(cell("date_prec")).map(DATE_PRECISIONS).fillna("year"),
        title=violence.map(TYPES_OF_VIOLENCE).str.capitalize()
        + " in "
        + place.fillna(cell("country")),
        description=(
            side_a
            + " against "
            + side_b
            + "; UCDP best estimate "
            + best.fillna("?")
            + " deaths (low "
            + text(cell("low")).fillna("?")
            + ", high "
            + text(cell("high")).fillna("?")
            + ")."
        ),
        place=place,
        admin1_code=admin1_code.where(placed),
        admin1=admin1.where(placed),
        country=country,
        lat=number(cell("latitude")).where(placed),
        lon=number(cell("longitude")).where(placed),
        geo_precision=precision,
        actor=side_a,
        source_name=("UCDP GED via " + offices).fillna("UCDP GED"),
        verification="reported",
        tags=text(cell("conflict_name")),
        scope="incident",
        killed=civilians,
    )
    return frame, reasons
