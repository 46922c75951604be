"""Text alternatives: one sentence per chart, computed from the data the chart draws."""

from __future__ import annotations

import pandas as pd

from dashboard import schema
from dashboard.charts.common import METRICS, _count
from dashboard.charts.maps import stack_points
from dashboard.charts.routes import deportation_routes
from dashboard.charts.timeline import counts_by_period


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
