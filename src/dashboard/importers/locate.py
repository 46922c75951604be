"""Country and oblast of bare coordinates, for sources that give a point and nothing else.

A point inside one of the bundled oblast polygons (``data/geo/oblasts.geojson``) is in Ukraine,
in that oblast. Any other point (one past a coarse coastline, or abroad) takes the country,
and in Ukraine the oblast, of the nearest gazetteer place within :data:`NEAREST_PLACE_KM`; a
point with no place that near is left unplaced.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from dashboard import config, geo

NEAREST_PLACE_KM = 50.0


def _rings(geometry: dict) -> list[np.ndarray]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [np.asarray(ring, dtype=float) for polygon in polygons for ring in polygon]


@functools.lru_cache(maxsize=1)
def _oblast_rings() -> tuple[tuple[str, tuple[np.ndarray, ...], tuple[float, ...]], ...]:
    units = []
    for feature in geo.load_boundaries()["features"]:
        rings = _rings(feature["geometry"])
        stacked = np.vstack(rings)
        bbox = (*stacked.min(axis=0), *stacked.max(axis=0))
        units.append((feature["id"], tuple(rings), bbox))
    return tuple(units)


def _inside(lon: np.ndarray, lat: np.ndarray, rings: tuple[np.ndarray, ...]) -> np.ndarray:
    """Even-odd rule over every ring of a unit, so holes fall out by themselves."""
    inside = np.zeros(len(lon), dtype=bool)
    for ring in rings:
        x1, y1 = ring[:-1, 0], ring[:-1, 1]
        x2, y2 = ring[1:, 0], ring[1:, 1]
        for start in range(0, len(lon), 2048):
            px = lon[start : start + 2048, None]
            py = lat[start : start + 2048, None]
            straddles = (y1 > py) != (y2 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                cross_x = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            crossings = (straddles & (px < cross_x)).sum(axis=1)
            inside[start : start + 2048] ^= (crossings % 2).astype(bool)
    return inside


def oblast_of_points(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """Return the ISO 3166-2 code of the oblast holding each point, missing outside Ukraine."""
    lat_values = lat.to_numpy(dtype=float, na_value=np.nan)
    lon_values = lon.to_numpy(dtype=float, na_value=np.nan)
    codes = np.full(len(lat_values), None, dtype=object)
    known = ~(np.isnan(lat_values) | np.isnan(lon_values))
    for code, rings, (west, south, east, north) in _oblast_rings():
        todo = known & (codes == None)  # noqa: E711 (element-wise test on an object array)
        todo &= (lon_values >= west) & (lon_values <= east)
        todo &= (lat_values >= south) & (lat_values <= north)
        if todo.any():
            index = np.flatnonzero(todo)
            hit = _inside(lon_values[index], lat_values[index], rings)
            codes[index[hit]] = code
    return pd.Series(codes, index=lat.index, dtype="string")


@functools.lru_cache(maxsize=1)
def _gazetteer_points() -> pd.DataFrame:
    return pd.read_csv(
        config.GAZETTEER_CSV,
        usecols=["lat", "lon", "country", "admin1_code"],
        dtype={"country": str, "admin1_code": str},
        keep_default_na=False,
    )


def locate_points(lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the ISO 3166-1 alpha-2 country and, in Ukraine, the ISO 3166-2 oblast of each
    point (see the module docstring); missing where a point cannot be placed."""
    oblasts = oblast_of_points(lat, lon)
    countries = pd.Series(pd.NA, index=lat.index, dtype="string")
    countries[oblasts.notna()] = "UA"
    places = _gazetteer_points()
    todo = oblasts.isna() & lat.notna() & lon.notna()
    for index in np.flatnonzero(todo.to_numpy()):
        distances = geo.distances_km(places["lat"], places["lon"], lat.iloc[index], lon.iloc[index])
        nearest = int(np.argmin(distances))
        if distances[nearest] <= NEAREST_PLACE_KM:
            countries.iloc[index] = places["country"].iloc[nearest]
            if countries.iloc[index] == "UA" and places["admin1_code"].iloc[nearest]:
                oblasts.iloc[index] = places["admin1_code"].iloc[nearest]
    return countries, oblasts
