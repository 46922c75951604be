"""Timeline: how many events per week or month, by kind, against the case's legal milestones."""

import streamlit as st

from dashboard import charts, ui
from dashboard.filters import Filters

data, filters, events = ui.page_start("Timeline")
freq = st.segmented_control("Events per", list(charts.PERIODS), default="month",
                            key="timeline_freq") or "month"
st.caption(ui.filter_summary(filters, len(events), len(data.events)))

# Milestones give context whatever the kind or place filters, within the chosen dates.
milestones = charts.legal_milestones(Filters(filters.start, filters.end).apply(data.events))

if events.empty:
    st.info("No events match these filters. Clear some filters in the sidebar.")
else:
    st.plotly_chart(charts.timeline_figure(events, freq, milestones), width="stretch",
                    key="timeline")
st.subheader("Legal milestones")
st.dataframe(milestones, hide_index=True, width="stretch", column_config=ui.event_table_config())
