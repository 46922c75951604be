"""Widgets showing events: the shared table and one event in full with its sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cases, display, i18n, schema
from dashboard.display import LONG_TEXT, for_display, href, plain
from dashboard.filters import EVENT_ID
from dashboard.i18n import N_, _

# Table headers of the event columns pages show (others keep their column name).
COLUMN_LABELS = {
    "event_id": N_("Event"),
    "dataset": N_("Dataset"),
    "date": N_("Date"),
    "end_date": N_("Until"),
    "source_date": N_("Published"),
    "source_url": N_("Source"),
    "kind": N_("Kind"),
    "place": N_("Place"),
    "admin1": N_("Oblast"),
    "geo_precision": N_("Located to"),
    "actor": N_("Actor"),
    "verification": N_("Verification"),
    "title": N_("Title"),
    "distance_km": N_("Distance (km)"),
    "killed": N_("Killed"),
    "injured": N_("Injured"),
    "children": N_("Children"),
    "target_type": N_("Target"),
    "weapon": N_("Weapon"),
    "deportation_type": N_("Deportation type"),
    "facility": N_("Facility"),
    "destination": N_("Destination"),
    "destination_country": N_("Destination country"),
    "visitor": N_("Visitor"),
    "organisation": N_("Organisation"),
    "purpose": N_("Purpose"),
    "speaker": N_("Speaker"),
    "statement_type": N_("Statement type"),
    "quote": N_("Quote"),
    "tags": N_("Tags"),
    "scope": N_("Scope"),
}
KIND_SINGULAR = {
    "strike": N_("Strike"),
    "deportation": N_("Deportation"),
    "visit": N_("Visit"),
    "statement": N_("Statement"),
}


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
    """Column settings shared by every event table: headers in this run's language,
    clickable sources, readable dates and whole numbers."""
    label = {name: _(text) for name, text in COLUMN_LABELS.items()}
    config = {name: st.column_config.TextColumn(text) for name, text in label.items()}
    config |= {
        "event_id": st.column_config.TextColumn(label["event_id"], width="small"),
        "title": st.column_config.TextColumn(label["title"], width="large"),
        "source_url": st.column_config.LinkColumn(
            label["source_url"], validate=r"^https?://", display_text=r"https?://(?:www\.)?([^/]+)"
        ),
        "distance_km": st.column_config.NumberColumn(label["distance_km"], format="%.1f"),
    }
    for name in ("date", "end_date", "source_date"):
        config[name] = st.column_config.DateColumn(label[name], format="YYYY-MM-DD")
    for name in ("killed", "injured", "children"):
        config[name] = st.column_config.NumberColumn(label[name], format="%d")
    return config


def event_detail(row: pd.Series, events: pd.DataFrame) -> None:
    """Show every field of one event with its sources, related events and cases as links.

    ``events`` is the whole record, so related events outside the current view are named.
    """
    kind = schema.KINDS[str(row["kind"])]
    st.subheader(plain(row["title"]))
    when = i18n.day(row["date"])
    if pd.notna(row["end_date"]):
        when = _("{start} to {end}").format(start=when, end=i18n.day(row["end_date"]))
    place = plain(row["place"])
    if display.cell(row["place_uk"]) not in {"", display.cell(row["place"])}:
        place += f" ({plain(row['place_uk'])})"
    st.caption(
        f"{plain(row['event_id'])} · {_(KIND_SINGULAR[kind.name])} · {when} · {place} · "
        f"{plain(_(display.cell(row['verification'])))}"
    )
    provenance(row)
    st.markdown(plain(row["description"], limit=LONG_TEXT))
    if kind.name == "statement" and pd.notna(row["quote"]) and str(row["quote"]):
        st.markdown(f"> “{plain(row['quote'])}” — {plain(row['speaker'])}")
    sources = [display.safe_link(row["source_url"], str(row["source_name"]))]
    others = "" if pd.isna(row["other_sources"]) else str(row["other_sources"])
    sources += [display.safe_link(url.strip()) for url in others.split(";") if url.strip()]
    st.markdown("**" + _("Sources") + "**\n\n" + "\n".join(f"- {s}" for s in sources))
    related = [r for r in display.cell(row["related"]).split(";") if r.strip()]
    if related:
        titles = events.set_index("event_id")["title"]
        st.markdown(
            "**"
            + _("Related events")
            + "**\n\n"
            + "\n".join(
                f"- [{r}]({href('explore', event=r)}) {plain(titles.get(r, ''))}"
                for r in (link.strip() for link in related)
                if EVENT_ID.fullmatch(r)  # only well-formed ids go into a link
            )
        )
    within = cases.cases_of(events, str(row["event_id"]))
    if within:
        st.markdown(
            "**"
            + _("Within the scope of")
            + "**\n\n"
            + "\n".join(
                f"- [{plain(display.case_title(c))}]({href('cases', case=c.case_id)})"
                for c in within
            )
        )
        st.caption(plain(_(cases.SCOPE_NOTE)))
    fields = [
        f
        for f in schema.table_fields(kind.name)
        if f.name not in {"title", "description", "source_url", "other_sources"}
    ]
    shown = pd.DataFrame(
        {
            _("field"): [f.name for f in fields],
            _("value"): [display.cell(row[f.name]) for f in fields],
        }
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
    )
