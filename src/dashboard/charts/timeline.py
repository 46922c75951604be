"""Events over time: counts per period, the stacked timeline with legal milestones, the
lanes chart and a warrant's shaded period."""

from __future__ import annotations

import html
import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, schema
from dashboard.charts.common import (
    HOVER_TEMPLATE,
    _hover,
    day_format,
    kind_labels,
    month_format,
    tick_format,
)
from dashboard.i18n import N_, _

LANE_POINT_LIMIT = 3000
PERIODS = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}
PER_PERIOD = {
    "week": N_("Events per week"),
    "month": N_("Events per month"),
    "quarter": N_("Events per quarter"),
    "year": N_("Events per year"),
}


PERIOD_DAYS = {"week": 7, "month": 31, "quarter": 92, "year": 366}
FOCUS_SHARE = 0.95
MILESTONE_ROWS = 3


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
    counts = (  # the two columns alone: a copy of every column cost more than the count
        pd.DataFrame({"period": periods.dt.start_time, "kind": events["kind"]})
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
    events: pd.DataFrame,
    freq: str = "month",
    milestones: pd.DataFrame | None = None,
    counts: pd.DataFrame | None = None,
) -> go.Figure:
    """Stacked bars of events per period and kind, with numbered legal milestones.

    The view opens on where most events are (:func:`focus_range`); a range slider below the
    chart reaches the rest.

    Args:
        events: Filtered events.
        freq: Bin size: ``week``, ``month``, ``quarter`` or ``year``.
        milestones: Rows with ``date``, ``title`` and ``event_id`` (from
            :func:`legal_milestones`), marked by dotted lines numbered in date order.
        counts: Counts per period and kind computed elsewhere (in SQL, for selections too
            large to hold as a frame); ``events`` is then left empty.
    """
    counted = counts is not None
    counts = counts_by_period(events, freq) if counts is None else counts
    fig = go.Figure()
    for kind, label in kind_labels().items():
        part = counts[counts["kind"] == kind]
        if part["count"].sum() == 0:
            continue
        fig.add_bar(
            x=part["period"],
            y=part["count"],
            name=label,
            marker_color=schema.KIND_COLOURS[kind],
            hovertemplate=f"{label}: %{{y}}<br>%{{x|{month_format()}}}<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.1,
        yaxis_title=_(PER_PERIOD[freq]),
        legend={"orientation": "h", "y": 1.1},
        margin={"t": 50, "r": 10},
        hovermode="x unified",
        height=480,
    )
    if not events.empty or (counted and counts["count"].sum()):
        start, end = focus_range(events["date"]) if not counted else _focus_counts(counts)
        pad = pd.Timedelta(days=PERIOD_DAYS[freq])
        fig.update_xaxes(
            range=[start - pad, end + pad],
            rangeslider={"visible": True, "thickness": 0.08},
            type="date",
            tickformat=tick_format(),
        )
    if milestones is not None and not milestones.empty:
        _mark_milestones(fig, milestones, events)
    return fig


def _focus_counts(counts: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """:func:`focus_range` over periods weighted by their counts."""
    totals = counts.groupby("period")["count"].sum()
    totals = totals[totals > 0]
    skipped = math.floor(int(totals.sum()) * (1 - FOCUS_SHARE))
    first = totals.index[np.searchsorted(totals.cumsum().to_numpy(), skipped, side="right")]
    return pd.Timestamp(first), pd.Timestamp(totals.index[-1])


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
                "hovertext": f"{number}. {i18n.day(when)} · {html.escape(str(row.title))} "
                f"({row.event_id})",
            }
        )
    fig.update_layout(shapes=shapes, annotations=annotations)


def lanes_figure(events: pd.DataFrame) -> go.Figure:
    """One horizontal lane per kind, a marker per event (per week when there are many)."""
    fig = go.Figure()
    many = len(events) > LANE_POINT_LIMIT
    events = events[["kind", "date", "event_id", "title", "place"]]  # what the lanes show
    for kind, label in kind_labels().items():
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
                hovertemplate=_("%{text} events, week of %{x|%d %b %Y}").replace(
                    "%d %b %Y", day_format()
                )
                + "<extra></extra>",
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
        xaxis={"tickformat": tick_format()},
    )
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
