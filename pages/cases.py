"""Cases: the ICC's arrest warrants on Ukraine and the events within the scope of each."""

from dataclasses import replace

import streamlit as st

from dashboard import cases, charts, display, engine, i18n, ui
from dashboard.i18n import N_, _

CASE_FIGURES = {"strike": ("killed", "injured"), "deportation": ("children_removed",)}
COLUMNS = [
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


def large_case(case: cases.Case, scoped: engine.Selection) -> None:
    """A case's events within scope when too many to hold as a frame: figures, the timeline
    and a density map from SQL, the table one page at a time, downloads read on click."""
    ui.headline_figures(scoped, CASE_FIGURES[case.scope_kind])
    st.plotly_chart(
        charts.shade_period(
            ui.count_timeline(scoped, "month"),
            case.period_start,
            case.period_end,
            _("period named in the warrants"),
        ),
        width="stretch",
        key=f"timeline_{case.case_id}",
    )
    st.plotly_chart(
        ui.store_map(scoped, ui.boundaries()), width="stretch", key=f"map_{case.case_id}"
    )
    ui.paged_table(scoped, COLUMNS, key=f"table_{case.case_id}")
    ui.download_buttons(
        scoped,
        ui.view_label(case.case_id, replace(filters, case=case)),
        key=f"download_{case.case_id}",
        view=ui.view_url("cases", replace(filters, case=case)),
    )
    ui.case_statements(case, data.events)


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
    if scoped.large:  # too many to hold: figures and counts from SQL, pages of rows
        ui.large_notice(scoped)
        large_case(case, scoped)
        continue
    in_scope = display.localized(scoped.frame())
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
    if len(in_scope) > charts.MAP_POINT_LIMIT:  # a table this long: one page at a time
        ui.paged_table(scoped, COLUMNS, key=f"table_{case.case_id}")
    else:
        table = in_scope.sort_values("date", ascending=False)[COLUMNS].dropna(axis=1, how="all")
        ui.event_table(table)
    ui.download_buttons(
        in_scope,
        ui.view_label(case.case_id, replace(filters, case=case)),
        key=f"download_{case.case_id}",
        view=ui.view_url("cases", replace(filters, case=case)),
    )
    ui.case_statements(case, data.events)
