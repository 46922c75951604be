"""Explore: every filtered event in tables, one event in detail, and citable CSV downloads."""

from datetime import date

import streamlit as st

from dashboard import export, i18n, schema, ui
from dashboard.i18n import N_, _

data, filters, events = ui.page_start(N_("Explore"))
selection = ui.selection()
st.caption(ui.filter_summary(filters, selection.count, ui.total(filters)))
if events is None:
    ui.large_notice(selection)

if filters.event:
    row = ui.find_event(selection, filters.event)
    with st.container(border=True):
        if row is None:
            st.warning(
                _(
                    "No event {event} in the data (it may have been rejected by "
                    "validation, see the notice above)."
                ).format(event=filters.event)
            )
        else:
            ui.event_detail(row, data.events)
        st.button(_("Close event"), icon="✖", on_click=ui.open_event, args=("",))

LEAD = ["event_id", "date", "end_date", "title", "place", "admin1"]
TAIL = ["actor", "verification", "source_url"]
tabs = st.tabs([_("All")] + [ui.kind_label(kind) for kind in schema.KINDS])
per_kind = selection.counts("kind")
for tab, kind in zip(tabs, [None, *schema.KINDS], strict=True):
    rows = selection if kind is None else selection.where_kind(kind, int(per_kind.get(kind, 0)))
    own = (
        []
        if kind is None
        else [f.name for f in schema.KINDS[kind].fields if not f.name.startswith("destination_l")]
    )
    columns = LEAD + (["kind"] if kind is None else own) + TAIL
    if filters.near is not None:
        columns.append("distance_km")
    if kind is None and filters.datasets:
        columns.insert(1, "dataset")
    with tab:
        name = "events" if kind is None else schema.KINDS[kind].file.removesuffix(".csv")
        st.write(
            i18n.ngettext(
                "{n} event. Select a row to open it.",
                "{n} events. Select a row to open it.",
                rows.count,
            ).format(n=i18n.number(rows.count))
        )
        key = f"table_{kind or 'all'}"
        ui.paged_table(rows, columns, key, selection_mode="single-row", on_select=ui.open_selected)
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
        selection.count,
    ),
    language=None,
    wrap_lines=True,
)
