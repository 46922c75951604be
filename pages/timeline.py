"""Timeline: how many events per week or month, by kind, against the case's legal milestones."""

import streamlit as st

from dashboard import charts, i18n, ui
from dashboard.filters import Filters
from dashboard.i18n import N_, _

data, filters, events = ui.page_start(N_("Timeline"))
PERIOD_LABELS = {"week": _("week"), "month": _("month"), "quarter": _("quarter"), "year": _("year")}
freq = ui.view_choice(
    "period",
    list(charts.PERIODS),
    "month",
    st.segmented_control,
    _("Events per"),
    format_func=PERIOD_LABELS.get,
)
selection = ui.selection()
st.caption(ui.filter_summary(filters, selection.count, ui.total(filters)))

# Milestones give context whatever the kind or place filters, within the chosen dates.
milestones = charts.legal_milestones(Filters(filters.start, filters.end).apply(data.events))

if events is None:
    ui.large_notice(selection)
    st.plotly_chart(
        charts.timeline_figure(
            selection.frame(["date", "kind"], limit=0),
            freq,
            milestones,
            counts=selection.period_counts(freq),
        ),
        width="stretch",
        key="timeline",
    )
elif events.empty:
    st.info(_("No events match these filters. Clear some filters in the sidebar."))
else:
    st.plotly_chart(
        charts.timeline_figure(events, freq, milestones), width="stretch", key="timeline"
    )
    st.markdown(ui.plain(charts.describe_timeline(events, freq)))
    st.caption(
        _(
            "The chart opens on the years most events fall in; drag the handles of the "
            "slider under it to see the rest. Hover a numbered box for its milestone."
        )
    )

st.subheader(_("Legal milestones"))
if milestones.empty:
    st.write(_("No legal milestones between these dates."))
else:
    st.markdown(
        "\n".join(
            f"{number}. {i18n.day(row.date)}: "
            f"[{ui.plain(row.title)}]({ui.href('explore', event=row.event_id)})"
            f" ({row.event_id})"
            for number, row in enumerate(milestones.itertuples(index=False), start=1)
        )
    )
