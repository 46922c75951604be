"""The points map: Ukraine and its neighbours drawn from bundled files, events stacked per
point, the radius ring, and what a selection on it means.

Maps use the ``white-bg`` style and draw the bundled oblast boundaries themselves: nothing is
fetched, so a map reads as Ukraine with no network. (With ``open-street-map`` tiles failing
offline, plotly.js never reports box or lasso selections to Streamlit, so the map could not
filter the table.)"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import basemap, i18n, schema
from dashboard.charts.common import (
    MAP_STYLE,
    PRECISION_MARKERS,
    UKRAINE_CENTER,
    UKRAINE_FILL,
    UKRAINE_LAT,
    UKRAINE_LON,
    UKRAINE_ZOOM,
    _short,
    _text,
    kind_labels,
    shared,
)
from dashboard.charts.density import MAP_POINT_LIMIT, add_grid, cell_size, grid_counts
from dashboard.charts.routes import _route_traces, drawn_routes
from dashboard.i18n import _

STACK_HOVER_LIMIT = 10


def _outline_layers(geojson: dict) -> list[dict]:
    return [
        {
            "sourcetype": "geojson",
            "source": geojson,
            "type": "fill",
            "below": "traces",
            "color": UKRAINE_FILL,
        },
        {
            "sourcetype": "geojson",
            "source": geojson,
            "type": "line",
            "below": "traces",
            "color": "#6b6b6b",
            "line": {"width": 0.8},
        },
    ]


def context_layers(
    oblasts: dict, context: basemap.Context | None, outlines: bool = True
) -> list[dict]:
    """Sea, neighbouring countries, Ukraine's oblasts and labels, bottom to top.

    Without ``outlines`` (a choropleth draws the oblasts itself) the labels go above it.

    The countries go below the oblasts, so Ukraine's borders (Crimea included) are the ones
    drawn whatever the country file says.
    """
    layers = basemap.country_layers(context.countries) if context else []
    if outlines:
        layers += _outline_layers(oblasts)
    if context:
        layers += context.label_layers(above=not outlines)
    return [_shared_source(layer) for layer in layers]


def _shared_source(layer: dict) -> dict:
    """The layer with its GeoJSON not copied again by plotly (see ``SharedGeoJSON``)."""
    if isinstance(layer.get("source"), dict):
        return {**layer, "source": shared(layer["source"])}
    return layer


def zoom_for_radius(
    radius_km: float, lat: float = UKRAINE_CENTER["lat"], height_px: int = 600
) -> float:
    """Return the map zoom at which a circle of ``radius_km`` spans ~80% of the map's height.

    At zoom z the world is 512 * 2**z pixels wide (MapLibre tiles), shrunk by cos(latitude).

    >>> round(zoom_for_radius(30, lat=50.5), 1)
    8.6
    """
    metres_per_px = 0.8 * height_px / (2 * radius_km * 1000)
    world_px = 40_075_016.7 * math.cos(math.radians(lat)) * metres_per_px
    return float(np.clip(math.log2(world_px / 512), 3, 14))


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def view_for_bounds(
    lat: tuple[float, float], lon: tuple[float, float], width_px: int = 900, height_px: int = 600
) -> tuple[dict, float]:
    """Return the centre and zoom that fit a lat/lon box into a map of the given size.

    >>> center, zoom = view_for_bounds((44.4, 52.4), (22.1, 40.2))
    >>> round(zoom, 1), round(center["lat"], 1)
    (5.0, 48.6)
    """
    x_span = (lon[1] - lon[0]) / 360
    y_span = (_mercator_y(lat[1]) - _mercator_y(lat[0])) / (2 * math.pi)
    zoom = (
        min(
            math.log2(width_px / 512 / max(x_span, 1e-6)),
            math.log2(height_px / 512 / max(y_span, 1e-6)),
        )
        - 0.15
    )
    y_mid = (_mercator_y(lat[0]) + _mercator_y(lat[1])) / 2
    center = {
        "lat": math.degrees(2 * math.atan(math.exp(y_mid)) - math.pi / 2),
        "lon": (lon[0] + lon[1]) / 2,
    }
    return center, float(np.clip(zoom, 2, 14))


def stack_points(events: pd.DataFrame, limit: int = STACK_HOVER_LIMIT) -> pd.DataFrame:
    """One row per kind and coordinate: how many events share the point, their ids and a
    hover text listing them (the first ``limit``, newest first).

    Only located rows are used, so hover text is built for points that are drawn.

    Returns:
        Columns ``kind``, ``lat``, ``lon``, ``count``, ``ids`` (';'-joined), ``hover`` and
        ``geo_precision`` (the coarsest precision in the stack).
    """
    columns = ["kind", "lat", "lon", "count", "ids", "hover", "geo_precision"]
    shown = ["kind", "lat", "lon", "date", "event_id", "title", "place", "geo_precision"]
    located = events[shown].dropna(subset=["lat", "lon"])  # sorted below: these columns only
    if located.empty:
        return pd.DataFrame(columns=columns)
    rank = {p: i for i, p in enumerate(schema.GEO_PRECISIONS)}
    rows = []
    ordered = located.sort_values(["date", "event_id"], ascending=[False, True])
    ordered = ordered.assign(
        title_=_text(ordered["title"]),
        place_=_text(ordered["place"]),
        precision_=_text(ordered["geo_precision"]),
        day_=ordered["date"].dt.strftime("%Y-%m-%d"),
    )
    # Plain lists, grouped in first-seen order (pandas per-group access costs more than the
    # hover text itself).
    kinds = ordered["kind"].astype(str).tolist()
    ids, days = ordered["event_id"].astype(str).tolist(), ordered["day_"].tolist()
    titles, places = ordered["title_"].tolist(), ordered["place_"].tolist()
    precisions = ordered["precision_"].tolist()
    groups: dict[tuple, list[int]] = {}
    points = zip(kinds, ordered["lat"].tolist(), ordered["lon"].tolist(), strict=True)
    for i, key in enumerate(points):
        groups.setdefault(key, []).append(i)
    for (kind, lat, lon), group in groups.items():
        count = len(group)
        first = group[0]
        if count == 1:
            hover = (
                f"<b>{html.escape(titles[first])}</b><br>{days[first]} · "
                f"{html.escape(places[first])}<br>{ids[first]}"
            )
        else:
            lines = [
                f"{days[i]} {ids[i]} {html.escape(_short(titles[i], 48))}" for i in group[:limit]
            ]
            if count > limit:
                lines.append(_("… and {n} more").format(n=i18n.number(count - limit)))
            hover = (
                "<b>"
                + _("{n} {kind} at {place}").format(
                    n=i18n.number(count),
                    kind=schema.kind_label(str(kind)).lower(),
                    place=html.escape(places[first]),
                )
                + "</b><br>"
                + "<br>".join(lines)
            )
        precision = max((precisions[i] for i in group), key=lambda p: rank.get(p, 0))
        rows.append(
            {
                "kind": str(kind),
                "lat": lat,
                "lon": lon,
                "count": count,
                "ids": ";".join(ids[i] for i in group),
                "hover": hover,
                "geo_precision": precision,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def marker_sizes(counts: np.ndarray, precisions: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Marker size and opacity per point: larger for more events, paler for vaguer places."""
    base = np.array(
        [PRECISION_MARKERS.get(p, (9, 0.8)) for p in precisions.astype(str)], dtype=float
    ).reshape(-1, 2)
    sizes = base[:, 0] + 4 * np.log2(np.maximum(np.asarray(counts, dtype=float), 1))
    return sizes, base[:, 1]


def map_figure(
    events: pd.DataFrame,
    oblasts: dict,
    near: tuple[str, float, float] | None = None,
    radius_km: float | None = None,
    context: basemap.Context | None = None,
    routes: bool = True,
    point_limit: int = MAP_POINT_LIMIT,
    grid: tuple[pd.DataFrame, float] | None = None,
    route_rows: pd.DataFrame | None = None,
) -> go.Figure:
    """Points coloured by kind over Ukraine's oblasts and, given ``context``, its neighbours.

    Events sharing a point are one marker, sized by how many they are, whose hover lists them;
    each marker's ``customdata[0]`` holds its event ids joined by ';'.

    Args:
        events: Filtered events with ``lat``/``lon``.
        oblasts: The bundled boundaries (GeoJSON FeatureCollection).
        near: ``(name, lat, lon)`` of the place the radius filter is centred on.
        radius_km: Radius drawn around ``near``.
        context: Countries and city labels drawn under the oblasts (none: oblasts only).
        routes: Draw lines from origin to destination for deportations that have both.
        point_limit: Above this many located events, draw the density grid instead.
        grid: Cell counts and cell size computed elsewhere (in SQL): drawn instead of points.
        route_rows: The routes, when computed elsewhere (:func:`deportation_routes`).
    """
    fig = go.Figure()
    center, zoom = dict(UKRAINE_CENTER), UKRAINE_ZOOM
    if near is not None and radius_km:
        name, lat, lon = near
        ring_lat, ring_lon = circle(lat, lon, radius_km)
        # Drawn first, so the events at the centre lie on top of its marker.
        fig.add_trace(
            go.Scattermap(
                lat=ring_lat,
                lon=ring_lon,
                mode="lines",
                name=_("{km} km").format(km=f"{radius_km:g}"),
                hoverinfo="skip",
                line={"color": "#222", "width": 2},
            )
        )
        named = context is not None and name.casefold() in set(
            context.cities["name"].str.casefold()
        )
        fig.add_trace(
            go.Scattermap(
                lat=[lat],
                lon=[lon],
                mode="markers+text",
                name=name,
                text=["" if named else name],
                textposition="top left",
                textfont={"size": 13, "color": "#222"},
                marker={"size": 7, "color": "#222"},
                hoverinfo="skip",
            )
        )
        center, zoom = {"lat": lat, "lon": lon}, zoom_for_radius(radius_km, lat)
    route_rows = drawn_routes(events, routes, route_rows)
    if not route_rows.empty:
        labelled = set(context.cities["name"]) if context else set()
        _route_traces(fig, route_rows, labelled)
        placed = events["lat"].notna() & events["lon"].notna()
        only_deportations = events.loc[placed, "kind"].eq("deportation").all()
        if near is None and only_deportations:
            lats = np.concatenate([route_rows["lat"], route_rows["destination_lat"], UKRAINE_LAT])
            lons = np.concatenate([route_rows["lon"], route_rows["destination_lon"], UKRAINE_LON])
            center, zoom = view_for_bounds((lats.min(), lats.max()), (lons.min(), lons.max()))
    located = events[["lat", "lon"]].dropna()
    if grid is None and len(located) > point_limit:
        box = (located["lat"].min(), located["lat"].max(), located["lon"].min())
        size = cell_size(*box, located["lon"].max())
        grid = (grid_counts(located, size), size)
    if grid is not None:
        add_grid(fig, *grid)
    stacks = stack_points(events.iloc[:0] if grid is not None else events)
    for kind, label in kind_labels().items():
        part = stacks[stacks["kind"] == kind]
        if part.empty:
            continue
        part = part.sort_values("count", ascending=False)
        size, opacity = marker_sizes(part["count"].to_numpy(), part["geo_precision"])
        fig.add_trace(
            go.Scattermap(
                lat=part["lat"].to_numpy(),
                lon=part["lon"].to_numpy(),
                mode="markers",
                name=label,
                marker={"color": schema.KIND_COLOURS[kind], "size": size, "opacity": opacity},
                customdata=np.column_stack(
                    [part["ids"].to_numpy(dtype=str), part["hover"].to_numpy(dtype=str)]
                ),
                hovertemplate="%{customdata[1]}<extra></extra>",
            )
        )
    if stacks.empty and (grid is None or grid[0].empty):
        _say_empty(fig, _("No events with a place match these filters."))
    fig.update_layout(
        map={
            "style": MAP_STYLE,
            "center": center,
            "zoom": zoom,
            "layers": context_layers(oblasts, context),
        },
        margin={"t": 0, "b": 0, "l": 0, "r": 0},
        height=600,
        legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.85)"},
        # Streamlit lets a click select a point only while dragging pans; box
        # and lasso stay one toolbar click away.
        dragmode="pan",
    )
    return fig


def _say_empty(fig: go.Figure, message: str) -> None:
    """Keep a map drawn when there is nothing to show: an empty trace makes Plotly draw the
    map (a figure with no trace draws bare numbered axes) and a note says why it is empty."""
    fig.add_trace(
        go.Scattermap(
            lat=[], lon=[], mode="markers", showlegend=False, hoverinfo="skip", name="empty"
        )
    )
    _map_note(fig, message)


def _map_note(fig: go.Figure, message: str) -> None:
    """Write a short note across the top of a map."""
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.97,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": "#222"},
        bgcolor="rgba(255,255,255,0.9)",
        borderpad=6,
    )


def selected_ids(selection: dict | None) -> list[str]:
    """Event ids of the markers in a map selection (each marker may stand for several)."""
    ids: list[str] = []
    for point in (selection or {}).get("points", []):
        data = point.get("customdata")
        if data and isinstance(data[0], str):
            ids += [i for i in data[0].split(";") if i and i not in ids]
    return ids


def clicked_event(selection: dict | None) -> str | None:
    """The event a click opened: one marker standing for one event, picked without a box or
    lasso (a box around a single point still only lists it)."""
    selection = selection or {}
    if selection.get("box") or selection.get("lasso"):
        return None
    ids = selected_ids(selection)
    return ids[0] if len(ids) == 1 and len(selection.get("points", [])) == 1 else None


def circle(lat: float, lon: float, radius_km: float, points: int = 90) -> tuple[list, list]:
    """Return the ring of points ``radius_km`` from a centre (spherical; for drawing only)."""
    earth_km = 6371.0088
    bearings = np.linspace(0, 2 * np.pi, points)
    phi, lam, delta = np.radians(lat), np.radians(lon), radius_km / earth_km
    ring_phi = np.arcsin(
        np.sin(phi) * np.cos(delta) + np.cos(phi) * np.sin(delta) * np.cos(bearings)
    )
    ring_lam = lam + np.arctan2(
        np.sin(bearings) * np.sin(delta) * np.cos(phi),
        np.cos(delta) - np.sin(phi) * np.sin(ring_phi),
    )
    return np.degrees(ring_phi).tolist(), np.degrees(ring_lam).tolist()
