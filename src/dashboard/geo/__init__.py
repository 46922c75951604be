"""Places offline: name keys, a GeoNames gazetteer with renamings, lookup and distances.

Everything here works without a network. ``geocode`` answers from ``data/geo/gazetteer.csv``
(GeoNames, CC BY 4.0) and ``data/geo/renamings.csv``; Nominatim is asked only when online
geocoding is switched on. Typical use::

    place = geocode("Artemivsk")            # Place(name="Bakhmut", admin1_code="UA-14", ...)
    mask = within_radius(events, place.lat, place.lon, 25)
"""

from dashboard.geo.distances import distances_km, with_distance_km, within_radius
from dashboard.geo.gazetteer import (
    GAZETTEER_COLUMNS,
    Alternative,
    Gazetteer,
    Place,
    load_gazetteer,
    place_names,
)
from dashboard.geo.lookup import OfflineGazetteer, geocode, lookup_place, resolve
from dashboard.geo.names import normalize, normalize_many
from dashboard.oblasts import load_boundaries, oblast_code

__all__ = [
    "GAZETTEER_COLUMNS",
    "Alternative",
    "Gazetteer",
    "OfflineGazetteer",
    "Place",
    "distances_km",
    "geocode",
    "load_boundaries",
    "load_gazetteer",
    "lookup_place",
    "resolve",
    "normalize",
    "normalize_many",
    "oblast_code",
    "place_names",
    "within_radius",
    "with_distance_km",
]
