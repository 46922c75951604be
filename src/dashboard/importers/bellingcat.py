"""Bellingcat "Civilian Harm in Ukraine" TimeMap exports (a JSON list of incidents).

Every incident is civilian harm from an attack, so every kept row is a strike. Bellingcat
gives a point, no country and rarely a place name: the country and oblast come from the
point (:mod:`dashboard.importers.locate`). The first "Type of area affected" that fits
becomes ``target_type``; all of them, and the weapon system, go into ``tags``. Bellingcat
reuses a few ids for different incidents, so a repeated id gets a ``-2``, ``-3`` suffix in
``event_id`` while ``source_id`` keeps the id as published. Bellingcat hides some sources
(path ``HIDDEN``, usually graphic footage): such rows keep no link and carry the tag
``source-hidden``, as the set names its dataset and each row its Bellingcat id.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.importers.common import build, no_reasons, number, parse_dates, set_aside, text
from dashboard.importers.locate import locate_points
from dashboard.oblasts import OBLAST_NAMES

NAME = "bellingcat"
PREFIX = "BCAT"
KEYS = ("id", "date", "latitude", "longitude", "location", "description", "sources", "filters")
AREA_KEY = "Type of area affected"
WEAPON_KEY = "Weapon System"
TARGET_TYPES = {
    "Residential": "residential",
    "Commercial": "commercial",
    "School or childcare": "education",
    "Roads/Highways/Transport": "transport",
    "Healthcare": "medical",
    "Administrative": "government",
    "Cultural": "cultural",
    "Religious": "cultural",
    "Industrial": "other",
    "Food/Food Infrastructure": "other",
    "Humanitarian": "other",
    "Military": "other",
}
UNKNOWN_WEAPONS = {"", "Unknown", "None"}
HIDDEN = "HIDDEN"
# Points this close to 0,0 are placeholders for "unknown", not incidents in the Gulf of Guinea.
NULL_ISLAND_DEGREES = 0.01
HIDDEN_TAG = "source-hidden"


def matches(records: object) -> bool:
    """Tell whether parsed JSON looks like a Bellingcat TimeMap export."""
    return (
        isinstance(records, list)
        and bool(records)
        and isinstance(records[0], dict)
        and {"id", "date", "latitude", "longitude", "sources"} <= set(records[0])
    )


def read_records(path: Path) -> list[dict]:
    """Read the export (UTF-8, with or without a byte-order mark)."""
    return json.loads(path.read_text(encoding="utf-8-sig"))


def _values(filters: object, key: str) -> list[str]:
    if not isinstance(filters, list):
        return []
    return [
        str(f.get("value", "")).strip()
        for f in filters
        if isinstance(f, dict) and f.get("key") == key
    ]


def _urls(sources: object) -> list[str]:
    if not isinstance(sources, list):
        return []
    paths = (str(s.get("path", "")).strip() for s in sources if isinstance(s, dict))
    return [p for p in paths if p.startswith("https://")]


def flatten(records: list[dict]) -> pd.DataFrame:
    """Turn the nested records into one text row each (the file is small: ~2,000 incidents)."""
    rows = []
    for record in records:
        record = record if isinstance(record, dict) else {}
        areas = _values(record.get("filters"), AREA_KEY)
        weapons = [
            w for w in _values(record.get("filters"), WEAPON_KEY) if w not in UNKNOWN_WEAPONS
        ]
        urls = _urls(record.get("sources"))
        sources = record.get("sources") if isinstance(record.get("sources"), list) else []
        hidden = any(isinstance(s, dict) and s.get("path") == HIDDEN for s in sources)
        rows.append(
            {
                "id": str(record.get("id") or "").strip(),
                "date": str(record.get("date") or ""),
                "latitude": str(record.get("latitude") or ""),
                "longitude": str(record.get("longitude") or ""),
                "location": str(record.get("location") or ""),
                "description": str(record.get("description") or ""),
                "areas": "; ".join(a for a in areas if a),
                "target": next((TARGET_TYPES[a] for a in areas if a in TARGET_TYPES), ""),
                "weapon": "; ".join(weapons),
                "source_url": urls[0] if urls else "",
                "other_sources": ";".join(dict.fromkeys(urls[1:])),
                "hidden": HIDDEN_TAG if hidden and not urls else "",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "date",
            "latitude",
            "longitude",
            "location",
            "description",
            "areas",
            "target",
            "weapon",
            "source_url",
            "other_sources",
            "hidden",
        ],
        dtype=str,
    )


def map_chunk(chunk: pd.DataFrame, dataset: str) -> tuple[pd.DataFrame, pd.Series]:
    """Map flattened incidents to imported-set rows; return them with a reason per row."""
    n = len(chunk)
    reasons = no_reasons(n)
    source_id = text(chunk["id"])
    repeat = source_id.groupby(source_id).cumcount() + 1
    suffix = pd.Series(np.where(repeat > 1, "-" + repeat.astype(str), ""), dtype="string")
    lat, lon = number(chunk["latitude"]), number(chunk["longitude"])
    dates = parse_dates(chunk["date"], ("%m/%d/%Y", "%Y-%m-%d"))
    set_aside(reasons, dates.isna(), "date is not a date (MM/DD/YYYY)")
    set_aside(reasons, lat.isna() | lon.isna(), "coordinates are missing")
    set_aside(
        reasons,
        (lat.abs() < NULL_ISLAND_DEGREES) & (lon.abs() < NULL_ISLAND_DEGREES),
        "coordinates at 0,0 mark an unknown place",
    )
    country, oblasts = locate_points(lat, lon)
    set_aside(
        reasons,
        country.isna(),
        "point is in no country the gazetteer knows (no place within 50 km)",
    )
    areas, weapon = text(chunk["areas"]), text(chunk["weapon"])
    place = text(chunk["location"])
    target_words = text(chunk["areas"]).str.lower().fillna("unspecified area")
    tags = pd.Series(
        [
            ";".join(t for t in parts if t)
            for parts in zip(
                chunk["areas"].str.replace("; ", ";"), chunk["weapon"], chunk["hidden"], strict=True
            )
        ],
        dtype="string",
    )
    frame = build(
        n,
        dataset,
        "strike",
        event_id=PREFIX + "-" + source_id + suffix,
        source_id=source_id,
        source_event_type=("Civilian harm: " + areas).fillna("Civilian harm"),
        date=dates,
        date_precision="day",
        title="Civilian harm, " + target_words + (" (" + place + ")").fillna(""),
        description=text(chunk["description"]),
        place=place,
        admin1_code=oblasts,
        admin1=oblasts.map(OBLAST_NAMES).astype("string"),
        country=country,
        lat=lat,
        lon=lon,
        # Bellingcat places incidents on the site but blurs the points slightly.
        geo_precision="settlement",
        source_name="Bellingcat civilian harm map",
        source_url=text(chunk["source_url"]),
        other_sources=text(chunk["other_sources"]),
        verification="reported",
        tags=tags,
        scope="incident",
        target_type=text(chunk["target"]),
        weapon=weapon,
    )
    return frame, reasons
