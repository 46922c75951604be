"""About: how the record is made, what every column means, data quality and attribution."""

import pandas as pd
import streamlit as st

from dashboard import about, i18n, schema, ui
from dashboard.i18n import N_, _

data, filters, events = ui.page_start(N_("About this record"))
st.markdown("\n\n".join(_(paragraph) for paragraph in about.METHODOLOGY))

st.header(_("Coverage"))
st.caption(_("Events per kind and year in the whole record (filters not applied)."))
st.dataframe(about.coverage(data.events), width="stretch")

st.header(_("Data quality"))
quality = about.quality(data)
left, middle, right = st.columns(3)
left.metric(_("Rows kept"), i18n.number(quality["kept"]))
middle.metric(_("Rows left out by validation"), i18n.number(quality["rejected"]))
right.metric(
    _("Confirmed by 2+ sources or an official record"),
    f"{i18n.number(100 * quality['confirmed_share'])} %",
)
st.dataframe(quality["by_verification"], width="stretch")
if data.problems:
    st.dataframe(ui.problem_frame(data.problems), hide_index=True, width="stretch")
else:
    st.success(_("Every row of every table passed validation."))

sets = ui.store().sets
if sets:
    st.header(_("Imported sets"))
    st.caption(
        _(
            "Sets imported with `python -m dashboard import`, shown when chosen in the Dataset "
            "filter. They are not part of the curated record: each keeps its source's ids, "
            "event types and verification coding."
        )
    )
    st.dataframe(
        pd.DataFrame(sets).reindex(
            columns=["name", "format", "source_file", "rows_kept", "rows_set_aside", "imported"]
        ),
        hide_index=True,
        width="stretch",
    )

st.header(_("Data dictionary"))
st.caption(_("Generated from the schema the validator uses; every table has the common columns."))
for name, frame in about.dictionary().items():
    st.subheader(name)
    st.dataframe(frame, hide_index=True, width="stretch")

st.header(_("Attribution"))
st.markdown("\n".join(f"- {_(item)}" for item in about.ATTRIBUTION))
first, last = (
    (i18n.day(pd.Timestamp(data.events["date"].min())), i18n.day(data.events["date"].max()))
    if len(data.events)
    else ("—", "—")
)
st.caption(
    _("Data version {version} · {events} events · {first} to {last} · {tables} tables").format(
        version=ui.data_version(),
        events=i18n.number(len(data.events)),
        first=first,
        last=last,
        tables=len(schema.KINDS),
    )
)
