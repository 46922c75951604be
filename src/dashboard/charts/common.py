"""What the charts share: Ukraine's frame on a map, marker styles by place precision,
the shaded metrics and hover text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import i18n, schema
from dashboard.i18n import N_

UKRAINE_CENTER = {"lat": 48.5, "lon": 31.3}
UKRAINE_ZOOM = 4.6
# Ukraine's extent (mainland and Crimea), kept in view when routes widen the map.
UKRAINE_LAT = np.array([44.4, 52.4])
UKRAINE_LON = np.array([22.1, 40.2])
UKRAINE_FILL = "rgba(250, 248, 240, 0.9)"
MAP_STYLE = "white-bg"
# Larger, paler markers say "somewhere around here" for places known only to oblast or country.
PRECISION_MARKERS = {
    "exact": (8, 0.9),
    "settlement": (9, 0.85),
    "admin1": (18, 0.35),
    "country": (24, 0.25),
}


class SharedGeoJSON(dict):
    """A GeoJSON object many figures draw and none changes (boundaries, countries, labels).

    Plotly deep-copies a layout value when it is set and again in ``to_dict`` (which
    ``st.plotly_chart`` calls): for the map's layers that is ~0.6 MB of nested lists per
    figure, most of a map's build time. Copying this object returns the object itself.
    """

    def __deepcopy__(self, memo: dict) -> SharedGeoJSON:
        return self


def shared(geojson: dict) -> dict:
    """``geojson`` as a :class:`SharedGeoJSON` (a shallow copy: the features are not copied)."""
    return geojson if isinstance(geojson, SharedGeoJSON) else SharedGeoJSON(geojson)


METRICS = {
    "events": N_("Events"),
    "killed": N_("People killed"),
    "children": N_("Children (deportation events)"),
}


def _text(values: pd.Series) -> pd.Series:
    """Strings for hover and labels: missing values blank, never 'None', 'nan' or '<NA>'."""
    return values.astype("string").fillna("").astype(str)


def _hover(events: pd.DataFrame) -> np.ndarray:
    """Return customdata rows (id, date, title, place) shared by every point trace."""
    return np.column_stack(
        [
            _text(events["event_id"]),
            events["date"].dt.strftime("%Y-%m-%d").fillna(""),
            _text(events["title"]),
            _text(events["place"]),
        ]
    )


HOVER_TEMPLATE = (
    "<b>%{customdata[2]}</b><br>%{customdata[1]} · %{customdata[3]}"
    "<br>%{customdata[0]}<extra></extra>"
)


def kind_labels() -> dict[str, str]:
    """Each kind's plural label in this run's language, in the tables' order."""
    return {kind: schema.kind_label(kind) for kind in schema.KINDS}


def tick_format() -> str | None:
    """Date ticks: Plotly's own in English; numeric in Ukrainian (Plotly names months in
    English only)."""
    return None if i18n.language() == "en" else "%m.%Y"


def month_format() -> str:
    """A month in hover text, as a d3 time format."""
    return "%b %Y" if i18n.language() == "en" else "%m.%Y"


def day_format() -> str:
    """A day in hover text, as a d3 time format."""
    return "%d %b %Y" if i18n.language() == "en" else "%d.%m.%Y"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
