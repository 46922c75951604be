"""Figures built from filtered events; pages only draw them.

Charts receive aggregates where the row count can grow (counts per period, per oblast), so the
browser never gets every raw row twice. Maps use the ``white-bg`` style and draw the bundled
oblast boundaries themselves: nothing is fetched, so a map reads as Ukraine with no network.
(With ``open-street-map`` tiles failing offline, plotly.js never reports box or lasso
selections to Streamlit, so the map could not filter the table.)
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import schema

UKRAINE_CENTER = {"lat": 48.5, "lon": 31.3}
UKRAINE_ZOOM = 4.6
MAP_STYLE = "white-bg"
LANE_POINT_LIMIT = 3000
PERIODS = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}

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


def _hover(events: pd.DataFrame) -> np.ndarray:
    """Return customdata rows (id, date, title, place) shared by every point trace."""
    return np.column_stack([
        events["event_id"].astype(str),
        events["date"].dt.strftime("%Y-%m-%d"),
        events["title"].astype(str),
        events["place"].astype(str),
    ])


HOVER_TEMPLATE = "<b>%{customdata[2]}</b><br>%{customdata[1]} · %{customdata[3]}" \
                 "<br>%{customdata[0]}<extra></extra>"


def counts_by_period(events: pd.DataFrame, freq: str = "month") -> pd.DataFrame:
    """Count events per period and kind (every kind present, zero-filled).

    Args:
        events: Filtered events.
        freq: ``week``, ``month``, ``quarter`` or ``year``.

    Returns:
        Columns ``period`` (period start), ``kind`` and ``count``.
    """
    if events.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"),
                             "kind": pd.Series(dtype=str), "count": pd.Series(dtype=int)})
    periods = events["date"].dt.to_period(PERIODS[freq])
    counts = (events.assign(period=periods.dt.start_time)
              .groupby(["period", "kind"], observed=False).size()
              .rename("count").reset_index())
    counts["kind"] = counts["kind"].astype(str)
    return counts


def timeline_figure(events: pd.DataFrame, freq: str = "month",
                    milestones: pd.DataFrame | None = None) -> go.Figure:
    """Stacked bars of events per period and kind, with legal milestones marked.

    Args:
        events: Filtered events.
        freq: Bin size: ``week``, ``month``, ``quarter`` or ``year``.
        milestones: Rows with ``date`` and ``title`` to mark with a dashed line.
    """
    counts = counts_by_period(events, freq)
    fig = go.Figure()
    for kind, label in schema.KIND_LABELS.items():
        part = counts[counts["kind"] == kind]
        if part["count"].sum() == 0:
            continue
        fig.add_bar(x=part["period"], y=part["count"], name=label,
                    marker_color=schema.KIND_COLOURS[kind],
                    hovertemplate=f"{label}: %{{y}}<br>%{{x|%b %Y}}<extra></extra>")
    fig.update_layout(barmode="stack", bargap=0.1, yaxis_title=f"Events per {freq}",
                      legend={"orientation": "h", "y": 1.12}, margin={"t": 60, "r": 10},
                      hovermode="x unified")
    if milestones is not None and not milestones.empty:
        _mark_milestones(fig, milestones)
    return fig


def _mark_milestones(fig: go.Figure, milestones: pd.DataFrame) -> None:
    for number, row in enumerate(milestones.sort_values("date").itertuples(index=False)):
        when = pd.Timestamp(row.date)
        fig.add_shape(type="line", x0=when, x1=when, xref="x", y0=0, y1=1, yref="paper",
                      line={"dash": "dot", "width": 1, "color": "#555"})
        fig.add_annotation(x=when, y=1 - 0.075 * (number % 6), xref="x", yref="paper",
                           text=_short(row.title, 30), showarrow=False, xanchor="left",
                           font={"size": 10, "color": "#333"},
                           bgcolor="rgba(255,255,255,0.8)")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
            fig.add_scatter(x=weekly.index, y=[label] * len(weekly), mode="markers", name=label,
                            marker={"color": schema.KIND_COLOURS[kind],
                                    "size": np.clip(np.sqrt(weekly.to_numpy()) * 4, 5, 30)},
                            text=weekly.to_numpy(),
                            hovertemplate="%{text} events, week of %{x|%d %b %Y}<extra></extra>")
        else:
            fig.add_scatter(x=part["date"], y=[label] * len(part), mode="markers", name=label,
                            marker={"color": schema.KIND_COLOURS[kind], "size": 10,
                                    "opacity": 0.75, "line": {"width": 0.5, "color": "white"}},
                            customdata=_hover(part), hovertemplate=HOVER_TEMPLATE)
    lanes = [trace.name for trace in fig.data]
    fig.update_layout(showlegend=False, height=80 + 50 * max(len(lanes), 1),
                      margin={"t": 10, "b": 30, "l": 10, "r": 10},
                      yaxis={"categoryorder": "array", "categoryarray": lanes[::-1]})
    return fig


def _outline_layers(geojson: dict) -> list[dict]:
    return [
        {"sourcetype": "geojson", "source": geojson, "type": "fill", "below": "traces",
         "color": "rgba(235, 232, 220, 0.6)"},
        {"sourcetype": "geojson", "source": geojson, "type": "line", "below": "traces",
         "color": "#6b6b6b", "line": {"width": 0.8}},
    ]


def zoom_for_radius(radius_km: float, lat: float = UKRAINE_CENTER["lat"],
                    height_px: int = 600) -> float:
    """Return the map zoom at which a circle of ``radius_km`` spans ~80% of the map's height.

    At zoom z the world is 512 * 2**z pixels wide (MapLibre tiles), shrunk by cos(latitude).

    >>> round(zoom_for_radius(30, lat=50.5), 1)
    8.6
    """
    metres_per_px = 0.8 * height_px / (2 * radius_km * 1000)
    world_px = 40_075_016.7 * math.cos(math.radians(lat)) * metres_per_px
    return float(np.clip(math.log2(world_px / 512), 3, 14))


def map_figure(events: pd.DataFrame, oblasts: dict, near: tuple[str, float, float] | None = None,
               radius_km: float | None = None) -> go.Figure:
    """Points coloured by kind over Ukraine's oblast outlines.

    Args:
        events: Filtered events with ``lat``/``lon``.
        oblasts: The bundled boundaries (GeoJSON FeatureCollection).
        near: ``(name, lat, lon)`` of the place the radius filter is centred on.
        radius_km: Radius drawn around ``near``.
    """
    fig = go.Figure()
    located = events.dropna(subset=["lat", "lon"])
    for kind, label in schema.KIND_LABELS.items():
        part = located[located["kind"] == kind]
        if part.empty:
            continue
        size, opacity = zip(*(PRECISION_MARKERS.get(p, (9, 0.8))
                              for p in part["geo_precision"].astype(str)), strict=True)
        fig.add_trace(go.Scattermap(
            lat=part["lat"], lon=part["lon"], mode="markers", name=label,
            marker={"color": schema.KIND_COLOURS[kind], "size": list(size),
                    "opacity": list(opacity)},
            customdata=_hover(part), hovertemplate=HOVER_TEMPLATE))
    center, zoom = dict(UKRAINE_CENTER), UKRAINE_ZOOM
    if near is not None and radius_km:
        name, lat, lon = near
        ring_lat, ring_lon = circle(lat, lon, radius_km)
        fig.add_trace(go.Scattermap(lat=ring_lat, lon=ring_lon, mode="lines",
                                    name=f"{radius_km:g} km", hoverinfo="skip",
                                    line={"color": "#222", "width": 2}))
        fig.add_trace(go.Scattermap(lat=[lat], lon=[lon], mode="markers+text", name=name,
                                    text=[name], textposition="top right",
                                    marker={"size": 10, "color": "#222"}, hoverinfo="skip"))
        center, zoom = {"lat": lat, "lon": lon}, zoom_for_radius(radius_km, lat)
    fig.update_layout(map={"style": MAP_STYLE, "center": center, "zoom": zoom,
                           "layers": _outline_layers(oblasts)},
                      margin={"t": 0, "b": 0, "l": 0, "r": 0}, height=600,
                      legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.85)"},
                      dragmode="select")
    return fig


def circle(lat: float, lon: float, radius_km: float, points: int = 90) -> tuple[list, list]:
    """Return the ring of points ``radius_km`` from a centre (spherical; for drawing only)."""
    earth_km = 6371.0088
    bearings = np.linspace(0, 2 * np.pi, points)
    phi, lam, delta = np.radians(lat), np.radians(lon), radius_km / earth_km
    ring_phi = np.arcsin(np.sin(phi) * np.cos(delta)
                         + np.cos(phi) * np.sin(delta) * np.cos(bearings))
    ring_lam = lam + np.arctan2(np.sin(bearings) * np.sin(delta) * np.cos(phi),
                                np.cos(delta) - np.sin(phi) * np.sin(ring_phi))
    return np.degrees(ring_phi).tolist(), np.degrees(ring_lam).tolist()


def oblast_summary(events: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Per oblast: number of events, people killed and children in deportation events.

    Every code in ``codes`` gets a row, zero when nothing happened there.
    """
    grouped = events.groupby("admin1_code", observed=True)
    summary = pd.DataFrame({
        "events": grouped.size(),
        "killed": grouped["killed"].sum(min_count=1),
        "children": grouped["children"].sum(min_count=1),
    })
    summary = summary.reindex(codes).fillna(0).astype("int64")
    summary.index.name = "admin1_code"
    return summary.reset_index()


def choropleth_figure(summary: pd.DataFrame, oblasts: dict, metric: str = "events",
                      names: dict[str, str] | None = None) -> go.Figure:
    """Shade each oblast by ``metric`` (a column of :func:`oblast_summary`)."""
    names = names or {}
    label = METRICS[metric]
    fig = go.Figure(go.Choroplethmap(
        geojson=oblasts, featureidkey="id", locations=summary["admin1_code"],
        z=summary[metric], colorscale="OrRd", zmin=0,
        marker={"line": {"width": 0.8, "color": "#555"}, "opacity": 0.85},
        colorbar={"title": {"text": label}},
        text=[names.get(code, code) for code in summary["admin1_code"]],
        hovertemplate="<b>%{text}</b><br>" + label + ": %{z}<extra></extra>"))
    fig.update_layout(map={"style": MAP_STYLE, "center": UKRAINE_CENTER, "zoom": UKRAINE_ZOOM},
                      margin={"t": 0, "b": 0, "l": 0, "r": 0}, height=600)
    return fig


def legal_milestones(events: pd.DataFrame) -> pd.DataFrame:
    """Statements tagged ``milestone``: the steps of the ICC's Ukraine case (declarations,
    investigation, warrants, membership). Marks on one day share a single line."""
    statements = events[events["kind"] == "statement"]
    tags = statements["tags"].fillna("").str.split(";")
    marked = statements[tags.map(lambda t: "milestone" in t).astype(bool)]
    return marked.sort_values("date").drop_duplicates("date")[["date", "title", "event_id"]]


def shade_period(fig: go.Figure, start: date, end: date | None, label: str) -> go.Figure:
    """Shade the period a warrant names on a time axis (open-ended periods run to today)."""
    fig.add_vrect(x0=start.isoformat(), x1=(end or date.today()).isoformat(), fillcolor="#888",
                  opacity=0.15, line_width=0, annotation_text=label,
                  annotation_position="top left")
    return fig
