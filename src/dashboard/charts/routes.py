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
    fields = ["event_id", "date", "place", "destination", "destination_country", "facility"]
    coordinates = ("lat", "lon", "destination_lat", "destination_lon")
    rows = events.loc[events["kind"] == "deportation", [*fields, "children", *coordinates]]
    rows = rows.dropna(subset=list(coordinates))
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.sort_values(["date", "event_id"])
    # Plain lists, grouped in a dict (insertion order is date order): per-group pandas access
    # cost more than the routes themselves.
    values = {f: rows[f].astype(object).where(rows[f].notna(), None).tolist() for f in fields}
    children = rows["children"].astype("float64").tolist()  # NaN where unknown
    points = zip(*(rows[k].tolist() for k in coordinates), strict=True)
    grouped: dict[tuple, list[int]] = {}
    for i, point in enumerate(points):
        grouped.setdefault(point, []).append(i)
    routes = []
    for (lat, lon, dlat, dlon), members in grouped.items():
        lines = []
        for i in members:
            count = children[i]
            detail = " · ".join(
                part
                for part in (
                    html.escape(str(values["facility"][i] or "")),
                    ""
                    if count != count  # NaN: no figure
                    else ngettext("{n} child", "{n} children", int(count)).format(
                        n=i18n.number(int(count))
                    ),
                )
                if part
            )
            lines.append(
                f"{values['event_id'][i]} {values['date'][i]:%Y-%m-%d}: "
                f"{html.escape(str(values['place'][i]))} → "
                f"{html.escape(str(values['destination'][i]))}"
                + (f"<br>  {detail}" if detail else "")
            )
        first = members[0]
        routes.append(
            {
                "lat": lat,
                "lon": lon,
                "destination_lat": dlat,
                "destination_lon": dlon,
                "destination": str(values["destination"][first] or ""),
                "destination_country": str(values["destination_country"][first] or ""),
                "ids": ";".join(values["event_id"][i] for i in members),
                "events": len(members),
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


def drawn_routes(
    events: pd.DataFrame, routes: bool = True, given: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The routes a map of ``events`` draws: none when ``routes`` is off, else ``given`` (found
    once by a page that also describes them) or :func:`deportation_routes` of ``events``."""
    if not routes:
        return pd.DataFrame()
    return deportation_routes(events) if given is None else given
