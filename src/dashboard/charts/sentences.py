"""Text alternatives: one sentence per chart, computed from the data the chart draws, in this
run's language."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from dashboard import i18n, schema
from dashboard.charts.common import METRICS
from dashboard.charts.routes import drawn_routes
from dashboard.charts.timeline import PERIODS
from dashboard.i18n import _, ngettext


def _kind_count(kind: str, n: int) -> str:
    """'3 strikes', '1 visit', in this run's language (each kind its own plural forms)."""
    number = i18n.number(n)
    if kind == "strike":
        return ngettext("{n} strike", "{n} strikes", n).format(n=number)
    if kind == "deportation":
        return ngettext("{n} deportation", "{n} deportations", n).format(n=number)
    if kind == "visit":
        return ngettext("{n} visit", "{n} visits", n).format(n=number)
    return ngettext("{n} statement", "{n} statements", n).format(n=number)


def _events(n: int) -> str:
    return ngettext("{n} event", "{n} events", n).format(n=i18n.number(n))


def _kinds_phrase(events: pd.DataFrame) -> str:
    counts = events["kind"].astype(str).value_counts()
    parts = [_kind_count(k, int(counts[k])) for k in schema.KINDS if counts.get(k, 0)]
    return parts[0] if len(parts) == 1 else f"{_events(len(events))} (" + ", ".join(parts) + ")"


def period_name(start: pd.Timestamp, freq: str) -> str:
    """Name a period by its start day.

    >>> [period_name(pd.Timestamp("2022-10-01"), freq) for freq in ("month", "quarter")]
    ['October 2022', '2022 Q4']
    """
    if freq == "week":
        return _("the week of {day}").format(day=i18n.day(start))
    if freq == "quarter":
        return _("{year} Q{quarter}").format(year=start.year, quarter=start.quarter)
    if freq == "year":
        return str(start.year)
    return i18n.month(start)


def _others(n: int, freq: str) -> str:
    if freq == "week":
        return ngettext(" and {n} other week", " and {n} other weeks", n).format(n=n)
    if freq == "quarter":
        return ngettext(" and {n} other quarter", " and {n} other quarters", n).format(n=n)
    if freq == "year":
        return ngettext(" and {n} other year", " and {n} other years", n).format(n=n)
    return ngettext(" and {n} other month", " and {n} other months", n).format(n=n)


def describe_timeline(events: pd.DataFrame, freq: str = "month") -> str:
    """One sentence saying what the timeline shows, e.g. '218 strikes, 2022-02-24 to
    2026-02-28; most in October 2022 (31).'"""
    if events.empty:
        return _("No events match these filters, so the chart is empty.")
    starts = events["date"].dt.to_period(PERIODS[freq]).dt.start_time
    counts = starts.value_counts().sort_index()  # events per period, as the bars stack them
    peak = counts.max()
    busiest = counts[counts == peak].index
    when = period_name(busiest[0], freq) + (
        _others(len(busiest) - 1, freq) if len(busiest) > 1 else ""
    )
    return _("{events}, {first} to {last}; most in {when} ({peak}).").format(
        events=_kinds_phrase(events),
        first=f"{events['date'].min():%Y-%m-%d}",
        last=f"{events['date'].max():%Y-%m-%d}",
        when=when,
        peak=i18n.number(peak),
    )


def describe_map(
    events: pd.DataFrame, routes: bool = True, route_rows: pd.DataFrame | None = None
) -> str:
    """One sentence saying what the points map shows: how many events at how many places,
    the busiest place, what is left off, and the routes drawn (``route_rows``: the map's
    :func:`deportation_routes`, found here when not given)."""
    if events.empty:
        return _("No events match these filters; the map shows Ukraine only.")
    # A marker per kind and point, as stack_points draws them (counted without their hovers).
    located = events.dropna(subset=["lat", "lon"])
    drawn = len(located)
    markers = located.groupby(["kind", "lat", "lon"], observed=True, sort=False).ngroups
    text = (
        _kinds_phrase(events)
        + "; "
        + ngettext("{drawn} drawn at {n} place", "{drawn} drawn at {n} places", markers).format(
            drawn=i18n.number(drawn), n=i18n.number(markers)
        )
    )
    if drawn:
        # The point with most events (the first in coordinate order on a tie), named by its
        # first row that names a place.
        points = list(zip(located["lat"].tolist(), located["lon"].tolist(), strict=True))
        counts = Counter(points)
        top = min(counts, key=lambda point: (-counts[point], point))
        if counts[top] > 1:
            names = located["place"].where(located["place"].notna(), None).tolist()
            place = next((n for p, n in zip(points, names, strict=True) if p == top and n), None)
            text += ", " + _("most at {place} ({n})").format(
                place=place, n=i18n.number(counts[top])
            )
    missing = len(events) - drawn
    if missing:
        text += "; " + _("{n} without coordinates not drawn").format(n=i18n.number(missing))
    route_rows = drawn_routes(events, routes, route_rows)
    if not route_rows.empty:
        abroad = int(route_rows["destination_country"].ne("UA").sum())
        text += "; " + ngettext(
            "{n} deportation route from origin to destination ({abroad} leading abroad)",
            "{n} deportation routes from origin to destination ({abroad} leading abroad)",
            len(route_rows),
        ).format(n=i18n.number(len(route_rows)), abroad=i18n.number(abroad))
    return text + "."


def describe_choropleth(
    summary: pd.DataFrame, metric: str, names: dict[str, str] | None = None
) -> str:
    """One sentence saying what the oblast shading shows: the total, how many oblasts have
    any, and the highest."""
    names = names or {}
    label = _(METRICS[metric])
    values = summary.set_index("admin1_code")[metric]
    total = int(values.sum())
    if total == 0:
        return _("{label}: none in these filters, so every oblast is unshaded.").format(label=label)
    top = values.sort_values(ascending=False, kind="stable")
    oblasts = int((values > 0).sum())
    return ngettext(
        "{label} by oblast: {total} in {n} oblast; most in {top} ({value}).",
        "{label} by oblast: {total} in {n} oblasts; most in {top} ({value}).",
        oblasts,
    ).format(
        label=label,
        total=i18n.number(total),
        n=i18n.number(oblasts),
        top=names.get(top.index[0], top.index[0]),
        value=i18n.number(int(top.iloc[0])),
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
    counted = int(has_oblast.sum())
    text = ngettext(
        "Shading counts {n} event with an oblast",
        "Shading counts {n} events with an oblast",
        counted,
    ).format(n=i18n.number(counted))
    parts = [_("{n} placed only to Ukraine").format(n=i18n.number(vague))] * bool(vague) + [
        _("{n} outside Ukraine").format(n=i18n.number(abroad))
    ] * bool(abroad)
    return text + ("; " + _("not shaded: ") + ", ".join(parts) if parts else "") + "."
