"""Figures built from filtered events; pages only draw them.

Charts receive aggregates where the row count can grow (counts per period, per oblast), so the
browser never gets every raw row twice. One module per kind of chart, and one for the sentence
that says in words what each chart shows.
"""

from dashboard.charts.common import METRICS, UKRAINE_FILL, UKRAINE_ZOOM, _hover
from dashboard.charts.density import (
    MAP_POINT_LIMIT,
    cell_size,
    grid_counts,
    in_cells,
    selected_cells,
)
from dashboard.charts.maps import (
    circle,
    clicked_event,
    context_layers,
    map_figure,
    selected_ids,
    stack_points,
    view_for_bounds,
    zoom_for_radius,
)
from dashboard.charts.routes import deportation_routes
from dashboard.charts.sentences import (
    describe_choropleth,
    describe_map,
    describe_timeline,
    period_name,
    unshaded_text,
)
from dashboard.charts.shading import choropleth_figure, oblast_summary
from dashboard.charts.timeline import (
    LANE_POINT_LIMIT,
    PERIODS,
    counts_by_period,
    focus_range,
    lanes_figure,
    legal_milestones,
    milestone_rows,
    shade_period,
    timeline_figure,
)

__all__ = [
    "LANE_POINT_LIMIT",
    "MAP_POINT_LIMIT",
    "METRICS",
    "PERIODS",
    "UKRAINE_FILL",
    "UKRAINE_ZOOM",
    "_hover",
    "cell_size",
    "choropleth_figure",
    "circle",
    "clicked_event",
    "context_layers",
    "counts_by_period",
    "deportation_routes",
    "describe_choropleth",
    "describe_map",
    "describe_timeline",
    "focus_range",
    "grid_counts",
    "in_cells",
    "lanes_figure",
    "legal_milestones",
    "map_figure",
    "milestone_rows",
    "oblast_summary",
    "period_name",
    "selected_cells",
    "selected_ids",
    "shade_period",
    "stack_points",
    "timeline_figure",
    "unshaded_text",
    "view_for_bounds",
    "zoom_for_radius",
]
