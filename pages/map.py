"""Map: where events happened, as points or as oblast shading; click a point to open it, or
draw a box or lasso to list the events inside."""

import streamlit as st

from dashboard import basemap, charts, ui
from dashboard.i18n import _
from dashboard.oblasts import OBLAST_NAMES

MODES = {"points": "Points", "oblasts": "Oblast shading"}
MAP_KEY = "points_map"


def _open_clicked() -> None:
    """A click on one marker standing for one event opens it (box and lasso only list)."""
    event_id = charts.clicked_event(st.session_state[MAP_KEY].selection)
    if event_id:
        ui.open_event(event_id)


def _close_event() -> None:
    ui.open_event("")
    st.session_state.pop(MAP_KEY, None)


data, filters, events = ui.page_start("Map")
selection = ui.selection()
if events is None:
    ui.large_notice(selection)
context = basemap.load_context()
mode = ui.view_choice(
    "map", list(MODES), "points", st.segmented_control, "Show", format_func=MODES.get
)

if mode == "oblasts":
    metric = ui.view_choice(
        "shade",
        list(charts.METRICS),
        "events",
        st.radio,
        "Shade by",
        format_func=charts.METRICS.get,
        horizontal=True,
    )
    summary = (
        selection.oblast_summary(list(OBLAST_NAMES))
        if events is None
        else charts.oblast_summary(events, list(OBLAST_NAMES))
    )
    st.plotly_chart(
        charts.choropleth_figure(summary, ui.boundaries(), metric, OBLAST_NAMES, context),
        width="stretch",
        key="choropleth",
    )
    st.markdown(ui.plain(charts.describe_choropleth(summary, metric, OBLAST_NAMES)))
    st.caption(
        f"{ui.filter_summary(filters, selection.count, ui.total(filters))}. "
        + (ui.plain(charts.unshaded_text(events)) if events is not None else "")
    )
else:
    routes = st.toggle(
        "Deportation routes",
        value=True,
        key="map_routes",
        help="Lines from where children were taken to where they were brought, "
        "for deportation records that give both places.",
    )
    place = filters.near
    near = (place.query or place.name, place.lat, place.lon) if place else None
    located, *box = selection.extent()
    grid = None
    if located > charts.MAP_POINT_LIMIT:
        size = charts.cell_size(*box)
        grid = (selection.grid(size), size)
    drawn = events
    if events is None:  # many rows but few located: draw those (grid: no points needed)
        drawn = selection.frame(extra=["lat IS NOT NULL"], limit=0 if grid else None)
    chart = st.plotly_chart(
        charts.map_figure(
            drawn,
            ui.boundaries(),
            near,
            filters.radius_km if near else None,
            context,
            routes and grid is None,
            grid=grid,
        ),
        width="stretch",
        key=MAP_KEY,
        on_select=_open_clicked,
        selection_mode=("points", "box", "lasso"),
        config={"scrollZoom": True},
    )
    if grid is None:
        st.markdown(ui.plain(charts.describe_map(events, routes)))
    else:
        st.markdown(
            _(
                "{located:,} located events are drawn as a density grid of {cells:,} cells of "
                "{size:g}° (darker: more events). Box or lasso select cells to list their "
                "events; filter below {limit:,} events to see each point."
            ).format(
                located=located, cells=len(grid[0]), size=grid[1], limit=charts.MAP_POINT_LIMIT
            )
        )
    st.caption(
        f"{ui.filter_summary(filters, selection.count, ui.total(filters))}. A bigger circle stands "
        "for several events at one place (hover lists them); larger, paler circles are placed "
        "only to the oblast or country. Click a circle to open its event; drag to move the map "
        "and scroll to zoom. To list the events in an area, pick Box or Lasso Select in the "
        "toolbar (top right) and drag."
    )
    if filters.event:
        row = selection.event(filters.event)
        with st.container(border=True):
            if row is None:
                st.warning(f"No event {ui.plain(filters.event)} in the data.")
            else:
                ui.event_detail(row, data.events)
            st.button("Close event", icon=":material/close:", on_click=_close_event)
    cells, size = charts.selected_cells(chart.selection)
    if cells:
        selection = selection.in_cells(cells, size)
        events = None if selection.large else selection.frame()
        left, right = st.columns([4, 1])
        left.info(
            _("Map selection: {count:,} event(s) in {cells:,} cell(s).").format(
                count=selection.count, cells=len(cells)
            )
        )
        if right.button(_("Clear selection"), icon=":material/close:", key="clear_cells"):
            del st.session_state[MAP_KEY]
            st.rerun()
        if events is not None and len(events) <= charts.MAP_POINT_LIMIT:
            st.plotly_chart(
                charts.map_figure(events, ui.boundaries(), context=context, routes=False),
                width="stretch",
                key="selected_points",
            )
    picked = charts.selected_ids(chart.selection)
    if picked and not charts.clicked_event(chart.selection):
        events = events[events["event_id"].isin(picked)]
        left, right = st.columns([4, 1])
        left.info(
            f"Map selection: {len(events)} event(s). Table and timeline below show only these."
        )
        if right.button("Clear selection", icon=":material/close:"):
            del st.session_state[MAP_KEY]
            st.rerun()

if events is None:
    st.plotly_chart(
        charts.timeline_figure(
            selection.frame(["date", "kind"], limit=0),
            "month",
            counts=selection.period_counts("month"),
        ),
        width="stretch",
        key="map_timeline",
    )
    ui.paged_table(
        selection,
        ["event_id", "date", "kind", "title", "place", "admin1", "geo_precision", "source_url"]
        + (["distance_km"] if filters.near else []),
        "map_table",
        order="distance_km, date" if filters.near else "date DESC, event_id",
    )
elif events.empty:
    st.info("No events match these filters. Clear some filters in the sidebar.")
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
