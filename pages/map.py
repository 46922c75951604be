"""Map: where events happened, as points or as oblast shading; a box or lasso narrows the view."""

import streamlit as st

from dashboard import charts, ui
from dashboard.oblasts import OBLAST_NAMES

data, filters, events = ui.page_start("Map")
mode = st.segmented_control("Show", ["Points", "Oblast shading"], default="Points",
                            key="map_mode")

if mode == "Oblast shading":
    metric = st.radio("Shade by", list(charts.METRICS), format_func=charts.METRICS.get,
                      horizontal=True, key="map_metric")
    summary = charts.oblast_summary(events, list(OBLAST_NAMES))
    st.plotly_chart(charts.choropleth_figure(summary, ui.boundaries(), metric, OBLAST_NAMES),
                    width="stretch", key="choropleth")
    outside = events["admin1_code"].isna().sum()
    st.caption(f"{ui.filter_summary(filters, len(events), len(data.events))}. "
               f"{outside} event(s) outside Ukraine are not shaded.")
else:
    place = filters.near
    near = (place.query or place.name, place.lat, place.lon) if place else None
    chart = st.plotly_chart(
        charts.map_figure(events, ui.boundaries(), near, filters.radius_km if near else None),
        width="stretch", key="points_map", on_select="rerun", selection_mode=("box", "lasso"),
        config={"scrollZoom": True})
    picked = [p["customdata"][0] for p in chart.selection.get("points", []) if p.get("customdata")]
    st.caption(
        f"{ui.filter_summary(filters, len(events), len(data.events))}. Larger, paler circles "
        "are placed only to the oblast or country. Drag on the map to select a box (lasso and pan "
        "are in the toolbar, top right) and list the events inside it.")
    if picked:
        events = events[events["event_id"].isin(picked)]
        left, right = st.columns([4, 1])
        left.info(f"Map selection: {len(events)} event(s). Table and timeline below show only "
                  "these.")
        if right.button("Clear selection", icon=":material/close:"):
            del st.session_state["points_map"]
            st.rerun()

if not events.empty:
    st.plotly_chart(charts.timeline_figure(events, "month"), width="stretch", key="map_timeline")
    columns = ["event_id", "date", "kind", "title", "place", "admin1", "geo_precision",
               "source_url"] + (["distance_km"] if "distance_km" in events else [])
    shown = events.sort_values("distance_km" if "distance_km" in events else "date")
    st.dataframe(ui.for_display(shown[columns]), hide_index=True, width="stretch",
                 column_config=ui.event_table_config())
