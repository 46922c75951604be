"""About: how the record is made, what every column means, data quality and attribution."""

import pandas as pd
import streamlit as st

from dashboard import about, schema, ui
from dashboard.i18n import _

data, filters, events = ui.page_start("About this record")
st.markdown(about.METHODOLOGY)

st.header("Coverage")
st.caption("Events per kind and year in the whole record (filters not applied).")
st.dataframe(about.coverage(data.events), width="stretch")

st.header("Data quality")
quality = about.quality(data)
left, middle, right = st.columns(3)
left.metric("Rows kept", f"{quality['kept']:,}")
middle.metric("Rows left out by validation", f"{quality['rejected']:,}")
right.metric("Confirmed by 2+ sources or an official record", f"{quality['confirmed_share']:.0%}")
st.dataframe(quality["by_verification"], width="stretch")
if data.problems:
    st.dataframe(ui.problem_frame(data.problems), hide_index=True, width="stretch")
else:
    st.success("Every row of every table passed validation.")

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

st.header("Data dictionary")
st.caption("Generated from the schema the validator uses; every table has the common columns.")
for name, frame in about.dictionary().items():
    st.subheader(name)
    st.dataframe(frame, hide_index=True, width="stretch")

st.header("Attribution")
st.markdown(about.ATTRIBUTION)
st.caption(
    f"Data version {ui.data_version()} · {len(data.events):,} events · "
    f"{pd.Timestamp(data.events['date'].min()).date() if len(data.events) else '—'} to "
    f"{pd.Timestamp(data.events['date'].max()).date() if len(data.events) else '—'} · "
    f"{len(schema.KINDS)} tables"
)
