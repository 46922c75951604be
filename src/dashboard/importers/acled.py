"""ACLED event exports (the 31 columns of ACLED's codebook) mapped to the dashboard's kinds.

Kept as strikes: ``Explosions/Remote violence`` events that ACLED marks ``Civilian
targeting`` or whose second actor is civilians (inter code 7, or "Civilians" in newer
exports). Every other event type is set aside with its name in the reason. ``fatalities``
becomes ``killed``: for events against civilians ACLED counts the civilians killed.
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

NAME = "acled"
PREFIX = "ACLED"
COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
# Columns without which no row can be placed or classified; the rest (civilian_targeting,
# disorder_type and tags arrived in 2023) are used when present.
REQUIRED = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
)
USED = REQUIRED + (
    "time_precision",
    "actor2",
    "inter2",
    "civilian_targeting",
    "iso",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "tags",
)

STRIKE_EVENT_TYPE = "Explosions/Remote violence"
CIVILIAN_TARGETING = "Civilian targeting"
# time_precision: 1 the day is reported, 2 the week, 3 the month (ACLED codebook).
DATE_PRECISIONS = {"1": "day", "2": "week", "3": "month"}
# geo_precision: 1 the town itself, 2 a place near or in part of a region (coded to a nearby
# town), 3 only a larger region (coded to its capital or centroid).
GEO_PRECISIONS = {"1": "settlement", "2": "settlement", "3": "admin1"}
# ACLED names Kyiv Oblast "Kyiv" and the capital "Kyiv City"; the oblast index reads a bare
# "Kyiv" as the city.
ADMIN1_OVERRIDES = {"Kyiv": "UA-32"}


def matches(header: tuple[str, ...]) -> bool:
    """Tell whether a CSV header is an ACLED export."""
    return {"event_id_cnty", "event_type", "sub_event_type"} <= set(header)


def map_chunk(chunk: pd.DataFrame, dataset: str) -> tuple[pd.DataFrame, pd.Series]:
    """Map ACLED rows to imported-set rows; return them with a set-aside reason per row."""
    n = len(chunk)
    cell = lambda name: chunk[name] if name in chunk else pd.Series([""] * n)  # noqa: E731
    reasons = no_reasons(n)
    event_type = cell("event_type").str.strip()
    sub_type = cell("sub_event_type").str.strip()
    actor2 = cell("actor2").str.strip()
    civilian_victims = (
        cell("civilian_targeting").str.strip().eq(CIVILIAN_TARGETING)
        | cell("inter2").str.strip().isin(("7", "Civilians"))
        | actor2.str.startswith("Civilians")
    )
    remote = event_type.eq(STRIKE_EVENT_TYPE)
    set_aside(reasons, event_type.eq(""), "event_type is empty")
    set_aside(reasons, ~remote, "event type " + event_type + " is not one of the dashboard's kinds")
    set_aside(
        reasons,
        remote & ~civilian_victims,
        "Explosions/Remote violence with neither civilian targeting nor civilian victims "
        "is not a strike on civilians",
    )

    dates = parse_dates(cell("event_date"))
    set_aside(reasons, dates.isna(), "event_date is not a date")
    source_id = text(cell("event_id_cnty"))
    iso = cell("iso").str.strip()
    country = map_unique(iso.where(iso.ne(""), cell("country")), country_code)
    country = country.fillna(map_unique(cell("country"), country_code))
    set_aside(reasons, country.isna(), "country is not recognised")
    admin1_code, admin1 = oblast_columns(cell("admin1"), country, ADMIN1_OVERRIDES)
    location = text(cell("location"))
    sources = text(cell("source"))
    frame = build(
        n,
        dataset,
        "strike",
        event_id=PREFIX + "-" + source_id,
        source_id=source_id,
        source_event_type=event_type + ": " + sub_type,
        date=dates,
        date_precision=cell("time_precision").str.strip().map(DATE_PRECISIONS).fillna("day"),
        title=sub_type + " in " + location.fillna(cell("admin1")),
        description=text(cell("notes")),
        place=location,
        admin1_code=admin1_code,
        admin1=admin1,
        country=country,
        lat=number(cell("latitude")),
        lon=number(cell("longitude")),
        geo_precision=cell("geo_precision").str.strip().map(GEO_PRECISIONS).fillna("settlement"),
        actor=text(cell("actor1")),
        source_name=("ACLED via " + sources).fillna("ACLED"),
        verification="reported",
        tags=text(cell("tags")),
        scope="incident",
        killed=count(cell("fatalities")),
    )
    return frame, reasons
