"""Oblasts shaded by how many events, people killed or children they hold."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import basemap
from dashboard.charts.common import MAP_STYLE, METRICS, UKRAINE_CENTER, UKRAINE_ZOOM, shared
from dashboard.charts.maps import _map_note, context_layers
from dashboard.i18n import _


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
    label = _(METRICS[metric])
    fig = go.Figure(
        go.Choroplethmap(
            geojson=shared(oblasts),
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
        _map_note(fig, _("{label}: none in these filters.").format(label=label))
    return fig
