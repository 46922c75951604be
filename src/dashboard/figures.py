"""Headline figures, each with its definition and the rows it counts and leaves out.

One place computes every number a page or ``python -m dashboard summary`` quotes, so the
Overview, the Cases page and the command line can never disagree. The rules:

- killed and injured add up strike rows whose ``scope`` is ``incident``; a ``series`` (a
  campaign summarised in one row) or a ``report`` would count the same people again.
- children removed add up deportation incidents that are not returns; rows linked through
  ``related`` (the same children described twice) form a group counted once, by its largest
  figure. Children returned are counted the same way, apart.
- the largest figure a ``report`` row states is shown on its own, with its source, never added.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from dashboard import i18n, schema
from dashboard.i18n import N_, ngettext


@dataclass(frozen=True)
class Figure:
    """One headline number.

    Attributes:
        value: The number, None when no counted row states one.
        rows: Rows whose figure was counted (rows about the same children count once
            together, by their largest figure).
        excluded: Rows of the same kind in view left out by definition (series, reports;
            returns from children removed and removals from children returned).
        unknown: Counted-kind rows that state no figure.
        definition: What the number counts and leaves out, in one or two sentences.
    """

    value: int | None
    rows: int
    excluded: int
    unknown: int
    definition: str


@dataclass(frozen=True)
class ReportFigure:
    """The largest figure stated by a ``report`` row: quoted apart, never added."""

    value: int
    event_id: str
    title: str
    date: str
    source_name: str
    source_url: str


DEFINITIONS = {
    "killed": N_(
        "People killed in strike incidents in view (latest official figure per row). "
        "Campaign summaries (series) and reports are left out so no one is counted twice."
    ),
    "injured": N_("People injured in strike incidents in view, counted like the killed."),
    "children_removed": N_(
        "Children deported or forcibly transferred in incidents in view (not "
        "returns). Rows describing the same children count once, by their "
        "largest figure; reports that aggregate many incidents are left out."
    ),
    "children_returned": N_(
        "Children brought back to Ukraine in incidents in view, counted once "
        "per group of rows about the same children."
    ),
}


def _groups(rows: pd.DataFrame) -> list[list[int]]:
    """Connected groups of ``rows`` (positions) linked through ``related`` ids within ``rows``."""
    ids = rows["event_id"].astype(str).tolist()
    position = {event_id: i for i, event_id in enumerate(ids)}
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, links in enumerate(rows["related"].fillna("").astype(str)):
        for other in (x.strip() for x in links.split(";")):
            if other in position:
                parent[root(position[other])] = root(i)
    grouped: dict[int, list[int]] = {}
    for i in range(len(ids)):
        grouped.setdefault(root(i), []).append(i)
    return list(grouped.values())


def _sum(
    rows: pd.DataFrame, column: str, of_kind: int, definition: str, once_per_group: bool = False
) -> Figure:
    """Add up ``column`` over ``rows`` (of ``of_kind`` rows of that kind in view)."""
    values = rows[column]
    known = values.notna()
    if once_per_group:
        numbers = [int(v) if k else None for v, k in zip(values, known.tolist(), strict=True)]
        largest = ([numbers[p] for p in group if numbers[p] is not None] for group in _groups(rows))
        total = sum(max(group) for group in largest if group)
    else:
        total = int(values[known].sum())
    counted = int(known.sum())
    return Figure(
        total if counted else None, counted, of_kind - len(rows), int((~known).sum()), definition
    )


# The columns the figures read (the store fetches these alone, and rows are picked with these
# alone: picking rows of all ~50 columns of the record cost more than the figures themselves).
COUNTED = (
    "event_id",
    "kind",
    "scope",
    "related",
    "deportation_type",
    "killed",
    "injured",
    "children",
)
REPORTED = ("date", "title", "source_name", "source_url")  # and these name a report


def _incidents(events: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, int]:
    of_kind = events.loc[events["kind"] == kind, [c for c in COUNTED if c in events]]
    return of_kind[of_kind["scope"] == "incident"], len(of_kind)


def headline(events: pd.DataFrame) -> dict[str, Figure]:
    """Compute every headline figure over the filtered ``events``."""
    strikes, n_strikes = _incidents(events, "strike")
    deportations, n_deportations = _incidents(events, "deportation")
    returned = deportations["deportation_type"] == "return"
    return {
        "killed": _sum(strikes, "killed", n_strikes, DEFINITIONS["killed"]),
        "injured": _sum(strikes, "injured", n_strikes, DEFINITIONS["injured"]),
        "children_removed": _sum(
            deportations[~returned],
            "children",
            n_deportations,
            DEFINITIONS["children_removed"],
            once_per_group=True,
        ),
        "children_returned": _sum(
            deportations[returned],
            "children",
            n_deportations,
            DEFINITIONS["children_returned"],
            once_per_group=True,
        ),
    }


def largest_reports(events: pd.DataFrame) -> dict[str, ReportFigure]:
    """The largest figure stated by a ``report`` or ``series`` row, per counted column."""
    found: dict[str, ReportFigure] = {}
    columns = [c for c in (*COUNTED, *REPORTED) if c in events]
    summaries = events.loc[events["scope"].isin(["report", "series"]), columns]
    for column, kind in (("children", "deportation"), ("killed", "strike")):
        rows = summaries[(summaries["kind"] == kind) & summaries[column].notna()]
        if rows.empty:
            continue
        row = rows.loc[rows[column].astype("int64").idxmax()]
        found[column] = ReportFigure(
            int(row[column]),
            str(row["event_id"]),
            str(row["title"]),
            row["date"].date().isoformat(),
            str(row["source_name"]),
            str(row["source_url"]),
        )
    return found


def summary(events: pd.DataFrame) -> dict:
    """Return the JSON-ready summary: event counts, per kind, figures and report figures."""
    counts = events["kind"].astype(str).value_counts()
    return {
        "events": len(events),
        "by_kind": {kind: int(counts.get(kind, 0)) for kind in schema.KINDS},
        "figures": {name: asdict(figure) for name, figure in headline(events).items()},
        "largest_reports": {name: asdict(r) for name, r in largest_reports(events).items()},
    }


def counted_text(figure: Figure) -> str:
    """Say in a few words which rows a figure counts and leaves out.

    >>> counted_text(Figure(10, 3, 1, 2, ""))
    'from 3 rows; 2 with no figure; 1 row left out by definition'
    """
    parts = [
        ngettext("from {n} row", "from {n} rows", figure.rows).format(n=i18n.number(figure.rows))
    ]
    if figure.unknown:
        parts.append(
            ngettext("{n} with no figure", "{n} with no figure", figure.unknown).format(
                n=i18n.number(figure.unknown)
            )
        )
    if figure.excluded:
        parts.append(
            ngettext(
                "{n} row left out by definition", "{n} rows left out by definition", figure.excluded
            ).format(n=i18n.number(figure.excluded))
        )
    return "; ".join(parts)
