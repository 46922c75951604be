"""Overview: what the filtered record holds, on one screen."""

import streamlit as st

from dashboard import charts, i18n, schema, ui
from dashboard.i18n import N_, _

data, filters, events = ui.page_start(
    N_("ICC Ukraine events"),
    N_(
        "Sourced record of strikes on civilians, deportations of children, visits and statements "
        "in the International Criminal Court's investigation of Russia's war against Ukraine."
    ),
)
selection = ui.selection()
st.markdown(ui.filter_summary(filters, selection.count, ui.total(filters)))

per_kind = selection.counts("kind")
columns = st.columns(len(schema.KINDS))
for column, kind in zip(columns, schema.KINDS, strict=True):
    column.metric(ui.kind_label(kind), i18n.number(int(per_kind.get(kind, 0))))
if events is None:
    ui.large_notice(selection)
    st.subheader(_("Timeline"))
    counts = selection.period_counts("week")
    st.plotly_chart(
        charts.timeline_figure(selection.frame(["date", "kind"], limit=0), "week", counts=counts),
        width="stretch",
        key="lanes",
    )
    st.subheader(_("Latest events"))
    ui.event_table(
        selection.frame(
            ["event_id", "date", "kind", "title", "place", "source_url"],
            order="date DESC, event_id",
            limit=10,
        )
    )
    st.stop()
ui.headline_figures(events)

if events.empty:
    st.info(_("No events match these filters. Clear some filters in the sidebar."))
else:
    st.subheader(_("Timeline"))
    st.plotly_chart(charts.lanes_figure(events), width="stretch", key="lanes")
    st.markdown(ui.plain(charts.describe_timeline(events, "month")))
    st.subheader(_("Latest events"))
    latest = events.sort_values("date", ascending=False).head(10)
    latest = latest[["event_id", "date", "kind", "title", "place", "source_url"]]
    ui.event_table(latest)
    st.page_link(
        "pages/explore.py",
        label=_("Explore every event and download CSV"),
        query_params=ui.link_params(filters),
    )
