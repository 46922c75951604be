"""Cases: the ICC's arrest warrants on Ukraine and the events within the scope of each."""

from dataclasses import replace

import streamlit as st

from dashboard import cases, charts, display, engine, i18n, ui
from dashboard.i18n import N_, _

CASE_FIGURES = {"strike": ("killed", "injured"), "deportation": ("children_removed",)}

data, filters, _rows = ui.page_start(
    N_("The ICC's Ukraine cases"),
    N_(
        "What each set of arrest warrants covers, and the recorded events that match its public "
        "description."
    ),
)
st.info(_(cases.SCOPE_NOTE), icon="⚖️")
ui.founding_story(data.events)

shown = [filters.case] if filters.case else list(cases.all_cases())
if not shown:
    st.warning(_("No cases could be read from data/cases.csv."))
for case in shown:
    st.header(ui.plain(ui.case_title(case)), anchor=case.case_id)
    ui.case_card(case)
    # The sidebar's other filters still apply; the case filter is this section's own.
    scoped = ui.store().select(replace(filters, case=case))
    in_scope = display.localized(scoped.frame(limit=engine.FRAME_LIMIT))
    if scoped.large:
        st.warning(
            _("{count} events are within scope: only the first {limit} are shown.").format(
                count=i18n.number(scoped.count), limit=i18n.number(engine.FRAME_LIMIT)
            )
        )
    st.subheader(_("Events within scope"))
    st.caption(
        ui.plain(
            i18n.ngettext("{n} event: {scope}", "{n} events: {scope}", scoped.count).format(
                n=i18n.number(scoped.count), scope=case.scope_text()
            )
        )
        + " · "
        + ui.filter_summary(replace(filters, case=None), scoped.count, ui.total(filters))
    )
    ui.headline_figures(in_scope, CASE_FIGURES[case.scope_kind])
    if in_scope.empty:
        st.info(_("No recorded event falls within this case's scope under the current filters."))
        continue
    timeline = charts.timeline_figure(in_scope, "month")
    st.plotly_chart(
        charts.shade_period(
            timeline, case.period_start, case.period_end, _("period named in the warrants")
        ),
        width="stretch",
        key=f"timeline_{case.case_id}",
    )
    st.plotly_chart(
        charts.map_figure(in_scope, ui.boundaries()), width="stretch", key=f"map_{case.case_id}"
    )
    columns = [
        "event_id",
        "date",
        "title",
        "place",
        "admin1",
        "killed",
        "injured",
        "children",
        "deportation_type",
        "target_type",
        "verification",
        "source_url",
    ]
    table = in_scope.sort_values("date", ascending=False)[columns].dropna(axis=1, how="all")
    ui.event_table(table)
    ui.download_buttons(
        in_scope,
        ui.view_label(case.case_id, replace(filters, case=case)),
        key=f"download_{case.case_id}",
        view=ui.view_url("cases", replace(filters, case=case)),
    )
    ui.case_statements(case, data.events)
