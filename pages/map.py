"""Map: where events happened, as points or as oblast shading; click a point to open it, or
draw a box or lasso to list the events inside."""

import streamlit as st

from dashboard import basemap, charts, i18n, ui
from dashboard.i18n import N_, _
from dashboard.oblasts import OBLAST_NAMES

MAP_KEY = "points_map"


def _open_clicked() -> None:
    """A click on one marker standing for one event opens it (box and lasso only list)."""
    event_id = charts.clicked_event(st.session_state[MAP_KEY].selection)
    if event_id:
        ui.open_event(event_id)


def _close_event() -> None:
    ui.open_event("")
    st.session_state.pop(MAP_KEY, None)


data, filters, events = ui.page_start(N_("Map"))
context = basemap.load_context()
modes = {"points": _("Points"), "oblasts": _("Oblast shading")}
mode = ui.view_choice(
    "map", list(modes), "points", st.segmented_control, _("Show"), format_func=modes.get
)
oblast_names = {code: ui.oblast_name(code) for code in OBLAST_NAMES}

if mode == "oblasts":
    metric = ui.view_choice(
        "shade",
        list(charts.METRICS),
        "events",
        st.radio,
        _("Shade by"),
        format_func=lambda metric: _(charts.METRICS[metric]),
        horizontal=True,
    )
    summary = charts.oblast_summary(events, list(OBLAST_NAMES))
    st.plotly_chart(
        charts.choropleth_figure(summary, ui.boundaries(), metric, oblast_names, context),
        width="stretch",
        key="choropleth",
    )
    st.markdown(ui.plain(charts.describe_choropleth(summary, metric, oblast_names)))
    st.caption(
        f"{ui.filter_summary(filters, len(events), len(data.events))}. "
        + ui.plain(charts.unshaded_text(events))
    )
else:
    routes = st.toggle(
        _("Deportation routes"),
        value=True,
        key="map_routes",
        help=_(
            "Lines from where children were taken to where they were brought, "
            "for deportation records that give both places."
        ),
    )
    place = filters.near
    near = (place.query or place.name, place.lat, place.lon) if place else None
    chart = st.plotly_chart(
        charts.map_figure(
            events, ui.boundaries(), near, filters.radius_km if near else None, context, routes
        ),
        width="stretch",
        key=MAP_KEY,
        on_select=_open_clicked,
        selection_mode=("points", "box", "lasso"),
        config={"scrollZoom": True},
    )
    st.markdown(ui.plain(charts.describe_map(events, routes)))
    st.caption(
        f"{ui.filter_summary(filters, len(events), len(data.events))}. "
        + _(
            "A bigger circle stands for several events at one place (hover lists them); larger, "
            "paler circles are placed only to the oblast or country. Click a circle to open its "
            "event; drag to move the map and scroll to zoom. To list the events in an area, pick "
            "Box or Lasso Select in the toolbar (top right) and drag."
        )
    )
    if filters.event:
        match = data.events[data.events["event_id"] == filters.event]
        with st.container(border=True):
            if match.empty:
                st.warning(_("No event {event} in the data.").format(event=ui.plain(filters.event)))
            else:
                ui.event_detail(match.iloc[0], data.events)
            st.button(_("Close event"), icon="✖️", on_click=_close_event)
    picked = charts.selected_ids(chart.selection)
    if picked and not charts.clicked_event(chart.selection):
        events = events[events["event_id"].isin(picked)]
        left, right = st.columns([4, 1])
        left.info(
            i18n.ngettext(
                "Map selection: {n} event. Table and timeline below show only it.",
                "Map selection: {n} events. Table and timeline below show only these.",
                len(events),
            ).format(n=i18n.number(len(events)))
        )
        if right.button(_("Clear selection"), icon="✖️"):
            del st.session_state[MAP_KEY]
            st.rerun()

if events.empty:
    st.info(_("No events match these filters. Clear some filters in the sidebar."))
else:
    st.plotly_chart(charts.timeline_figure(events, "month"), width="stretch", key="map_timeline")
    st.markdown(ui.plain(charts.describe_timeline(events, "month")))
    columns = [
        "event_id",
        "date",
        "kind",
        "title",
        "place",
        "admin1",
        "geo_precision",
        "source_url",
    ] + (["distance_km"] if "distance_km" in events else [])
    shown = events.sort_values("distance_km" if "distance_km" in events else "date")
    ui.event_table(shown[columns])
