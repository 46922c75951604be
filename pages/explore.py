"""Explore: every filtered event in tables, one event in detail, and citable CSV downloads."""

from datetime import date
from functools import partial

import streamlit as st

from dashboard import export, i18n, schema, ui
from dashboard.i18n import N_, _

data, filters, events = ui.page_start(N_("Explore"))
st.caption(ui.filter_summary(filters, len(events), len(data.events)))

if filters.event:
    match = data.events[data.events["event_id"] == filters.event]
    with st.container(border=True):
        if match.empty:
            st.warning(
                _(
                    "No event {event} in the data (it may have been rejected by "
                    "validation, see the notice above)."
                ).format(event=filters.event)
            )
        else:
            ui.event_detail(match.iloc[0], data.events)
        st.button(_("Close event"), icon="✖️", on_click=ui.open_event, args=("",))

LEAD = ["event_id", "date", "end_date", "title", "place", "admin1"]
TAIL = ["actor", "verification", "source_url"]
tabs = st.tabs([_("All")] + [ui.kind_label(kind) for kind in schema.KINDS])
for tab, kind in zip(tabs, [None, *schema.KINDS], strict=True):
    rows = events if kind is None else events[events["kind"] == kind]
    own = (
        []
        if kind is None
        else [f.name for f in schema.KINDS[kind].fields if not f.name.startswith("destination_l")]
    )
    columns = LEAD + (["kind"] if kind is None else own) + TAIL
    if "distance_km" in rows:
        columns.append("distance_km")
    with tab:
        name = "events" if kind is None else schema.KINDS[kind].file.removesuffix(".csv")
        st.write(
            i18n.ngettext(
                "{n} event. Select a row to open it.",
                "{n} events. Select a row to open it.",
                len(rows),
            ).format(n=i18n.number(len(rows)))
        )
        key = f"table_{kind or 'all'}"
        ui.event_table(
            rows[columns],
            selection_mode="single-row",
            key=key,
            on_select=partial(ui.open_selected, key, rows["event_id"].tolist()),
        )
        ui.download_buttons(
            rows,
            ui.view_label(name, filters),
            key=f"download_{kind or 'all'}",
            view=ui.view_url("explore", filters.without_event()),
        )

st.subheader(_("Cite this view"))
st.code(
    export.citation(
        ui.view_url("explore", filters.without_event()),
        ui.data_version(),
        date.today(),
        len(events),
    ),
    language=None,
    wrap_lines=True,
)
