"""Resolving a place name: the gazetteer first, OpenStreetMap's Nominatim when switched on.

Nominatim is asked only when online geocoding is on (``config.ONLINE_GEOCODING`` or
``online=True``) and the gazetteer has no exact answer; any network failure falls back to the
offline answer. ``OfflineGazetteer`` offers the gazetteer through geopy's geocoder interface.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError, GeopyError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from dashboard import config
from dashboard.geo.gazetteer import Gazetteer, Place, _country, load_gazetteer
from dashboard.geo.names import _base_key
from dashboard.i18n import _
from dashboard.oblasts import OBLAST_NAMES, oblast_code
from dashboard.rejected import Rejected

logger = logging.getLogger(__name__)

_NOMINATIM_CACHE = "nominatim.json"
# Failures worth falling back from: geopy's own errors and the network's.
_ONLINE_ERRORS = (GeopyError, OSError, ValueError)


@functools.lru_cache(maxsize=1)
def _nominatim() -> Any:
    """One rate-limited Nominatim client per process (its 1 request/s policy is global)."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    client = Nominatim(user_agent=config.USER_AGENT, timeout=10)
    # No retries: a dashboard user waits for the answer, and the offline one is there.
    return RateLimiter(client.geocode, min_delay_seconds=1, max_retries=0, swallow_exceptions=False)


def _nominatim_query(name: str, oblast: str | None, country: str | None) -> dict | None:
    """Ask Nominatim for one place; raises on network or service errors."""
    query = ", ".join(part for part in (name, OBLAST_NAMES.get(oblast or "", "")) if part)
    location = _nominatim()(
        query,
        exactly_one=True,
        addressdetails=True,
        language="en",
        country_codes=(country or ("ua" if oblast else None)),
    )
    if location is None:
        return None
    address = location.raw.get("address", {})
    country_code = str(address.get("country_code", "")).upper()
    admin1 = str(address.get("ISO3166-2-lvl4", "")) if country_code == "UA" else ""
    return {
        "name": location.address.split(",")[0].strip(),
        "lat": float(location.latitude),
        "lon": float(location.longitude),
        "admin1_code": admin1 if admin1 in OBLAST_NAMES else "",
        "country": country_code,
    }


def _cache_path() -> Path:
    return Path(config.CACHE_DIR) / _NOMINATIM_CACHE


def _read_cache() -> dict[str, Any]:
    try:
        return json.loads(_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_cache(cache: dict[str, Any]) -> None:
    path = _cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cache, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("could not write the geocoding cache %s: %s", path, exc)


def _online_place(name: str, oblast: str | None, country: str | None) -> tuple[Place | None, str]:
    """Ask the disk cache, then Nominatim; never raises."""
    key = f"{_base_key(name)}|{oblast or ''}|{country or ''}"
    cache = _read_cache()
    if key in cache:
        found, source = cache[key], "cache"
    else:
        try:
            found = _nominatim_query(name, oblast, country)
        except _ONLINE_ERRORS as exc:
            message = (
                f"online geocoding of {name!r} failed ({type(exc).__name__}: {exc}); "
                "using the offline gazetteer only"
            )
            logger.warning(message)
            return None, message
        source = "nominatim"
        cache[key] = found
        _write_cache(cache)
    if found is None:
        return None, f"{name!r} not found online either"
    if oblast and found["admin1_code"] != oblast:
        return None, f"online result for {name!r} lies outside {OBLAST_NAMES[oblast]}"
    return (
        Place(
            name=found["name"],
            lat=found["lat"],
            lon=found["lon"],
            admin1_code=found["admin1_code"],
            country=found["country"],
            population=None,
            source=source,
            match="online",
        ),
        "",
    )


def lookup_place(
    name: str,
    oblast: str | None = None,
    *,
    country: str | None = None,
    online: bool | None = None,
) -> tuple[Place | None, str]:
    """Geocode a name and return a message explaining misses, ambiguity and fallbacks.

    Args:
        name: Place name in any spelling or script.
        oblast: ISO code or oblast name restricting the search.
        country: ISO 3166-1 alpha-2 code restricting the search.
        online: Ask Nominatim when the gazetteer has no exact answer; None means
            ``config.ONLINE_GEOCODING``.

    Returns:
        ``(place or None, message)``; never raises for a network problem.
    """
    offline, message = load_gazetteer().resolve(name, oblast, country)
    use_online = config.ONLINE_GEOCODING if online is None else online
    if not use_online or (offline is not None and offline.match != "fuzzy"):
        return offline, message
    code = oblast_code(oblast) if oblast else None
    online_place, online_message = _online_place(name, code, _country(country))
    if online_place is not None:
        return online_place, online_message
    return offline, "; ".join(m for m in (message, online_message) if m)


def geocode(
    name: str,
    oblast: str | None = None,
    *,
    country: str | None = None,
    online: bool | None = None,
) -> Place | None:
    """Resolve a place name, offline first.

    Args:
        name: Place name in any spelling or script ("Odessa", "Харьков", "Artemivsk").
        oblast: ISO code (``UA-32``) or oblast name (English or Ukrainian) to resolve
            ambiguous names within.
        country: ISO 3166-1 alpha-2 code to restrict to.
        online: See ``lookup_place``.

    Returns:
        The place, or None when nothing matches (never raises for a network problem).
    """
    return lookup_place(name, oblast, country=country, online=online)[0]


class _NoNetworkAdapter(BaseSyncAdapter):
    """A geopy adapter that refuses to fetch, so the offline geocoder can never go online."""

    def get_json(self, url, *, timeout, headers):  # noqa: D102
        raise GeocoderServiceError("the offline gazetteer makes no requests")

    def get_text(self, url, *, timeout, headers):  # noqa: D102
        raise GeocoderServiceError("the offline gazetteer makes no requests")


class OfflineGazetteer(Geocoder):
    """A geopy geocoder backed by the offline gazetteer.

    >>> OfflineGazetteer().geocode("Kiev").raw["admin1_code"]
    'UA-30'
    """

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        """Wrap ``gazetteer`` (default: the shared one from ``load_gazetteer``)."""
        super().__init__(user_agent=config.USER_AGENT, adapter_factory=_NoNetworkAdapter)
        self._gazetteer = gazetteer

    def geocode(
        self,
        query: str,
        exactly_one: bool = True,
        timeout: float | None = None,
        *,
        oblast: str | None = None,
        country: str | None = None,
    ) -> Location | list[Location] | None:
        """Geocode ``query`` offline.

        Args:
            query: Place name.
            exactly_one: Return the best Location rather than a list of all candidates.
            timeout: Ignored (no requests are made); kept for geopy's signature.
            oblast: ISO code or oblast name to search within.
            country: ISO 3166-1 alpha-2 code to search within.

        Returns:
            A geopy Location (or a list of them), or None when nothing matches.
        """
        gazetteer = self._gazetteer or load_gazetteer()
        code = oblast_code(oblast) if oblast else None
        places = gazetteer.candidates(query, code, country)
        if not places:
            return None
        locations = [
            Location(
                ", ".join(p for p in (place.name, place.admin1, place.country) if p),
                (place.lat, place.lon),
                asdict(place),
            )
            for place in places
        ]
        return locations[0] if exactly_one else locations


def resolve(name: str, online: bool | None = None) -> Place:
    """The place a user's name stands for (offline gazetteer first, then Nominatim when
    ``online``), remembering the name typed; :class:`Rejected` says why none was found."""
    place, message = lookup_place(name, online=online) if name else (None, "")
    if place is None:
        why = (
            _("no such place online or in the gazetteer")
            if online
            else _("no such place in the gazetteer")
        )
        raise Rejected(why + (f" ({message})" if message else ""))
    return replace(place, query=name)
