"""Offline context under the map: neighbouring countries, sea and city labels.

The files are built by ``scripts/build_basemap.py`` (Natural Earth countries, GeoNames places)
and drawn as map layers, so the map reads as a place with no network: countries are land over
a sea-coloured background, Ukraine's oblasts are drawn above them, and labels thin out as the
reader zooms out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from dashboard import config

COUNTRIES_GEOJSON = config.GEO_DIR / "countries.geojson"
CITIES_CSV = config.GEO_DIR / "cities.csv"

SEA = "#c9dcea"
LAND = "#f2f0e9"
BORDER = "#9a9a9a"
LABEL = "#333333"
COUNTRY_LABEL = "#6a6a6a"
# Zoom at which each city rank appears: the largest at country zoom, the rest when zoomed in.
RANK_MINZOOM = {1: 0, 2: 5.2, 3: 6.6, 4: 7.8}
# A rectangle past the edges of any view, painted sea-blue under the countries.
_WORLD = [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]]


def load_countries() -> dict[str, Any]:
    """Return the bundled neighbouring countries (GeoJSON FeatureCollection)."""
    return json.loads(COUNTRIES_GEOJSON.read_text(encoding="utf-8"))


def load_cities() -> pd.DataFrame:
    """Return the label places: ``name``, ``lat``, ``lon``, ``country``, ``population``,
    ``rank``; most populous first."""
    return pd.read_csv(CITIES_CSV, dtype={"name": str, "country": str}, keep_default_na=False)


def _points(frame: pd.DataFrame, name: str = "name") -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": str(label)},
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
            }
            for label, lon, lat in zip(
                frame[name].tolist(), frame["lon"].tolist(), frame["lat"].tolist(), strict=True
            )
        ],
    }


def country_labels(countries: dict[str, Any], skip: tuple[str, ...] = ("Ukraine",)) -> dict:
    """Point features at each country's label point (Ukraine is named by its oblasts)."""
    rows = [
        {
            "name": f["properties"]["name"],
            "lat": f["properties"]["label_lat"],
            "lon": f["properties"]["label_lon"],
        }
        for f in countries["features"]
        if f["properties"]["name"] not in skip
    ]
    return _points(pd.DataFrame(rows, columns=["name", "lat", "lon"]))


def sea_layer() -> dict[str, Any]:
    return {
        "sourcetype": "geojson",
        "type": "fill",
        "below": "traces",
        "color": SEA,
        "source": {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Polygon", "coordinates": _WORLD},
        },
    }


def country_layers(countries: dict[str, Any]) -> list[dict[str, Any]]:
    """Land fill and borders of the neighbouring countries, below everything else."""
    return [
        sea_layer(),
        {
            "sourcetype": "geojson",
            "source": countries,
            "type": "fill",
            "below": "traces",
            "color": LAND,
        },
        {
            "sourcetype": "geojson",
            "source": countries,
            "type": "line",
            "below": "traces",
            "color": BORDER,
            "line": {"width": 0.7},
        },
    ]


def label_layers(
    cities: pd.DataFrame, countries: dict[str, Any], above: bool = False
) -> list[dict[str, Any]]:
    """Country names and city dots with names, one layer per rank so density follows zoom.

    Map symbol layers place labels without overlaps (colliding ones are hidden), and
    ``minzoom`` keeps the smaller cities for the zoomed-in views. Labels go below the event
    markers, or ``above`` every trace (over a choropleth's shading).
    """
    below = "" if above else "traces"
    layers = [
        {
            "sourcetype": "geojson",
            "source": country_labels(countries),
            "type": "symbol",
            "below": below,
            "symbol": {
                "text": "{name}",
                "textfont": {"size": 13, "color": COUNTRY_LABEL},
                "placement": "point",
            },
        }
    ]
    for rank, minzoom in RANK_MINZOOM.items():
        part = cities[cities["rank"] == rank]
        if part.empty:
            continue
        source = _points(part)
        layers.append(
            {
                "sourcetype": "geojson",
                "source": source,
                "type": "circle",
                "below": below,
                "minzoom": minzoom,
                "color": LABEL,
                "circle": {"radius": 2.5 if rank == 1 else 2},
            }
        )
        layers.append(
            {
                "sourcetype": "geojson",
                "source": source,
                "type": "symbol",
                "below": below,
                "minzoom": minzoom,
                "symbol": {
                    "text": "{name}",
                    "textposition": "top right",
                    "textfont": {"size": 12 if rank == 1 else 11, "color": LABEL},
                },
            }
        )
    return layers


@dataclass(frozen=True)
class Context:
    """What the map draws around Ukraine: neighbouring countries and label places."""

    countries: dict[str, Any]
    cities: pd.DataFrame
    _labels: dict[bool, list[dict[str, Any]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def label_layers(self, above: bool = False) -> list[dict[str, Any]]:
        """:func:`label_layers` of this context, built once (about 15 ms a map otherwise)."""
        if above not in self._labels:
            self._labels[above] = label_layers(self.cities, self.countries, above)
        return self._labels[above]


# Natural Earth's short forms that CLDR names otherwise, by ISO 3166-1 code.
_NATURAL_EARTH_CODES = {
    "Bosnia and Herz.": "BA",
    "Macedonia": "MK",
    "Turkey": "TR",
    "Vatican": "VA",
    "Åland": "AX",
}


@lru_cache(maxsize=2)
def load_context(lang: str = "en") -> Context:
    """Return the bundled context layers, read once per process and language (the files never
    change while the app runs; they are rebuilt by ``scripts/build_basemap.py``).

    In Ukrainian, countries are named as CLDR names them (through Babel) and Ukrainian cities
    by the gazetteer's ``name_uk``; other names stay as the files have them. Ukraine itself
    keeps its name, which its oblasts stand in for on the map.
    """
    countries, cities = load_countries(), load_cities()
    if lang != "uk":
        return Context(countries, cities)
    from babel import Locale

    from dashboard import geo

    codes = {name: code for code, name in Locale("en").territories.items()}
    codes |= _NATURAL_EARTH_CODES
    names = Locale("uk").territories
    features = []
    for feature in countries["features"]:
        name = feature["properties"]["name"]
        if name != "Ukraine":
            name = names.get(codes.get(name, ""), name)
        features.append({**feature, "properties": {**feature["properties"], "name": name}})
    ukrainian, population = {}, {}
    for row in geo.load_gazetteer().rows:  # a shared name is the most populous place's
        if row.country == "UA" and row.name_uk and row.population > population.get(row.name, -1):
            ukrainian[row.name], population[row.name] = row.name_uk, row.population
    in_ukraine = cities["country"].eq("UA")
    cities = cities.assign(
        name=cities["name"].where(~in_ukraine, cities["name"].map(ukrainian).fillna(cities["name"]))
    )
    return Context({**countries, "features": features}, cities)
