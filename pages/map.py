"""Map: where events happened, as points or as oblast shading; click a point to open it, or
draw a box or lasso to list the events inside."""

import streamlit as st

from dashboard import basemap, charts, display, engine, i18n, ui
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
selection = ui.selection()
if events is None:
    ui.large_notice(selection)
context = basemap.load_context(i18n.language())
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
    summary = (
        selection.oblast_summary(list(OBLAST_NAMES))
        if events is None
        else charts.oblast_summary(events, list(OBLAST_NAMES))
    )
    st.plotly_chart(
        charts.choropleth_figure(summary, ui.boundaries(), metric, oblast_names, context),
        width="stretch",
        key="choropleth",
    )
    st.markdown(ui.plain(charts.describe_choropleth(summary, metric, oblast_names)))
    st.caption(
        f"{ui.filter_summary(filters, selection.count, ui.total(filters))}. "
        + (ui.plain(charts.unshaded_text(events)) if events is not None else "")
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
    located, *box = selection.extent()
    grid = None
    if located > charts.MAP_POINT_LIMIT:
        size = charts.cell_size(*box)
        grid = (selection.grid(size), size)
    drawn = events
    if events is None:  # many rows but few located: draw those (grid: no points needed)
        drawn = selection.frame(extra=["lat IS NOT NULL"], limit=0 if grid else None)
    routes = routes and grid is None
    route_rows = charts.deportation_routes(drawn) if routes else None  # drawn and described
    chart = st.plotly_chart(
        charts.map_figure(
            drawn,
            ui.boundaries(),
            near,
            filters.radius_km if near else None,
            context,
            routes,
            grid=grid,
            route_rows=route_rows,
        ),
        width="stretch",
        key=MAP_KEY,
        on_select=_open_clicked,
        selection_mode=("points", "box", "lasso"),
        config={"scrollZoom": True},
    )
    if grid is None:
        described = drawn if events is None else events
        st.markdown(ui.plain(charts.describe_map(described, routes, route_rows)))
    else:
        st.markdown(
            _(
                "{located} located events are drawn as a density grid of {cells} cells of "
                "{size}° (darker: more events). Box or lasso select cells to list their "
                "events; filter below {limit} events to see each point."
            ).format(
                located=i18n.number(located),
                cells=i18n.number(len(grid[0])),
                size=f"{grid[1]:g}",
                limit=i18n.number(charts.MAP_POINT_LIMIT),
            )
        )
    st.caption(
        f"{ui.filter_summary(filters, selection.count, ui.total(filters))}. "
        + _(
            "A bigger circle stands for several events at one place (hover lists them); larger, "
            "paler circles are placed only to the oblast or country. Click a circle to open its "
            "event; drag to move the map and scroll to zoom. To list the events in an area, pick "
            "Box or Lasso Select in the toolbar (top right) and drag."
        )
    )
    if filters.event:
        row = ui.find_event(selection, filters.event)
        with st.container(border=True):
            if row is None:
                st.warning(_("No event {event} in the data.").format(event=ui.plain(filters.event)))
            else:
                ui.event_detail(row, data.events)
            st.button(_("Close event"), icon="✖", on_click=_close_event)
    cells, size = charts.selected_cells(chart.selection)
    if cells:
        selection = selection.in_cells(cells, size)
        events = None if selection.large else display.localized(selection.frame())
        left, right = st.columns([4, 1])
        left.info(
            i18n.ngettext(
                "Map selection: {count} event in {cells} cells.",
                "Map selection: {count} events in {cells} cells.",
                selection.count,
            ).format(count=i18n.number(selection.count), cells=i18n.number(len(cells)))
        )
        if right.button(_("Clear selection"), icon="✖", key="clear_cells"):
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
            i18n.ngettext(
                "Map selection: {n} event. Table and timeline below show only it.",
                "Map selection: {n} events. Table and timeline below show only these.",
                len(events),
            ).format(n=i18n.number(len(events)))
        )
        if right.button(_("Clear selection"), icon="✖"):
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
    if len(shown) > charts.MAP_POINT_LIMIT and len(shown) == selection.count:
        # As many rows as the map draws a grid for: one page at a time, in the same order.
        order = "distance_km, date, event_id, dataset" if "distance_km" in events else None
        ui.paged_table(selection, columns, "map_table", order=order or engine.ORDER)
    else:
        ui.event_table(shown[columns])
