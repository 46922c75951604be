"""Widgets showing events: the shared table and one event in full with its sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cases, display, schema
from dashboard.display import for_display, plain
from dashboard.filters import EVENT_ID
from dashboard.i18n import _


def event_table(events: pd.DataFrame, **options: object):
    """Show event rows as a table: blanks for missing text, clickable sources, readable dates.

    ``options`` go to ``st.dataframe`` (``key``, ``selection_mode``, ``on_select``...).
    """
    return st.dataframe(
        for_display(events),
        hide_index=True,
        width="stretch",
        column_config=event_table_config(),
        **options,
    )


def event_table_config() -> dict:
    """Column settings shared by every event table: clickable sources, readable dates."""
    return {
        "event_id": st.column_config.TextColumn("Event", width="small"),
        "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
        "end_date": st.column_config.DateColumn("Until", format="YYYY-MM-DD"),
        "source_date": st.column_config.DateColumn("Published", format="YYYY-MM-DD"),
        "source_url": st.column_config.LinkColumn(
            "Source", validate=r"^https?://", display_text=r"https?://(?:www\.)?([^/]+)"
        ),
        "kind": st.column_config.TextColumn("Kind"),
        "place": st.column_config.TextColumn("Place"),
        "admin1": st.column_config.TextColumn("Oblast"),
        "geo_precision": st.column_config.TextColumn("Located to"),
        "actor": st.column_config.TextColumn("Actor"),
        "verification": st.column_config.TextColumn("Verification"),
        "title": st.column_config.TextColumn("Title", width="large"),
        "distance_km": st.column_config.NumberColumn("Distance (km)", format="%.1f"),
        "killed": st.column_config.NumberColumn("Killed", format="%d"),
        "injured": st.column_config.NumberColumn("Injured", format="%d"),
        "children": st.column_config.NumberColumn("Children", format="%d"),
    }


def event_detail(row: pd.Series, events: pd.DataFrame) -> None:
    """Show every field of one event with its sources, related events and cases as links.

    ``events`` is the whole record, so related events outside the current view are named.
    """
    kind = schema.KINDS[str(row["kind"])]
    st.subheader(plain(row["title"]))
    when = row["date"].date().isoformat()
    if pd.notna(row["end_date"]):
        when += f" to {row['end_date'].date().isoformat()}"
    st.caption(
        f"{plain(row['event_id'])} · {kind.label[:-1]} · {when} · "
        f"{plain(row['place'])} ({plain(row['place_uk'])}) · {plain(row['verification'])}"
    )
    provenance(row)
    st.markdown(plain(row["description"]))
    if kind.name == "statement" and pd.notna(row["quote"]) and str(row["quote"]):
        st.markdown(f"> “{plain(row['quote'])}” — {plain(row['speaker'])}")
    sources = [display.safe_link(row["source_url"], str(row["source_name"]))]
    others = "" if pd.isna(row["other_sources"]) else str(row["other_sources"])
    sources += [display.safe_link(url.strip()) for url in others.split(";") if url.strip()]
    st.markdown("**Sources**\n\n" + "\n".join(f"- {s}" for s in sources))
    related = [r for r in display.cell(row["related"]).split(";") if r.strip()]
    if related:
        titles = events.set_index("event_id")["title"]
        st.markdown(
            "**Related events**\n\n"
            + "\n".join(
                f"- [{r}](/explore?event={r}) {plain(titles.get(r, ''))}"
                for r in (link.strip() for link in related)
                if EVENT_ID.fullmatch(r)  # only well-formed ids go into a link
            )
        )
    within = cases.cases_of(events, str(row["event_id"]))
    if within:
        st.markdown(
            "**Within the scope of**\n\n"
            + "\n".join(f"- [{plain(c.title)}](/cases?case={c.case_id})" for c in within)
        )
        st.caption(plain(cases.SCOPE_NOTE))
    fields = [
        f
        for f in schema.table_fields(kind.name)
        if f.name not in {"title", "description", "source_url", "other_sources"}
    ]
    shown = pd.DataFrame(
        {"field": [f.name for f in fields], "value": [display.cell(row[f.name]) for f in fields]}
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def provenance(row: pd.Series) -> None:
    """Say which imported set a row comes from, its id there and what its verification means
    (nothing for the curated record)."""
    dataset = row.get("dataset")
    if dataset is None or pd.isna(dataset) or dataset == "curated":
        return
    st.info(
        _(
            "From the imported set “{dataset}”, not the curated record: source id {source_id}, "
            "source event type “{event_type}”. Its verification (“{verification}”) is the "
            "source's own coding; the dashboard's curators have not checked this row."
        ).format(
            dataset=plain(dataset),
            source_id=plain(row.get("source_id")),
            event_type=plain(row.get("source_event_type")),
            verification=plain(row.get("verification")),
        ),
        icon=":material/dataset:",
    )
