"""Figures built from filtered events; pages only draw them.

Charts receive aggregates where the row count can grow (counts per period, per oblast), so the
browser never gets every raw row twice. Maps use the ``white-bg`` style and draw the bundled
oblast boundaries themselves: nothing is fetched, so a map reads as Ukraine with no network.
(With ``open-street-map`` tiles failing offline, plotly.js never reports box or lasso
selections to Streamlit, so the map could not filter the table.)
"""

from __future__ import annotations

import html
import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import basemap, schema

UKRAINE_CENTER = {"lat": 48.5, "lon": 31.3}
UKRAINE_ZOOM = 4.6
# Ukraine's extent (mainland and Crimea), kept in view when routes widen the map.
UKRAINE_LAT = np.array([44.4, 52.4])
UKRAINE_LON = np.array([22.1, 40.2])
UKRAINE_FILL = "rgba(250, 248, 240, 0.9)"
STACK_HOVER_LIMIT = 10
MAP_STYLE = "white-bg"
LANE_POINT_LIMIT = 3000
PERIODS = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}
PERIOD_DAYS = {"week": 7, "month": 31, "quarter": 92, "year": 366}
FOCUS_SHARE = 0.95
MILESTONE_ROWS = 3

# Larger, paler markers say "somewhere around here" for places known only to oblast or country.
PRECISION_MARKERS = {
    "exact": (8, 0.9),
    "settlement": (9, 0.85),
    "admin1": (18, 0.35),
    "country": (24, 0.25),
}

METRICS = {
    "events": "Events",
    "killed": "People killed",
    "children": "Children (deportation events)",
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


def counts_by_period(events: pd.DataFrame, freq: str = "month") -> pd.DataFrame:
    """Count events per period and kind (every kind present, zero-filled).

    Args:
        events: Filtered events.
        freq: ``week``, ``month``, ``quarter`` or ``year``.

    Returns:
        Columns ``period`` (period start), ``kind`` and ``count``.
    """
    if events.empty:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype="datetime64[ns]"),
                "kind": pd.Series(dtype=str),
                "count": pd.Series(dtype=int),
            }
        )
    periods = events["date"].dt.to_period(PERIODS[freq])
    counts = (
        events.assign(period=periods.dt.start_time)
        .groupby(["period", "kind"], observed=False)
        .size()
        .rename("count")
        .reset_index()
    )
    counts["kind"] = counts["kind"].astype(str)
    return counts


def focus_range(dates: pd.Series, share: float = FOCUS_SHARE) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the span holding the latest ``share`` of ``dates`` (all of them when few).

    A handful of early events (2014 declarations) would otherwise squeeze the years most
    events fall in; the range slider still reaches them.

    >>> focus_range(pd.Series(pd.to_datetime(["2014-04-17"] + ["2022-03-01"] * 30)))
    (Timestamp('2022-03-01 00:00:00'), Timestamp('2022-03-01 00:00:00'))
    """
    ordered = dates.dropna().sort_values().reset_index(drop=True)
    if ordered.empty:
        raise ValueError("no dates to focus on")
    skipped = math.floor(len(ordered) * (1 - share))
    return ordered.iloc[skipped], ordered.iloc[-1]


def timeline_figure(
    events: pd.DataFrame, freq: str = "month", milestones: pd.DataFrame | None = None
) -> go.Figure:
    """Stacked bars of events per period and kind, with numbered legal milestones.

    The view opens on where most events are (:func:`focus_range`); a range slider below the
    chart reaches the rest.

    Args:
        events: Filtered events.
        freq: Bin size: ``week``, ``month``, ``quarter`` or ``year``.
        milestones: Rows with ``date``, ``title`` and ``event_id`` (from
            :func:`legal_milestones`), marked by dotted lines numbered in date order.
    """
    counts = counts_by_period(events, freq)
    fig = go.Figure()
    for kind, label in schema.KIND_LABELS.items():
        part = counts[counts["kind"] == kind]
        if part["count"].sum() == 0:
            continue
        fig.add_bar(
            x=part["period"],
            y=part["count"],
            name=label,
            marker_color=schema.KIND_COLOURS[kind],
            hovertemplate=f"{label}: %{{y}}<br>%{{x|%b %Y}}<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.1,
        yaxis_title=f"Events per {freq}",
        legend={"orientation": "h", "y": 1.1},
        margin={"t": 50, "r": 10},
        hovermode="x unified",
        height=480,
    )
    if not events.empty:
        start, end = focus_range(events["date"])
        pad = pd.Timedelta(days=PERIOD_DAYS[freq])
        fig.update_xaxes(
            range=[start - pad, end + pad],
            rangeslider={"visible": True, "thickness": 0.08},
            type="date",
        )
    if milestones is not None and not milestones.empty:
        _mark_milestones(fig, milestones, events)
    return fig


def milestone_rows(
    dates: pd.Series, width_px: float = 1000, label_px: float = 22, rows: int = MILESTONE_ROWS
) -> list[int]:
    """Give each milestone (dates in order) the lowest label row where its number does not
    touch the previous one, measured as if the whole span were ``width_px`` wide.

    The widest span is the most crowded view, so labels that clear there clear when zoomed in.

    >>> milestone_rows(pd.Series(pd.to_datetime(["2014-04-17", "2014-04-25", "2024-01-01"])))
    [0, 1, 0]
    """
    days = (dates - dates.min()).dt.days.to_numpy(dtype=float)
    span = max(days.max() if len(days) else 0, 1)
    pixels = days / span * width_px
    last = [-math.inf] * rows
    chosen = []
    for x in pixels:
        free = [row for row in range(rows) if x - last[row] >= label_px]
        row = free[0] if free else int(np.argmin(last))
        last[row] = x
        chosen.append(row)
    return chosen


def _mark_milestones(fig: go.Figure, milestones: pd.DataFrame, events: pd.DataFrame) -> None:
    """Add every milestone's line and numbered label in one layout update (adding shapes one
    by one re-validates the layout each time, quadratic in the number of milestones)."""
    ordered = milestones.sort_values("date").reset_index(drop=True)
    span = pd.concat([ordered["date"], events["date"]]) if not events.empty else ordered["date"]
    scale = pd.concat([pd.Series([span.min()]), ordered["date"]], ignore_index=True)
    rows = milestone_rows(scale)[1:]
    shapes, annotations = list(fig.layout.shapes), list(fig.layout.annotations)
    for number, (row, level) in enumerate(
        zip(ordered.itertuples(index=False), rows, strict=True), start=1
    ):
        when = pd.Timestamp(row.date)
        shapes.append(
            {
                "type": "line",
                "x0": when,
                "x1": when,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"dash": "dot", "width": 1, "color": "#555"},
            }
        )
        annotations.append(
            {
                "x": when,
                "y": 1 - 0.08 * level,
                "xref": "x",
                "yref": "paper",
                "text": f"{number}",
                "showarrow": False,
                "xanchor": "center",
                "yanchor": "top",
                "font": {"size": 11, "color": "#222"},
                "bgcolor": "#ffffff",
                "bordercolor": "#555",
                "borderwidth": 1,
                "borderpad": 2,
                "hovertext": f"{number}. {when:%Y-%m-%d} · {html.escape(str(row.title))} "
                f"({row.event_id})",
            }
        )
    fig.update_layout(shapes=shapes, annotations=annotations)


def lanes_figure(events: pd.DataFrame) -> go.Figure:
    """One horizontal lane per kind, a marker per event (per week when there are many)."""
    fig = go.Figure()
    many = len(events) > LANE_POINT_LIMIT
    for kind, label in schema.KIND_LABELS.items():
        part = events[events["kind"] == kind]
        if part.empty:
            continue
        if many:
            weekly = part.groupby(part["date"].dt.to_period("W").dt.start_time).size()
            fig.add_scatter(
                x=weekly.index,
                y=[label] * len(weekly),
                mode="markers",
                name=label,
                marker={
                    "color": schema.KIND_COLOURS[kind],
                    "size": np.clip(np.sqrt(weekly.to_numpy()) * 4, 5, 30),
                },
                text=weekly.to_numpy(),
                hovertemplate="%{text} events, week of %{x|%d %b %Y}<extra></extra>",
            )
        else:
            fig.add_scatter(
                x=part["date"],
                y=[label] * len(part),
                mode="markers",
                name=label,
                marker={
                    "color": schema.KIND_COLOURS[kind],
                    "size": 10,
                    "opacity": 0.75,
                    "line": {"width": 0.5, "color": "white"},
                },
                customdata=_hover(part),
                hovertemplate=HOVER_TEMPLATE,
            )
    lanes = [trace.name for trace in fig.data]
    fig.update_layout(
        showlegend=False,
        height=80 + 50 * max(len(lanes), 1),
        margin={"t": 10, "b": 30, "l": 10, "r": 10},
        yaxis={"categoryorder": "array", "categoryarray": lanes[::-1]},
    )
    return fig


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
        layers += basemap.label_layers(context.cities, context.countries, above=not outlines)
    return layers


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
    located = events.dropna(subset=["lat", "lon"])
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
    for (kind, lat, lon), group in ordered.groupby(
        ["kind", "lat", "lon"], observed=True, sort=False
    ):
        count = len(group)
        first = group.iloc[0]
        if count == 1:
            hover = (
                f"<b>{html.escape(first['title_'])}</b><br>{first['day_']} · "
                f"{html.escape(first['place_'])}<br>{first['event_id']}"
            )
        else:
            lines = [
                f"{r.day_} {r.event_id} {html.escape(_short(r.title_, 48))}"
                for r in group.head(limit).itertuples(index=False)
            ]
            if count > limit:
                lines.append(f"… and {count - limit} more")
            hover = (
                f"<b>{count} {schema.KIND_LABELS[str(kind)].lower()} at "
                f"{html.escape(first['place_'])}</b><br>" + "<br>".join(lines)
            )
        precision = max(group["precision_"], key=lambda p: rank.get(p, 0))
        rows.append(
            {
                "kind": str(kind),
                "lat": lat,
                "lon": lon,
                "count": count,
                "ids": ";".join(group["event_id"]),
                "hover": hover,
                "geo_precision": precision,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def marker_sizes(counts: np.ndarray, precisions: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Marker size and opacity per point: larger for more events, paler for vaguer places."""
    base = np.array(
        [PRECISION_MARKERS.get(p, (9, 0.8)) for p in precisions.astype(str)], dtype=float
    ).reshape(-1, 2)
    sizes = base[:, 0] + 4 * np.log2(np.maximum(np.asarray(counts, dtype=float), 1))
    return sizes, base[:, 1]


def deportation_routes(events: pd.DataFrame) -> pd.DataFrame:
    """Deportation rows with both an origin and a destination point, one row per route.

    Routes sharing origin and destination are merged; the hover names each event's facility
    and children count.

    Returns:
        Columns ``lat``, ``lon``, ``destination_lat``, ``destination_lon``, ``destination``,
        ``destination_country``, ``ids``, ``events`` (number) and ``hover``.
    """
    columns = [
        "lat",
        "lon",
        "destination_lat",
        "destination_lon",
        "destination",
        "destination_country",
        "ids",
        "events",
        "hover",
    ]
    if "destination_lat" not in events:
        return pd.DataFrame(columns=columns)
    rows = events[(events["kind"] == "deportation")].dropna(
        subset=["lat", "lon", "destination_lat", "destination_lon"]
    )
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.sort_values(["date", "event_id"])
    routes = []
    keys = ["lat", "lon", "destination_lat", "destination_lon"]
    for (lat, lon, dlat, dlon), group in rows.groupby(keys, sort=False):
        lines = []
        for r in group.itertuples(index=False):
            facility = "" if pd.isna(r.facility) else str(r.facility)
            children = "" if pd.isna(r.children) else f"{int(r.children):,} children"
            detail = " · ".join(part for part in (html.escape(facility), children) if part)
            lines.append(
                f"{r.event_id} {r.date:%Y-%m-%d}: {html.escape(str(r.place))} → "
                f"{html.escape(str(r.destination))}" + (f"<br>  {detail}" if detail else "")
            )
        first = group.iloc[0]
        routes.append(
            {
                "lat": lat,
                "lon": lon,
                "destination_lat": dlat,
                "destination_lon": dlon,
                "destination": "" if pd.isna(first["destination"]) else str(first["destination"]),
                "destination_country": ""
                if pd.isna(first["destination_country"])
                else str(first["destination_country"]),
                "ids": ";".join(group["event_id"]),
                "events": len(group),
                "hover": "<br>".join(lines),
            }
        )
    return pd.DataFrame(routes, columns=columns)


def _route_traces(fig: go.Figure, routes: pd.DataFrame, labelled: set[str]) -> None:
    """Lines from origin to destination, and destination markers whose hover lists the
    events; destinations abroad are named unless the city labels already name them."""
    colour = schema.KIND_COLOURS["deportation"]
    lat: list = []
    lon: list = []
    for r in routes.itertuples(index=False):
        lat += [r.lat, r.destination_lat, None]
        lon += [r.lon, r.destination_lon, None]
    fig.add_trace(
        go.Scattermap(
            lat=lat,
            lon=lon,
            mode="lines",
            name="Deportation routes",
            legendgroup="routes",
            hoverinfo="skip",
            line={"color": colour, "width": 2},
            opacity=0.7,
        )
    )
    abroad = (
        routes["destination_country"].ne("UA") & ~routes["destination"].isin(labelled)
    ).to_numpy()
    fig.add_trace(
        go.Scattermap(
            lat=routes["destination_lat"].to_numpy(),
            lon=routes["destination_lon"].to_numpy(),
            mode="markers+text",
            name="Destinations",
            legendgroup="routes",
            showlegend=False,
            text=np.where(abroad, routes["destination"].to_numpy(dtype=str), ""),
            textposition="bottom right",
            textfont={"size": 12, "color": colour},
            marker={"size": 9, "color": "#ffffff"},
            customdata=np.column_stack(
                [routes["ids"].to_numpy(dtype=str), routes["hover"].to_numpy(dtype=str)]
            ),
            hovertemplate="%{customdata[1]}<extra>Route</extra>",
        )
    )
    fig.add_trace(
        go.Scattermap(
            lat=routes["destination_lat"].to_numpy(),
            lon=routes["destination_lon"].to_numpy(),
            mode="markers",
            legendgroup="routes",
            showlegend=False,
            hoverinfo="skip",
            marker={"size": 5, "color": colour},
        )
    )


def map_figure(
    events: pd.DataFrame,
    oblasts: dict,
    near: tuple[str, float, float] | None = None,
    radius_km: float | None = None,
    context: basemap.Context | None = None,
    routes: bool = True,
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
                name=f"{radius_km:g} km",
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
    route_rows = deportation_routes(events) if routes else pd.DataFrame()
    if not route_rows.empty:
        labelled = set(context.cities["name"]) if context else set()
        _route_traces(fig, route_rows, labelled)
        only_deportations = events.dropna(subset=["lat", "lon"])["kind"].eq("deportation").all()
        if near is None and only_deportations:
            lats = np.concatenate([route_rows["lat"], route_rows["destination_lat"], UKRAINE_LAT])
            lons = np.concatenate([route_rows["lon"], route_rows["destination_lon"], UKRAINE_LON])
            center, zoom = view_for_bounds((lats.min(), lats.max()), (lons.min(), lons.max()))
    stacks = stack_points(events)
    for kind, label in schema.KIND_LABELS.items():
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
    if stacks.empty:
        _say_empty(fig, "No events with a place match these filters.")
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


def oblast_summary(events: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Per oblast: number of events, people killed and children in deportation events.

    Every code in ``codes`` gets a row, zero when nothing happened there.
    """
    grouped = events.groupby("admin1_code", observed=True)
    summary = pd.DataFrame(
        {
            "events": grouped.size(),
            "killed": grouped["killed"].sum(min_count=1),
            "children": grouped["children"].sum(min_count=1),
        }
    )
    summary = summary.reindex(codes).fillna(0).astype("int64")
    summary.index.name = "admin1_code"
    return summary.reset_index()


def choropleth_figure(
    summary: pd.DataFrame,
    oblasts: dict,
    metric: str = "events",
    names: dict[str, str] | None = None,
    context: basemap.Context | None = None,
) -> go.Figure:
    """Shade each oblast by ``metric`` (a column of :func:`oblast_summary`)."""
    names = names or {}
    label = METRICS[metric]
    fig = go.Figure(
        go.Choroplethmap(
            geojson=oblasts,
            featureidkey="id",
            locations=summary["admin1_code"],
            z=summary[metric],
            colorscale="OrRd",
            zmin=0,
            marker={"line": {"width": 0.8, "color": "#555"}, "opacity": 0.85},
            colorbar={"title": {"text": label}},
            text=[names.get(code, code) for code in summary["admin1_code"]],
            hovertemplate="<b>%{text}</b><br>" + label + ": %{z}<extra></extra>",
        )
    )
    fig.update_layout(
        map={
            "style": MAP_STYLE,
            "center": UKRAINE_CENTER,
            "zoom": UKRAINE_ZOOM,
            "layers": context_layers(oblasts, context, outlines=False),
        },
        margin={"t": 0, "b": 0, "l": 0, "r": 0},
        height=600,
    )
    if summary.empty or not summary[metric].any():
        _map_note(fig, f"{label}: none in these filters.")
    return fig


def legal_milestones(events: pd.DataFrame) -> pd.DataFrame:
    """Statements tagged ``milestone``: the steps of the ICC's Ukraine case (declarations,
    investigation, warrants, membership). Marks on one day share a single line.

    Returns:
        Columns ``date``, ``title`` and ``event_id`` in date order (empty when none).
    """
    statements = events[events["kind"] == "statement"]
    tagged = statements["tags"].fillna("").str.contains(r"(?:^|;)milestone(?:;|$)", regex=True)
    marked = statements[tagged.astype(bool)]
    return (
        marked.sort_values("date")
        .drop_duplicates("date")[["date", "title", "event_id"]]
        .reset_index(drop=True)
    )


def shade_period(fig: go.Figure, start: date, end: date | None, label: str) -> go.Figure:
    """Shade the period a warrant names on a time axis (open-ended periods run to today)."""
    fig.add_vrect(
        x0=start.isoformat(),
        x1=(end or date.today()).isoformat(),
        fillcolor="#888",
        opacity=0.15,
        line_width=0,
        annotation_text=label,
        annotation_position="top left",
    )
    return fig


# Text alternatives: one sentence per chart, computed from the data the chart draws.


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


def _kinds_phrase(events: pd.DataFrame) -> str:
    counts = events["kind"].astype(str).value_counts()
    parts = [
        _count(int(counts[k]), label.lower().rstrip("s"), label.lower())
        for k, label in schema.KIND_LABELS.items()
        if counts.get(k, 0)
    ]
    return (
        parts[0]
        if len(parts) == 1
        else (f"{_count(len(events), 'event')} (" + ", ".join(parts) + ")")
    )


def period_name(start: pd.Timestamp, freq: str) -> str:
    """Name a period by its start day.

    >>> [period_name(pd.Timestamp("2022-10-01"), freq) for freq in ("month", "quarter")]
    ['October 2022', '2022 Q4']
    """
    if freq == "week":
        return f"the week of {start:%Y-%m-%d}"
    if freq == "quarter":
        return f"{start.year} Q{start.quarter}"
    if freq == "year":
        return str(start.year)
    return f"{start:%B %Y}"


def describe_timeline(events: pd.DataFrame, freq: str = "month") -> str:
    """One sentence saying what the timeline shows, e.g. '218 strikes, 2022-02-24 to
    2026-02-28; most in October 2022 (31).'"""
    if events.empty:
        return "No events match these filters, so the chart is empty."
    counts = counts_by_period(events, freq).groupby("period")["count"].sum()
    peak = counts.max()
    busiest = counts[counts == peak].index
    when = period_name(busiest[0], freq) + (
        f" and {len(busiest) - 1} other {freq}" + ("s" if len(busiest) > 2 else "")
        if len(busiest) > 1
        else ""
    )
    return (
        f"{_kinds_phrase(events)}, {events['date'].min():%Y-%m-%d} to "
        f"{events['date'].max():%Y-%m-%d}; most in {when} ({peak:,})."
    )


def describe_map(events: pd.DataFrame, routes: bool = True) -> str:
    """One sentence saying what the points map shows: how many events at how many places,
    the busiest place, what is left off, and the routes drawn."""
    if events.empty:
        return "No events match these filters; the map shows Ukraine only."
    stacks = stack_points(events)
    drawn = int(stacks["count"].sum()) if not stacks.empty else 0
    text = f"{_kinds_phrase(events)}; {drawn:,} drawn at {_count(len(stacks), 'place')}"
    if not stacks.empty:
        located = events.dropna(subset=["lat", "lon"])
        by_place = located.groupby(["lat", "lon"]).agg(
            n=("event_id", "size"), place=("place", "first")
        )
        top = by_place.sort_values("n", ascending=False, kind="stable").iloc[0]
        if top["n"] > 1:
            text += f", most at {top['place']} ({int(top['n']):,})"
    missing = len(events) - drawn
    if missing:
        text += f"; {missing:,} without coordinates not drawn"
    route_rows = deportation_routes(events) if routes else pd.DataFrame()
    if not route_rows.empty:
        abroad = int(route_rows["destination_country"].ne("UA").sum())
        text += (
            f"; {_count(len(route_rows), 'deportation route')} from origin to "
            f"destination ({abroad:,} leading abroad)"
        )
    return text + "."


def describe_choropleth(
    summary: pd.DataFrame, metric: str, names: dict[str, str] | None = None
) -> str:
    """One sentence saying what the oblast shading shows: the total, how many oblasts have
    any, and the highest."""
    names = names or {}
    label = METRICS[metric]
    values = summary.set_index("admin1_code")[metric]
    total = int(values.sum())
    if total == 0:
        return f"{label}: none in these filters, so every oblast is unshaded."
    top = values.sort_values(ascending=False, kind="stable")
    return (
        f"{label} by oblast: {total:,} in {_count(int((values > 0).sum()), 'oblast')}; "
        f"most in {names.get(top.index[0], top.index[0])} ({int(top.iloc[0]):,})."
    )


def unshaded_text(events: pd.DataFrame) -> str:
    """Say how many events the oblast shading counts and how many have no oblast, and where.

    >>> unshaded_text(pd.DataFrame({"admin1_code": ["UA-32", None, None],  # doctest: +ELLIPSIS
    ...                             "country": ["UA", "UA", "RU"]}))
    'Shading counts 1 event with an oblast; not shaded: 1 placed only to Ukraine, 1 outside...'
    """
    has_oblast = events["admin1_code"].notna()
    in_ukraine = events["country"].eq("UA").fillna(False)
    vague = int((~has_oblast & in_ukraine).sum())
    abroad = int((~has_oblast & ~in_ukraine).sum())
    text = f"Shading counts {_count(int(has_oblast.sum()), 'event')} with an oblast"
    parts = [f"{vague:,} placed only to Ukraine"] * bool(vague) + [
        f"{abroad:,} outside Ukraine"
    ] * bool(abroad)
    return text + ("; not shaded: " + ", ".join(parts) if parts else "") + "."
