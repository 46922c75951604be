"""Deportation routes: lines from where children were taken to where they were brought."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, schema
from dashboard.i18n import _, ngettext


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
            children = (
                ""
                if pd.isna(r.children)
                else ngettext("{n} child", "{n} children", int(r.children)).format(
                    n=i18n.number(int(r.children))
                )
            )
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
            name=_("Deportation routes"),
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
            name=_("Destinations"),
            legendgroup="routes",
            showlegend=False,
            text=np.where(abroad, routes["destination"].to_numpy(dtype=str), ""),
            textposition="bottom right",
            textfont={"size": 12, "color": colour},
            marker={"size": 9, "color": "#ffffff"},
            customdata=np.column_stack(
                [routes["ids"].to_numpy(dtype=str), routes["hover"].to_numpy(dtype=str)]
            ),
            hovertemplate="%{customdata[1]}<extra>" + _("Route") + "</extra>",
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
