"""Distances on the WGS84 ellipsoid, vectorised, and radius masks over event frames."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from geopy.distance import geodesic

_WGS84_A_KM = 6378.137
_WGS84_F = 1 / 298.257223563
# Lambert's formula is within 0.01 % of the geodesic below this central angle; near-antipodal
# pairs (rare, > ~19,000 km apart) are handed to geographiclib through geopy instead.
_LAMBERT_MAX_ANGLE = math.radians(175)


def _as_float_array(values: Any) -> np.ndarray:
    """Float array from scalars, lists, arrays or Series; unparsable values become NaN."""
    if isinstance(values, pd.Series | pd.Index):
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        flat = pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))),
                             errors="coerce")  # fmt: skip
        return flat.to_numpy(dtype=float, na_value=np.nan).reshape(np.shape(values))


def distances_km(lat: Any, lon: Any, lat0: Any, lon0: Any) -> np.ndarray:
    """Ellipsoidal (WGS84) distances in kilometres, vectorised and NaN-safe.

    Uses Lambert's formula for long lines on the ellipsoid, within 0.01 % of the exact
    geodesic (tested against geopy); near-antipodal pairs use the exact geodesic.

    Args:
        lat: Latitudes (scalar, list, array or Series); NaN, missing or out of range give NaN.
        lon: Longitudes, same shape as ``lat``.
        lat0: Latitude of the other point(s), scalar or broadcastable.
        lon0: Longitude of the other point(s).

    Returns:
        A float array of distances, NaN where an input is missing or invalid.

    >>> round(float(distances_km(50.4501, 30.5234, 49.9935, 36.2304)), 0)  # Kyiv-Kharkiv
    410.0
    """
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        *(_as_float_array(v) for v in (lat, lon, lat0, lon0))
    )
    invalid = (np.abs(lat1) > 90) | (np.abs(lat2) > 90)
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    # Reduced latitudes put the ellipsoid's points on the auxiliary sphere.
    beta1 = np.arctan((1 - _WGS84_F) * np.tan(phi1))
    beta2 = np.arctan((1 - _WGS84_F) * np.tan(phi2))
    half_dlon = np.radians(lon2 - lon1) / 2
    hav = np.sin((beta2 - beta1) / 2) ** 2 + np.cos(beta1) * np.cos(beta2) * np.sin(half_dlon) ** 2
    sigma = 2 * np.arcsin(np.sqrt(np.clip(hav, 0.0, 1.0)))
    p = (beta1 + beta2) / 2
    q = (beta2 - beta1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - np.sin(sigma)) * np.sin(p) ** 2 * np.cos(q) ** 2 / np.cos(sigma / 2) ** 2
        y = (sigma + np.sin(sigma)) * np.cos(p) ** 2 * np.sin(q) ** 2 / np.sin(sigma / 2) ** 2
        result = _WGS84_A_KM * (sigma - _WGS84_F / 2 * (x + y))
    result = np.where(sigma == 0, 0.0, result)
    result = np.where(invalid, np.nan, result)
    far = np.flatnonzero((sigma > _LAMBERT_MAX_ANGLE) & ~invalid)
    if far.size:
        flat = result.reshape(-1)  # a view: the writes land in ``result``
        for i in far:
            flat[i] = geodesic((lat1.flat[i], lon1.flat[i]), (lat2.flat[i], lon2.flat[i])).km
    return result


def within_radius(
    df: pd.DataFrame,
    lat0: float,
    lon0: float,
    radius_km: float,
    lat_col: str = "lat",
    lon_col: str = "lon",
) -> pd.Series:
    """Mask of the rows of ``df`` at most ``radius_km`` from (lat0, lon0).

    Rows within 0.1 % of the radius are decided with the exact geodesic, so the mask agrees
    with geopy.distance.geodesic everywhere. Rows without valid coordinates are False.

    Args:
        df: Frame with coordinate columns (not modified).
        lat0: Centre latitude.
        lon0: Centre longitude.
        radius_km: Radius in kilometres, >= 0.
        lat_col: Latitude column.
        lon_col: Longitude column.

    Returns:
        A boolean Series aligned on ``df.index``.

    Raises:
        ValueError: If the radius is negative or NaN, or the centre is not a valid point.
    """
    if not radius_km >= 0:
        raise ValueError(f"radius_km must be >= 0, got {radius_km!r}")
    if not (-90 <= lat0 <= 90 and np.isfinite(lon0)):
        raise ValueError(f"invalid centre ({lat0!r}, {lon0!r})")
    lat = _as_float_array(df[lat_col]) if len(df) else np.empty(0)
    lon = _as_float_array(df[lon_col]) if len(df) else np.empty(0)
    distance = distances_km(lat, lon, lat0, lon0)
    with np.errstate(invalid="ignore"):
        inside = distance <= radius_km
        borderline = np.abs(distance - radius_km) <= radius_km * 1e-3 + 1e-3
    for i in np.flatnonzero(borderline):
        inside[i] = geodesic((lat[i], lon[i]), (lat0, lon0)).km <= radius_km
    return pd.Series(inside, index=df.index, name="within_radius", dtype=bool)


def with_distance_km(
    df: pd.DataFrame,
    lat0: float,
    lon0: float,
    lat_col: str = "lat",
    lon_col: str = "lon",
) -> pd.DataFrame:
    """Return a copy of ``df`` with a ``distance_km`` column (0.1 km) to (lat0, lon0).

    Args:
        df: Frame with coordinate columns (not modified).
        lat0: Reference latitude.
        lon0: Reference longitude.
        lat_col: Latitude column.
        lon_col: Longitude column.

    Returns:
        A new frame; ``distance_km`` is NaN where coordinates are missing.
    """
    distance = distances_km(df[lat_col], df[lon_col], lat0, lon0) if len(df) else np.empty(0)
    return df.assign(distance_km=np.round(distance, 1))
